"""Delivering the email outbox: retries on their schedule, failures kept for staff, the log
naming no one, exactly once with two deliverers at once, a dead worker's claim taken over;
and the .ics a meeting's email carries."""

import logging
import smtplib
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage

import icalendar
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from backend.core.clock import use_time_source
from backend.notifications import delivery
from backend.notifications.models import OutboxMessage
from backend.notifications.senders import Email, compose
from backend.notifications.service import (
    KEEP_FAILED,
    KEEP_SENT_EMAIL,
    deliver_pending,
    enqueue_email,
    forget_delivered,
)

ADDRESS = "quiet.lantern@example.org"
SUBJECT = "Your waitlist place"
START = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)


class Failing:
    """A mail server that is down, and says so naming the message."""

    def __init__(self) -> None:
        self.tries = 0

    def send(self, email: Email) -> None:
        self.tries += 1
        raise smtplib.SMTPServerDisconnected(f"lost {email.to_address} sending {email.subject}")


class Recording:
    """A mail server that takes a moment per message and remembers what it got."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.got: list[str] = []
        self.lock = threading.Lock()

    def send(self, email: Email) -> None:
        time.sleep(self.seconds)
        with self.lock:
            self.got.append(email.to_address)


class Moment:
    """The app's clock, standing still until moved."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def moment() -> Iterator[Moment]:
    clock = Moment(START)
    with use_time_source(clock):
        yield clock


def factory(app: FastAPI) -> sessionmaker[Session]:
    session_factory: sessionmaker[Session] = app.state.session_factory
    return session_factory


def queue(app: FastAPI, count: int = 1, to: Callable[[int], str] = lambda n: ADDRESS) -> None:
    with factory(app).begin() as db:
        for number in range(count):
            enqueue_email(
                db, to_address=to(number), subject=SUBJECT, body_text="Hello.", user_id=None
            )


def the_message(app: FastAPI) -> OutboxMessage:
    with factory(app)() as db:
        message = db.scalars(select(OutboxMessage)).one()
        db.expunge(message)
    return message


def test_the_waits_grow_threefold_up_to_six_hours() -> None:
    waits = [delivery.retry_wait(n).total_seconds() for n in range(1, 10)]
    assert waits == [30, 90, 270, 810, 2430, 7290, 21600, 21600, 21600]


def test_a_failing_message_is_retried_on_its_schedule_then_kept_as_failed(
    app: FastAPI, moment: Moment, caplog: pytest.LogCaptureFixture
) -> None:
    queue(app)
    sender = Failing()
    with caplog.at_level(logging.DEBUG, logger="backend.notifications"):
        for attempt in range(1, delivery.MAX_ATTEMPTS + 1):
            assert deliver_pending(factory(app), sender) == 0
            assert sender.tries == attempt
            message = the_message(app)
            assert message.attempts == attempt
            assert message.sent_at is None
            assert message.claimed_at is None  # free for the next try
            assert message.last_error is not None
            assert message.last_error.startswith("SMTPServerDisconnected: ")
            if attempt == delivery.MAX_ATTEMPTS:
                break
            assert message.failed_at is None
            assert message.next_attempt_at == moment.now + delivery.retry_wait(attempt)
            # Not a moment before its time, however often the worker looks.
            moment.now = message.next_attempt_at - timedelta(seconds=1)
            assert deliver_pending(factory(app), sender) == 0
            assert sender.tries == attempt
            assert the_message(app).attempts == attempt
            moment.now = message.next_attempt_at

    failed = the_message(app)
    assert failed.failed_at == moment.now
    assert failed.attempts == delivery.MAX_ATTEMPTS
    # Kept, with its error, and never tried again.
    for later in (timedelta(hours=6), timedelta(days=30)):
        moment.now = failed.failed_at + later
        assert deliver_pending(factory(app), sender) == 0
    assert sender.tries == delivery.MAX_ATTEMPTS
    assert the_message(app).attempts == delivery.MAX_ATTEMPTS

    # The log names the kind of error only: never the address, the subject or their words.
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == delivery.MAX_ATTEMPTS
    for line in lines:
        assert "SMTPServerDisconnected" in line
        assert ADDRESS not in line
        assert SUBJECT not in line
        assert "lost" not in line


def test_a_message_that_fails_once_goes_on_the_next_try(app: FastAPI, moment: Moment) -> None:
    queue(app)
    assert deliver_pending(factory(app), Failing()) == 0
    moment.now = the_message(app).next_attempt_at or START
    sender = Recording()
    assert deliver_pending(factory(app), sender) == 1
    assert sender.got == [ADDRESS]
    sent = the_message(app)
    assert sent.sent_at == moment.now
    assert sent.attempts == 2
    assert deliver_pending(factory(app), sender) == 0  # sent once


