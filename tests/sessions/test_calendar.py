"""Calendar feeds: valid RFC 5545 that a real parser and a real recurrence expander read to the
same meetings the API lists; secret, revocable URLs; neutral titles unless chosen."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events  # type: ignore[import-untyped]  # the package ships no types
from fastapi.testclient import TestClient
from icalendar import Calendar, Component

from tests.factories import PASSWORD, make_person, sign_in
from tests.sessions.conftest import Circle, Clock, create_schedule, one_off
from tests.sessions.test_schedules import sessions
from tests.support.problems import assert_problem

NEW_YORK = ZoneInfo("America/New_York")
WINDOW = ("2026-10-01T00:00:00Z", "2027-01-15T00:00:00Z")


def feed_path(client: TestClient, headers: dict[str, str]) -> str:
    response = client.get("/api/v1/me/calendar-url", headers=headers)
    assert response.status_code == 200, response.text
    url: str = response.json()["url"]
    assert url.startswith("http://")
    assert url.endswith(".ics")
    return "/" + url.split("/", 3)[3]


def parsed(client: TestClient, path: str) -> Calendar:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def moment(event: Component, name: str) -> datetime:
    """A date-time property (DTSTART, DTEND) as icalendar reads it."""
    value = event.decoded(name)
    assert isinstance(value, datetime), value
    return value


def sequence(event: Component) -> int:
    value = event.decoded("SEQUENCE")
    assert isinstance(value, int), value
    return value


def expanded(calendar: Calendar) -> list[tuple[str, str]]:
    start = datetime.fromisoformat(WINDOW[0])
    end = datetime.fromisoformat(WINDOW[1])
    events = recurring_ical_events.of(calendar).between(start, end)
    return sorted(
        (
            event["DTSTART"].dt.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "cancelled" if str(event.get("STATUS")) == "CANCELLED" else "scheduled",
        )
        for event in events
    )


def listed(client: TestClient, circle: Circle) -> list[tuple[str, str]]:
    return sorted(
        (str(i["starts_at"]), str(i["status"])) for i in sessions(client, circle, *WINDOW)
    )


def test_the_feed_expands_to_exactly_the_meetings_the_api_lists(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    schedule = create_schedule(client, circle)  # Tuesdays 19:00 New York, across DST
    items = sessions(client, circle, *WINDOW)
    headers = circle.facilitator.headers
    client.patch(
        f"/api/v1/sessions/{items[1]['id']}", headers=headers, json={"status": "cancelled"}
    )
    client.patch(
        f"/api/v1/sessions/{items[3]['id']}",
        headers=headers,
        json={"starts_at": "2026-10-28T22:30:00Z"},
    )
    one_off(client, circle, datetime(2026, 12, 24, 15, tzinfo=UTC), timezone="America/New_York")
    path = feed_path(client, circle.members[0].headers)
    calendar = parsed(client, path)
    assert expanded(calendar) == listed(client, circle)
    assert ("2026-10-13T23:00:00Z", "cancelled") in expanded(calendar)
    # The cancelled and the moved occurrences override their series and say they changed.
    overrides = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert len(overrides) == 2
    assert all(sequence(e) >= 1 for e in overrides)

    # A series edit later on: past meetings stay as they were, the rest follow the new time.
    clock.set(datetime(2026, 11, 20, 12, tzinfo=UTC))
    edited = client.patch(
        f"/api/v1/schedules/{schedule['id']}", headers=headers, json={"start_time": "18:30"}
    )
    assert edited.status_code == 200
    calendar = parsed(client, path)
    assert expanded(calendar) == listed(client, circle)

    # Real iCalendar structure: a VTIMEZONE for the zone, stable UIDs, neutral titles.
    zones = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
    assert zones == ["America/New_York"]
    events = calendar.walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {"Circle meeting"}
    assert circle.group.name.encode() not in client.get(path).content
    again = parsed(client, path)
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_sequence_goes_up_when_a_meeting_changes(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    session = one_off(client, circle, clock.now() + timedelta(days=3))
    path = feed_path(client, circle.members[0].headers)

    def sequence() -> tuple[int, str]:
        (event,) = list(parsed(client, path).walk("VEVENT"))
        return int(event.get("SEQUENCE", 0)), str(event["STATUS"])

    assert sequence() == (0, "CONFIRMED")
    client.patch(
        f"/api/v1/sessions/{session['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    assert sequence() == (1, "CANCELLED")


def test_group_names_only_when_the_member_chose_them(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    one_off(client, circle, clock.now() + timedelta(days=3))
    member = circle.members[0]
    path = feed_path(client, member.headers)
    assert circle.group.name not in client.get(path).text
    chose = client.patch(
        "/api/v1/me", headers=member.headers, json={"calendar_shows_group_names": True}
    )
    assert chose.status_code == 200, chose.text
    (event,) = parsed(client, path).walk("VEVENT")
    assert str(event["SUMMARY"]) == circle.group.name
    # Members see the meeting link in their own feed; the public group feed never has it.
    assert circle.group.online_url
    assert circle.group.online_url in client.get(path).text
    public = client.get(f"{circle.base}/calendar.ics")
    assert public.status_code == 200
    assert circle.group.online_url not in public.text
    assert circle.group.name not in public.text


def test_the_feed_url_is_secret_and_revocable(client: TestClient, circle: Circle) -> None:
    member = circle.members[0]
    path = feed_path(client, member.headers)
    assert feed_path(client, member.headers) == path  # the same until revoked
    tampered = path[:-6] + ("0" if path[-6] != "0" else "1") + path[-5:]
    assert_problem(client.get(tampered), 404)
    assert_problem(client.get("/api/v1/calendar/not-a-token.ics"), 404)
    assert client.delete("/api/v1/me/calendar-url", headers=member.headers).status_code == 204
    assert_problem(client.get(path), 404)
    fresh = feed_path(client, member.headers)
    assert fresh != path
    assert client.get(fresh).status_code == 200


def test_the_feed_ends_with_every_sign_in(client: TestClient, circle: Circle) -> None:
    """Signing out everywhere (a lost phone) or a new password ends the feed too: it stands
    in for the person."""
    member = circle.members[0]
    path = feed_path(client, member.headers)
    out = client.post("/api/v1/auth/logout", headers=member.headers, json={"everywhere": True})
    assert out.status_code == 204, out.text
    assert_problem(client.get(path), 404)
    tokens = sign_in(client, member.email)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    path = feed_path(client, headers)
    changed = client.post(
        "/api/v1/me/password",
        headers=headers,
        json={"current_password": PASSWORD, "new_password": "a brand new phrase here"},
    )
    assert changed.status_code == 200, changed.text
    assert_problem(client.get(path), 404)


def test_unlisted_groups_have_no_public_feed(client: TestClient, clock: Clock) -> None:
    from tests.sessions.conftest import make_circle

    hidden = make_circle(client, members=0, visibility="unlisted")
    assert_problem(client.get(f"{hidden.base}/calendar.ics"), 404)


def test_odd_feed_tokens_are_simply_not_found(client: TestClient) -> None:
    for token in ("é" * 64, "A" * 64, "0" * 63, "0" * 65, "g" * 64):
        assert_problem(client.get(f"/api/v1/calendar/{token}.ics"), 404)


# --- one meeting as a file --------------------------------------------------------------------


def meeting_file(
    client: TestClient, session_id: object, headers: dict[str, str] | None = None
) -> Calendar:
    response = client.get(f"/api/v1/sessions/{session_id}/calendar.ics", headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    # A neutral file name: downloads folders are seen by others too.
    assert response.headers["content-disposition"] == 'attachment; filename="circle-meeting.ics"'
    return Calendar.from_ical(response.content)


def test_one_meeting_is_one_event_in_its_own_zone_with_a_uid_that_stays(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    clock.set(datetime(2026, 10, 1, 12, tzinfo=UTC))
    create_schedule(client, circle)  # Tuesdays 19:00 New York
    items = sessions(client, circle, "2026-11-01T00:00:00Z", "2026-11-15T00:00:00Z")
    meeting = items[0]  # Tuesday 3 November, the first on standard time
    member = circle.members[0]

    calendar = meeting_file(client, meeting["id"], member.headers)

    assert str(calendar["METHOD"]) == "PUBLISH"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"session-{meeting['id']}@strength-circles"
    assert "RRULE" not in event  # this meeting alone, not its series
    assert "RECURRENCE-ID" not in event
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert moment(event, "DTSTART") == datetime(2026, 11, 3, 19, 0, tzinfo=NEW_YORK)
    assert moment(event, "DTEND").astimezone(UTC) == datetime(2026, 11, 4, 1, 30, tzinfo=UTC)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
    offsets = {part["TZOFFSETTO"].to_ical() for part in zone.subcomponents}
    assert "-0500" in offsets  # the rule in force that day is in the file
    assert (str(event["STATUS"]), sequence(event)) == ("CONFIRMED", 0)
    assert str(event["SUMMARY"]) == "Circle meeting"
    assert circle.group.online_url is not None
    assert circle.group.online_url in str(event["URL"])  # a member sees the link

    moved = client.patch(
        f"/api/v1/sessions/{meeting['id']}",
        headers=circle.facilitator.headers,
        json={"starts_at": "2026-11-04T00:30:00Z"},
    )
    assert moved.status_code == 200, moved.text
    cancelled = client.patch(
        f"/api/v1/sessions/{meeting['id']}",
        headers=circle.facilitator.headers,
        json={"status": "cancelled"},
    )
    assert cancelled.status_code == 200, cancelled.text

    (again,) = meeting_file(client, meeting["id"], member.headers).walk("VEVENT")
    assert str(again["UID"]) == str(event["UID"])
    assert moment(again, "DTSTART") == datetime(2026, 11, 3, 19, 30, tzinfo=NEW_YORK)
    assert (str(again["STATUS"]), sequence(again)) == ("CANCELLED", 2)
    assert "URL" not in again  # no link to a meeting that will not happen


def test_the_file_shows_names_and_links_only_to_whom_the_meeting_page_does(
    client: TestClient, circle: Circle, clock: Clock
) -> None:
    meeting = one_off(client, circle, clock.now() + timedelta(days=2))
    member = circle.members[0]
    outsider = make_person(client)
    chose = client.patch(
        "/api/v1/me", headers=outsider.headers, json={"calendar_shows_group_names": True}
    )
    assert chose.status_code == 200, chose.text
    link = str(circle.group.online_url)

    anonymous = meeting_file(client, meeting["id"])
    not_a_member = meeting_file(client, meeting["id"], outsider.headers)
    in_it = meeting_file(client, meeting["id"], member.headers)

    def text(calendar: Calendar) -> str:
        ical: bytes = calendar.to_ical()
        return ical.decode().replace("\r\n ", "")

    assert link not in text(anonymous)
    assert link not in text(not_a_member)
    assert link in text(in_it)
    assert circle.group.name not in text(anonymous)
    assert circle.group.name not in text(in_it)  # the member has not chosen names
    (event,) = not_a_member.walk("VEVENT")
    assert str(event["SUMMARY"]) == circle.group.name  # their choice, for a group they may see


def test_an_unlisted_groups_meeting_file_is_not_found_for_outsiders(
    client: TestClient, clock: Clock
) -> None:
    from tests.sessions.conftest import make_circle

    hidden = make_circle(client, members=1)
    meeting = one_off(client, hidden, clock.now() + timedelta(days=2))
    unlisted = client.patch(
        hidden.base, headers=hidden.facilitator.headers, json={"visibility": "unlisted"}
    )
    assert unlisted.status_code == 200, unlisted.text
    outsider = make_person(client)

    for headers in ({}, outsider.headers):
        response = client.get(f"/api/v1/sessions/{meeting['id']}/calendar.ics", headers=headers)
        unknown = client.get(f"/api/v1/sessions/{uuid.uuid4()}/calendar.ics", headers=headers)
        assert assert_problem(response, 404)["detail"] == assert_problem(unknown, 404)["detail"]
        assert hidden.group.name not in response.text
    meeting_file(client, meeting["id"], hidden.members[0].headers)
