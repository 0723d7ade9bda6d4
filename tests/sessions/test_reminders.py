"""Reminders before the meetings a member is going to, and the facilitators' morning summary:
due at the right local moment, shifted out of quiet hours, sent once, and never for a meeting
that was cancelled, that the member left, or whose circle they left."""

import threading
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.core.events import Job
from backend.notifications.models import Notification, NotificationKind, OutboxMessage
from backend.notifications.preferences import Preferences
from backend.sessions import reminders
from backend.worker import Worker
from tests.factories import Person, emails_to
from tests.sessions.conftest import Circle, make_circle, one_off
from tests.support.clock import Clock
from tests.support.statements import counted

CHICAGO = "America/Chicago"
# Tuesday 3 March 2026, 7 pm in Chicago (CST, UTC-6).
MEETING = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)
BEFORE_EVERYTHING = datetime(2026, 3, 1, 12, tzinfo=UTC)


def run(app: FastAPI, job: Any = reminders.send_reminders) -> int:
    with app.state.session_factory.begin() as db:
        sent: int = job(db, app.state.settings)
    return sent


def going(client: TestClient, person: Person, session: dict[str, object]) -> None:
    response = client.put(
        f"/api/v1/sessions/{session['id']}/rsvp", headers=person.headers, json={"status": "going"}
    )
    assert response.status_code == 200, response.text


def settings_of(client: TestClient, person: Person, **changes: object) -> None:
    response = client.patch(
        "/api/v1/me/notification-settings", headers=person.headers, json=changes
    )
    assert response.status_code == 200, response.text


def live_in(client: TestClient, person: Person, timezone: str) -> None:
    response = client.patch("/api/v1/me", headers=person.headers, json={"timezone": timezone})
    assert response.status_code == 200, response.text


def reminders_to(app: FastAPI, person: Person) -> list[OutboxMessage]:
    return [m for m in emails_to(app, person.email) if m.kind == NotificationKind.reminders]


def scene(client: TestClient, clock: Clock, **group: object) -> tuple[Circle, Person, Any]:
    clock.set(BEFORE_EVERYTHING)
    circle = make_circle(client, members=1, **group)
    member = circle.members[0]
    live_in(client, member, CHICAGO)
    session = one_off(client, circle, MEETING, timezone=CHICAGO)
    going(client, member, session)
    return circle, member, session


# --- when a reminder is due ------------------------------------------------------------------


def test_a_reminder_in_quiet_hours_comes_just_before_they_begin() -> None:
    quiet = Preferences(quiet_hours_start=time(22, 0), quiet_hours_end=time(8, 0))
    # An 8:30 am meeting: its hour-before reminder (7:30) is in quiet hours, so it comes at
    # 9:45 pm the evening before.
    starts = datetime(2026, 3, 4, 14, 30, tzinfo=UTC)  # 8:30 am in Chicago
    due = reminders.due_at(reminders.HOUR_BEFORE, starts, quiet, CHICAGO)
    assert due == datetime(2026, 3, 4, 3, 45, tzinfo=UTC)  # 9:45 pm on the 3rd
    # Outside quiet hours nothing moves.
    assert reminders.due_at(reminders.DAY_BEFORE, MEETING, quiet, CHICAGO) == MEETING - timedelta(
        hours=24
    )
    assert reminders.due_at(reminders.HOUR_BEFORE, starts, Preferences(), CHICAGO) == starts - (
        timedelta(hours=1)
    )


# --- the job ----------------------------------------------------------------------------------


