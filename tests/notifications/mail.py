"""Reading the emails Django's locmem backend kept (`django.core.mail.outbox`)."""

import re

from django.conf import settings
from django.core import mail


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def reset_token_in(message: mail.EmailMessage) -> str:
    """The token of the reset link the email carries (PASSWORD_RESET_URL's `{token}`)."""
    before, _, after = str(settings.PASSWORD_RESET_URL).partition("{token}")
    found = re.search(
        re.escape(before) + r"([A-Za-z0-9_\-]+)" + re.escape(after), str(message.body)
    )
    assert found, f"no reset link in {message.body!r}"
    return found.group(1)
