"""An email backend that takes its time, like a real mail server: it widens the window in
which two runs can send the same email at once."""

import time
from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends import locmem

SEND_SECONDS = 0.3


class SlowLocmemBackend(locmem.EmailBackend):
    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        time.sleep(SEND_SECONDS)
        return super().send_messages(messages)
