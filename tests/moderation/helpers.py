"""Filing reports and acting on cases, as the tests of moderation do it."""

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import Person

REPORTS = "/api/v1/reports"


def report(
    client: TestClient, reporter: Person, target_type: str, target_id: object, **fields: Any
) -> Any:
    body = {"target_type": target_type, "target_id": str(target_id), "reason": "harassment"}
    return client.post(REPORTS, headers=reporter.headers, json=body | fields)


def filed(
    client: TestClient, reporter: Person, target_type: str, target_id: object, **fields: Any
) -> dict[str, Any]:
    response = report(client, reporter, target_type, target_id, **fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def queue(client: TestClient, moderator: Person, **params: Any) -> list[dict[str, Any]]:
    response = client.get(REPORTS, headers=moderator.headers, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def only_case(client: TestClient, moderator: Person, **params: Any) -> dict[str, Any]:
    (case,) = queue(client, moderator, **params)
    return case


def read_case(client: TestClient, moderator: Person, case_id: object) -> dict[str, Any]:
    response = client.get(f"{REPORTS}/{case_id}", headers=moderator.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def act(client: TestClient, moderator: Person, case_id: object, action: str, **fields: Any) -> Any:
    return client.post(
        f"{REPORTS}/{case_id}/actions", headers=moderator.headers, json={"action": action} | fields
    )


def acted(
    client: TestClient, moderator: Person, case_id: object, action: str, **fields: Any
) -> dict[str, Any]:
    response = act(client, moderator, case_id, action, **fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def my_reports(client: TestClient, reporter: Person) -> list[dict[str, Any]]:
    response = client.get("/api/v1/me/reports", headers=reporter.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
