"""Where email goes: a real SMTP server when one is configured, else (in development) the log."""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from backend.core.config import Settings
from backend.notifications.html import html_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Email:
    to_address: str
    subject: str
    body_text: str
    # The one-click unsubscribe address (RFC 8058), for emails a person can switch off.
    unsubscribe_url: str | None = None
    # An iCalendar file to attach (a meeting the person said they would go to).
    calendar: str | None = None


class EmailSender(Protocol):
    def send(self, email: Email) -> None: ...


class LogSender:
    """Development without SMTP: each email is written to the log so links can be followed.
    In production it logs only that mail could not be sent, never the content."""

    def __init__(self, *, include_content: bool) -> None:
        self.include_content = include_content

    def send(self, email: Email) -> None:
        if self.include_content:
            logger.info(
                "email (not sent, no SMTP configured)\nTo: %s\nSubject: %s\n\n%s",
                email.to_address,
                email.subject,
                email.body_text,
            )
        else:
            logger.warning("email not sent: set CIRCLES_SMTP_HOST to deliver email")


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self.settings = settings

    def send(self, email: Email) -> None:
        settings = self.settings
        message = compose(email, sender=settings.smtp_from)
        host, port = settings.smtp_host or "", settings.smtp_port
        timeout = settings.smtp_timeout_seconds
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if settings.smtp_security == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if settings.smtp_security == "starttls":
                smtp.starttls(context=context)
            if settings.smtp_username and settings.smtp_password:
                smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
            smtp.send_message(message)


def compose(email: Email, *, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(domain="strength-circles")
    if email.unsubscribe_url:
        # RFC 8058: a mail app offers "unsubscribe" and POSTs to the address itself, with no
        # sign-in and no page to find.
        message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    # Plain text first, then the same words as accessible HTML: mail apps show the last
    # part they can (RFC 2046 multipart/alternative).
    message.set_content(email.body_text)
    message.add_alternative(html_of(email.subject, email.body_text), subtype="html")
    if email.calendar:
        # Mail and calendar apps offer to add the meeting; it updates the same event later
        # (same UID, higher SEQUENCE).
        message.add_attachment(email.calendar, subtype="calendar", filename="meeting.ics")
    return message


def create_sender(settings: Settings) -> EmailSender:
    if settings.smtp_host:
        return SmtpSender(settings)
    return LogSender(include_content=not settings.is_production)
