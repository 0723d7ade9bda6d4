"""Groups through HTTP, outside in: first the route x role matrix of every groups endpoint
(anonymous, a member not in the group, an active member, a pending member, the group's
facilitator, a facilitator of another group, an admin; for a listed and an unlisted group),
then the rules of the directory, of membership, and of privacy (a "canary" crawl)."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from backend.accounts.actor import Actor
from backend.accounts.models import Role, User
from backend.groups import service as groups
from backend.groups import views as group_views
from backend.groups.models import GroupMembership, SupportGroup
from backend.groups.schemas import GroupRead, GroupUpdate, MembershipUpdate
from tests.factories import Person, emails_to, join, make_group, make_person, make_user
from tests.support.problems import assert_problem

API = "/api/v1"
TOPICS = f"{API}/topics"
GROUPS = f"{API}/groups"
MY_GROUPS = f"{API}/me/groups"

MEMBER_FIELDS = {"user_id", "display_name", "pronouns", "role", "status"}

ANONYMOUS = "anonymous"
NON_MEMBER = "member_not_in_group"
ACTIVE = "active_member"
PENDING = "pending_member"
FACILITATOR = "facilitator_of_group"
OTHER_FACILITATOR = "facilitator_of_another_group"
ADMIN = "admin"
CALLERS = [ANONYMOUS, NON_MEMBER, ACTIVE, PENDING, FACILITATOR, OTHER_FACILITATOR, ADMIN]


# --- helpers ----------------------------------------------------------------------------------


def app_of(client: TestClient) -> FastAPI:
    app = client.app
    assert isinstance(app, FastAPI)
    return app


def add_member(
    app: FastAPI, group_id: uuid.UUID, user: User, *, facilitator: User, status: str
) -> None:
    """``user`` joins through the service; for "active" in an approval group a facilitator
    approves them, for "removed" a facilitator then removes them."""
    with app.state.session_factory.begin() as db:
        joiner = Actor.of_person(db.get_one(User, user.id))
        actor = Actor.of_person(db.get_one(User, facilitator.id))
        membership = groups.join_group(db, groups.visible_group(db, group_id, joiner))
        if status in ("active", "removed") and membership.status != "active":
            groups.update_membership(
                db,
                app.state.settings,
                groups.managed_group(db, group_id, actor),
                user_id=user.id,
                changes=MembershipUpdate.model_validate({"status": "active"}),
            )
        if status == "removed":
            groups.remove_membership(
                db, app.state.settings, groups.visible_group(db, group_id, actor), user_id=user.id
            )
        assert membership.status == status


def change_group(app: FastAPI, group_id: uuid.UUID, actor: User, **changes: object) -> None:
    with app.state.session_factory.begin() as db:
        manager = Actor.of_person(db.get_one(User, actor.id))
        groups.update_group(
            db,
            groups.managed_group(db, group_id, manager),
            changes=GroupUpdate.model_validate(changes),
        )


def stored_group(app: FastAPI, group_id: uuid.UUID) -> dict[str, Any]:
    with app.state.session_factory() as db:
        group = db.get_one(SupportGroup, group_id)
        return {
            "name": group.name,
            "description": group.description,
            "status": str(group.status),
            "guidelines_version": group.guidelines_version,
            "format": str(group.format),
        }


def stored_membership(app: FastAPI, group_id: uuid.UUID, user_id: uuid.UUID) -> str | None:
    """The status of ``user_id``'s membership as the database holds it, or None."""
    with app.state.session_factory() as db:
        membership = (
            db.query(GroupMembership)
            .filter(GroupMembership.group_id == group_id, GroupMembership.user_id == user_id)
            .one_or_none()
        )
        return None if membership is None else str(membership.status)


def directory_slugs(
    client: TestClient, headers: dict[str, str] | None = None, **params: str
) -> list[str]:
    response = client.get(GROUPS, params={"limit": "100", **params}, headers=headers or {})
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    return [group["slug"] for group in response.json()["items"]]


def my_groups(client: TestClient, person: Person) -> dict[str, dict[str, Any]]:
    response = client.get(MY_GROUPS, headers=person.headers)
    assert response.status_code == 200, response.text
    return {entry["group"]["id"]: entry for entry in response.json()["items"]}


def read_group(client: TestClient, group_id: object, person: Person | None) -> dict[str, Any]:
    response = client.get(f"{GROUPS}/{group_id}", headers=person.headers if person else {})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def without_request_details(body: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in body.items() if key not in ("request_id", "instance")}


def group_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Tuesday Night Circle",
        "description": "Peer support for living with anxiety.",
        "topics": ["anxiety"],
        "format": "online",
        "language": "en",
        "online_url": "https://meet.example.org/tuesday-night",
        "guidelines": "What is said here stays here.",
        "capacity": 10,
    } | overrides


# --- the scene of a matrix test: one group, the caller, and perhaps one other member ----------


@dataclass
class Scene:
    group: GroupRead
    facilitator: User
    caller: Person | None
    target: User | None

    @property
    def headers(self) -> dict[str, str]:
        return self.caller.headers if self.caller else {}


def make_scene(
    client: TestClient,
    caller: str,
    *,
    visibility: str = "listed",
    target_status: str | None = None,
) -> Scene:
    """An approval group with a facilitator, the caller in the relation to it that ``caller``
    names, and (with ``target_status``) one more member for the caller to act on. An unlisted
    group is hidden after its members joined, since nobody but an admin finds it to join."""
    app = app_of(client)
    person: Person | None = None
    if caller == FACILITATOR:
        person = make_person(client, role=Role.facilitator)
        facilitator = person.user
    else:
        facilitator = make_user(app, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator, join_policy="approval")
    if caller in (NON_MEMBER, ACTIVE, PENDING):
        person = make_person(client)
    if caller == NON_MEMBER:  # a member of group A, asking about group B
        assert person is not None
        other = make_group(app, facilitator=facilitator)
        add_member(app, other.id, person.user, facilitator=facilitator, status="active")
    elif caller == OTHER_FACILITATOR:
        person = make_person(client, role=Role.facilitator)
        make_group(app, facilitator=person.user)
    elif caller == ADMIN:
        person = make_person(client, role=Role.admin)
    if caller in (ACTIVE, PENDING):
        assert person is not None
        status = "active" if caller == ACTIVE else "pending"
        add_member(app, group.id, person.user, facilitator=facilitator, status=status)
    target = None
    if target_status is not None:
        target = make_user(app)
        add_member(app, group.id, target, facilitator=facilitator, status=target_status)
    if visibility == "unlisted":
        change_group(app, group.id, facilitator, visibility="unlisted")
    return Scene(group, facilitator, person, target)


