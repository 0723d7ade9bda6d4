"""Production's log never holds an email: without SMTP the log sender says only that mail was
not sent, and a delivery that fails logs the kind of error, never the address, subject, body
or the server's words about them."""

import logging
import smtplib

import pytest
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from backend.core.config import Settings
from backend.notifications import service
from backend.notifications.senders import Email, LogSender, create_sender

ADDRESS = "quiet.lantern@example.org"
SUBJECT = "Reset your Strength Circles password"
BODY = "Open https://circles.example.org/reset-password?token=SECRET-TOKEN-123 within an hour."
EMAIL = Email(to_address=ADDRESS, subject=SUBJECT, body_text=BODY)


def logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() for record in caplog.records)


def test_production_without_smtp_logs_that_mail_was_not_sent_and_nothing_of_it(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    production = Settings.model_validate(
        settings.model_dump() | {"env": "production", "smtp_host": None}
    )
    sender = create_sender(production)
    assert isinstance(sender, LogSender)
    with caplog.at_level(logging.DEBUG):
        sender.send(EMAIL)
    text = logged(caplog)
    assert "email not sent" in text
    for secret in (ADDRESS, SUBJECT, "SECRET-TOKEN-123", "reset-password"):
        assert secret not in text


def test_development_without_smtp_logs_the_email_so_links_can_be_followed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO):
        LogSender(include_content=True).send(EMAIL)
    assert "SECRET-TOKEN-123" in logged(caplog)  # the test above could fail


class Refusing:
    """An SMTP server that refuses the recipient, naming it in its answer."""

    def send(self, email: Email) -> None:
        raise smtplib.SMTPRecipientsRefused(
            {email.to_address: (550, f"{email.to_address}: {email.subject}".encode())}
        )


def test_a_failed_delivery_logs_the_kind_of_error_only(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    session_factory: sessionmaker[Session] = app.state.session_factory
    with session_factory.begin() as db:
        service.enqueue_email(db, to_address=ADDRESS, subject=SUBJECT, body_text=BODY, user_id=None)
        db.flush()
    with caplog.at_level(logging.DEBUG):
        assert service.deliver_pending(session_factory, Refusing()) == 0
    text = logged(caplog)
    assert "SMTPRecipientsRefused" in text
    for secret in (ADDRESS, SUBJECT, "SECRET-TOKEN-123"):
        assert secret not in text
