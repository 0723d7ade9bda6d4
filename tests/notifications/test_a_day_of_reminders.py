"""Issue 17's "done when": with a real SMTP server on loopback and the app's clock moved through
a day and a half in five-minute steps, the worker (all its jobs, as production runs them) sends a
member going to two meetings the reminders they chose at the right local times, none for the
meeting that was cancelled, none in their quiet hours; the notification centre lists them;
one-click unsubscribe (the List-Unsubscribe address, POSTed as a mail app does) stops the emails
while the centre keeps listing them; and a push service on loopback verifies and decrypts the
same reminders on the member's phone."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.core.clock import utcnow
from backend.core.config import Settings
from backend.core.events import bus
from backend.notifications.senders import create_sender
from backend.worker import Worker
from tests.sessions.conftest import make_circle, one_off
from tests.sessions.test_reminders import going, live_in, settings_of
from tests.support.clock import Clock
from tests.support.postgres import free_port
from tests.support.push_receiver import PushReceiver

CHICAGO = ZoneInfo("America/Chicago")
STEP = timedelta(minutes=5)


def chicago(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2026 in Chicago (CST, before the change to daylight time)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=CHICAGO)


@dataclass
class Inbox:
    """The SMTP server's side: each message with the app's time it arrived at."""

    received: list[tuple[datetime, EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        assert isinstance(envelope.content, bytes)
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append((utcnow(), message))
        return "250 OK"

    def reminders(self) -> list[tuple[datetime, EmailMessage]]:
        return [(at, m) for at, m in self.received if str(m["Subject"]).startswith("Reminder:")]


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box, port = Inbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture
def phone(client: TestClient) -> Iterator[PushReceiver]:
    receiver = PushReceiver(expected_key=client.get("/api/v1/push/key").json()["public_key"])
    receiver.start()
    try:
        yield receiver
    finally:
        receiver.stop()
    assert receiver.refusals() == []


def through(worker: Worker, clock: Clock, until: datetime) -> None:
    """Move the clock in steps to ``until``, one worker round at each (bounded by the span).
    Each step sets the moment afresh, so the real time a round takes never adds up."""
    start = clock.now().replace(second=0, microsecond=0)
    for step in range(int((until - start) / STEP) + 1):
        clock.set(start + step * STEP)
        worker.run_once()


def minute(at: datetime) -> datetime:
    """When a message arrived, to the minute (a round takes well under one)."""
    return at.astimezone(CHICAGO).replace(second=0, microsecond=0)


def test_a_member_gets_the_reminders_they_chose_at_the_right_local_times(
    client: TestClient,
    app: FastAPI,
    settings: Settings,
    clock: Clock,
    inbox: tuple[Inbox, int],
    phone: PushReceiver,
) -> None:
    box, port = inbox
    mail = Settings.model_validate(
        settings.model_dump()
        | {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none"}
    )
    # The worker's own clock for its jobs follows the app's, so a job every minute runs at
    # every step as it would in a real day.
    worker = Worker(
        app.state.session_factory,
        mail,
        create_sender(mail),
        bus.jobs,
        monotonic=lambda: clock.now().timestamp(),
    )
    clock.set(chicago(2, 6, 0).astimezone(UTC))  # Monday, 6 am in Chicago
    circle = make_circle(client, members=1)
    member = circle.members[0]
    live_in(client, member, "America/Chicago")
    settings_of(client, member, quiet_hours={"start": "21:00", "end": "07:00"})
    subscribed = client.post(
        "/api/v1/me/push-subscriptions",
        headers=member.headers,
        json=phone.device("member").subscription,
    )
    assert subscribed.status_code == 201, subscribed.text
    early = one_off(client, circle, chicago(3, 7, 30), timezone="America/Chicago")
    evening = one_off(client, circle, chicago(3, 19, 0), timezone="America/Chicago")
    called_off = one_off(client, circle, chicago(3, 12, 0), timezone="America/Chicago")
    for meeting in (early, evening, called_off):
        going(client, member, meeting)
    cancel = client.patch(
        f"/api/v1/sessions/{called_off['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    assert cancel.status_code == 200, cancel.text

    through(worker, clock, chicago(3, 20, 0).astimezone(UTC))

    sent = [(minute(at), str(m["Subject"])) for at, m in box.reminders()]
    assert sent == [
        # The day before each, at the meeting's time the day before.
        (chicago(2, 7, 30), "Reminder: your circle meeting tomorrow at 7:30 am"),
        (chicago(2, 19, 0), "Reminder: your circle meeting tomorrow at 7:00 pm"),
        # The hour before 7:30 am is in quiet hours: it comes before they begin, the evening
        # before (at 8:45 pm).
        (chicago(2, 20, 45), "Reminder: your circle meeting tomorrow at 7:30 am"),
        (chicago(3, 18, 0), "Reminder: your circle meeting today at 7:00 pm"),
    ]
    # None for the cancelled meeting: its cancellation was the only word about it, and it
    # waited for the quiet hours to end (7 am). Nothing else arrived in them but the answers
    # to the member's own RSVPs, which come at once.
    assert not any("12:00 pm" in subject for _, subject in sent)
    mine = [(at, m) for at, m in box.received if m["To"] == member.email]
    for at, message in mine:
        local = at.astimezone(CHICAGO).time()
        if str(message["Subject"]) != "You are going to a circle meeting":
            assert time(7, 0) <= local < time(21, 0), (at, message["Subject"])
    (cancellation,) = [
        minute(at)
        for at, m in box.received
        if m["Subject"] == "A circle meeting has been cancelled"
    ]
    assert cancellation == chicago(2, 7, 0)
    # The join link only in the hour-before ones.
    bodies = [m.get_body(("plain",)).get_content() for _, m in box.reminders()]  # type: ignore[union-attr]
    assert [circle.group.online_url in body for body in bodies] == [False, False, True, True]

    # The phone verified the push service's VAPID signature, decrypted each one, and shows
    # the same words, with the meeting to open.
    pushed = [p for p in phone.delivered("member") if p["title"].startswith("Reminder:")]
    assert [p["title"] for p in pushed] == [subject for _, subject in sent]
    assert {p["url"] for p in pushed} == {f"/meetings/{early['id']}", f"/meetings/{evening['id']}"}
    assert all(circle.group.name not in p["title"] + p["body"] for p in pushed)

    # The notification centre lists the same four.
    centre = client.get("/api/v1/me/notifications", headers=member.headers).json()
    titles = [n["title"] for n in centre["items"] if n["kind"] == "reminders"]
    assert titles == [subject for _, subject in reversed(sent)]

    # One click in the mail app: a POST to the List-Unsubscribe address, no sign-in.
    last = box.reminders()[-1][1]
    assert last["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    address = str(last["List-Unsubscribe"]).strip("<>")
    one_click = client.post(
        urlsplit(address).path,
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert one_click.status_code == 200, one_click.text
    thursday = one_off(client, circle, chicago(5, 19, 0), timezone="America/Chicago")
    going(client, member, thursday)
    before = len(box.received)
    through(worker, clock, chicago(5, 18, 30).astimezone(UTC))
    # No more reminder emails, but the centre and the phone still have them.
    assert box.reminders()[len(sent) :] == []
    assert all(not str(m["Subject"]).startswith("Reminder:") for _, m in box.received[before:])
    centre = client.get("/api/v1/me/notifications", headers=member.headers).json()
    thursdays = [
        "Reminder: your circle meeting tomorrow at 7:00 pm",
        "Reminder: your circle meeting today at 7:00 pm",
    ]
    assert [n["title"] for n in centre["items"][:2]] == list(reversed(thursdays))
    assert [p["title"] for p in phone.delivered("member")][-2:] == thursdays