def test_the_day_before_and_the_hour_before_each_come_once_at_their_time(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle, member, session = scene(client, clock)
    clock.set(MEETING - timedelta(hours=24, minutes=1))
    assert run(app) == 0
    clock.set(MEETING - timedelta(hours=24))
    assert run(app) == 1
    assert run(app) == 0  # once
    (day,) = reminders_to(app, member)
    assert day.subject == "Reminder: your circle meeting tomorrow at 7:00 pm"
    assert "7:00 pm (America/Chicago time) on Tuesday, 3 March" in day.body_text
    # The join link only comes an hour before.
    assert "meet.example.org" not in day.body_text
    assert circle.group.name not in day.subject + day.body_text
    assert day.unsubscribe_url is not None

    clock.set(MEETING - timedelta(minutes=61))
    assert run(app) == 0
    clock.set(MEETING - timedelta(minutes=60))
    assert run(app) == 1
    assert run(app) == 0
    _, hour = reminders_to(app, member)
    assert hour.subject == "Reminder: your circle meeting today at 7:00 pm"
    assert f"To join online: {circle.group.online_url}" in hour.body_text

    listed = client.get("/api/v1/me/notifications", headers=member.headers).json()
    assert [n["title"] for n in listed["items"]] == [hour.subject, day.subject]
    assert listed["items"][0]["link"] == f"/meetings/{session['id']}"


def test_no_reminder_for_a_cancelled_meeting_one_left_or_a_circle_left(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(BEFORE_EVERYTHING)
    circle = make_circle(client, members=3)
    cancelled_for, stays_away, leaves_circle = circle.members
    live_in(client, cancelled_for, CHICAGO)
    kept = one_off(client, circle, MEETING, timezone=CHICAGO)
    called_off = one_off(client, circle, MEETING + timedelta(hours=2), timezone=CHICAGO)
    for person in circle.members:
        going(client, person, kept)
    going(client, cancelled_for, called_off)
    cancel = client.patch(
        f"/api/v1/sessions/{called_off['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    assert cancel.status_code == 200, cancel.text
    not_going = client.put(
        f"/api/v1/sessions/{kept['id']}/rsvp",
        headers=stays_away.headers,
        json={"status": "not_going"},
    )
    assert not_going.status_code == 200
    leave = client.delete(
        f"/api/v1/groups/{circle.group.id}/members/{leaves_circle.user.id}",
        headers=leaves_circle.headers,
    )
    assert leave.status_code in (200, 204), leave.text

    clock.set(MEETING - timedelta(hours=1))  # a reminder of each meeting is due
    run(app)
    assert [m.subject for m in reminders_to(app, cancelled_for)] == [
        "Reminder: your circle meeting today at 7:00 pm"  # the kept meeting only
    ]
    assert reminders_to(app, stays_away) == []
    assert reminders_to(app, leaves_circle) == []


def test_choices_are_kept_quiet_hours_respected_and_circles_named_only_when_chosen(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle, member, _ = scene(client, clock)
    settings_of(
        client,
        member,
        reminders={"day_before": False},
        # 6 pm to 10 am: the hour-before reminder (6 pm) is in them.
        quiet_hours={"start": "18:00", "end": "10:00"},
        name_circles=True,
    )
    clock.set(MEETING - timedelta(hours=24))
    assert run(app) == 0  # the day-before reminder is off
    # Due a quarter of an hour before quiet hours begin: 5:45 pm.
    clock.set(MEETING - timedelta(hours=1, minutes=16))
    assert run(app) == 0
    clock.set(MEETING - timedelta(hours=1, minutes=15))
    assert run(app) == 1
    (hour,) = reminders_to(app, member)
    assert hour.subject == f"Reminder: {circle.group.name} today at 7:00 pm"


def test_a_reminder_that_fell_due_before_the_rsvp_is_not_sent_late(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(BEFORE_EVERYTHING)
    circle = make_circle(client, members=1)
    member = circle.members[0]
    session = one_off(client, circle, MEETING, timezone=CHICAGO)
    clock.set(MEETING - timedelta(hours=3))
    going(client, member, session)
    assert run(app) == 0  # the day-before one was due before the seat was taken
    clock.set(MEETING - timedelta(hours=1))
    assert run(app) == 1


def test_a_meeting_moved_to_a_new_time_is_reminded_of_at_the_new_time(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle, member, session = scene(client, clock)
    clock.set(MEETING - timedelta(hours=24))
    assert run(app) == 1
    later = MEETING + timedelta(hours=2)
    moved = client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"starts_at": later.isoformat()},
    )
    assert moved.status_code == 200, moved.text
    assert run(app) == 0  # the new time's day-before moment has not come
    clock.set(later - timedelta(hours=24))
    assert run(app) == 1
    assert [m.subject for m in reminders_to(app, member)] == [
        "Reminder: your circle meeting tomorrow at 7:00 pm",
        "Reminder: your circle meeting tomorrow at 9:00 pm",
    ]


@pytest.mark.real_commits
def test_two_workers_at_once_send_each_reminder_exactly_once(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(BEFORE_EVERYTHING)
    circle = make_circle(client, members=6)
    session = one_off(client, circle, MEETING, timezone=CHICAGO)
    for person in circle.members:
        going(client, person, session)
    clock.set(MEETING - timedelta(hours=24))
    settings = app.state.settings
    workers = [
        Worker(app.state.session_factory, settings, _NoMail(), [_reminder_job()]) for _ in range(2)
    ]
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def work(worker: Worker) -> None:
        try:
            start.wait()
            worker.run_once()
        except BaseException as exc:  # pragma: no cover - shown by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with app.state.session_factory() as db:
        keys = list(
            db.scalars(
                select(Notification.dedupe_key).where(
                    Notification.kind == NotificationKind.reminders
                )
            )
        )
    assert len(keys) == len(circle.members) == 6
    for person in circle.members:
        assert len(reminders_to(app, person)) == 1


class _NoMail:
    def send(self, email: object) -> None:
        pass


def _reminder_job() -> Job:
    return Job("send reminders", timedelta(minutes=1), reminders.send_reminders)


# --- the facilitators' morning summary -------------------------------------------------------


def test_facilitators_get_a_morning_summary_of_who_is_coming(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle, member, _ = scene(client, clock, capacity=3)
    live_in(client, circle.facilitator, CHICAGO)
    # The morning of the meeting, 7 am in Chicago, is 13:00 UTC.
    clock.set(datetime(2026, 3, 3, 12, 59, tzinfo=UTC))
    assert run(app, reminders.send_morning_summaries) == 0
    clock.set(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))
    assert run(app, reminders.send_morning_summaries) == 1
    assert run(app, reminders.send_morning_summaries) == 0
    (summary,) = [
        m for m in emails_to(app, circle.facilitator.email) if m.kind == NotificationKind.digests
    ]
    assert summary.subject == "Your circle meeting today"
    assert "A circle meeting at 7:00 pm (America/Chicago time)" in summary.body_text
    assert f"Going (1 of 3): {member.user.display_name}" in summary.body_text
    assert "On the waitlist: 0" in summary.body_text
    assert circle.group.name not in summary.subject + summary.body_text
    assert reminders_to(app, circle.facilitator) == []


# --- what the review found ---------------------------------------------------------------------


def test_an_edit_that_keeps_the_time_sends_no_second_reminder(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle, member, session = scene(client, clock)
    clock.set(MEETING - timedelta(hours=24))
    assert run(app) == 1
    longer = client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"duration_minutes": 120},
    )
    assert longer.status_code == 200, longer.text
    for status in ("cancelled", "scheduled"):  # called off and back on: still the same time
        changed = client.patch(
            f"/api/v1/sessions/{session['id']}",
            headers=circle.facilitator.headers,
            json={"status": status},
        )
        assert changed.status_code == 200, changed.text
    assert run(app) == 0
    assert len(reminders_to(app, member)) == 1


def test_the_summary_comes_the_evening_before_when_quiet_hours_cover_the_morning(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(BEFORE_EVERYTHING)
    circle = make_circle(client, members=1)
    facilitator = circle.facilitator
    live_in(client, facilitator, CHICAGO)
    settings_of(client, facilitator, quiet_hours={"start": "22:00", "end": "09:00"})
    early = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)  # Wednesday, 8 am in Chicago
    one_off(client, circle, early, timezone=CHICAGO)
    # 7 am and 9 am are both too late or quiet: it is due at 9:45 pm the evening before.
    clock.set(datetime(2026, 3, 4, 3, 44, tzinfo=UTC))
    assert run(app, reminders.send_morning_summaries) == 0
    clock.set(datetime(2026, 3, 4, 3, 45, tzinfo=UTC))
    assert run(app, reminders.send_morning_summaries) == 1
    (summary,) = [
        m for m in emails_to(app, facilitator.email) if m.kind == NotificationKind.digests
    ]
    assert summary.subject == "Your circle meeting tomorrow"
    assert summary.body_text.split("\n\n")[1] == "Here is who is coming tomorrow."
    assert summary.next_attempt_at is None  # not held back into the quiet hours
    # And not again in the morning.
    clock.set(datetime(2026, 3, 4, 13, 0, tzinfo=UTC))
    assert run(app, reminders.send_morning_summaries) == 0


def test_one_or_two_anonymous_members_are_not_counted_apart_in_the_summary(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(BEFORE_EVERYTHING)
    circle = make_circle(client, members=3)
    named, unnamed, other = circle.members
    session = one_off(client, circle, MEETING, timezone=CHICAGO)
    anonymous = client.patch(
        "/api/v1/me", headers=unnamed.headers, json={"attendance_privacy": "anonymous"}
    )
    assert anonymous.status_code == 200
    for person in (named, unnamed):
        going(client, person, session)
    # For a facilitator in UTC the 1 am meeting's summary is due an hour before it.
    clock.set(MEETING - timedelta(hours=1))
    assert run(app, reminders.send_morning_summaries) == 1
    (summary,) = [
        m for m in emails_to(app, circle.facilitator.email) if m.kind == NotificationKind.digests
    ]
    assert f"{named.user.display_name} and some who chose not to be named" in summary.body_text
    assert "1 more" not in summary.body_text
    assert other.user.display_name not in summary.body_text


def test_word_of_a_cancellation_in_quiet_hours_waits_no_later_than_an_hour_before(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(BEFORE_EVERYTHING)
    circle = make_circle(client, members=1)
    member = circle.members[0]
    live_in(client, member, CHICAGO)
    settings_of(client, member, quiet_hours={"start": "22:00", "end": "08:00"})
    early = datetime(2026, 3, 4, 13, 30, tzinfo=UTC)  # 7:30 am in Chicago
    session = one_off(client, circle, early, timezone=CHICAGO)
    going(client, member, session)
    clock.set(datetime(2026, 3, 4, 10, 0, tzinfo=UTC))  # 4 am: quiet
    cancel = client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    assert cancel.status_code == 200, cancel.text
    (word,) = [m for m in emails_to(app, member.email) if "cancelled" in m.subject]
    # Quiet hours end at 8 am, after the meeting: it goes at 6:30 am instead.
    assert word.next_attempt_at == early - timedelta(hours=1)


def test_a_run_with_nothing_to_send_reads_in_a_few_statements_however_many_seats(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    def statements_of_a_quiet_run(seats: int) -> int:
        clock.set(BEFORE_EVERYTHING)
        circle = make_circle(client, members=seats)
        session = one_off(client, circle, MEETING, timezone=CHICAGO)
        for person in circle.members:
            going(client, person, session)
        clock.set(MEETING - timedelta(hours=24))
        assert run(app) == seats  # the day-before reminders go
        with counted(app) as statements:
            assert run(app) == 0  # then nothing is due, and next to nothing is read
        return len(statements)

    few, many = statements_of_a_quiet_run(2), statements_of_a_quiet_run(8)
    assert few == many <= 4
