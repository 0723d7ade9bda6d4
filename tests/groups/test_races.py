"""A double-clicked Join: the same person asks to join the same group twice at the same
moment. One request joins, the other finds that membership and says so (409 already-member);
never a 500, never two memberships. Each test widens the window between reading the
membership and writing it, so a missing lock loses every time rather than now and then."""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.accounts.models import Role
from backend.groups import service
from backend.groups.models import GroupMembership
from tests.factories import make_group, make_person, make_user
from tests.support.concurrency import at_once, dawdle
from tests.support.problems import assert_problem

# Requests at once, on connections of their own: they commit for real.
pytestmark = pytest.mark.real_commits

EXPECTED_STATUS = {"open": "active", "approval": "pending"}


def memberships(app: FastAPI, group_id: object, user_id: object) -> list[GroupMembership]:
    with app.state.session_factory() as db:
        rows = db.scalars(
            select(GroupMembership).where(
                GroupMembership.group_id == group_id, GroupMembership.user_id == user_id
            )
        ).all()
        db.expunge_all()
    return list(rows)


@pytest.mark.parametrize("policy", ["open", "approval"])
def test_a_double_clicked_join_joins_once(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch, policy: str
) -> None:
    facilitator = make_user(app, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator, join_policy=policy)
    person = make_person(client)
    dawdle(monkeypatch, service, "visible_group")

    answers = at_once(
        *[
            lambda: client.post(
                f"/api/v1/groups/{group.id}/members",
                json={"accept_guidelines": True},
                headers=person.headers,
            )
        ]
        * 2
    )

    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    joined = next(a for a in answers if a.status_code == 201).json()
    assert joined["status"] == EXPECTED_STATUS[policy]
    refused = assert_problem(next(a for a in answers if a.status_code == 409), 409)
    assert refused["type"].endswith(":already-member")
    (membership,) = memberships(app, group.id, person.user.id)
    assert membership.status == EXPECTED_STATUS[policy]


def test_a_double_clicked_join_of_the_last_seat_takes_one_seat(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    facilitator = make_user(app, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator, capacity=2)
    first, person = make_person(client), make_person(client)
    client.post(
        f"/api/v1/groups/{group.id}/members",
        json={"accept_guidelines": True},
        headers=first.headers,
    ).raise_for_status()
    dawdle(monkeypatch, service, "visible_group")

    answers = at_once(
        *[
            lambda: client.post(
                f"/api/v1/groups/{group.id}/members",
                json={"accept_guidelines": True},
                headers=person.headers,
            )
        ]
        * 2
    )

    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    with app.state.session_factory() as db:
        active = db.scalar(
            select(func.count()).where(
                GroupMembership.group_id == group.id,
                GroupMembership.status == "active",
                GroupMembership.role == "member",
            )
        )
    assert active == 2
