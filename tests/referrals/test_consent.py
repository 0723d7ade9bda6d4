"""What a referrer learns of attendance, and how consent ends: from the time of consent, in
that circle only, nothing after withdrawal or erasure; the FHIR bundle shows the same, validated
with an independent FHIR model library (fhir.resources, R4B)."""

import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle

from backend.referrals.consent import WORDING_VERSION
from tests.factories import Person, join, make_group, make_person
from tests.referrals.conftest import API, Service, accept, link_token, read, refer
from tests.support.clock import Clock
from tests.support.problems import assert_problem


def meeting(client: TestClient, facilitator: Person, group_id: object, starts_at: datetime) -> str:
    response = client.post(
        f"{API}/groups/{group_id}/sessions",
        headers=facilitator.headers,
        json={"starts_at": starts_at.isoformat(), "duration_minutes": 60, "timezone": "UTC"},
    )
    assert response.status_code == 201, response.text
    meeting_id: str = response.json()["id"]
    return meeting_id


def record(
    client: TestClient, facilitator: Person, meeting_id: str, *entries: tuple[Person, str]
) -> None:
    response = client.put(
        f"{API}/sessions/{meeting_id}/attendance",
        headers=facilitator.headers,
        json={"records": [{"user_id": str(p.user.id), "status": s} for p, s in entries]},
    )
    assert response.status_code == 200, response.text


