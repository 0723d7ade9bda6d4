"""Recovery stories: submit, review (approve or return with a note), edit, withdraw; visible
only to their author and reviewers until published, then as a pseudonymous story resource."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

from backend.accounts.models import Role
from backend.library.stories import MAX_STORIES_IN_REVIEW
from tests.factories import Person, make_person
from tests.support.problems import assert_problem

STORIES = "/api/v1/stories"
BODY = (
    "A year ago I could not leave the house on a weekday. The first group I joined met online, "
    "and I kept my camera off for a month. Nobody pushed. Slowly I started to speak."
)


def submit(client: TestClient, author: Person, **overrides: Any) -> dict[str, Any]:
    body = {"title": "Camera off, then on", "body_markdown": BODY, "topics": ["anxiety"]}
    response = client.post(STORIES, headers=author.headers, json=body | overrides)
    assert response.status_code == 201, response.text
    story: dict[str, Any] = response.json()
    return story


def review(client: TestClient, reviewer: Person, story_id: str, **decision: Any) -> Any:
    return client.post(f"{STORIES}/{story_id}/review", headers=reviewer.headers, json=decision)


@pytest.fixture
def author(client: TestClient) -> Person:
    return make_person(client, display_name="Quiet Lantern")


@pytest.fixture
def reviewer(client: TestClient) -> Person:
    return make_person(client, role=Role.facilitator)


def test_submitting_needs_sign_in(client: TestClient) -> None:
    assert_problem(client.post(STORIES, json={"title": "x"}), 401)


def test_a_submitted_story_is_seen_by_its_author_and_reviewers_only(
    client: TestClient, author: Person, reviewer: Person
) -> None:
    story = submit(client, author)
    assert story["status"] == "submitted"
    assert client.get(f"{STORIES}/{story['id']}", headers=author.headers).status_code == 200
    assert client.get(f"{STORIES}/{story['id']}", headers=reviewer.headers).status_code == 200
    stranger = make_person(client)
    assert_problem(client.get(f"{STORIES}/{story['id']}", headers=stranger.headers), 404)
    queue = client.get(STORIES, headers=reviewer.headers).json()["items"]
    assert [item["id"] for item in queue] == [story["id"]]
    assert_problem(client.get(STORIES, headers=author.headers), 403)


def test_approval_publishes_a_story_resource_under_the_pseudonym(
    client: TestClient, author: Person, reviewer: Person
) -> None:
    story = submit(client, author)
    approved = review(client, reviewer, story["id"], decision="approve")
    assert approved.status_code == 200, approved.text
    resource_id = approved.json()["resource_id"]
    resource = client.get(f"/api/v1/resources/{resource_id}").json()
    assert resource["type"] == "story"
    assert resource["byline"] == "Quiet Lantern"
    assert resource["body_markdown"] == BODY
    assert author.email not in str(resource)
    found = client.get("/api/v1/resources", params={"type": "story"}).json()["items"]
    assert [item["id"] for item in found] == [resource_id]


def test_an_anonymous_story_never_shows_the_pseudonym(
    client: TestClient, author: Person, reviewer: Person
) -> None:
    story = submit(client, author, anonymous=True)
    resource_id = review(client, reviewer, story["id"], decision="approve").json()["resource_id"]
    resource = client.get(f"/api/v1/resources/{resource_id}").json()
    assert resource["byline"] == "Anonymous"
    assert "Quiet Lantern" not in str(resource)


def test_return_needs_a_note_then_the_author_edits_and_resubmits(
    client: TestClient, author: Person, reviewer: Person
) -> None:
    story = submit(client, author)
    assert_problem(review(client, reviewer, story["id"], decision="return"), 422)
    returned = review(
        client, reviewer, story["id"], decision="return", note="Could you leave out the town?"
    )
    assert returned.json()["status"] == "returned"
    mine = client.get("/api/v1/me/stories", headers=author.headers).json()["items"]
    assert mine[0]["review_note"] == "Could you leave out the town?"
    edited = client.patch(
        f"{STORIES}/{story['id']}", headers=author.headers, json={"title": "Camera on, at last"}
    )
    assert edited.json()["status"] == "submitted"
    assert edited.json()["title"] == "Camera on, at last"


def test_only_reviewers_review_and_never_their_own_story(
    client: TestClient, author: Person, reviewer: Person
) -> None:
    story = submit(client, author)
    assert_problem(review(client, author, story["id"], decision="approve"), 403)
    own = submit(client, reviewer)
    body = assert_problem(review(client, reviewer, own["id"], decision="approve"), 403)
    assert body["type"].endswith("own-story")


def test_the_author_can_withdraw_a_published_story(
    client: TestClient, author: Person, reviewer: Person
) -> None:
    story = submit(client, author)
    resource_id = review(client, reviewer, story["id"], decision="approve").json()["resource_id"]
    withdrawn = client.post(f"{STORIES}/{story['id']}/withdraw", headers=author.headers)
    assert withdrawn.json()["status"] == "withdrawn"
    assert_problem(client.get(f"/api/v1/resources/{resource_id}"), 404)
    assert_problem(client.post(f"{STORIES}/{story['id']}/withdraw", headers=reviewer.headers), 403)


def test_a_published_story_cannot_be_edited(
    client: TestClient, author: Person, reviewer: Person
) -> None:
    story = submit(client, author)
    review(client, reviewer, story["id"], decision="approve")
    response = client.patch(
        f"{STORIES}/{story['id']}", headers=author.headers, json={"title": "New"}
    )
    assert_problem(response, 409)


def test_stories_waiting_for_review_are_capped(client: TestClient, author: Person) -> None:
    for number in range(MAX_STORIES_IN_REVIEW):
        submit(client, author, title=f"Part {number + 1} of my year")
    response = client.post(
        STORIES,
        headers=author.headers,
        json={"title": "One more", "body_markdown": BODY, "topics": ["anxiety"]},
    )
    assert_problem(response, 409)


def test_a_story_with_unknown_topics_or_too_short_is_refused(
    client: TestClient, author: Person
) -> None:
    too_short = client.post(
        STORIES,
        headers=author.headers,
        json={"title": "Hi", "body_markdown": "short", "topics": []},
    )
    assert_problem(too_short, 422)
    unknown = client.post(
        STORIES,
        headers=author.headers,
        json={"title": "My story", "body_markdown": BODY, "topics": ["not-a-topic"]},
    )
    assert "not-a-topic" in assert_problem(unknown, 422)["detail"]


def test_a_withdrawn_story_cannot_be_republished_by_an_editor(
    client: TestClient, author: Person, reviewer: Person
) -> None:
    story = submit(client, author)
    resource_id = review(client, reviewer, story["id"], decision="approve").json()["resource_id"]
    client.post(f"{STORIES}/{story['id']}/withdraw", headers=author.headers)
    again = client.patch(
        f"/api/v1/resources/{resource_id}", headers=reviewer.headers, json={"status": "published"}
    )
    assert_problem(again, 409)
    assert_problem(client.get(f"/api/v1/resources/{resource_id}"), 404)
    # Not by changing its type in the same edit either (an outside review found that way).
    retyped = client.patch(
        f"/api/v1/resources/{resource_id}",
        headers=reviewer.headers,
        json={"status": "published", "type": "article"},
    )
    assert_problem(retyped, 409)
    assert_problem(client.get(f"/api/v1/resources/{resource_id}"), 404)
    # And a member's story stays a story whatever it is.
    other = submit(client, author)
    published = review(client, reviewer, other["id"], decision="approve").json()["resource_id"]
    renamed = client.patch(
        f"/api/v1/resources/{published}", headers=reviewer.headers, json={"type": "article"}
    )
    assert_problem(renamed, 409)
    assert client.get(f"/api/v1/resources/{published}").json()["type"] == "story"