@pytest.mark.real_commits  # two deliverers, each with sessions of its own
def test_two_deliverers_at_once_send_each_message_exactly_once(app: FastAPI) -> None:
    count = 12
    queue(app, count, to=lambda n: f"person{n}@example.org")
    sender = Recording(seconds=0.02)
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def deliverer() -> None:
        try:
            start.wait(timeout=10)
            results.append(deliver_pending(factory(app), sender))
        except BaseException as exc:  # a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(results) == 2
    assert sorted(sender.got) == sorted(f"person{n}@example.org" for n in range(count))
    assert sum(results) == count
    with factory(app)() as db:
        rows = db.scalars(select(OutboxMessage)).all()
        assert all(row.sent_at is not None and row.attempts == 1 for row in rows)


def test_a_dead_workers_claim_is_taken_over_after_the_timeout(app: FastAPI, moment: Moment) -> None:
    queue(app)
    claimed = moment.now - delivery.CLAIM_TIMEOUT + timedelta(seconds=1)
    with factory(app).begin() as db:
        # A worker claimed it, then died before sending.
        db.execute(update(OutboxMessage).values(claimed_at=claimed, attempts=1))
    sender = Recording()
    assert deliver_pending(factory(app), sender) == 0  # it may still be sending
    moment.now = claimed + delivery.CLAIM_TIMEOUT + timedelta(seconds=1)
    assert deliver_pending(factory(app), sender) == 1
    assert sender.got == [ADDRESS]
    message = the_message(app)
    assert message.attempts == 2
    assert message.sent_at == moment.now


# --- the calendar file --------------------------------------------------------------------------


def meeting_calendar() -> str:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Strength Circles//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"{uuid.uuid4()}@strength-circles")
    event.add("sequence", 0)
    event.add("dtstamp", START)
    event.add("dtstart", START + timedelta(days=1))
    event.add("dtend", START + timedelta(days=1, hours=1))
    event.add("summary", "Your circle's meeting")
    calendar.add_component(event)
    text: str = calendar.to_ical().decode()
    return text


def as_received(message: EmailMessage) -> EmailMessage:
    """The message as a mail app parses it after SMTP: its bytes, read back."""
    parsed = message_from_bytes(bytes(message), policy=email_policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_a_meetings_email_carries_its_ics_file() -> None:
    text = meeting_calendar()
    email = Email(
        to_address=ADDRESS,
        subject="You are going",
        body_text="Hello,\n\nSee you there.\n",
        unsubscribe_url="https://circles.example.org/api/v1/unsubscribe/x",
        calendar=text,
    )
    message = as_received(compose(email, sender="Strength Circles <circles@example.org>"))
    assert message.get_content_type() == "multipart/mixed"
    body, attachment = message.iter_parts()
    assert body.get_content_type() == "multipart/alternative"
    assert isinstance(attachment, EmailMessage)
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "meeting.ics"
    assert attachment.is_attachment()
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    (event,) = calendar.walk("VEVENT")
    assert event["summary"] == "Your circle's meeting"
    assert event.decoded("dtstart") == START + timedelta(days=1)
    assert str(event["uid"]) == str(icalendar.Calendar.from_ical(text).walk("VEVENT")[0]["uid"])
    # The words are still there, plain and HTML; the unsubscribe headers too.
    assert message.get_body(("plain",)) is not None
    assert message.get_body(("html",)) is not None
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_email_without_a_meeting_has_no_attachment() -> None:
    message = as_received(
        compose(Email(ADDRESS, "News", "Hello.\n"), sender="Strength Circles <c@example.org>")
    )
    assert message.get_content_type() == "multipart/alternative"
    assert list(message.iter_attachments()) == []
    assert "List-Unsubscribe" not in message


def test_delivered_email_is_forgotten_after_a_month_and_waiting_email_never(
    app: FastAPI, moment: Moment
) -> None:
    queue(app, count=3)
    # One is sent, one fails for good, one still waits (its server is down).
    with factory(app).begin() as db:
        sent, failed, waiting = db.scalars(select(OutboxMessage.id)).all()
        db.execute(update(OutboxMessage).where(OutboxMessage.id == sent).values(sent_at=START))
        db.execute(update(OutboxMessage).where(OutboxMessage.id == failed).values(failed_at=START))

    def left() -> set[uuid.UUID]:
        with factory(app).begin() as db:
            forget_delivered(db, app.state.settings)
        with factory(app)() as db:
            return set(db.scalars(select(OutboxMessage.id)))

    moment.now = START + KEEP_SENT_EMAIL - timedelta(minutes=1)
    assert left() == {sent, failed, waiting}
    moment.now = START + KEEP_SENT_EMAIL + timedelta(minutes=1)
    assert left() == {failed, waiting}  # failures are kept longer, for staff to look into
    moment.now = START + KEEP_FAILED + timedelta(days=365)
    assert left() == {waiting}
