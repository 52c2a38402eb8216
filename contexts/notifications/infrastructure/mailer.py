"""Emails rendered from Django templates and sent through Django's email backend
(`EMAIL_URL`: console in embedded mode, SMTP in production, locmem in tests).

Each template is three files under `templates/notifications/<template>/`: `subject.txt`,
`body.txt` (the plain text) and `body.html` (the alternative for mail readers that show HTML).
The text files turn autoescaping off: a name like O'Brien is written as it is, not as HTML.
"""

import smtplib

import structlog
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from contexts.notifications.application.ports import Mailer, MailNotSent
from contexts.notifications.domain.emails import Email

logger = structlog.get_logger(__name__)


class RenderedEmail:
    def __init__(self, email: Email) -> None:
        context = dict(email.context)
        folder = f"notifications/{email.template.value}"
        subject = render_to_string(f"{folder}/subject.txt", context)
        self.subject = " ".join(subject.split())  # one line, whatever the template's layout
        self.text = render_to_string(f"{folder}/body.txt", context)
        self.html = render_to_string(f"{folder}/body.html", context)


class DjangoTemplateMailer(Mailer):
    def send(self, email: Email) -> None:
        rendered = RenderedEmail(email)
        message = EmailMultiAlternatives(
            subject=rendered.subject,
            body=rendered.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
        )
        message.attach_alternative(rendered.html, "text/html")
        try:
            message.send()
        except (OSError, smtplib.SMTPException) as error:  # refused, unreachable, timed out
            raise MailNotSent(f"{type(error).__name__}: {error}") from error
        logger.info("email_sent", template=email.template.value)  # never the content
