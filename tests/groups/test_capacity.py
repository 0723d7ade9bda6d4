"""Group capacity holds under simultaneous joins, on both databases: the seat count is read
under a row lock, so the last seats cannot be handed out twice."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from tests.factories import make_group, make_person

SEATS = 3
JOINERS = 12


@pytest.mark.real_commits
def test_simultaneous_joins_never_overfill_a_group(client: TestClient, app: FastAPI) -> None:
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user, capacity=SEATS)
    people = [make_person(client) for _ in range(JOINERS)]

    def join(headers: dict[str, str]) -> int:
        response = client.post(
            f"/api/v1/groups/{group.id}/members",
            headers=headers,
            json={"accept_guidelines": True},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=JOINERS) as pool:
        statuses = list(pool.map(join, [person.headers for person in people]))

    assert sorted(statuses) == [201] * SEATS + [409] * (JOINERS - SEATS)
    members = client.get(f"/api/v1/groups/{group.id}/members", headers=facilitator.headers).json()
    active_members = [m for m in members["items"] if m["role"] == "member"]
    assert len(active_members) == SEATS
    page = client.get(f"/api/v1/groups/{group.id}").json()
    assert page["seats_left"] == 0


def test_a_facilitator_cannot_become_a_member_of_a_full_group(
    client: TestClient, app: FastAPI
) -> None:
    first = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=first.user, capacity=1)
    second = make_person(client, role=Role.facilitator)
    member = make_person(client)
    base = f"/api/v1/groups/{group.id}/members"
    for person in (second, member):
        client.post(base, headers=person.headers, json={"accept_guidelines": True})
    promoted = client.patch(
        f"{base}/{second.user.id}", headers=first.headers, json={"role": "facilitator"}
    )
    assert promoted.status_code == 200, promoted.text  # frees the seat second took
    client.post(base, headers=make_person(client).headers, json={"accept_guidelines": True})
    demoted = client.patch(
        f"{base}/{second.user.id}", headers=first.headers, json={"role": "member"}
    )
    assert demoted.status_code == 409
    assert demoted.json()["type"].endswith("group-full")
