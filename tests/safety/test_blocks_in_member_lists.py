"""Blocking hides the blocker from the blocked person in a circle's member list (the blocked
person is never told); facilitators stay listed, and staff still see everyone."""

from fastapi.testclient import TestClient

from backend.accounts.models import Role
from tests.factories import Person, make_person
from tests.sessions.conftest import Circle, make_circle


def listed(client: TestClient, circle: Circle, viewer: Person) -> set[str]:
    response = client.get(f"{circle.base}/members", headers=viewer.headers)
    assert response.status_code == 200, response.text
    return {member["user_id"] for member in response.json()["items"]}


def block(client: TestClient, blocker: Person, blocked: Person) -> None:
    response = client.put(f"/api/v1/me/blocks/{blocked.user.id}", headers=blocker.headers)
    assert response.status_code == 200, response.text


def test_the_blocked_person_no_longer_sees_the_blocker(client: TestClient) -> None:
    circle = make_circle(client, members=3)
    blocker, blocked, bystander = circle.members
    everyone = {str(p.user.id) for p in (circle.facilitator, *circle.members)}
    assert listed(client, circle, blocked) == everyone
    block(client, blocker, blocked)
    assert listed(client, circle, blocked) == everyone - {str(blocker.user.id)}
    # Everyone else sees both; the blocker still sees the person they blocked.
    assert listed(client, circle, bystander) == everyone
    assert listed(client, circle, blocker) == everyone
    assert listed(client, circle, circle.facilitator) == everyone
    admin = make_person(client, role=Role.admin)
    assert listed(client, circle, admin) == everyone


def test_a_facilitator_who_blocks_stays_listed(client: TestClient) -> None:
    circle = make_circle(client, members=1)
    (member,) = circle.members
    block(client, circle.facilitator, member)
    assert str(circle.facilitator.user.id) in listed(client, circle, member)