def matrix(expected: dict[str, tuple[Any, Any]], *, unlisted_also: Iterable[str] = ()) -> list[Any]:
    """pytest params (visibility, caller, expected) from {caller: (listed, unlisted)}: every
    caller for a listed group; for an unlisted one, the callers whose answer differs and
    those in ``unlisted_also``."""
    also = set(unlisted_also)
    return [
        pytest.param(visibility, caller, outcome, id=f"{visibility}-{caller}-{outcome}")
        for visibility, column in (("listed", 0), ("unlisted", 1))
        for caller, outcomes in expected.items()
        for outcome in [outcomes[column]]
        if visibility == "listed" or outcomes[0] != outcomes[1] or caller in also
    ]


def assert_status(response: Response, caller: str, status: int, unknown: Response | None) -> None:
    """The exact status, and the body each refusal must have. ``unknown`` is the answer to the
    same call for a random group id: a hidden group must be indistinguishable from it."""
    if status == 401:
        assert caller == ANONYMOUS
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
    elif status == 403:
        body = assert_problem(response, 403)
        assert body["type"].endswith("not-facilitator")
    elif status == 404:
        body = assert_problem(response, 404)
        assert unknown is not None
        assert without_request_details(body) == without_request_details(
            assert_problem(unknown, 404)
        )
    else:
        assert response.status_code == status, response.text


# --- the matrix: topics -----------------------------------------------------------------------


# GET /topics answers everyone; POST /topics is for admins.
ADD_TOPIC = {
    ANONYMOUS: 401,
    NON_MEMBER: 403,
    ACTIVE: 403,
    PENDING: 403,
    FACILITATOR: 403,
    OTHER_FACILITATOR: 403,
    ADMIN: 201,
}


@pytest.mark.parametrize(("caller", "status"), ADD_TOPIC.items())
def test_matrix_anyone_lists_topics_and_only_admins_add_them(
    client: TestClient, caller: str, status: int
) -> None:
    scene = make_scene(client, caller)

    listed = client.get(TOPICS, headers=scene.headers)
    added = client.post(
        TOPICS, json={"slug": "loneliness", "name": "Loneliness"}, headers=scene.headers
    )

    assert listed.status_code == 200, listed.text
    assert {"slug": "anxiety", "name": "Anxiety"} in listed.json()["items"]
    if status == 403:
        assert_problem(added, 403)
    else:
        assert_status(added, caller, status, None)
    slugs = [topic["slug"] for topic in client.get(TOPICS).json()["items"]]
    assert ("loneliness" in slugs) is (status == 201)


# --- the matrix: the directory and creating groups --------------------------------------------

# Everyone may search; whether the group shows depends on its visibility.
DIRECTORY_SHOWS_GROUP = {
    ANONYMOUS: (True, False),
    NON_MEMBER: (True, False),
    ACTIVE: (True, True),
    PENDING: (True, True),
    FACILITATOR: (True, True),
    OTHER_FACILITATOR: (True, False),
    ADMIN: (True, True),
}


@pytest.mark.parametrize(
    ("visibility", "caller", "shown"),
    matrix(DIRECTORY_SHOWS_GROUP, unlisted_also=[ACTIVE, PENDING, ADMIN]),
)
def test_matrix_directory_answers_everyone_and_shows_unlisted_groups_only_to_members_and_admins(
    client: TestClient, visibility: str, caller: str, shown: bool
) -> None:
    scene = make_scene(client, caller, visibility=visibility)

    response = client.get(GROUPS, params={"limit": "100"}, headers=scene.headers)

    assert response.status_code == 200, response.text
    ids = [group["id"] for group in response.json()["items"]]
    assert (str(scene.group.id) in ids) is shown


CREATE_GROUP = {
    ANONYMOUS: 401,
    NON_MEMBER: 403,
    ACTIVE: 403,
    PENDING: 403,
    FACILITATOR: 201,
    OTHER_FACILITATOR: 201,
    ADMIN: 201,
}


@pytest.mark.parametrize(("caller", "status"), CREATE_GROUP.items())
def test_matrix_only_facilitators_and_admins_create_groups(
    client: TestClient, caller: str, status: int
) -> None:
    scene = make_scene(client, caller)

    response = client.post(GROUPS, json=group_body(), headers=scene.headers)

    if status == 403:
        body = assert_problem(response, 403)
        assert body["type"].endswith("may-not-create-groups")
    else:
        assert_status(response, caller, status, None)
    created = "tuesday-night-circle" in directory_slugs(client)
    assert created is (status == 201)
    if status == 201:
        group = response.json()
        assert group["slug"] == "tuesday-night-circle"
        assert group["my_membership"] == {"role": "facilitator", "status": "active"}
        assert group["online_url"] == "https://meet.example.org/tuesday-night"
        assert group["guidelines_version"] == 1


# --- the matrix: one group --------------------------------------------------------------------

# (listed, unlisted) status of the page; on a 200 only these callers see the meeting link.
READ_GROUP = {
    ANONYMOUS: (200, 404),
    NON_MEMBER: (200, 404),
    ACTIVE: (200, 200),
    PENDING: (200, 200),
    FACILITATOR: (200, 200),
    OTHER_FACILITATOR: (200, 404),
    ADMIN: (200, 200),
}
SEES_MEETING_LINK = {ACTIVE, FACILITATOR, ADMIN}


