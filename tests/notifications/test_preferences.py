"""Notification settings from the outside (defaults, partial changes, quiet hours, what is
refused), that each switch really stops its channel, and the quiet-hours arithmetic across
midnight and daylight-saving changes."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response
from hypothesis import assume, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backend.core.config import Settings
from backend.notifications import preferences
from backend.notifications.models import NotificationKind
from backend.notifications.preferences import BEFORE_QUIET_HOURS, Preferences
from backend.notifications.schemas import MAX_QUIET_HOURS
from tests.factories import Person, make_person, push_keys
from tests.notifications.notices import centre_rows_of, emails_of, notice, pushes_of, send
from tests.support.concurrency import at_once, dawdle
from tests.support.problems import assert_problem

SETTINGS = "/api/v1/me/notification-settings"
SWITCHABLE = ["reminders", "changes", "mentoring", "moderation", "digests"]
ALL_ON = {"email": True, "push": True, "app": True}


def read(client: TestClient, person: Person) -> dict[str, Any]:
    response = client.get(SETTINGS, headers=person.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def change(client: TestClient, person: Person, body: object) -> dict[str, Any]:
    response = client.patch(SETTINGS, headers=person.headers, json=body)
    assert response.status_code == 200, response.text
    changed: dict[str, Any] = response.json()
    assert changed == read(client, person)  # what the answer says is what was kept
    return changed


# --- the settings API ---------------------------------------------------------------------------


def test_settings_need_a_signed_in_person(client: TestClient) -> None:
    assert_problem(client.get(SETTINGS), 401)
    assert_problem(client.patch(SETTINGS, json={"name_circles": True}), 401)


def test_a_person_who_changed_nothing_has_the_defaults(client: TestClient) -> None:
    body = read(client, make_person(client))
    assert body["reminders"] == {"day_before": True, "hour_before": True}
    assert body["quiet_hours"] is None
    assert body["name_circles"] is False
    assert body["channels"] == dict.fromkeys(SWITCHABLE, ALL_ON)
    assert body["timezone"] == "UTC"
    assert "password reset" in body["always_sent"]


def test_a_partial_change_keeps_everything_else(client: TestClient) -> None:
    person = make_person(client)
    before = read(client, person)
    after = change(client, person, {"channels": {"reminders": {"email": False}}})
    expected = before | {
        "channels": before["channels"] | {"reminders": {"email": False, "push": True, "app": True}}
    }
    assert after == expected

    after = change(client, person, {"reminders": {"hour_before": False}, "name_circles": True})
    expected |= {"reminders": {"day_before": True, "hour_before": False}, "name_circles": True}
    assert after == expected
    # A second switch builds on the first; null leaves a channel as it was.
    after = change(
        client, person, {"channels": {"reminders": {"push": False, "email": None}, "digests": {}}}
    )
    assert after["channels"]["reminders"] == {"email": False, "push": False, "app": True}
    assert after["channels"]["digests"] == ALL_ON
    # Back on.
    after = change(client, person, {"channels": {"reminders": {"email": True}}})
    assert after["channels"]["reminders"] == {"email": True, "push": False, "app": True}
    assert change(client, person, {}) == after


def test_quiet_hours_are_set_kept_and_cleared(client: TestClient) -> None:
    person = make_person(client)
    set_ = change(client, person, {"quiet_hours": {"start": "22:00", "end": "07:00"}})
    assert set_["quiet_hours"] == {"start": "22:00:00", "end": "07:00:00"}
    # Other changes leave them; only an explicit null clears them.
    kept = change(client, person, {"name_circles": True})
    assert kept["quiet_hours"] == {"start": "22:00:00", "end": "07:00:00"}
    moved = change(client, person, {"quiet_hours": {"start": "13:30", "end": "15:00"}})
    assert moved["quiet_hours"] == {"start": "13:30:00", "end": "15:00:00"}
    cleared = change(client, person, {"quiet_hours": None})
    assert cleared["quiet_hours"] is None
    assert cleared["name_circles"] is True


def test_quiet_hours_that_start_when_they_end_are_refused_in_words(client: TestClient) -> None:
    person = make_person(client)
    change(client, person, {"quiet_hours": {"start": "22:00", "end": "07:00"}})
    response = client.patch(
        SETTINGS, headers=person.headers, json={"quiet_hours": {"start": "21:00", "end": "21:00"}}
    )
    problem = assert_problem(response, 422)
    messages = [issue["msg"] for issue in problem["errors"]]
    assert messages == ["Quiet hours need an end that differs from their start."]
    for bad in (
        {"start": "22:00:30", "end": "07:00"},
        {"start": "22:00:00.5", "end": "07:00"},  # hours and minutes only, nothing finer
        {"start": "07:00", "end": "07:00:00.000001"},
        {"start": "22:00+01:00", "end": "07:00"},  # in the person's own time zone
        {"start": "22:00"},
        {"start": "late", "end": "07:00"},
        {"start": "22:00", "end": "07:00", "days": "weekdays"},
    ):
        refused = client.patch(SETTINGS, headers=person.headers, json={"quiet_hours": bad})
        assert_problem(refused, 422)
    # Nothing of the refused changes was kept.
    assert read(client, person)["quiet_hours"] == {"start": "22:00:00", "end": "07:00:00"}


@pytest.mark.real_commits  # two requests at once, each with a transaction of its own
def test_two_changes_at_once_both_stay(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    person = make_person(client)
    # Each change holds its transaction a moment after reading the row, so they overlap
    # where a lost update would show; the first change of all also makes the row.
    dawdle(monkeypatch, preferences, "lock_and_reread")

    def switch(kind: str) -> Callable[[], Response]:
        body = {"channels": {kind: {"email": False}}}
        return lambda: client.patch(SETTINGS, headers=person.headers, json=body)

    answers = at_once(switch("reminders"), switch("digests"), switch("mentoring"))
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    channels = read(client, person)["channels"]
    assert {kind for kind, choice in channels.items() if not choice["email"]} == {
        "reminders",
        "digests",
        "mentoring",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"channels": {"security": {"email": False}}},
        {"channels": {"birthdays": {"email": False}}},
        {"channels": {"reminders": {"sms": False}}},
        {"channels": {"reminders": {"email": "maybe"}}},
        {"channels": {"reminders": False}},
        {"reminders": {"week_before": True}},
        {"always_sent": "nothing"},
        {"timezone": "Europe/Paris"},
        {"favourite_colour": "green"},
    ],
)
def test_unknown_kinds_channels_and_fields_are_refused(
    client: TestClient, body: dict[str, Any]
) -> None:
    person = make_person(client)
    before = read(client, person)
    assert_problem(client.patch(SETTINGS, headers=person.headers, json=body), 422)
    assert read(client, person) == before


def test_security_messages_are_not_a_setting(client: TestClient) -> None:
    body = read(client, make_person(client))
    assert "security" not in body["channels"]


# --- each switch stops its channel ----------------------------------------------------------------


def turn_push_on(client: TestClient, person: Person, device: str) -> None:
    _, _, keys = push_keys()
    response = client.post(
        "/api/v1/me/push-subscriptions",
        headers=person.headers,
        json={"endpoint": f"https://fcm.googleapis.com/fcm/send/{device}", "keys": keys},
    )
    assert response.status_code == 201, response.text


def channels_reached(app: FastAPI, person: Person) -> tuple[int, int, int, int]:
    """(emails, push messages, centre rows, of which listed in the app) so far."""
    rows = centre_rows_of(app, person.user.id)
    return (
        len(emails_of(app, person.user.id)),
        pushes_of(app, person.user.id),
        len(rows),
        sum(row.in_app for row in rows),
    )


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("email", (0, 2, 1, 1)), ("push", (1, 0, 1, 1)), ("app", (1, 2, 1, 0))],
)
def test_switching_a_channel_off_stops_it_for_that_kind_only(
    client: TestClient,
    app: FastAPI,
    settings: Settings,
    channel: str,
    expected: tuple[int, int, int, int],
) -> None:
    person, other = make_person(client), make_person(client)
    for who in (person, other):
        turn_push_on(client, who, f"{who.user.id.hex}-phone")
        turn_push_on(client, who, f"{who.user.id.hex}-laptop")
    change(client, person, {"channels": {"changes": {channel: False}}})

    send(app, settings, [person.user, other.user], notice(NotificationKind.changes))
    assert channels_reached(app, person) == expected
    assert channels_reached(app, other) == (1, 2, 1, 1)  # their choice is theirs alone

    # Another kind still goes everywhere.
    send(app, settings, [person.user], notice(NotificationKind.mentoring))
    emails, pushes, rows, listed = expected
    assert channels_reached(app, person) == (emails + 1, pushes + 2, rows + 1, listed + 1)


def test_security_notices_go_whatever_is_switched_off(
    client: TestClient, app: FastAPI, settings: Settings
) -> None:
    person = make_person(client)
    turn_push_on(client, person, f"{person.user.id.hex}-phone")
    everything_off = {kind: {"email": False, "push": False, "app": False} for kind in SWITCHABLE}
    change(client, person, {"channels": everything_off})

    send(app, settings, [person.user], notice(NotificationKind.changes))
    assert channels_reached(app, person) == (0, 0, 1, 0)

    send(app, settings, [person.user], notice(NotificationKind.security, "A new sign-in"))
    # By email and in the app; never on a lock screen.
    assert channels_reached(app, person) == (1, 0, 2, 1)
    (email,) = emails_of(app, person.user.id)
    assert email.subject == "A new sign-in"
    assert email.unsubscribe_url is None
    assert "To stop emails like this one" not in email.body_text
    listed = client.get("/api/v1/me/notifications", headers=person.headers).json()
    assert [item["title"] for item in listed["items"]] == ["A new sign-in"]


# --- quiet hours: the arithmetic ------------------------------------------------------------------

CHICAGO = "America/Chicago"
NIGHT = Preferences(quiet_hours_start=time(22), quiet_hours_end=time(7))


def chicago(year: int, month: int, day: int, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(CHICAGO), fold=fold)


def test_no_quiet_hours_means_never_quiet() -> None:
    moment = datetime(2026, 11, 1, 3, tzinfo=UTC)
    assert not Preferences().in_quiet_hours(moment, CHICAGO)
    assert Preferences().before_quiet_hours(moment, CHICAGO) == moment


def test_quiet_hours_across_midnight() -> None:
    start, before_start = chicago(2026, 7, 1, 22), chicago(2026, 7, 1, 21, 45)
    assert NIGHT.in_quiet_hours(start, CHICAGO)
    assert not NIGHT.in_quiet_hours(before_start, CHICAGO)
    assert not NIGHT.in_quiet_hours(chicago(2026, 7, 1, 21, 59), CHICAGO)
    assert NIGHT.in_quiet_hours(chicago(2026, 7, 2, 0, 30), CHICAGO)
    assert NIGHT.in_quiet_hours(chicago(2026, 7, 2, 6, 59), CHICAGO)
    assert not NIGHT.in_quiet_hours(chicago(2026, 7, 2, 7), CHICAGO)  # the end is not in them
    # A reminder due in them comes a quarter of an hour before they began, the evening before.
    for due in (start, chicago(2026, 7, 1, 23, 30), chicago(2026, 7, 2, 6, 59)):
        moved = NIGHT.before_quiet_hours(due.astimezone(UTC), CHICAGO)
        assert moved == before_start
        assert moved.tzinfo is UTC  # given in UTC, answered in UTC
    outside = chicago(2026, 7, 2, 12).astimezone(UTC)
    assert NIGHT.before_quiet_hours(outside, CHICAGO) == outside


def test_quiet_hours_within_one_day() -> None:
    lunch = Preferences(quiet_hours_start=time(12), quiet_hours_end=time(13, 30))
    assert lunch.in_quiet_hours(chicago(2026, 7, 1, 13, 29), CHICAGO)
    assert not lunch.in_quiet_hours(chicago(2026, 7, 1, 13, 30), CHICAGO)
    assert not lunch.in_quiet_hours(chicago(2026, 7, 1, 23), CHICAGO)
    assert lunch.before_quiet_hours(chicago(2026, 7, 1, 13), CHICAGO) == chicago(2026, 7, 1, 11, 45)


def test_the_night_the_clocks_go_back() -> None:
    # 2026-11-01 in Chicago: 02:00 CDT becomes 01:00 CST, so 01:00-02:00 happens twice.
    late = chicago(2026, 11, 1, 6, 30)
    assert NIGHT.in_quiet_hours(late, CHICAGO)
    assert NIGHT.before_quiet_hours(late, CHICAGO) == chicago(2026, 10, 31, 21, 45)
    early = Preferences(quiet_hours_start=time(1, 30), quiet_hours_end=time(5))
    second_time = chicago(2026, 11, 1, 1, 45, fold=1)  # CST, the second 01:45
    assert early.in_quiet_hours(second_time, CHICAGO)
    moved = early.before_quiet_hours(second_time.astimezone(UTC), CHICAGO)
    assert moved <= second_time
    assert not early.in_quiet_hours(moved, CHICAGO)


def test_the_night_the_clocks_go_forward() -> None:
    # 2027-03-14 in Chicago: 02:00 CST becomes 03:00 CDT; 02:00-03:00 never happens.
    evening_before = chicago(2027, 3, 13, 21, 45)
    assert NIGHT.before_quiet_hours(chicago(2027, 3, 14, 6), CHICAGO) == evening_before
    # Quiet hours that begin in the missing hour begin, that night, at 03:00 CDT.
    gap = Preferences(quiet_hours_start=time(2, 30), quiet_hours_end=time(7))
    due = chicago(2027, 3, 14, 3, 10)  # CDT, 08:10 UTC
    assert gap.in_quiet_hours(due, CHICAGO)
    moved = gap.before_quiet_hours(due.astimezone(UTC), CHICAGO)
    assert moved == chicago(2027, 3, 14, 1, 45)  # CST, a quarter of an hour before the jump
    assert not gap.in_quiet_hours(moved, CHICAGO)
    # Quiet hours that begin as the clocks jump: a quarter of an hour before it.
    jump = Preferences(quiet_hours_start=time(3), quiet_hours_end=time(7))
    assert jump.before_quiet_hours(due, CHICAGO) == chicago(2027, 3, 14, 1, 45)


# Zones with a daylight-saving change: an hour at 02:00 (Chicago), at 01:00 UTC (London), half
# an hour (Lord Howe), at midnight (Santiago, Havana); and one without (Kathmandu).
ZONES = [
    "America/Chicago",
    "Europe/London",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/Havana",
    "Asia/Kathmandu",
]
CHANGES = [
    datetime(2026, 11, 1, 7, tzinfo=UTC),  # Chicago back
    datetime(2027, 3, 14, 8, tzinfo=UTC),  # Chicago forward
    datetime(2026, 10, 25, 1, tzinfo=UTC),  # London back
    datetime(2027, 3, 28, 1, tzinfo=UTC),  # London forward
    datetime(2026, 10, 3, 15, 30, tzinfo=UTC),  # Lord Howe forward
    datetime(2026, 4, 4, 15, tzinfo=UTC),  # Lord Howe back
    datetime(2026, 9, 6, 4, tzinfo=UTC),  # Santiago forward
    datetime(2026, 4, 5, 3, tzinfo=UTC),  # Santiago back
    datetime(2026, 3, 8, 5, tzinfo=UTC),  # Havana forward
    datetime(2026, 11, 1, 5, tzinfo=UTC),  # Havana back
]
minutes = st.builds(time, st.integers(0, 23), st.integers(0, 59))
near_a_change = st.builds(
    lambda change, offset: change + timedelta(minutes=offset),
    st.sampled_from(CHANGES),
    st.integers(-36 * 60, 36 * 60),
)
# Hypothesis takes naive bounds and makes aware moments in the zones given.
any_moment = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001
    max_value=datetime(2028, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
)


def in_quiet_hours_by_hand(start: time, end: time, moment: datetime, zone: str) -> bool:
    local = moment.astimezone(ZoneInfo(zone)).time()
    if start < end:
        return start <= local < end
    return not (end <= local < start)


@hypothesis_settings(max_examples=400, deadline=None, derandomize=True)
@given(
    start=minutes,
    end=minutes,
    moment=st.one_of(near_a_change, any_moment),
    zone=st.sampled_from(ZONES),
)
@example(  # quiet hours that begin in Chicago's missing hour
    start=time(2, 30), end=time(7), moment=datetime(2027, 3, 14, 8, 10, tzinfo=UTC), zone=CHICAGO
)
@example(  # the longest quiet hours, ending as Chicago's clocks jump
    start=time(6), end=time(2), moment=datetime(2027, 3, 14, 10, tzinfo=UTC), zone=CHICAGO
)
@example(  # Santiago's midnight that never happens
    start=time(0), end=time(6), moment=datetime(2026, 9, 6, 6, tzinfo=UTC), zone="America/Santiago"
)
def test_a_moved_reminder_is_never_in_quiet_hours_nor_later(
    start: time, end: time, moment: datetime, zone: str
) -> None:
    # Quiet hours as the API takes them: at most MAX_QUIET_HOURS long.
    length = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (24 * 60)
    assume(length <= MAX_QUIET_HOURS * 60)
    wanted = Preferences(quiet_hours_start=start, quiet_hours_end=end)
    quiet = wanted.in_quiet_hours(moment, zone)
    assert quiet == (start != end and in_quiet_hours_by_hand(start, end, moment, zone))
    moved = wanted.before_quiet_hours(moment, zone)
    assert moved.utcoffset() == timedelta(0)
    assert moved <= moment
    assert not wanted.in_quiet_hours(moved, zone)
    if not quiet:
        assert moved == moment
    else:
        # A quarter of an hour before they begin: then it is quiet. At most two days back (a
        # day of quiet hours, and one more when the clocks skipped the minutes outside them).
        assert wanted.in_quiet_hours(moved + BEFORE_QUIET_HOURS, zone)
        assert moment - moved <= timedelta(hours=48)
