"""Reading the emails a test's process kept (locmem: `django.core.mail.outbox`) or a worker
process wrote (`EMAIL_URL=filemail://…`)."""

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from django.conf import settings
from django.core import mail


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def reset_token_in(message: mail.EmailMessage) -> str:
    """The token of the reset link the email carries (PASSWORD_RESET_URL's `{token}`)."""
    return reset_token_in_text(str(message.body))


def filed_emails(folder: Path) -> list[EmailMessage]:
    """Every email a process sent with `EMAIL_URL=filemail://<folder>` (Django's file backend:
    one file per connection, messages separated by a line of 79 dashes)."""
    separator = b"\n" + b"-" * 79 + b"\n"
    chunks = (
        chunk
        for path in sorted(folder.glob("*.log"))
        for chunk in path.read_bytes().split(separator)
    )
    return [message_from_bytes(chunk, policy=policy.default) for chunk in chunks if chunk.strip()]


def text_of(message: EmailMessage) -> str:
    """The plain-text part of an email read back (parsed with the default policy)."""
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, "no text/plain part"
    text: str = body.get_content()
    return text


def reset_token_in_text(text: str) -> str:
    """The token of the reset link in an email's text (PASSWORD_RESET_URL's `{token}`)."""
    before, _, after = str(settings.PASSWORD_RESET_URL).partition("{token}")
    found = re.search(re.escape(before) + r"([A-Za-z0-9_\-]+)" + re.escape(after), text)
    assert found, f"no reset link in {text!r}"
    return found.group(1)