@pytest.mark.parametrize(
    ("visibility", "caller", "status"), matrix(READ_GROUP, unlisted_also=[PENDING])
)
def test_matrix_group_page_and_its_meeting_link(
    client: TestClient, visibility: str, caller: str, status: int
) -> None:
    scene = make_scene(client, caller, visibility=visibility)

    response = client.get(f"{GROUPS}/{scene.group.id}", headers=scene.headers)

    unknown = client.get(f"{GROUPS}/{uuid.uuid4()}", headers=scene.headers)
    assert_status(response, caller, status, unknown)
    if status == 200:
        page = response.json()
        assert page["id"] == str(scene.group.id)
        assert "online_url" in page
        expected_link = scene.group.online_url if caller in SEES_MEETING_LINK else None
        assert page["online_url"] == expected_link
    else:
        assert scene.group.online_url is not None
        assert scene.group.online_url not in response.text
        assert scene.group.name not in response.text


@pytest.mark.parametrize(
    ("visibility", "caller", "status"), matrix(READ_GROUP, unlisted_also=[PENDING])
)
def test_matrix_group_page_by_slug_follows_the_same_rules_as_by_id(
    client: TestClient, visibility: str, caller: str, status: int
) -> None:
    scene = make_scene(client, caller, visibility=visibility)

    response = client.get(f"{GROUPS}/by-slug/{scene.group.slug}", headers=scene.headers)

    unknown = client.get(f"{GROUPS}/by-slug/no-group-has-this-slug", headers=scene.headers)
    assert_status(response, caller, status, unknown)
    by_id = client.get(f"{GROUPS}/{scene.group.id}", headers=scene.headers)
    assert response.status_code == by_id.status_code
    if status == 200:
        assert response.json() == by_id.json()
        expected_link = scene.group.online_url if caller in SEES_MEETING_LINK else None
        assert response.json()["online_url"] == expected_link
    else:
        # The very answer a hidden group gets by id (and an unknown slug, above).
        assert without_request_details(response.json()) == without_request_details(by_id.json())
        assert scene.group.online_url is not None
        assert scene.group.online_url not in response.text
        assert scene.group.name not in response.text


MANAGE_GROUP = {
    ANONYMOUS: (401, 401),
    NON_MEMBER: (403, 404),
    ACTIVE: (403, 403),
    PENDING: (403, 403),
    FACILITATOR: (200, 200),
    OTHER_FACILITATOR: (403, 404),
    ADMIN: (200, 200),
}


@pytest.mark.parametrize(("visibility", "caller", "status"), matrix(MANAGE_GROUP))
def test_matrix_only_its_facilitators_and_admins_edit_a_group(
    client: TestClient, visibility: str, caller: str, status: int
) -> None:
    scene = make_scene(client, caller, visibility=visibility)
    changes = {"description": "A changed description."}

    response = client.patch(f"{GROUPS}/{scene.group.id}", json=changes, headers=scene.headers)

    unknown = client.patch(f"{GROUPS}/{uuid.uuid4()}", json=changes, headers=scene.headers)
    assert_status(response, caller, status, unknown)
    description = stored_group(app_of(client), scene.group.id)["description"]
    expected = "A changed description." if status == 200 else scene.group.description
    assert description == expected


@pytest.mark.parametrize(("visibility", "caller", "status"), matrix(MANAGE_GROUP))
def test_matrix_only_its_facilitators_and_admins_archive_a_group(
    client: TestClient, visibility: str, caller: str, status: int
) -> None:
    scene = make_scene(client, caller, visibility=visibility)

    response = client.post(f"{GROUPS}/{scene.group.id}/archive", headers=scene.headers)

    unknown = client.post(f"{GROUPS}/{uuid.uuid4()}/archive", headers=scene.headers)
    assert_status(response, caller, status, unknown)
    if status == 200:
        assert response.json()["status"] == "archived"
    stored = stored_group(app_of(client), scene.group.id)["status"]
    assert stored == ("archived" if status == 200 else "active")


JOIN_GROUP = {
    ANONYMOUS: (401, 401),
    NON_MEMBER: (201, 404),
    ACTIVE: (409, 409),
    PENDING: (409, 409),
    FACILITATOR: (409, 409),
    OTHER_FACILITATOR: (201, 404),
    ADMIN: (201, 201),
}


@pytest.mark.parametrize(("visibility", "caller", "status"), matrix(JOIN_GROUP))
def test_matrix_joining_a_group(
    client: TestClient, visibility: str, caller: str, status: int
) -> None:
    scene = make_scene(client, caller, visibility=visibility)
    terms = {"accept_guidelines": True}

    response = client.post(f"{GROUPS}/{scene.group.id}/members", json=terms, headers=scene.headers)

    unknown = client.post(f"{GROUPS}/{uuid.uuid4()}/members", json=terms, headers=scene.headers)
    assert_status(response, caller, status, unknown)
    if status == 201:
        assert scene.caller is not None
        assert response.json()["status"] == "pending"  # an approval group
        assert response.json()["user_id"] == str(scene.caller.user.id)
    if status == 409:
        assert response.json()["type"].endswith("already-member")
    if status in (401, 404):
        assert scene.caller is None or (
            stored_membership(app_of(client), scene.group.id, scene.caller.user.id) is None
        )


# Pending members may know of the group, but not who is in it.
LIST_MEMBERS = {
    ANONYMOUS: (401, 401),
    NON_MEMBER: (404, 404),
    ACTIVE: (200, 200),
    PENDING: (404, 404),
    FACILITATOR: (200, 200),
    OTHER_FACILITATOR: (404, 404),
    ADMIN: (200, 200),
}


@pytest.mark.parametrize(
    ("visibility", "caller", "status"),
    matrix(LIST_MEMBERS, unlisted_also=[NON_MEMBER, ACTIVE, OTHER_FACILITATOR]),
)
def test_matrix_member_list_only_for_active_members_facilitators_and_admins(
    client: TestClient, visibility: str, caller: str, status: int
) -> None:
    scene = make_scene(client, caller, visibility=visibility)

    response = client.get(f"{GROUPS}/{scene.group.id}/members", headers=scene.headers)

    unknown = client.get(f"{GROUPS}/{uuid.uuid4()}/members", headers=scene.headers)
    assert_status(response, caller, status, unknown)
    if status == 200:
        members = response.json()["items"]
        assert str(scene.facilitator.id) in [member["user_id"] for member in members]
        assert all(set(member) == MEMBER_FIELDS for member in members)
        assert "@" not in response.text
    else:
        assert str(scene.facilitator.id) not in response.text
        assert scene.facilitator.display_name not in response.text


