"""What members are told and what they see of their own: notices through the outbox when a
meeting is cancelled or moved, /me/sessions, and the directory's day filter."""

from datetime import UTC, datetime, timedelta
from typing import Any

import recurring_ical_events  # type: ignore[import-untyped]  # the package ships no types
from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar

from backend.notifications.models import OutboxMessage
from tests.sessions.conftest import Clock, create_schedule, make_circle, one_off
from tests.sessions.test_rsvp import outbox_to, rsvp


def test_cancelling_or_moving_tells_everyone_who_rsvpd_and_no_one_else(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle = make_circle(client, members=3, name="Grief Support Circle")
    going, waiting, silent = circle.members
    session = one_off(client, circle, clock.now() + timedelta(days=2), capacity=1)
    rsvp(client, going, session["id"], "going")
    rsvp(client, waiting, session["id"], "going")
    moved = client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"starts_at": (clock.now() + timedelta(days=3)).isoformat()},
    )
    assert moved.status_code == 200
    client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled", "cancel_reason": "The facilitator is unwell."},
    )
    for person, answer in (
        (going, "You are going to a circle meeting"),
        (waiting, "You are on the waitlist for a circle meeting"),
    ):
        subjects = [m.subject for m in outbox_to(app, person.email)]
        assert subjects == [
            answer,
            "A circle meeting has a new time",
            "A circle meeting has been cancelled",
        ]
        for message in outbox_to(app, person.email):
            # Inboxes are seen by others: never the group's name or topic.
            assert "Grief" not in message.body_text
            assert "Grief" not in message.subject
    assert outbox_to(app, silent.email) == []
    assert "The facilitator is unwell." in outbox_to(app, going.email)[2].body_text


def test_my_sessions_lists_upcoming_meetings_of_my_groups_with_my_rsvp(
    client: TestClient, clock: Clock
) -> None:
    first = make_circle(client, members=1)
    member = first.members[0]
    second = make_circle(client, members=0)
    from tests.factories import join

    join(client, member, second.group.id)
    other = make_circle(client, members=0)
    a = one_off(client, first, clock.now() + timedelta(days=1))
    b = one_off(client, second, clock.now() + timedelta(days=2))
    one_off(client, other, clock.now() + timedelta(days=1))  # not my group
    rsvp(client, member, b["id"], "going")
    response = client.get("/api/v1/me/sessions", headers=member.headers)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [i["id"] for i in items] == [a["id"], b["id"]]
    assert items[1]["my_rsvp"] == {"status": "going", "waitlist_position": None}
    assert items[0]["group_name"] == first.group.name
    assert items[0]["online_url"] == first.group.online_url  # members see their links
    # Leaving a group takes its meetings off my list.
    client.delete(f"{second.base}/members/{member.user.id}", headers=member.headers)
    after = client.get("/api/v1/me/sessions", headers=member.headers).json()["items"]
    assert [i["id"] for i in after] == [a["id"]]


def test_directory_finds_groups_by_the_weekday_they_meet(client: TestClient, clock: Clock) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    tuesday = make_circle(client, members=0, name="Tuesday Evening Circle")
    create_schedule(client, tuesday)  # 19:00 New York: Wednesday in UTC, Tuesday locally
    saturday = make_circle(client, members=0, name="Saturday Morning Circle")
    create_schedule(client, saturday, rrule="FREQ=WEEKLY;BYDAY=SA", start_time="10:00")

    def names(day: str) -> list[str]:
        response = client.get("/api/v1/groups", params={"day": day})
        assert response.status_code == 200, response.text
        return [g["name"] for g in response.json()["items"]]

    assert names("tuesday") == ["Tuesday Evening Circle"]
    assert names("saturday") == ["Saturday Morning Circle"]
    assert names("wednesday") == []
    assert client.get("/api/v1/groups", params={"day": "someday"}).status_code == 422


def _event(message: OutboxMessage) -> Any:
    """The one meeting in an email's calendar file, read back the way a calendar app would."""
    assert message.calendar is not None
    calendar = Calendar.from_ical(message.calendar)
    (event,) = recurring_ical_events.of(calendar).between(
        datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    )
    return event


def test_an_rsvp_is_confirmed_with_the_meeting_as_a_calendar_file_that_follows_changes(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    circle = make_circle(client, members=2, name="Grief Support Circle")
    seated, waiting = circle.members
    starts = clock.now().replace(microsecond=0) + timedelta(days=2)
    session = one_off(client, circle, starts, capacity=1)
    rsvp(client, seated, session["id"], "going")
    rsvp(client, waiting, session["id"], "going")

    (confirmation,) = outbox_to(app, seated.email)
    assert confirmation.subject == "You are going to a circle meeting"
    event = _event(confirmation)
    assert event.decoded("dtstart") == starts
    assert str(event["summary"]) == "Circle meeting"  # never the group's name by default
    # Never the join link: an old email with a standing link is how uninvited people turn
    # up. The hour-before reminder carries it.
    assert circle.group.online_url is not None
    assert confirmation.calendar is not None
    assert circle.group.online_url not in confirmation.calendar
    assert "link to join online comes in your reminder" in confirmation.body_text
    # A waitlist place is not a seat: nothing for the calendar yet.
    (waitlisted,) = outbox_to(app, waiting.email)
    assert waitlisted.subject == "You are on the waitlist for a circle meeting"
    assert "you are number 1 on its waitlist" in " ".join(waitlisted.body_text.split())
    assert waitlisted.calendar is None
    # Only by email: the member made the change in the app themselves.
    assert client.get("/api/v1/me/notifications", headers=seated.headers).json()["items"] == []

    later = starts + timedelta(hours=1)
    client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"starts_at": later.isoformat()},
    )
    client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    _, moved, cancelled = outbox_to(app, seated.email)
    first, after_move, after_cancel = (_event(m) for m in (confirmation, moved, cancelled))
    # The same event, updated: one UID, a higher SEQUENCE each time, so calendars replace it.
    assert first["uid"] == after_move["uid"] == after_cancel["uid"]
    assert int(first["sequence"]) < int(after_move["sequence"]) < int(after_cancel["sequence"])
    assert after_move.decoded("dtstart") == later
    assert str(after_cancel["status"]) == "CANCELLED"
    # The person on the waitlist is told, without a calendar file.
    assert [m.calendar for m in outbox_to(app, waiting.email)] == [None, None, None]
    # And the changes are in the notification centre too.
    titles = [
        n["title"]
        for n in client.get("/api/v1/me/notifications", headers=seated.headers).json()["items"]
    ]
    assert titles == ["A circle meeting has been cancelled", "A circle meeting has a new time"]
