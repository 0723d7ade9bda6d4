"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, parsed as a mail
app would (``email``, policy=default), and delivery of the outbox to it."""

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email import policy as email_policy
from email.message import Message

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI

from backend.core.config import Settings
from backend.notifications.senders import create_sender
from backend.notifications.service import deliver_pending
from tests.support.postgres import free_port


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        assert isinstance(envelope.content, bytes)
        self.messages.append(message_from_bytes(envelope.content, policy=email_policy.default))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A running server and its port; what it receives lands in the mailbox."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


def deliver(app: FastAPI, settings: Settings, port: int) -> int:
    """Deliver the outbox through the SMTP server on ``port``; how many were sent."""
    smtp_settings = Settings.model_validate(
        settings.model_dump()
        | {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    )
    return deliver_pending(app.state.session_factory, create_sender(smtp_settings))