MANAGE_MEMBER = {
    ANONYMOUS: (401, 401),
    NON_MEMBER: (403, 404),
    ACTIVE: (403, 403),
    PENDING: (403, 403),
    FACILITATOR: (200, 200),
    OTHER_FACILITATOR: (403, 404),
    ADMIN: (200, 200),
}


@pytest.mark.parametrize(("visibility", "caller", "status"), matrix(MANAGE_MEMBER))
def test_matrix_only_its_facilitators_and_admins_approve_a_request(
    client: TestClient, visibility: str, caller: str, status: int
) -> None:
    scene = make_scene(client, caller, visibility=visibility, target_status="pending")
    assert scene.target is not None
    approve = {"status": "active"}

    response = client.patch(
        f"{GROUPS}/{scene.group.id}/members/{scene.target.id}", json=approve, headers=scene.headers
    )

    unknown = client.patch(
        f"{GROUPS}/{uuid.uuid4()}/members/{scene.target.id}", json=approve, headers=scene.headers
    )
    assert_status(response, caller, status, unknown)
    if status == 200:
        assert response.json()["status"] == "active"
    stored = stored_membership(app_of(client), scene.group.id, scene.target.id)
    assert stored == ("active" if status == 200 else "pending")


REMOVE_MEMBER = MANAGE_MEMBER | {FACILITATOR: (204, 204), ADMIN: (204, 204)}


@pytest.mark.parametrize(("visibility", "caller", "status"), matrix(REMOVE_MEMBER))
def test_matrix_only_its_facilitators_and_admins_remove_a_member(
    client: TestClient, visibility: str, caller: str, status: int
) -> None:
    scene = make_scene(client, caller, visibility=visibility, target_status="active")
    assert scene.target is not None

    response = client.delete(
        f"{GROUPS}/{scene.group.id}/members/{scene.target.id}", headers=scene.headers
    )

    unknown = client.delete(
        f"{GROUPS}/{uuid.uuid4()}/members/{scene.target.id}", headers=scene.headers
    )
    assert_status(response, caller, status, unknown)
    stored = stored_membership(app_of(client), scene.group.id, scene.target.id)
    assert stored == ("removed" if status == 204 else "active")


# What GET /me/groups holds about the scene's group: (role, status), or None.
MY_GROUPS_ENTRY: dict[str, tuple[str, str] | None] = {
    NON_MEMBER: None,
    ACTIVE: ("member", "active"),
    PENDING: ("member", "pending"),
    FACILITATOR: ("facilitator", "active"),
    OTHER_FACILITATOR: None,
    ADMIN: None,
}


@pytest.mark.parametrize("caller", CALLERS)
def test_matrix_my_groups_needs_sign_in_and_shows_only_my_memberships(
    client: TestClient, caller: str
) -> None:
    scene = make_scene(client, caller)

    response = client.get(MY_GROUPS, headers=scene.headers)

    if caller == ANONYMOUS:
        assert_status(response, caller, 401, None)
        return
    assert response.status_code == 200, response.text
    entries = {entry["group"]["id"]: entry for entry in response.json()["items"]}
    expected = MY_GROUPS_ENTRY[caller]
    if expected is None:
        assert str(scene.group.id) not in entries
    else:
        entry = entries[str(scene.group.id)]
        assert (entry["role"], entry["status"]) == expected
    if caller == OTHER_FACILITATOR:
        assert [entry["role"] for entry in entries.values()] == ["facilitator"]


# --- the directory ----------------------------------------------------------------------------


def make_directory(app: FastAPI) -> dict[str, GroupRead]:
    """Five listed groups that differ in text, topic, format and language, by their slug."""
    facilitator = make_user(app, role=Role.facilitator)
    town = {"city": "Austin", "region": "TX", "country": "US"}
    # Made out of slug order, so the directory must sort them.
    made = [
        make_group(
            app,
            facilitator=facilitator,
            name="Elm Gardeners",
            description="A circle for family members and caregivers.",
            topics=["family-and-caregivers"],
            format="online",
            language="en",
        ),
        make_group(
            app,
            facilitator=facilitator,
            name="Birch Circle",
            description="Peer support, with some time for GARDENING talk.",
            topics=["anxiety", "depression"],
            format="online",
            language="es",
        ),
        make_group(
            app,
            facilitator=facilitator,
            name="Dogwood Circle",
            description="Yup'ik speakers supporting each other.",
            topics=["anxiety"],
            format="online",
            language="esu",
        ),
        make_group(
            app,
            facilitator=facilitator,
            name="Alder Grief Circle",
            description="Walking together through loss.",
            topics=["grief-and-loss"],
            format="in_person",
            location=town,
            online_url=None,
            language="en",
        ),
        make_group(
            app,
            facilitator=facilitator,
            name="Cedar Circle",
            description="Apoyo entre pares.",
            topics=["depression"],
            format="hybrid",
            location=town,
            language="es-MX",
        ),
    ]
    return {group.slug: group for group in made}


def test_directory_finds_groups_by_text_in_name_or_description_whatever_the_case(
    client: TestClient,
) -> None:
    make_directory(app_of(client))

    assert directory_slugs(client, q="garden") == ["birch-circle", "elm-gardeners"]
    assert directory_slugs(client, q="GRIEF") == ["alder-grief-circle"]
    assert directory_slugs(client, q="  apoyo entre ") == ["cedar-circle"]
    assert directory_slugs(client, q="%") == []
    assert directory_slugs(client, q="nobody wrote this") == []


def test_directory_filters_by_topic(client: TestClient) -> None:
    make_directory(app_of(client))

    assert directory_slugs(client, topic="depression") == ["birch-circle", "cedar-circle"]
    assert directory_slugs(client, topic="anxiety") == ["birch-circle", "dogwood-circle"]
    assert directory_slugs(client, topic="veterans") == []


