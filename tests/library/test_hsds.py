"""The HSDS export: published services and hotlines as Open Referral HSDS 3.0 services that
validate against the upstream compiled service schema (a copy in tests/fixtures)."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from backend.accounts.models import Role
from tests.factories import Person, make_person
from tests.support.hsds import problems, service_validator

EXPORT = "/api/v1/resources/export/hsds"


@pytest.fixture(scope="module")
def service_schema() -> Draft202012Validator:
    return service_validator()


def publish(client: TestClient, editor: Person, **fields: Any) -> str:
    body = {
        "summary": "Free and confidential support.",
        "body_markdown": "Call or write; someone will listen.",
        "topics": ["general-wellbeing"],
    } | fields
    created = client.post("/api/v1/resources", headers=editor.headers, json=body)
    assert created.status_code == 201, created.text
    resource_id = str(created.json()["id"])
    client.patch(
        f"/api/v1/resources/{resource_id}", headers=editor.headers, json={"status": "published"}
    )
    return resource_id


def test_services_and_hotlines_export_as_valid_hsds(
    client: TestClient, service_schema: Draft202012Validator
) -> None:
    editor = make_person(client, role=Role.facilitator)
    counseling = publish(
        client,
        editor,
        title="Walk-in counseling",
        type="service",
        contact={
            "organization": "Springfield Counseling Service",
            "phone": "+1 217 555 0100",
            "email": "hello@counseling.example.org",
            "website": "https://counseling.example.org/",
            "hours": "Mon-Fri 9am-5pm",
        },
    )
    lifeline = publish(
        client,
        editor,
        title="988 Suicide & Crisis Lifeline",
        type="hotline",
        contact={"phone": "988", "website": "https://988lifeline.org/", "hours": "24/7"},
    )
    publish(client, editor, title="Sleep hygiene basics", type="article")  # not exported

    response = client.get(EXPORT)
    assert response.status_code == 200
    body = response.json()
    assert body["total_items"] == 2
    assert body["first_page"] is True
    assert body["last_page"] is True
    records = {record["id"]: record for record in body["contents"]}
    assert set(records) == {counseling, lifeline}
    for record in body["contents"]:
        assert problems(service_schema, record) == []

    service = records[counseling]
    assert service["organization"]["name"] == "Springfield Counseling Service"
    assert service["phones"][0]["number"] == "+1 217 555 0100"
    assert service["schedules"][0]["description"] == "Mon-Fri 9am-5pm"
    assert service["email"] == "hello@counseling.example.org"
    assert records[lifeline]["phones"][0]["number"] == "988"
    # Derived ids stay the same from one export to the next.
    assert client.get(EXPORT).json() == body


def test_drafts_are_not_exported_and_pages_are_hsds_pages(client: TestClient) -> None:
    editor = make_person(client, role=Role.facilitator)
    client.post(
        "/api/v1/resources",
        headers=editor.headers,
        json={
            "title": "Draft service",
            "summary": "s",
            "body_markdown": "b",
            "type": "service",
            "topics": ["anxiety"],
        },
    )
    for number in range(3):
        publish(client, editor, title=f"Service {number}", type="service")
    first = client.get(EXPORT, params={"per_page": 2}).json()
    second = client.get(EXPORT, params={"per_page": 2, "page": 2}).json()
    assert first["total_items"] == 3
    assert first["total_pages"] == 2
    assert [first["size"], second["size"]] == [2, 1]
    assert second["last_page"] is True
    names = [r["name"] for r in first["contents"] + second["contents"]]
    assert sorted(names) == ["Service 0", "Service 1", "Service 2"]
    assert client.get(EXPORT, params={"per_page": 101}).status_code == 422
