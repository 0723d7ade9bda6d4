"""The topic vocabulary: a name is taken whatever its case, non-ASCII names included."""

from fastapi.testclient import TestClient

from backend.accounts.models import Role
from tests.factories import make_person
from tests.support.problems import assert_problem


def test_a_topic_name_with_non_ascii_letters_cannot_be_added_twice(client: TestClient) -> None:
    admin = make_person(client, role=Role.admin)
    first = client.post(
        "/api/v1/topics", headers=admin.headers, json={"slug": "duelo", "name": "Órfãos e luto"}
    )
    assert first.status_code == 201
    again = client.post(
        "/api/v1/topics", headers=admin.headers, json={"slug": "duelo-2", "name": "Órfãos e luto"}
    )
    assert assert_problem(again, 409)["type"].endswith("topic-exists")
    slugs = [topic["slug"] for topic in client.get("/api/v1/topics").json()["items"]]
    assert slugs.count("duelo") == 1
    assert "duelo-2" not in slugs