def test_directory_filters_by_format(client: TestClient) -> None:
    make_directory(app_of(client))

    assert directory_slugs(client, format="in_person") == ["alder-grief-circle"]
    assert directory_slugs(client, format="hybrid") == ["cedar-circle"]
    assert directory_slugs(client, format="online") == [
        "birch-circle",
        "dogwood-circle",
        "elm-gardeners",
    ]
    assert_problem(client.get(GROUPS, params={"format": "telepathy"}), 422)


def test_directory_language_finds_its_regional_variants_but_not_other_languages(
    client: TestClient,
) -> None:
    make_directory(app_of(client))

    assert directory_slugs(client, language="es") == ["birch-circle", "cedar-circle"]
    assert directory_slugs(client, language="es-MX") == ["cedar-circle"]
    assert directory_slugs(client, language="en") == ["alder-grief-circle", "elm-gardeners"]
    assert directory_slugs(client, language="fr") == []


def test_directory_language_filter_ignores_the_case_of_the_tag(client: TestClient) -> None:
    make_directory(app_of(client))

    assert directory_slugs(client, language="ES") == ["birch-circle", "cedar-circle"]
    assert directory_slugs(client, language="es-mx") == ["cedar-circle"]


def test_directory_combines_filters(client: TestClient) -> None:
    make_directory(app_of(client))

    assert directory_slugs(client, topic="anxiety", language="es") == ["birch-circle"]
    assert directory_slugs(client, q="circle", format="online") == [
        "birch-circle",
        "dogwood-circle",
        "elm-gardeners",
    ]
    assert directory_slugs(client, q="circle", format="online", language="en") == ["elm-gardeners"]


