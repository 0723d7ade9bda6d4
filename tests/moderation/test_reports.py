"""POST /reports and GET /me/reports: anyone signed in reports a member, a story, a resource
or a circle they can see; repeats fold into one case; a report about immediate danger answers
with crisis lines; reporters hear the outcome in general words only."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from backend.moderation.reports import REPORTS_PER_DAY
from tests.factories import Person, client_token, make_person, make_service_client
from tests.library.test_resources import published
from tests.library.test_stories import review, submit
from tests.moderation.helpers import REPORTS, filed, my_reports, only_case, read_case, report
from tests.sessions.conftest import make_circle
from tests.support.problems import assert_problem


def published_story(client: TestClient, author: Person) -> str:
    """A story of ``author``'s, approved; the id of the resource readers see."""
    reviewer = make_person(client, role=Role.facilitator)
    story = submit(client, author)
    approved = review(client, reviewer, story["id"], decision="approve")
    assert approved.status_code == 200, approved.text
    return str(approved.json()["resource_id"])


@pytest.fixture
def admin(client: TestClient) -> Person:
    return make_person(client, role=Role.admin)


# --- access -----------------------------------------------------------------------------------


def test_reporting_needs_a_signed_in_person(client: TestClient, app: FastAPI) -> None:
    circle = make_circle(client, members=1)
    body = {"target_type": "circle", "target_id": str(circle.group.id), "reason": "spam"}
    assert_problem(client.post(REPORTS, json=body), 401)
    integrator = make_service_client(app, scopes=list(Scope))
    token = client_token(client, integrator)
    assert_problem(
        client.post(REPORTS, json=body, headers={"Authorization": f"Bearer {token}"}), 403
    )
    assert_problem(client.get("/api/v1/me/reports"), 401)
    assert filed(client, circle.members[0], "circle", circle.group.id)["status"] == "received"


def test_what_the_reporter_cannot_see_is_unknown(client: TestClient) -> None:
    hidden = make_circle(client, members=0, visibility="unlisted")
    outsider = make_person(client)
    for target_type, target_id in (
        ("circle", hidden.group.id),
        ("member", uuid.uuid4()),
        ("story", uuid.uuid4()),
        ("resource", uuid.uuid4()),
        ("circle", uuid.uuid4()),
    ):
        assert_problem(report(client, outsider, target_type, target_id), 404)
    # Its facilitator, who belongs to it, reports it (to admins).
    assert filed(client, hidden.facilitator, "circle", hidden.group.id)


# --- what is reported -------------------------------------------------------------------------


def test_a_member_is_reported_from_a_circle_they_share(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=2)
    reporter, reported = circle.members
    receipt = filed(
        client,
        reporter,
        "member",
        reported.user.id,
        group_id=str(circle.group.id),
        details="Keeps messaging me after I asked them to stop.",
    )
    assert receipt["status"] == "received"
    assert receipt["outcome"] is None
    assert receipt["urgent"] is False
    assert receipt["crisis_resources"] is None
    assert "not told who reported them" in receipt["message"]
    case = only_case(client, admin)
    assert case["target_type"] == "member"
    assert case["target_id"] == str(reported.user.id)
    assert case["target_label"] == reported.user.display_name
    assert case["subject_id"] == str(reported.user.id)
    assert case["group_id"] == str(circle.group.id)
    assert (case["report_count"], case["reporter_count"]) == (1, 1)


def test_reports_about_the_same_thing_fold_into_one_case(client: TestClient, admin: Person) -> None:
    circle = make_circle(client, members=3)
    first, second, reported = circle.members
    where = {"group_id": str(circle.group.id)}
    filed(client, first, "member", reported.user.id, **where)
    filed(client, first, "member", reported.user.id, reason="hate", **where)
    filed(client, second, "member", reported.user.id, reason="spam", **where)
    case = only_case(client, admin)
    assert (case["report_count"], case["reporter_count"]) == (3, 2)
    assert case["reasons"] == ["harassment", "hate", "spam"]  # most serious first
    # The same person reported without a circle is another case (admins only).
    filed(client, first, "member", reported.user.id)
    assert len(read_case(client, admin, case["id"])["reports"]) == 3
    assert {c["group_id"] for c in _all(client, admin)} == {str(circle.group.id), None}


