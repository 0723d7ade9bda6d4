"""Where email goes: a real SMTP server when one is configured, else (in development) the log."""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from backend.core.config import Settings
from backend.notifications.html import html_of

logger = logging.getLogger(__name__)


class EmailSender(Protocol):
    def send(self, *, to_address: str, subject: str, body_text: str) -> None: ...


class LogSender:
    """Development without SMTP: each email is written to the log so links can be followed.
    In production it logs only that mail could not be sent, never the content."""

    def __init__(self, *, include_content: bool) -> None:
        self.include_content = include_content

    def send(self, *, to_address: str, subject: str, body_text: str) -> None:
        if self.include_content:
            logger.info(
                "email (not sent, no SMTP configured)\nTo: %s\nSubject: %s\n\n%s",
                to_address,
                subject,
                body_text,
            )
        else:
            logger.warning("email not sent: set CIRCLES_SMTP_HOST to deliver email")


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        assert settings.smtp_host is not None
        self.settings = settings

    def send(self, *, to_address: str, subject: str, body_text: str) -> None:
        settings = self.settings
        message = EmailMessage()
        message["From"] = settings.smtp_from
        message["To"] = to_address
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="strength-circles")
        # Plain text first, then the same words as accessible HTML: mail apps show the last
        # part they can (RFC 2046 multipart/alternative).
        message.set_content(body_text)
        message.add_alternative(html_of(subject, body_text), subtype="html")
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


def create_sender(settings: Settings) -> EmailSender:
    if settings.smtp_host:
        return SmtpSender(settings)
    return LogSender(include_content=not settings.is_production)