def test_directory_open_true_leaves_out_full_paused_and_archived_groups(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_user(app, role=Role.facilitator)
    with_room = make_group(app, facilitator=facilitator, name="Roomy Circle", capacity=1)
    full = make_group(app, facilitator=facilitator, name="Full Circle", capacity=1)
    paused = make_group(app, facilitator=facilitator, name="Paused Circle")
    archived = make_group(app, facilitator=facilitator, name="Archived Circle")
    # A pending request takes no seat; an active member does.
    change_group(app, with_room.id, facilitator, join_policy="approval")
    add_member(app, with_room.id, make_user(app), facilitator=facilitator, status="pending")
    add_member(app, full.id, make_user(app), facilitator=facilitator, status="active")
    change_group(app, paused.id, facilitator, status="paused")
    with app.state.session_factory.begin() as db:
        manager = Actor.of_person(db.get_one(User, facilitator.id))
        groups.archive_group(db, app.state.settings, groups.managed_group(db, archived.id, manager))

    assert directory_slugs(client, open="true") == ["roomy-circle"]
    assert directory_slugs(client) == ["full-circle", "paused-circle", "roomy-circle"]


def test_the_first_page_counts_every_group_that_matches_the_filters(client: TestClient) -> None:
    make_directory(app_of(client))

    first = client.get(GROUPS, params={"q": "circle", "format": "online", "limit": "2"}).json()
    assert [group["slug"] for group in first["items"]] == ["birch-circle", "dogwood-circle"]
    assert first["total"] == 3  # the page holds two of them
    later = client.get(
        GROUPS, params={"q": "circle", "format": "online", "cursor": first["next_cursor"]}
    ).json()
    assert later["total"] is None  # the finder knows it from the first page
    assert client.get(GROUPS, params={"topic": "no-such-topic"}).json()["total"] == 0
    assert client.get(GROUPS).json()["total"] == 5


def test_an_unlisted_group_disappears_for_a_member_who_was_removed_from_it(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_user(app, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator, name="Quiet Harbor Circle")
    member = make_person(client)
    add_member(app, group.id, member.user, facilitator=facilitator, status="removed")
    change_group(app, group.id, facilitator, visibility="unlisted")

    listed = client.get(GROUPS, params={"limit": "100"}, headers=member.headers)
    page = client.get(f"{GROUPS}/{group.id}", headers=member.headers)

    assert listed.status_code == 200
    assert listed.json()["items"] == []
    assert "Quiet Harbor" not in page.text
    unknown = client.get(f"{GROUPS}/{uuid.uuid4()}", headers=member.headers)
    assert_status(page, NON_MEMBER, 404, unknown)
    assert my_groups(client, member) == {}


def test_directory_pages_of_two_give_every_group_once_in_slug_order(client: TestClient) -> None:
    expected = sorted(make_directory(app_of(client)))
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "2"} | ({"cursor": cursor} if cursor else {})
        response = client.get(GROUPS, params=params)
        assert response.status_code == 200, response.text
        pages.append([group["slug"] for group in response.json()["items"]])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
        assert len(pages) < 5, "the cursor never ends"

    assert [len(page) for page in pages] == [2, 2, 1]
    assert [slug for page in pages for slug in page] == expected
    # The same cursor gives the same page again.
    first_cursor = client.get(GROUPS, params={"limit": "2"}).json()["next_cursor"]
    again = client.get(GROUPS, params={"limit": "2", "cursor": first_cursor})
    assert [group["slug"] for group in again.json()["items"]] == pages[1]
    body = assert_problem(client.get(GROUPS, params={"cursor": "not-a-cursor"}), 422)
    assert body["type"].endswith("invalid-cursor")


def test_archived_group_leaves_the_directory_but_its_members_still_read_it(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    member = make_person(client)
    group = make_group(app, facilitator=facilitator.user)
    join(client, member, group.id)

    response = client.post(f"{GROUPS}/{group.id}/archive", headers=facilitator.headers)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "archived"
    assert directory_slugs(client) == []
    assert directory_slugs(client, member.headers) == []
    page = read_group(client, group.id, member)
    assert page["status"] == "archived"
    assert page["online_url"] == group.online_url
    assert my_groups(client, member)[str(group.id)]["status"] == "active"
    members = client.get(f"{GROUPS}/{group.id}/members", headers=member.headers)
    assert members.status_code == 200
    assert len(members.json()["items"]) == 2
    # History is kept as it was: no edits, no new members.
    edit = client.patch(
        f"{GROUPS}/{group.id}", json={"name": "Renamed"}, headers=facilitator.headers
    )
    assert_problem(edit, 409)
    assert stored_group(app, group.id)["name"] == group.name
    rejoin = client.post(
        f"{GROUPS}/{group.id}/members", json={"accept_guidelines": True}, headers=member.headers
    )
    assert assert_problem(rejoin, 409)["type"].endswith("group-not-joinable")


# --- joining and leaving ----------------------------------------------------------------------


def test_joining_an_open_group_admits_at_once_with_the_current_guidelines_version(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_user(app, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator, capacity=5)
    change_group(app, group.id, facilitator, guidelines="Confidentiality first, always.")
    person = make_person(client)

    response = client.post(
        f"{GROUPS}/{group.id}/members", json={"accept_guidelines": True}, headers=person.headers
    )

    assert response.status_code == 201, response.text
    membership = response.json()
    assert membership["user_id"] == str(person.user.id)
    assert membership["group_id"] == str(group.id)
    assert membership["role"] == "member"
    assert membership["status"] == "active"
    assert membership["joined_at"] is not None
    page = read_group(client, group.id, person)
    assert page["guidelines_version"] == 2
    assert membership["guidelines_version_accepted"] == 2
    assert page["seats_left"] == 4
    assert page["online_url"] == group.online_url
    assert page["my_membership"] == {"role": "member", "status": "active"}
    assert my_groups(client, person)[str(group.id)]["status"] == "active"


def test_joining_an_approval_group_waits_until_a_facilitator_approves(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user, join_policy="approval")
    person = make_person(client)

    joined = join(client, person, group.id)

    assert joined["status"] == "pending"
    assert joined["guidelines_version_accepted"] == 1
    assert read_group(client, group.id, person)["online_url"] is None
    assert my_groups(client, person)[str(group.id)]["status"] == "pending"
    requests = client.get(f"{GROUPS}/{group.id}/members", headers=facilitator.headers).json()
    statuses = {member["user_id"]: member["status"] for member in requests["items"]}
    assert statuses[str(person.user.id)] == "pending"

    approved = client.patch(
        f"{GROUPS}/{group.id}/members/{person.user.id}",
        json={"status": "active"},
        headers=facilitator.headers,
    )

    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "active"
    assert approved.json()["role"] == "member"
    assert my_groups(client, person)[str(group.id)]["status"] == "active"
    assert read_group(client, group.id, person)["online_url"] == group.online_url
    # Told, as the circle's page promised, in words that do not name the circle.
    [told] = emails_to(app, person.email)
    assert told.subject == "Your request to join a circle was answered"
    assert "said yes" in told.body_text
    assert group.name not in told.subject + told.body_text


def test_a_declined_request_is_told_kindly_and_a_withdrawn_one_is_not(client: TestClient) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user, join_policy="approval")
    declined, withdrew, member = make_person(client), make_person(client), make_person(client)
    for person in (declined, withdrew, member):
        join(client, person, group.id)
    approved = client.patch(
        f"{GROUPS}/{group.id}/members/{member.user.id}",
        json={"status": "active"},
        headers=facilitator.headers,
    )
    assert approved.status_code == 200, approved.text
    for leaving, headers in ((declined, facilitator.headers), (withdrew, withdrew.headers)):
        gone = client.delete(f"{GROUPS}/{group.id}/members/{leaving.user.id}", headers=headers)
        assert gone.status_code == 204, gone.text
    removed = client.delete(
        f"{GROUPS}/{group.id}/members/{member.user.id}", headers=facilitator.headers
    )
    assert removed.status_code == 204

    [told] = emails_to(app, declined.email)
    assert told.subject == "Your request to join a circle was answered"
    assert "not able to say yes" in told.body_text
    assert group.name not in told.subject + told.body_text
    assert emails_to(app, withdrew.email) == []  # they took it back themselves
    # A member removed later heard only of their approval: removal is not a declined request.
    assert [m.subject for m in emails_to(app, member.email)] == [
        "Your request to join a circle was answered"
    ]
    assert "said yes" in emails_to(app, member.email)[0].body_text


@pytest.mark.parametrize(
    "terms",
    [{"accept_guidelines": False}, {}],
    ids=["false", "missing"],
)
def test_joining_without_accepting_the_guidelines_is_422_and_joins_nobody(
    client: TestClient, terms: dict[str, Any]
) -> None:
    app = app_of(client)
    group = make_group(app, facilitator=make_user(app, role=Role.facilitator))
    person = make_person(client)

    response = client.post(f"{GROUPS}/{group.id}/members", json=terms, headers=person.headers)

    body = assert_problem(response, 422)
    assert ["body", "accept_guidelines"] in [error["loc"] for error in body["errors"]]
    assert stored_membership(app, group.id, person.user.id) is None
    assert my_groups(client, person) == {}


def test_joining_a_full_group_is_409_group_full_and_adds_nobody(client: TestClient) -> None:
    app = app_of(client)
    facilitator = make_user(app, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator, capacity=1)
    add_member(app, group.id, make_user(app), facilitator=facilitator, status="active")
    person = make_person(client)

    response = client.post(
        f"{GROUPS}/{group.id}/members", json={"accept_guidelines": True}, headers=person.headers
    )

    body = assert_problem(response, 409)
    assert body["type"].endswith("group-full")
    assert "full" in body["detail"]
    assert stored_membership(app, group.id, person.user.id) is None
    assert my_groups(client, person) == {}
    assert read_group(client, group.id, None)["seats_left"] == 0


def test_joining_twice_is_409_and_keeps_the_one_membership(client: TestClient) -> None:
    app = app_of(client)
    group = make_group(app, facilitator=make_user(app, role=Role.facilitator), capacity=5)
    person = make_person(client)
    join(client, person, group.id)

    again = client.post(
        f"{GROUPS}/{group.id}/members", json={"accept_guidelines": True}, headers=person.headers
    )

    assert assert_problem(again, 409)["type"].endswith("already-member")
    assert my_groups(client, person)[str(group.id)]["status"] == "active"
    assert read_group(client, group.id, None)["seats_left"] == 4


def test_a_removed_member_rejoining_an_open_group_waits_for_approval(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)
    member = make_person(client)
    join(client, member, group.id)

    removed = client.delete(
        f"{GROUPS}/{group.id}/members/{member.user.id}", headers=facilitator.headers
    )

    assert removed.status_code == 204
    assert my_groups(client, member) == {}
    assert_problem(client.get(f"{GROUPS}/{group.id}/members", headers=member.headers), 404)
    assert read_group(client, group.id, member)["online_url"] is None
    rejoined = join(client, member, group.id)
    assert rejoined["status"] == "pending"
    assert stored_membership(app, group.id, member.user.id) == "pending"
    assert read_group(client, group.id, member)["online_url"] is None


def test_a_removed_member_cannot_get_back_in_by_withdrawing_and_asking_again(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_user(app, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator)
    member = make_person(client)
    add_member(app, group.id, member.user, facilitator=facilitator, status="removed")
    assert join(client, member, group.id)["status"] == "pending"

    withdrawn = client.delete(
        f"{GROUPS}/{group.id}/members/{member.user.id}", headers=member.headers
    )
    again = join(client, member, group.id)

    assert withdrawn.status_code == 204
    assert again["status"] == "pending"
    assert read_group(client, group.id, member)["online_url"] is None


def test_a_member_who_leaves_is_gone_from_my_groups_and_frees_the_seat(
    client: TestClient,
) -> None:
    app = app_of(client)
    group = make_group(app, facilitator=make_user(app, role=Role.facilitator), capacity=3)
    member = make_person(client)
    join(client, member, group.id)

    response = client.delete(
        f"{GROUPS}/{group.id}/members/{member.user.id}", headers=member.headers
    )

    assert response.status_code == 204
    assert response.content == b""
    assert str(group.id) not in my_groups(client, member)
    assert read_group(client, group.id, None)["seats_left"] == 3
    assert read_group(client, group.id, member)["online_url"] is None
    assert stored_membership(app, group.id, member.user.id) == "left"
    # Leaving is not being removed: an open group takes them back at once.
    assert join(client, member, group.id)["status"] == "active"


def test_a_pending_member_can_withdraw_the_request(client: TestClient) -> None:
    app = app_of(client)
    group = make_group(
        app, facilitator=make_user(app, role=Role.facilitator), join_policy="approval"
    )
    person = make_person(client)
    join(client, person, group.id)

    response = client.delete(
        f"{GROUPS}/{group.id}/members/{person.user.id}", headers=person.headers
    )

    assert response.status_code == 204
    assert my_groups(client, person) == {}


def test_the_last_facilitator_can_neither_leave_nor_be_demoted(client: TestClient) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)
    own = f"{GROUPS}/{group.id}/members/{facilitator.user.id}"

    leave = client.delete(own, headers=facilitator.headers)
    demote = client.patch(own, json={"role": "member"}, headers=facilitator.headers)

    assert assert_problem(leave, 409)["type"].endswith("last-facilitator")
    assert assert_problem(demote, 409)["type"].endswith("last-facilitator")
    entry = my_groups(client, facilitator)[str(group.id)]
    assert (entry["role"], entry["status"]) == ("facilitator", "active")


def test_a_member_promoted_to_co_facilitator_can_edit_the_group(client: TestClient) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)
    member = make_person(client)
    join(client, member, group.id)
    edit = {"description": "Now run by two of us."}
    refused = client.patch(f"{GROUPS}/{group.id}", json=edit, headers=member.headers)
    assert assert_problem(refused, 403)["type"].endswith("not-facilitator")

    promoted = client.patch(
        f"{GROUPS}/{group.id}/members/{member.user.id}",
        json={"role": "facilitator"},
        headers=facilitator.headers,
    )

    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["role"] == "facilitator"
    edited = client.patch(f"{GROUPS}/{group.id}", json=edit, headers=member.headers)
    assert edited.status_code == 200, edited.text
    assert edited.json()["description"] == "Now run by two of us."
    # With a co-facilitator in place, the first one may now step down.
    leave = client.delete(
        f"{GROUPS}/{group.id}/members/{facilitator.user.id}", headers=facilitator.headers
    )
    assert leave.status_code == 204, leave.text


# --- creating and editing groups --------------------------------------------------------------


def test_changing_the_guidelines_bumps_their_version_and_other_edits_do_not(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)
    path = f"{GROUPS}/{group.id}"

    renamed = client.patch(path, json={"name": "Thursday Circle"}, headers=facilitator.headers)
    changed = client.patch(path, json={"guidelines": "Listen first."}, headers=facilitator.headers)
    same = client.patch(path, json={"guidelines": "Listen first."}, headers=facilitator.headers)

    assert renamed.json()["guidelines_version"] == 1
    assert changed.json()["guidelines_version"] == 2
    assert changed.json()["guidelines"] == "Listen first."
    assert same.json()["guidelines_version"] == 2
    assert stored_group(app, group.id)["guidelines_version"] == 2


def test_an_edit_with_an_unknown_field_is_422_and_changes_nothing(client: TestClient) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)

    response = client.patch(
        f"{GROUPS}/{group.id}",
        json={"name": "Renamed Circle", "colour": "teal"},
        headers=facilitator.headers,
    )

    body = assert_problem(response, 422)
    assert ["body", "colour"] in [error["loc"] for error in body["errors"]]
    assert stored_group(app, group.id)["name"] == group.name