def _all(client: TestClient, admin: Person) -> list[dict[str, Any]]:
    response = client.get(REPORTS, headers=admin.headers)
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_the_rules_of_what_may_be_reported(client: TestClient) -> None:
    circle = make_circle(client, members=2)
    other = make_circle(client, members=1)
    reporter, reported = circle.members
    problem = assert_problem(report(client, reporter, "member", reporter.user.id), 422)
    assert "cannot report yourself" in problem["detail"]
    # A circle the reporter is not in, or one the reported person is not in.
    problem = assert_problem(
        report(client, reporter, "member", reported.user.id, group_id=str(other.group.id)), 422
    )
    assert "circle you belong to" in problem["detail"]
    problem = assert_problem(
        report(
            client,
            reporter,
            "member",
            other.members[0].user.id,
            group_id=str(circle.group.id),
        ),
        422,
    )
    assert "not in that circle" in problem["detail"]
    problem = assert_problem(
        report(client, reporter, "circle", circle.group.id, group_id=str(circle.group.id)), 422
    )
    assert "members only" in problem["detail"]
    problem = assert_problem(
        report(client, reporter, "member", reported.user.id, reason="rude"), 422
    )
    assert_problem(report(client, reporter, "member", reported.user.id, details="x" * 2001), 422)


def test_a_story_is_reported_as_what_it_is_but_never_by_its_author(
    client: TestClient, admin: Person
) -> None:
    author = make_person(client)
    story = published_story(client, author)
    reader = make_person(client)
    assert_problem(report(client, author, "story", story), 422)
    filed(client, reader, "resource", story)  # reported as a resource, filed as a story
    case = only_case(client, admin)
    assert case["target_type"] == "story"
    assert case["subject_id"] == str(author.user.id)
    editor = make_person(client, role=Role.facilitator)
    article = published(client, editor, title="Box breathing")
    filed(client, reader, "story", article)
    assert {c["target_type"] for c in _all(client, admin)} == {"story", "resource"}


# --- urgent -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reason", "details"),
    [
        ("someone_at_risk", None),
        ("threat", None),
        ("harassment", "They said they want to end their life tonight."),
        ("other", "I think she might hurt herself"),
    ],
)
def test_a_report_of_immediate_danger_answers_with_crisis_lines_and_goes_first(
    client: TestClient, admin: Person, reason: str, details: str | None
) -> None:
    circle = make_circle(client, members=3)
    first, second, reported = circle.members
    filed(client, first, "member", second.user.id, group_id=str(circle.group.id))
    receipt = filed(
        client,
        first,
        "member",
        reported.user.id,
        reason=reason,
        details=details,
        region="US",
    )
    assert receipt["urgent"] is True
    assert "call your local emergency number now" in receipt["message"]
    assert "not a crisis service" in receipt["message"]
    lines = receipt["crisis_resources"]
    assert lines["region"] == "US"
    assert lines["emergency"]["region"] == "US"
    assert lines["items"]
    cases = _all(client, admin)
    assert [c["urgent"] for c in cases] == [True, False]  # urgent first, though older or not
    assert cases[0]["subject_id"] == str(reported.user.id)
    urgent_only = client.get(REPORTS, headers=admin.headers, params={"urgent": "true"})
    assert [c["id"] for c in urgent_only.json()["items"]] == [cases[0]["id"]]


def test_ordinary_words_do_not_make_a_report_urgent(client: TestClient) -> None:
    circle = make_circle(client, members=2)
    reporter, reported = circle.members
    receipt = filed(
        client,
        reporter,
        "member",
        reported.user.id,
        details="Talked over everyone and dominated the whole session again.",
    )
    assert receipt["urgent"] is False
    assert receipt["crisis_resources"] is None


# --- caps -------------------------------------------------------------------------------------


def test_reports_a_day_are_capped_and_refusals_count(client: TestClient) -> None:
    circle = make_circle(client, members=2)
    reporter, reported = circle.members
    assert_problem(report(client, reporter, "member", uuid.uuid4()), 404)  # counts too
    for _ in range(REPORTS_PER_DAY - 1):
        filed(client, reporter, "member", reported.user.id)
    problem = assert_problem(report(client, reporter, "member", reported.user.id), 429)
    assert problem["type"].endswith("too-many-reports")
    assert "emergency number" in problem["detail"]
    # Someone else's reports are their own.
    assert filed(client, reported, "member", reporter.user.id)


# --- what the reporter sees -------------------------------------------------------------------


def test_my_reports_say_where_each_stands_and_nothing_else(
    client: TestClient, admin: Person
) -> None:
    circle = make_circle(client, members=3)
    reporter, other_reporter, reported = circle.members
    filed(client, reporter, "member", reported.user.id, details="My own words.")
    filed(client, other_reporter, "member", reported.user.id, details="Their words.")
    filed(client, reporter, "circle", circle.group.id, reason="spam")
    mine = my_reports(client, reporter)
    assert [r["target_type"] for r in mine] == ["circle", "member"]  # newest first
    text = str(mine)
    assert "Their words" not in text
    assert str(other_reporter.user.id) not in text
    assert str(reported.user.id) not in text  # nor who was reported, by id
    assert my_reports(client, reported) == []