def attendance(client: TestClient, service: Service, referral_id: str) -> list[dict[str, Any]]:
    response = client.get(f"{API}/referrals/{referral_id}/attendance", headers=service.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def bundle(client: TestClient, service: Service, referral_id: str) -> list[dict[str, Any]]:
    """The referral's FHIR bundle, validated by an independent FHIR model library (it raises
    on anything R4B does not allow), as its resources."""
    response = client.get(f"{API}/referrals/{referral_id}/fhir", headers=service.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    parsed = Bundle.model_validate_json(response.content)
    assert parsed.type == "collection"
    body: dict[str, Any] = response.json()
    resources: list[dict[str, Any]] = [entry["resource"] for entry in body["entry"]]
    return resources


def kinds(resources: list[dict[str, Any]]) -> list[str]:
    return [resource["resourceType"] for resource in resources]


def consents(client: TestClient, person: Person) -> list[dict[str, Any]]:
    response = client.get(f"{API}/me/consents", headers=person.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


@pytest.fixture
def scene(
    client: TestClient, app: FastAPI, service: Service, facilitator: Person, clock: Clock
) -> tuple[uuid.UUID, Person, str, str]:
    """Sam, referred by the service, joined and shares both parts; a meeting before it."""
    group = make_group(app, facilitator=facilitator.user, name="Tuesday Circle")
    sam = make_person(client)
    join(client, sam, group.id)
    before = meeting(client, facilitator, group.id, clock.now() + timedelta(minutes=10))
    clock.advance(timedelta(minutes=15))
    record(client, facilitator, before, (sam, "present"))
    clock.advance(timedelta(hours=2))
    made = refer(
        client,
        service.headers,
        group.id,
        "sam@example.net",
        ask_attendance=True,
        external_id="CASE-1042",
    )
    answered = accept(client, sam, link_token(app, "sam@example.net"), "outcome", "attendance")
    assert answered.status_code == 200, answered.text
    return group.id, sam, made["id"], before


def test_attendance_is_shared_from_the_time_of_consent_in_that_circle_only(
    client: TestClient,
    app: FastAPI,
    service: Service,
    facilitator: Person,
    clock: Clock,
    scene: tuple[uuid.UUID, Person, str, str],
) -> None:
    group_id, sam, referral_id, before = scene
    assert read(client, service.headers, referral_id)["attendance_shared_since"] is not None
    assert attendance(client, service, referral_id) == []  # the meeting before consent: not
    first = meeting(client, facilitator, group_id, clock.now() + timedelta(days=1))
    second = meeting(client, facilitator, group_id, clock.now() + timedelta(days=8))
    clock.advance(timedelta(days=1, minutes=5))
    record(client, facilitator, first, (sam, "late"))
    clock.advance(timedelta(days=7))
    record(client, facilitator, second, (sam, "absent"))
    # Another circle Sam is in, facilitated by the same person: never shared.
    other = make_group(app, facilitator=facilitator.user)
    join(client, sam, other.id)
    elsewhere = meeting(client, facilitator, other.id, clock.now() + timedelta(minutes=10))
    clock.advance(timedelta(minutes=15))
    record(client, facilitator, elsewhere, (sam, "present"))
    shared = attendance(client, service, referral_id)
    assert [(a["meeting_id"], a["attended"]) for a in shared] == [(second, False), (first, True)]
    assert before not in str(shared)
    assert elsewhere not in str(shared)
    # Paged.
    page = client.get(
        f"{API}/referrals/{referral_id}/attendance?limit=1", headers=service.headers
    ).json()
    assert len(page["items"]) == 1
    assert page["next_cursor"]

    resources = bundle(client, service, referral_id)
    assert kinds(resources) == ["ServiceRequest", "Consent", "Consent", "Encounter"]
    request, _, _, encounter = resources
    assert request["status"] == "completed"
    assert request["subject"]["identifier"]["value"] == "CASE-1042"
    assert encounter["status"] == "finished"
    assert encounter["basedOn"][0]["reference"] == f"urn:uuid:{referral_id}"
    for resource in resources:
        assert sam.email not in str(resource)
        assert sam.user.display_name not in str(resource)


def test_withdrawing_stops_all_later_sharing(
    client: TestClient,
    app: FastAPI,
    service: Service,
    facilitator: Person,
    clock: Clock,
    scene: tuple[uuid.UUID, Person, str, str],
) -> None:
    group_id, sam, referral_id, _ = scene
    given = consents(client, sam)
    assert {c["part"] for c in given} == {"outcome", "attendance"}
    assert {c["wording_version"] for c in given} == {WORDING_VERSION}
    assert all(c["referrer_name"] == "Riverside Counseling" for c in given)
    assert all(c["group_name"] == "Tuesday Circle" for c in given)
    shared = meeting(client, facilitator, group_id, clock.now() + timedelta(minutes=10))
    clock.advance(timedelta(minutes=15))
    record(client, facilitator, shared, (sam, "present"))
    assert len(attendance(client, service, referral_id)) == 1

    # Only the person may withdraw their consent.
    outcome = next(c for c in given if c["part"] == "outcome")
    url = f"{API}/me/consents/{outcome['id']}/withdraw"
    assert_problem(client.post(url), 401)
    assert_problem(client.post(url, headers=make_person(client).headers), 404)
    assert_problem(client.post(url, headers=service.headers), 403)
    withdrawn = client.post(url, headers=sam.headers)
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["withdrawn_at"] is not None
    # Stopping "whether you joined" stops attendance too.
    assert all(c["withdrawn_at"] for c in consents(client, sam))
    again = client.post(url, headers=sam.headers)
    assert again.json()["withdrawn_at"] == withdrawn.json()["withdrawn_at"]

    later = meeting(client, facilitator, group_id, clock.now() + timedelta(days=1))
    clock.advance(timedelta(days=1, minutes=5))
    record(client, facilitator, later, (sam, "present"))
    seen = read(client, service.headers, referral_id)
    assert seen["state"] == "not_shared"
    assert (seen["outcome_shared"], seen["attendance_shared_since"]) == (False, None)
    assert attendance(client, service, referral_id) == []
    (request,) = bundle(client, service, referral_id)
    assert (request["resourceType"], request["status"]) == ("ServiceRequest", "unknown")


def test_withdrawing_attendance_keeps_the_outcome(
    client: TestClient, service: Service, scene: tuple[uuid.UUID, Person, str, str]
) -> None:
    _, sam, referral_id, _ = scene
    part = next(c for c in consents(client, sam) if c["part"] == "attendance")
    assert (
        client.post(f"{API}/me/consents/{part['id']}/withdraw", headers=sam.headers).status_code
        == 200
    )
    seen = read(client, service.headers, referral_id)
    assert (seen["state"], seen["attendance_shared_since"]) == ("joined", None)
    assert kinds(bundle(client, service, referral_id)) == ["ServiceRequest", "Consent"]


def test_erasing_the_account_withdraws_every_consent(
    client: TestClient, app: FastAPI, service: Service, scene: tuple[uuid.UUID, Person, str, str]
) -> None:
    _, sam, referral_id, _ = scene
    erased = client.request(
        "DELETE", f"{API}/me", headers=sam.headers, json={"password": sam.password}
    )
    assert erased.status_code == 204, erased.text
    seen = read(client, service.headers, referral_id)
    assert seen["state"] == "not_shared"
    assert attendance(client, service, referral_id) == []
    assert kinds(bundle(client, service, referral_id)) == ["ServiceRequest"]


def test_the_export_holds_the_referral_its_note_and_the_consents_but_no_digests(
    client: TestClient, app: FastAPI, service: Service, facilitator: Person
) -> None:
    group = make_group(app, facilitator=facilitator.user)
    refer(client, service.headers, group.id, "sam@example.net", note="For the facilitators")
    sam = make_person(client)
    accept(client, sam, link_token(app, "sam@example.net"), "outcome")
    exported = client.get(f"{API}/me/export", headers=sam.headers)
    assert exported.status_code == 200, exported.text
    records = exported.json()["records"]
    (referral,) = records["referral"]
    assert "token_hash" not in referral
    assert "email_digest" not in referral
    assert referral["note"] == "For the facilitators"  # shown to them when they opened it
    assert [c["part"] for c in records["referral_consent"]] == ["outcome"]