def test_an_edit_that_leaves_a_group_nowhere_to_meet_is_422_at_the_field_and_changes_nothing(
    client: TestClient,
) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator)
    group = make_group(app, facilitator=facilitator.user)  # online, with a link
    url = f"{GROUPS}/{group.id}"

    unlinked = client.patch(url, json={"online_url": None}, headers=facilitator.headers)
    in_person = client.patch(
        url, json={"format": "in_person", "name": "Moved Circle"}, headers=facilitator.headers
    )

    body = assert_problem(unlinked, 422)
    assert body["type"].endswith("nowhere-to-meet")
    assert [e["loc"] for e in body["errors"]] == [["body", "online_url"]]
    body = assert_problem(in_person, 422)
    assert [e["loc"] for e in body["errors"]] == [["body", "location"]]
    assert "address or city" in body["errors"][0]["msg"]
    kept = stored_group(app, group.id)
    assert (kept["name"], kept["format"]) == (group.name, "online")  # nothing of either kept
    moved = client.patch(
        url,
        json={"format": "hybrid", "location": {"city": "Springfield"}},
        headers=facilitator.headers,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["format"] == "hybrid"


def test_where_a_group_meets_is_required_and_each_missing_part_is_named_at_its_field(
    client: TestClient,
) -> None:
    facilitator = make_person(client, role=Role.facilitator)

    hybrid = client.post(
        GROUPS,
        json=group_body(format="hybrid", online_url=None, location={"region": "IL"}),
        headers=facilitator.headers,
    )
    in_person = client.post(
        GROUPS, json=group_body(format="in_person"), headers=facilitator.headers
    )

    errors = {tuple(error["loc"]): error["msg"] for error in assert_problem(hybrid, 422)["errors"]}
    assert errors == {
        ("body", "location"): "An in-person or hybrid group needs a location (address or city).",
        ("body", "online_url"): "An online or hybrid group needs an online_url.",
    }
    assert [error["loc"] for error in assert_problem(in_person, 422)["errors"]] == [
        ["body", "location"]
    ]
    assert directory_slugs(client) == []


def test_creating_a_group_with_an_unknown_topic_is_422_naming_it(client: TestClient) -> None:
    facilitator = make_person(client, role=Role.facilitator)

    response = client.post(
        GROUPS,
        json=group_body(topics=["anxiety", "moon-sadness"]),
        headers=facilitator.headers,
    )

    body = assert_problem(response, 422)
    assert body["type"].endswith("unknown-topics")
    assert "moon-sadness" in body["detail"]
    assert "anxiety" not in body["detail"]
    assert directory_slugs(client) == []


# --- privacy ----------------------------------------------------------------------------------


def test_member_list_shows_pseudonyms_and_group_roles_only(client: TestClient) -> None:
    app = app_of(client)
    facilitator = make_person(client, role=Role.facilitator, display_name="Steady Oak")
    group = make_group(app, facilitator=facilitator.user, join_policy="approval")
    member = make_person(client, display_name="Quiet Heron")
    add_member(app, group.id, member.user, facilitator=facilitator.user, status="active")
    asking = make_user(app, display_name="Shy Finch")
    add_member(app, group.id, asking, facilitator=facilitator.user, status="pending")

    as_member = client.get(f"{GROUPS}/{group.id}/members", headers=member.headers)
    as_facilitator = client.get(f"{GROUPS}/{group.id}/members", headers=facilitator.headers)

    assert as_member.status_code == 200, as_member.text
    entries = as_member.json()["items"]
    assert all(set(entry) == MEMBER_FIELDS for entry in entries)
    assert [(e["display_name"], e["role"], e["status"]) for e in entries] == [
        ("Steady Oak", "facilitator", "active"),
        ("Quiet Heron", "member", "active"),
    ]
    # Only facilitators see who is asking to join.
    seen = {e["display_name"]: e["status"] for e in as_facilitator.json()["items"]}
    assert seen == {"Steady Oak": "active", "Quiet Heron": "active", "Shy Finch": "pending"}
    for response in (as_member, as_facilitator):
        assert "@" not in response.text
        for email in (facilitator.email, member.email, asking.email):
            assert email not in response.text


def test_canary_no_get_shows_members_emails_names_or_meeting_links_to_outsiders(
    client: TestClient,
) -> None:
    """Sentinel emails and pseudonyms in a listed and an unlisted group; anonymous callers,
    non-members and a pending member crawl every groups GET and must find none of them."""
    app = app_of(client)
    canaries = [
        make_user(
            app,
            role=Role.facilitator if number == 1 else Role.member,
            email=f"canary-{number}@example.org",
            display_name=f"Sentinel Wren {number}",
        )
        for number in range(1, 5)
    ]
    facilitator, active, requested, removed = canaries
    listed = make_group(
        app,
        facilitator=facilitator,
        name="Open Door Circle",
        join_policy="approval",
        online_url="https://meet.example.org/listed-room-7f3a",
    )
    hidden = make_group(
        app,
        facilitator=facilitator,
        name="Hidden Harbor Circle",
        join_policy="approval",
        online_url="https://meet.example.org/hidden-room-91c2",
    )
    pending_caller = make_person(client)
    for group in (listed, hidden):
        add_member(app, group.id, active, facilitator=facilitator, status="active")
        add_member(app, group.id, requested, facilitator=facilitator, status="pending")
        add_member(app, group.id, removed, facilitator=facilitator, status="removed")
    add_member(app, listed.id, pending_caller.user, facilitator=facilitator, status="pending")
    change_group(app, hidden.id, facilitator, visibility="unlisted")
    callers = {
        ANONYMOUS: {},
        NON_MEMBER: make_person(client).headers,
        PENDING: pending_caller.headers,
    }
    paths = [
        TOPICS,
        f"{GROUPS}?limit=100",
        f"{GROUPS}?q=circle",
        f"{GROUPS}?topic=anxiety",
        f"{GROUPS}/{listed.id}",
        f"{GROUPS}/{hidden.id}",
        f"{GROUPS}/{listed.id}/members",
        f"{GROUPS}/{hidden.id}/members",
        MY_GROUPS,
    ]
    # The sentinels are there to be found: an active member sees the pseudonyms and the link.
    with app.state.session_factory() as db:
        viewer = db.get_one(User, active.id)
        assert group_views.get_group(
            db, groups.visible_group(db, hidden.id, Actor.of_person(viewer))
        ).online_url
        assert group_views.list_members(
            db, groups.visible_group(db, listed.id, Actor.of_person(viewer)), limit=20, cursor=None
        ).items
    secrets = [
        "canary-",
        "Sentinel Wren",
        "Hidden Harbor",
        listed.online_url,
        hidden.online_url,
    ]

    for caller, headers in callers.items():
        for path in paths:
            response = client.get(path, headers=headers)
            assert response.status_code in (200, 401, 404), (caller, path, response.text)
            for secret in secrets:
                assert secret
                assert secret not in response.text, (caller, path, secret)
