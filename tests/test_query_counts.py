"""Every hot endpoint runs a fixed number of SQL statements: the same for a page of 2 as for a
page of 20, for a month's report as for a year's (no N+1), and no more than stated here. The
data is the load seed (``circles seed load``) at a small size, on both databases.

The numbers are budgets, not measurements to update without thought: a new statement on a hot
path is a cost every request pays (see bench/README.md for the load benchmark)."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select, text

from backend.accounts.models import User
from backend.core.vocabulary import SessionStatus
from backend.groups.models import (
    GroupMembership,
    GroupStatus,
    MemberRole,
    MembershipStatus,
    SupportGroup,
)
from backend.library import hsds
from backend.loadseed import LOAD_PASSWORD, LoadSeed, LoadSizes
from backend.sessions.models import GroupSession
from tests.conftest import DatabaseUnderTest, reset_tables
from tests.factories import sign_in
from tests.support.statements import counted

SIZES = LoadSizes(
    members=300, groups=25, meetings=25 * 20, attendance=2_500, resources=80, mentors=10
)


@pytest.fixture(scope="module")
def load_data(migrated_database: DatabaseUnderTest) -> Iterator[DatabaseUnderTest]:
    """The load seed, committed once for the module and emptied after it."""
    with migrated_database.engine.begin() as connection:
        LoadSeed(connection, SIZES, seed=11).run()
    try:
        yield migrated_database
    finally:
        reset_tables(migrated_database)


@dataclass
class Scene:
    """What the requests need from the load data: people signed in and their circles."""

    member: dict[str, str]  # headers
    member_group: uuid.UUID
    upcoming: list[uuid.UUID]  # meetings of the member's circle
    facilitator: dict[str, str]
    facilitated: uuid.UUID
    exported_resources: int  # how many resources the HSDS export lists before the circles


def bearer(client: TestClient, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {sign_in(client, email, LOAD_PASSWORD)['access_token']}"}


@pytest.fixture
def scene(load_data: DatabaseUnderTest, client: TestClient) -> Scene:
    app = client.app
    assert isinstance(app, FastAPI)
    now = datetime.now(UTC)
    with app.state.session_factory() as db:
        email, group_id = db.execute(
            select(User.email, GroupMembership.group_id)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .join(SupportGroup, SupportGroup.id == GroupMembership.group_id)
            .where(
                GroupMembership.role == MemberRole.member,
                GroupMembership.status == MembershipStatus.active,
                SupportGroup.status == GroupStatus.active,
            )
            .order_by(User.email)
            .limit(1)
        ).one()
        upcoming = list(
            db.scalars(
                select(GroupSession.id)
                .where(
                    GroupSession.group_id == group_id,
                    GroupSession.status == SessionStatus.scheduled,
                    GroupSession.starts_at > now,
                )
                .order_by(GroupSession.starts_at)
            )
        )
        facilitator_email, facilitated = db.execute(
            select(User.email, SupportGroup.id)
            .join(User, User.id == SupportGroup.created_by_id)
            .where(SupportGroup.status == GroupStatus.active)
            .order_by(SupportGroup.slug)
            .limit(1)
        ).one()
        exported_resources = hsds.count_resources(db)
    return Scene(
        member=bearer(client, email),
        member_group=group_id,
        upcoming=upcoming,
        facilitator=bearer(client, facilitator_email),
        facilitated=facilitated,
        exported_resources=exported_resources,
    )


def statements_of(
    client: TestClient,
    method: str,
    path: str,
    headers: dict[str, str],
    *,
    warm: bool = True,
    **options: Any,
) -> tuple[int, Any]:
    """How many statements a request ran, and its answer; a read is asked once before."""
    app = client.app
    assert isinstance(app, FastAPI)
    if warm:
        client.request(method, path, headers=headers, **options)
    with counted(app) as statements:
        response = client.request(method, path, headers=headers, **options)
    assert response.status_code < 300, response.text
    return len(statements), response.json()


def rows(body: Any) -> int:
    """How many rows an answer lists: a page's items, a report's meetings."""
    for key in ("items", "sessions", "contents"):
        if key in body:
            return len(body[key])
    raise AssertionError(f"no rows in {sorted(body)}")


def months_ago(months: int) -> str:
    return (datetime.now(UTC) - timedelta(days=30 * months)).strftime("%Y-%m-%dT%H:%M:%SZ")


Ask = tuple[str, str, dict[str, str], dict[str, Any]]


def directory(_: Scene, size: int) -> Ask:
    return "GET", "/api/v1/groups", {}, {"params": {"limit": size}}


def directory_filtered(_: Scene, size: int) -> Ask:
    filters = {"limit": size, "open": "true", "format": "online"}
    return "GET", "/api/v1/groups", {}, {"params": filters}


def directory_signed_in(scene: Scene, size: int) -> Ask:
    return "GET", "/api/v1/groups", scene.member, {"params": {"limit": size}}


def circle_meetings(scene: Scene, size: int) -> Ask:
    return "GET", f"/api/v1/groups/{scene.member_group}/sessions", {}, {"params": {"limit": size}}


def my_meetings(scene: Scene, size: int) -> Ask:
    return "GET", "/api/v1/me/sessions", scene.member, {"params": {"limit": size}}


def resource_search(_: Scene, size: int) -> Ask:
    return "GET", "/api/v1/resources", {}, {"params": {"q": "coping", "limit": size}}


def directory_hsds(scene: Scene, size: int) -> Ask:
    """A page of the HSDS export that ends the resources and starts the circles, so both
    kinds are read (a page size that the resources fill exactly would read only circles)."""
    per_page = size
    while scene.exported_resources % per_page == 0:
        per_page += 1
    page = scene.exported_resources // per_page + 1
    params = {"page": page, "per_page": per_page}
    return "GET", "/api/v1/directory/export/hsds", {}, {"params": params}


def attendance_report(scene: Scene, months: int) -> Ask:
    path = f"/api/v1/groups/{scene.facilitated}/attendance-report"
    return "GET", path, scene.facilitator, {"params": {"from": months_ago(months)}}


# name: (the request, a small and a large size of it, the most statements allowed)
HOT: dict[str, tuple[Callable[[Scene, int], Ask], tuple[int, int], int]] = {
    "directory, anonymous": (directory, (2, 20), 6),
    "directory, filtered": (directory_filtered, (2, 20), 6),
    "directory, signed in": (directory_signed_in, (2, 20), 8),
    "a circle's meetings": (circle_meetings, (2, 13), 5),
    "my meetings": (my_meetings, (2, 13), 7),
    "resource search": (resource_search, (2, 20), 3),
    # Two counts, the page's resources and circles, and the circles' topics, series and
    # one-off meetings.
    "directory as HSDS": (directory_hsds, (3, 30), 7),
    # Two of these write its audit event and the people it covers (core/audit.py): a read
    # the trail does not show is never answered, so they are part of the price.
    "attendance report (months)": (attendance_report, (1, 11), 10),
}


@pytest.mark.parametrize("name", list(HOT))
def test_a_hot_endpoint_runs_as_many_statements_for_many_rows_as_for_few(
    name: str, scene: Scene, client: TestClient
) -> None:
    ask, (small, large), most = HOT[name]
    method, path, headers, options = ask(scene, small)
    few, small_body = statements_of(client, method, path, headers, **options)
    method, path, headers, options = ask(scene, large)
    many, large_body = statements_of(client, method, path, headers, **options)
    assert rows(large_body) > rows(small_body) > 0, "the large request must list more rows"
    assert many == few, f"{name}: {few} statements for a small page, {many} for a large one"
    assert many <= most, f"{name}: {many} statements, more than the {most} allowed"


def test_the_group_page_and_my_groups_read_in_few_statements(
    scene: Scene, client: TestClient
) -> None:
    page, _ = statements_of(client, "GET", f"/api/v1/groups/{scene.member_group}", {})
    assert page <= 5
    mine, body = statements_of(client, "GET", "/api/v1/me/groups", scene.member)
    assert mine <= 11
    assert body["items"]


def test_rsvp_and_check_in_write_in_few_statements(scene: Scene, client: TestClient) -> None:
    meeting = scene.upcoming[0]
    going, answer = statements_of(
        client,
        "PUT",
        f"/api/v1/sessions/{meeting}/rsvp",
        scene.member,
        warm=False,
        json={"status": "going"},
    )
    assert answer["status"] in ("going", "waitlisted")
    # With its confirmation: the person's preferences read, the notification and the email
    # (with the calendar file) written.
    assert going <= 14
    # Check-in needs a meeting about to start: the circle's facilitator opens one.
    app = client.app
    assert isinstance(app, FastAPI)
    with app.state.session_factory() as db:
        group = db.get(SupportGroup, scene.member_group)
        assert group is not None
        facilitator = db.scalar(select(User.email).where(User.id == group.created_by_id))
        assert facilitator is not None
    headers = bearer(client, facilitator)
    starts = (datetime.now(UTC) + timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    created = client.post(
        f"/api/v1/groups/{scene.member_group}/sessions",
        headers=headers,
        json={"starts_at": starts, "duration_minutes": 60, "timezone": "UTC"},
    )
    assert created.status_code == 201, created.text
    path = f"/api/v1/sessions/{created.json()['id']}"
    code = client.get(f"{path}/check-in-code", headers=headers).json()["code"]
    check_in, _ = statements_of(
        client, "POST", f"{path}/check-in", scene.member, warm=False, json={"code": code}
    )
    # One of them asks whether a referrer is to be told of it (a join on the consents).
    assert check_in <= 10


# The tables that grow with members and time (hundreds of thousands of rows and more in the
# load seed); the others stay small enough to read whole.
LARGE_TABLES = {
    "user_account",
    "group_membership",
    "group_session",
    "attendance_record",
    "rsvp",
    "resource",
    "mentor_profile",
    "mentee_request",
}


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


@pytest.mark.parametrize("name", list(HOT))
def test_on_postgresql_no_hot_statement_reads_a_large_table_whole(
    name: str, scene: Scene, client: TestClient, load_data: DatabaseUnderTest
) -> None:
    """With sequential scans priced out (enable_seqscan off), PostgreSQL still plans one only
    where no index can serve the statement; on a small seed it would prefer one anyway."""
    if load_data.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    app = client.app
    assert isinstance(app, FastAPI)
    ask, (_, large), _ = HOT[name]
    method, path, headers, options = ask(scene, large)
    captured: list[tuple[str, Any]] = []

    def keep(
        _c: object, _cursor: object, statement: str, parameters: Any, _context: object, many: bool
    ) -> None:
        # A batch insert (an audit event's subjects) has rows, not a plan to read.
        if many:
            return
        if statement.lstrip().upper().startswith(("SELECT", "WITH", "UPDATE", "INSERT")):
            captured.append((statement, parameters))

    event.listen(app.state.engine, "before_cursor_execute", keep)
    try:
        response = client.request(method, path, headers=headers, **options)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", keep)
    assert response.status_code == 200, response.text
    assert captured
    scans = []
    with app.state.session_factory() as db:
        db.execute(text("SET enable_seqscan = off"))
        try:
            for statement, parameters in captured:
                plan = (
                    db.connection()
                    .exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters)
                    .scalar_one()
                )
                scans += [
                    f"{node['Relation Name']} in: {' '.join(statement.split())[:300]}"
                    for node in plan_nodes(plan[0]["Plan"])
                    if node["Node Type"] == "Seq Scan" and node["Relation Name"] in LARGE_TABLES
                ]
        finally:
            db.execute(text("RESET enable_seqscan"))
    assert not scans, f"{name} reads whole tables:\n" + "\n".join(scans)
