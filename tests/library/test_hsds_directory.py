"""The directory's HSDS export: the library's services and hotlines, then the listed circles,
one paginated feed whose every page and record validate against the upstream Open Referral
HSDS 3.0 schemas, showing of a circle exactly what its public page shows anyone."""

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from tests.factories import make_person
from tests.library.test_hsds import publish
from tests.sessions.conftest import Circle, create_schedule, make_circle, one_off
from tests.support.clock import Clock
from tests.support.hsds import page_validator, problems, service_validator

EXPORT = "/api/v1/directory/export/hsds"
RESOURCES_EXPORT = "/api/v1/resources/export/hsds"
# A Tuesday in winter: New York is at UTC-5, Kolkata at UTC+5:30.
NOW = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)
PUBLIC_URL = "http://127.0.0.1:8000"  # the test settings' public_url


@pytest.fixture
def now(clock: Clock) -> datetime:
    clock.set(NOW)
    return NOW


def app_of(client: TestClient) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    return app


def export(client: TestClient, **params: int) -> dict[str, Any]:
    response = client.get(EXPORT, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert problems(page_validator(), body) == []
    return body


def whole_export(client: TestClient, per_page: int) -> list[dict[str, Any]]:
    """Every record, page after page, each page checked against HSDS's page schema."""
    records: list[dict[str, Any]] = []
    page = 1
    while True:
        body = export(client, page=page, per_page=per_page)
        records += body["contents"]
        if body["last_page"]:
            return records
        page += 1


def circles_in(client: TestClient) -> dict[str, dict[str, Any]]:
    return {
        record["id"]: record
        for record in whole_export(client, per_page=100)
        if record["url"].startswith(f"{PUBLIC_URL}/groups/")
    }


def set_status(client: TestClient, circle: Circle, status: str) -> None:
    response = client.patch(
        circle.base, headers=circle.facilitator.headers, json={"status": status}
    )
    assert response.status_code == 200, response.text


def archive(client: TestClient, circle: Circle) -> None:
    response = client.post(f"{circle.base}/archive", headers=circle.facilitator.headers)
    assert response.status_code == 200, response.text


def directory_ids(client: TestClient) -> set[str]:
    """The circles the public directory shows anyone (signed out)."""
    response = client.get("/api/v1/groups", params={"limit": 100})
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def schedule_of(record: dict[str, Any], schedule_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [s for s in record["schedules"] if s["id"] == schedule_id]
    assert len(found) == 1, record.get("schedules")
    return found[0]


# --- access and bounds -----------------------------------------------------------------------


def test_anyone_may_read_the_export_and_pages_are_bounded(client: TestClient) -> None:
    assert client.get(EXPORT).status_code == 200
    assert client.get(EXPORT, params={"per_page": 100}).status_code == 200
    assert client.get(EXPORT, params={"per_page": 101}).status_code == 422
    assert client.get(EXPORT, params={"per_page": 0}).status_code == 422
    assert client.get(EXPORT, params={"page": 0}).status_code == 422
    empty = export(client)
    assert empty["total_items"] == 0
    assert empty["empty"] is True
    assert empty["last_page"] is True


# --- the whole feed validates ----------------------------------------------------------------


def test_the_whole_export_validates_across_pages_and_stays_the_same(
    client: TestClient, now: datetime
) -> None:
    editor = make_person(client, role=Role.facilitator)
    service = publish(client, editor, title="Walk-in counseling", type="service")
    hotline = publish(
        client, editor, title="988 Lifeline", type="hotline", contact={"phone": "988"}
    )
    publish(client, editor, title="Sleep hygiene basics", type="article")  # not exported
    online = make_circle(client, name="Online Evening Circle", topics=["anxiety", "grief-and-loss"])
    create_schedule(client, online, starts_on="2027-01-01")
    in_person = make_circle(
        client,
        name="Library Circle",
        format="in_person",
        online_url=None,
        location={
            "address": "12 Elm Street",
            "city": "Springfield",
            "region": "IL",
            "postal_code": "62701",
            "country": "US",
            "latitude": 39.8,
            "longitude": -89.65,
        },
        accessibility_notes="Step-free entrance; a hearing loop in the room.",
    )
    create_schedule(client, in_person, rrule="FREQ=MONTHLY;BYDAY=1TH", starts_on="2027-01-01")
    hybrid = make_circle(
        client, name="Hybrid Circle", format="hybrid", language="es-MX",
        location={"address": "Community Hall", "city": "Springfield"},
        accessibility_notes="Live captions online.",
    )  # fmt: skip
    one_off(client, hybrid, NOW + timedelta(days=2))

    records = whole_export(client, per_page=2)
    assert len(records) == 5
    validator = service_validator()
    for record in records:
        assert problems(validator, record) == [], record["name"]
    # Resources first (oldest first), then the circles (oldest first).
    ids = [record["id"] for record in records]
    assert ids == [
        service,
        hotline,
        str(online.group.id),
        str(in_person.group.id),
        str(hybrid.group.id),
    ]
    # Paging does not change what is read: one page of everything says the same.
    assert export(client, per_page=100)["contents"] == records
    # A page may end the resources and start the circles.
    middle = export(client, page=1, per_page=3)
    assert [r["id"] for r in middle["contents"]] == ids[:3]
    assert middle["total_items"] == 5
    assert middle["total_pages"] == 2
    last = export(client, page=2, per_page=3)
    assert [r["id"] for r in last["contents"]] == ids[3:]
    assert last["last_page"] is True
    assert last["size"] == 2
    beyond = export(client, page=3, per_page=3)
    assert beyond["contents"] == []
    assert beyond["empty"] is True
    # Ids, derived ones too, stay the same from one export to the next.
    assert whole_export(client, per_page=2) == records
    # The library's own export is as it was: its resources only.
    resources = client.get(RESOURCES_EXPORT).json()
    assert [r["id"] for r in resources["contents"]] == [service, hotline]


def test_the_validator_refuses_a_broken_record_and_a_broken_page(
    client: TestClient, now: datetime
) -> None:
    circle = make_circle(client)
    create_schedule(client, circle, starts_on="2027-01-01")
    body = export(client)
    record = body["contents"][0]
    validator = service_validator()
    assert problems(validator, record) == []

    without_name = {key: value for key, value in record.items() if key != "name"}
    assert any("'name' is a required property" in p for p in problems(validator, without_name))
    assert problems(validator, record | {"status": "paused"}) != []
    assert problems(validator, record | {"id": "not-a-uuid"}) != []
    broken_schedule = record | {"schedules": [record["schedules"][0] | {"freq": "DAILY"}]}
    assert problems(validator, broken_schedule) != []
    assert problems(page_validator(), {k: v for k, v in body.items() if k != "total_items"})
    assert problems(page_validator(), body | {"contents": [without_name]})


# --- which circles ---------------------------------------------------------------------------


def test_exactly_the_circles_the_public_directory_shows(client: TestClient, now: datetime) -> None:
    active = make_circle(client, members=0, name="Active Circle")
    paused = make_circle(client, members=0, name="Paused Circle")
    set_status(client, paused, "paused")
    archived = make_circle(client, members=0, name="Archived Circle")
    archive(client, archived)
    unlisted = make_circle(client, members=0, name="Unlisted Circle", visibility="unlisted")

    circles = circles_in(client)
    assert set(circles) == {str(active.group.id), str(paused.group.id)}
    assert set(circles) == directory_ids(client)
    assert circles[str(active.group.id)]["status"] == "active"
    assert circles[str(paused.group.id)]["status"] == "temporarily closed"
    text = json.dumps(export(client, per_page=100))
    assert str(archived.group.id) not in text
    assert "Archived Circle" not in text
    assert str(unlisted.group.id) not in text
    assert "Unlisted Circle" not in text
    # Its facilitator sees the unlisted circle in the directory; the export is the public
    # directory, whoever asks.
    mine = client.get("/api/v1/groups", headers=unlisted.facilitator.headers).json()["items"]
    assert str(unlisted.group.id) in {item["id"] for item in mine}
    response = client.get(EXPORT, params={"per_page": 100}, headers=unlisted.facilitator.headers)
    assert str(unlisted.group.id) not in response.text


def test_a_circle_is_its_public_page_and_nothing_private(client: TestClient, now: datetime) -> None:
    circle = make_circle(
        client,
        members=2,
        name="Tuesday Circle",
        description="Peer support for people living with anxiety.",
        format="hybrid",
        online_url="https://meet.example.org/secret-group-link",
        location={"address": "Community Hall", "city": "Springfield"},
        join_policy="approval",
    )
    series = create_schedule(
        client,
        circle,
        starts_on="2027-01-01",
        online_url="https://meet.example.org/secret-series-link",
        location="Room 4",
    )
    response = client.post(
        f"{circle.base}/sessions",
        headers=circle.facilitator.headers,
        json={
            "starts_at": (NOW + timedelta(days=3)).isoformat(),
            "duration_minutes": 60,
            "timezone": "America/New_York",
            "online_url": "https://meet.example.org/secret-meeting-link",
        },
    )
    assert response.status_code == 201, response.text

    record = circles_in(client)[str(circle.group.id)]
    assert record["name"] == "Tuesday Circle"
    assert record["description"] == "Peer support for people living with anxiety."
    assert record["url"] == f"{PUBLIC_URL}/groups/{circle.group.id}"
    assert "ask to join" in record["application_process"].lower()
    assert "email" not in record
    assert "phones" not in record
    assert record["organization"]["name"] == "Strength Circles counseling service"
    assert schedule_of(record, series["id"])["notes"].startswith("Meets at: Room 4.")

    # Fetched by a member too: the export is the same for everyone.
    text = client.get(EXPORT, params={"per_page": 100}, headers=circle.members[0].headers).text
    assert "secret" not in text
    assert "meet.example.org" not in text
    for person in [circle.facilitator, *circle.members]:
        assert str(person.user.id) not in text
        assert person.email not in text
        assert person.user.display_name not in text
    virtual = [
        sal["location"]
        for sal in record["service_at_locations"]
        if sal["location"]["location_type"] == "virtual"
    ]
    assert len(virtual) == 1
    assert "url" not in virtual[0]


# --- when circles meet -----------------------------------------------------------------------


def test_schedules_follow_the_series(client: TestClient, now: datetime) -> None:
    circle = make_circle(client, members=0)
    weekly = create_schedule(client, circle, starts_on="2027-01-01")
    fortnightly = create_schedule(
        client,
        circle,
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        start_time="18:00",
        duration_minutes=60,
        starts_on="2027-01-11",
        until="2027-06-28",
    )
    first_thursday = create_schedule(
        client, circle, rrule="FREQ=MONTHLY;BYDAY=1TH", starts_on="2027-01-01"
    )
    last_friday = create_schedule(
        client,
        circle,
        rrule="FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1",
        timezone="Asia/Kolkata",
        start_time="17:30",
        duration_minutes=90,
        starts_on="2027-01-01",
    )
    daily = create_schedule(client, circle, rrule="FREQ=DAILY;BYDAY=MO,WE", starts_on="2027-01-01")

    record = circles_in(client)[str(circle.group.id)]
    assert problems(service_validator(), record) == []
    tuesdays = schedule_of(record, weekly["id"])
    assert tuesdays["service_id"] == str(circle.group.id)
    assert {k: tuesdays[k] for k in ("freq", "interval", "byday", "wkst", "dtstart")} == {
        "freq": "WEEKLY",
        "interval": 1,
        "byday": "TU",
        "wkst": "MO",
        "dtstart": "2027-01-05",  # the first meeting, not the day the series was set from
    }
    assert tuesdays["opens_at"] == "19:00-05:00"
    assert tuesdays["closes_at"] == "20:30-05:00"
    assert tuesdays["timezone"] == -5
    assert tuesdays["description"] == "Tuesdays, 7:00\u20138:30 pm (America/New_York time)"
    assert "until" not in tuesdays
    assert "valid_to" not in tuesdays
    assert "America/New_York" in tuesdays["notes"]
    assert tuesdays["schedule_link"] == f"{PUBLIC_URL}/groups/{circle.group.id}"

    other_mondays = schedule_of(record, fortnightly["id"])
    assert other_mondays["freq"] == "WEEKLY"
    assert other_mondays["interval"] == 2
    assert other_mondays["byday"] == "MO"
    assert other_mondays["dtstart"] == "2027-01-11"
    assert other_mondays["until"] == "2027-06-28" == other_mondays["valid_to"]
    assert other_mondays["description"] == (
        "Every other Monday, 6:00\u20137:00 pm (America/New_York time), from Monday, 11 "
        "January, until Monday, 28 June"
    )

    thursdays = schedule_of(record, first_thursday["id"])
    assert (thursdays["freq"], thursdays["byday"]) == ("MONTHLY", "1TH")
    assert thursdays["dtstart"] == "2027-01-07"
    assert thursdays["description"].startswith("First Thursday of the month, 7:00")

    fridays = schedule_of(record, last_friday["id"])
    assert (fridays["freq"], fridays["byday"]) == ("MONTHLY", "-1FR")
    assert fridays["timezone"] == 5.5
    assert fridays["opens_at"] == "17:30+05:30"
    assert fridays["closes_at"] == "19:00+05:30"
    assert "(Asia/Kolkata time)" in fridays["description"]

    # HSDS has no daily rules: the words alone, never a made-up weekly one.
    days = schedule_of(record, daily["id"])
    assert "freq" not in days
    assert "byday" not in days
    assert "dtstart" not in days
    assert (
        days["description"] == "Mondays and Wednesdays, 7:00\u20138:30 pm (America/New_York time)"
    )


def test_the_offset_is_the_one_at_the_next_meeting(client: TestClient, clock: Clock) -> None:
    clock.set(datetime(2027, 7, 6, 12, 0, tzinfo=UTC))  # summer: New York at UTC-4
    circle = make_circle(client, members=0)
    weekly = create_schedule(client, circle, starts_on="2027-07-01")
    tuesdays = schedule_of(circles_in(client)[str(circle.group.id)], weekly["id"])
    assert (tuesdays["timezone"], tuesdays["opens_at"]) == (-4, "19:00-04:00")


def test_one_off_meetings_are_put_in_words(client: TestClient, now: datetime) -> None:
    circle = make_circle(
        client, members=0, format="in_person", online_url=None, location={"city": "Springfield"}
    )
    for days in (1, 8, 15, 22):
        one_off(client, circle, NOW + timedelta(days=days, hours=6))  # 1 pm in New York
    past = make_circle(client, members=0, name="Quiet Circle")

    circles = circles_in(client)
    record = circles[str(circle.group.id)]
    assert problems(service_validator(), record) == []
    [meetings] = record["schedules"]
    assert "freq" not in meetings
    # The next three, as the app writes a time: the zone named with it.
    assert meetings["description"] == (
        "Next meetings: 1:00 pm (America/New_York time) on Wednesday, 6 January; "
        "1:00 pm (America/New_York time) on Wednesday, 13 January; "
        "1:00 pm (America/New_York time) on Wednesday, 20 January."
    )
    assert meetings["attending_type"] == "In person"
    once = make_circle(client, members=0, name="Once Circle")
    one_off(client, once, NOW + timedelta(days=1, hours=6))
    [single] = circles_in(client)[str(once.group.id)]["schedules"]
    assert single["description"] == (
        "Next meeting: 1:00 pm (America/New_York time) on Wednesday, 6 January."
    )
    # A circle with no meetings planned says nothing of when: no schedules at all.
    assert "schedules" not in circles[str(past.group.id)]


# --- where and how -------------------------------------------------------------------------


def test_places_and_accessibility(client: TestClient, now: datetime) -> None:
    full = make_circle(
        client,
        members=0,
        name="Full Address Circle",
        format="in_person",
        online_url=None,
        location={
            "address": "12 Elm Street",
            "city": "Springfield",
            "region": "IL",
            "postal_code": "62701",
            "country": "US",
            "latitude": 39.8,
            "longitude": -89.65,
        },
        accessibility_notes="Step-free entrance.",
    )
    partial = make_circle(
        client,
        members=0,
        name="Partial Address Circle",
        format="in_person",
        online_url=None,
        location={"address": "Community Hall", "city": "Springfield"},
    )
    online = make_circle(
        client, members=0, name="Online Circle", accessibility_notes="Live captions."
    )
    hybrid = make_circle(
        client,
        members=0,
        name="Hybrid Circle",
        format="hybrid",
        location={"city": "Springfield"},
        accessibility_notes="Both.",
    )
    circles = circles_in(client)

    def locations(circle: Circle) -> dict[str, dict[str, Any]]:
        record = circles[str(circle.group.id)]
        assert problems(service_validator(), record) == []
        for sal in record["service_at_locations"]:
            assert sal["service_id"] == record["id"]
            assert sal["location_id"] == sal["location"]["id"]
        return {
            sal["location"]["location_type"]: sal["location"]
            for sal in record["service_at_locations"]
        }

    place = locations(full)["physical"]
    assert place["name"] == "12 Elm Street, Springfield"
    assert (place["latitude"], place["longitude"]) == (39.8, -89.65)
    [address] = place["addresses"]
    assert {k: address[k] for k in ("address_1", "city", "state_province", "postal_code")} == {
        "address_1": "12 Elm Street",
        "city": "Springfield",
        "state_province": "IL",
        "postal_code": "62701",
    }
    assert address["country"] == "US"
    assert address["location_id"] == place["id"]
    [access] = place["accessibility"]
    assert access["description"] == "Step-free entrance."
    assert access["location_id"] == place["id"]

    # A partial address is not guessed into HSDS's structured one; the place is its name.
    half = locations(partial)
    assert set(half) == {"physical"}
    assert half["physical"]["name"] == "Community Hall, Springfield"
    assert "addresses" not in half["physical"]
    assert "accessibility" not in half["physical"]

    virtual = locations(online)
    assert set(virtual) == {"virtual"}
    assert "url" not in virtual["virtual"]
    assert virtual["virtual"]["accessibility"][0]["description"] == "Live captions."

    both = locations(hybrid)
    assert set(both) == {"physical", "virtual"}
    assert all(loc["accessibility"][0]["description"] == "Both." for loc in both.values())
    assert both["physical"]["id"] != both["virtual"]["id"]


def test_languages_and_topics(client: TestClient, now: datetime) -> None:
    spanish = make_circle(client, members=0, language="es-MX", topics=["anxiety", "grief-and-loss"])
    english = make_circle(client, members=0, topics=["anxiety"])
    circles = circles_in(client)
    record = circles[str(spanish.group.id)]
    [language] = record["languages"]
    assert language["code"] == "es"
    assert "es-MX" in language["note"]
    assert circles[str(english.group.id)]["languages"][0]["code"] == "en"
    assert "note" not in circles[str(english.group.id)]["languages"][0]

    terms = [attribute["taxonomy_term"] for attribute in record["attributes"]]
    assert [term["code"] for term in terms] == ["anxiety", "grief-and-loss"]
    assert all(term["taxonomy"] == "Strength Circles topics" for term in terms)
    assert all(a["link_id"] == record["id"] for a in record["attributes"])
    # One term per topic, whichever circle carries it.
    english_term = circles[str(english.group.id)]["attributes"][0]["taxonomy_term"]
    assert english_term == terms[0]
    ids = [a["id"] for c in circles.values() for a in c["attributes"]]
    assert len(ids) == len(set(ids))
    assert uuid.UUID(terms[0]["id"]).version == 5
