"""Whenever the demo starts (`circles seed demo`, run by `make run`), one of River's groups has
a meeting open for check-in, and running the seed again while it is open adds nothing."""

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from backend.accounts.seed import seed_demo_accounts
from backend.groups.seed import seed_demo_groups
from backend.sessions.models import GroupSession
from backend.sessions.seed import seed_demo_check_in, seed_demo_sessions
from tests.factories import sign_in
from tests.support.clock import Clock
from tests.support.demo import demo_content

# A Wednesday afternoon in Chicago: none of River's demo groups meets then (Tuesday evenings,
# Thursday lunchtimes and Wednesday evenings in Los Angeles).
QUIET = datetime(2026, 10, 7, 15, 2, tzinfo=UTC)


def seed(app: FastAPI, *, everything: bool = False) -> list[str]:
    seeders = [seed_demo_accounts, seed_demo_groups, seed_demo_sessions] if everything else []
    with app.state.session_factory.begin() as db:
        return [
            line for seeder in [*seeders, seed_demo_check_in] for line in seeder(db, demo_content())
        ]


def meetings(app: FastAPI) -> int:
    with app.state.session_factory() as db:
        return int(db.scalar(select(func.count()).select_from(GroupSession)) or 0)


def headers(client: TestClient, email: str, password: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in(client, email, password)['access_token']}"}


def test_the_demo_has_a_meeting_to_check_in_to_and_a_second_run_adds_none(
    client: TestClient, app: FastAPI, clock: Clock
) -> None:
    clock.set(QUIET)
    lines = seed(app, everything=True)
    count = meetings(app)

    again = seed(app)

    (line,) = [line for line in lines if line.startswith("Check-in is open")]
    assert line == (
        "Check-in is open for a meeting of Tuesday Evening Anxiety Circle (River, "
        "river@example.org, is a member) starting at 10:15 am (America/Chicago time) on "
        "Wednesday, 7 October; facilitator@example.org can read its check-in code."
    )  # 15:02 UTC, rounded up to 15:05, plus ten minutes
    assert again == [line]
    assert meetings(app) == count

    river = headers(client, "river@example.org", "circles demo member")
    facilitator = headers(client, "facilitator@example.org", "circles demo facilitator")
    mine = client.get("/api/v1/me/sessions", headers=river, params={"limit": "100"})
    (meeting,) = [m for m in mine.json()["items"] if m["starts_at"] == "2026-10-07T15:15:00Z"]
    assert meeting["group_name"] == "Tuesday Evening Anxiety Circle"
    code = client.get(f"/api/v1/sessions/{meeting['id']}/check-in-code", headers=facilitator)
    assert code.status_code == 200, code.text
    checked_in = client.post(
        f"/api/v1/sessions/{meeting['id']}/check-in",
        headers=river,
        json={"code": code.json()["code"]},
    )
    assert checked_in.status_code == 200, checked_in.text
    assert checked_in.json()["status"] == "present"

    clock.advance(timedelta(minutes=70))  # 16:12 UTC: the meeting is on until 16:15
    assert seed(app) == [line.replace("starting at", "that began at")]
    assert meetings(app) == count
    clock.advance(timedelta(hours=2))  # 18:12 UTC, it is over: the next start makes another
    (later,) = seed(app)
    assert "starting at 1:25 pm (America/Chicago time) on Wednesday, 7 October" in later
    assert meetings(app) == count + 1


def test_a_meeting_of_rivers_already_open_is_the_one_named(app: FastAPI, clock: Clock) -> None:
    # Tuesday 6 October, 7:20 pm in Chicago: the Tuesday Evening Anxiety Circle is meeting.
    clock.set(datetime(2026, 10, 7, 0, 20, tzinfo=UTC))
    seed(app, everything=True)
    count = meetings(app)

    lines = seed(app)

    assert lines == [
        "Check-in is open for a meeting of Tuesday Evening Anxiety Circle (River, "
        "river@example.org, is a member) that began at 7:00 pm (America/Chicago time) on "
        "Tuesday, 6 October; facilitator@example.org can read its check-in code."
    ]
    assert meetings(app) == count
