"""Referrals with consent, outside in: who may refer, read and answer, then the rules of what
a referrer learns (only what the person shares, nothing once they stop), the neutral email,
expiry, erasure and the circle's facilitators' view; on SQLite and PostgreSQL."""

import uuid
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from backend.accounts.models import Role
from backend.accounts.schemas import Scope
from backend.groups.models import GroupMembership, MembershipStatus
from backend.referrals import service as referrals
from backend.referrals.consent import WORDING_VERSION
from backend.referrals.models import Referral
from tests.factories import (
    Person,
    client_token,
    emails_to,
    join,
    make_group,
    make_person,
    make_service_client,
)
from tests.referrals.conftest import (
    API,
    Service,
    accept,
    decline,
    link_token,
    make_service,
    open_link,
    read,
    refer,
)
from tests.support.clock import Clock
from tests.support.problems import assert_problem

# --- access ----------------------------------------------------------------------------------


def test_who_may_refer(
    client: TestClient, app: FastAPI, service: Service, facilitator: Person, unlisted_id: uuid.UUID
) -> None:
    body = {"group_id": str(unlisted_id), "email": "sam@example.net"}
    assert_problem(client.post(f"{API}/referrals", json=body), 401)
    member = make_person(client)
    assert_problem(client.post(f"{API}/referrals", headers=member.headers, json=body), 403)
    # Another circle's facilitator does not know an unlisted circle (404), nor may refer to a
    # listed one they do not facilitate (403).
    other = make_person(client, role=Role.facilitator)
    assert_problem(client.post(f"{API}/referrals", headers=other.headers, json=body), 404)
    listed = make_group(app, facilitator=facilitator.user)
    listed_body = body | {"group_id": str(listed.id)}
    assert_problem(client.post(f"{API}/referrals", headers=other.headers, json=listed_body), 403)
    # A client without the scope.
    reader = make_service_client(app, scopes=[Scope.groups_read])
    reader_headers = {"Authorization": f"Bearer {client_token(client, reader)}"}
    assert_problem(client.post(f"{API}/referrals", headers=reader_headers, json=body), 403)
    assert_problem(client.get(f"{API}/referrals", headers=reader_headers), 403)
    # An unknown circle.
    unknown = body | {"group_id": str(uuid.uuid4())}
    assert_problem(client.post(f"{API}/referrals", headers=service.headers, json=unknown), 404)
    # The service, the circle's facilitator and admins may.
    admin = make_person(client, role=Role.admin)
    made = [
        refer(client, who, unlisted_id, f"person{n}@example.net")
        for n, who in enumerate((service.headers, facilitator.headers, admin.headers))
    ]
    assert {m["state"] for m in made} == {"sent"}


def test_each_referrer_reads_only_their_own_referrals(
    client: TestClient, service: Service, facilitator: Person, unlisted_id: uuid.UUID
) -> None:
    mine = refer(client, service.headers, unlisted_id, "sam@example.net")
    theirs = refer(client, facilitator.headers, unlisted_id, "alex@example.net")
    other_service = make_service(client, "Hillside Clinic")
    assert_problem(client.get(f"{API}/referrals/{mine['id']}"), 401)
    for url in (
        f"/referrals/{mine['id']}",
        f"/referrals/{mine['id']}/attendance",
        f"/referrals/{mine['id']}/fhir",
    ):
        assert_problem(client.get(f"{API}{url}", headers=other_service.headers), 404)
        assert_problem(client.get(f"{API}{url}", headers=facilitator.headers), 404)
    member = make_person(client)
    assert_problem(client.get(f"{API}/referrals/{mine['id']}", headers=member.headers), 403)
    assert [
        r["id"] for r in client.get(f"{API}/referrals", headers=service.headers).json()["items"]
    ] == [mine["id"]]
    listed = client.get(f"{API}/referrals", headers=facilitator.headers).json()["items"]
    assert [r["id"] for r in listed] == [theirs["id"]]
    admin = make_person(client, role=Role.admin)
    every = client.get(f"{API}/referrals", headers=admin.headers).json()["items"]
    assert [r["id"] for r in every] == [theirs["id"], mine["id"]]
    assert read(client, admin.headers, mine["id"])["state"] == "sent"


def test_only_the_circles_facilitators_see_its_referrals_and_their_notes(
    client: TestClient, app: FastAPI, service: Service, facilitator: Person, unlisted_id: uuid.UUID
) -> None:
    refer(
        client,
        service.headers,
        unlisted_id,
        "sam@example.net",
        note="Sam prefers to listen at first.",
    )
    url = f"{API}/groups/{unlisted_id}/referrals"
    assert_problem(client.get(url), 401)
    assert_problem(client.get(url, headers=make_person(client).headers), 404)
    assert_problem(client.get(url, headers=service.headers), 403)
    items = client.get(url, headers=facilitator.headers).json()["items"]
    assert [(i["referrer_name"], i["note"], i["state"]) for i in items] == [
        ("Riverside Counseling", "Sam prefers to listen at first.", "waiting")
    ]
    assert "sam@example.net" not in client.get(url, headers=facilitator.headers).text
    sam = make_person(client)
    assert accept(client, sam, link_token(app, "sam@example.net"), "outcome").status_code == 200
    (item,) = client.get(url, headers=facilitator.headers).json()["items"]
    assert (item["state"], item["member_name"]) == ("joined", sam.user.display_name)


# --- the email and the link ------------------------------------------------------------------


def test_the_email_is_neutral_and_its_link_is_kept_only_as_a_digest(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID
) -> None:
    made = refer(client, service.headers, unlisted_id, "Sam@Example.net")
    (email,) = emails_to(app, "Sam@example.net")
    assert email.subject == "An invitation is waiting for you"
    preview = email.body_text[:160]
    for revealing in ("Grief", "grief", "Thursday", "Riverside", "counsel"):
        assert revealing not in email.subject
        assert revealing not in preview
    assert "Thursday Grief Circle" not in email.body_text
    assert "Riverside Counseling" in email.body_text  # further down: who it comes from
    token = link_token(app, "Sam@example.net")
    with app.state.session_factory() as db:
        row = db.get_one(Referral, uuid.UUID(made["id"]))
        assert token != row.token_hash
        assert "sam@example.net" not in row.email_digest.lower()
        assert len(token) >= 43
    assert_problem(open_link(client, "A" * 43), 404)
    assert_problem(open_link(client, "short"), 422)


def test_opening_shows_the_circle_and_each_thing_asked_and_tells_the_referrer_it_was_opened(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID
) -> None:
    made = refer(
        client, service.headers, unlisted_id, "sam@example.net", ask_attendance=True, note="Hi"
    )
    token = link_token(app, "sam@example.net")
    opened = open_link(client, token)
    assert opened.status_code == 200, opened.text
    preview = opened.json()
    assert preview["circle"]["name"] == "Thursday Grief Circle"
    assert preview["circle"]["guidelines"]
    assert "online_url" not in opened.text
    assert preview["referrer_name"] == "Riverside Counseling"
    assert [a["part"] for a in preview["asked"]] == ["outcome", "attendance"]
    assert all("Riverside Counseling" in a["words"] for a in preview["asked"])
    assert "account page" in preview["how_to_stop"]
    assert preview["note"] == "Hi"  # the person sees what the facilitators will see
    seen = read(client, service.headers, made["id"])
    assert seen["state"] == "opened"
    assert seen["opened_at"] is not None
    assert open_link(client, token).status_code == 200  # opening again is fine


# --- answering -------------------------------------------------------------------------------


def test_accepting_joins_an_unlisted_approval_circle_and_shares_only_what_was_chosen(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID
) -> None:
    made = refer(client, service.headers, unlisted_id, "sam@example.net", ask_attendance=True)
    token = link_token(app, "sam@example.net")
    sam = make_person(client)
    assert_problem(
        client.post(f"{API}/referral-links/{token}/accept", json={"accept_guidelines": True}), 401
    )
    # The guidelines are accepted by the person, never on their behalf.
    refused = client.post(
        f"{API}/referral-links/{token}/accept",
        headers=sam.headers,
        json={"consent_version": "2026-12-02", "share": []},
    )
    assert_problem(refused, 422)
    assert_problem(accept(client, sam, token, consent_version="2000-01-01"), 409)
    attendance_alone = assert_problem(accept(client, sam, token, "attendance"), 422)
    assert attendance_alone["errors"][0]["loc"] == ["body", "share"]
    # Nothing was written by the refusals.
    assert read(client, service.headers, made["id"])["state"] == "sent"

    answered = accept(client, sam, token)  # join, share nothing
    assert answered.status_code == 200, answered.text
    assert answered.json() == {"group_id": str(unlisted_id), "joined": True, "shared": []}
    with app.state.session_factory() as db:
        membership = db.scalars(
            select(GroupMembership).where(
                GroupMembership.group_id == unlisted_id, GroupMembership.user_id == sam.user.id
            )
        ).one()
        assert membership.status == MembershipStatus.active
        assert membership.guidelines_version_accepted == 1
    seen = read(client, service.headers, made["id"])
    # Nothing tells the referrer that Sam answered: it looks as it did before.
    assert seen["state"] == "opened"
    assert seen["answered_at"] is None
    assert seen["outcome_shared"] is False
    assert seen["attendance_shared_since"] is None
    # The email that carried the link is gone from the outbox; the link is spent.
    assert emails_to(app, "sam@example.net") == []
    assert_problem(accept(client, sam, token), 410)
    assert_problem(open_link(client, token), 410)


def test_sharing_the_outcome_shows_joined(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID
) -> None:
    made = refer(client, service.headers, unlisted_id, "sam@example.net")
    token = link_token(app, "sam@example.net")
    sam = make_person(client)
    assert_problem(accept(client, sam, token, "outcome", "attendance"), 422)  # not asked
    answered = accept(client, sam, token, "outcome")
    assert answered.json()["shared"] == ["outcome"]
    seen = read(client, service.headers, made["id"])
    assert seen["state"] == "joined"
    assert seen["answered_at"] is not None


def test_a_member_already_in_the_circle_answers_without_joining_twice(
    client: TestClient, app: FastAPI, service: Service, facilitator: Person
) -> None:
    group = make_group(app, facilitator=facilitator.user)
    sam = make_person(client)
    join(client, sam, group.id)
    refer(client, service.headers, group.id, "sam@example.net")
    answered = accept(client, sam, link_token(app, "sam@example.net"), "outcome")
    assert answered.status_code == 200, answered.text
    assert answered.json()["joined"] is True


def test_declining_needs_no_account_and_is_told_only_if_the_person_says_so(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID
) -> None:
    quiet = refer(client, service.headers, unlisted_id, "quiet@example.net")
    told = refer(client, service.headers, unlisted_id, "told@example.net")
    unasked = refer(client, service.headers, unlisted_id, "unasked@example.net", ask_outcome=False)
    tokens = {r: link_token(app, f"{r}@example.net") for r in ("quiet", "told", "unasked")}
    assert decline(client, tokens["quiet"]).status_code == 200
    assert decline(client, tokens["told"], share_outcome=True).json() == {
        "group_id": str(unlisted_id),
        "joined": False,
        "shared": [],
    }
    problem = assert_problem(decline(client, tokens["unasked"], share_outcome=True), 422)
    assert problem["errors"][0]["loc"] == ["body", "share_outcome"]
    assert read(client, service.headers, quiet["id"])["state"] == "opened"  # as if unanswered
    assert read(client, service.headers, told["id"])["state"] == "declined"
    assert read(client, service.headers, unasked["id"])["state"] == "sent"
    assert_problem(decline(client, tokens["told"]), 410)


def test_a_referral_nobody_answers_expires_and_forgets_the_address(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID, clock: Clock
) -> None:
    made = refer(client, service.headers, unlisted_id, "sam@example.net", expires_in_days=3)
    token = link_token(app, "sam@example.net")
    clock.advance(timedelta(days=3, minutes=1))
    assert_problem(open_link(client, token), 410)
    assert read(client, service.headers, made["id"])["state"] == "expired"
    with app.state.session_factory.begin() as db:
        assert referrals.expire_referrals(db, app.state.settings) == 1
    with app.state.session_factory.begin() as db:
        assert referrals.expire_referrals(db, app.state.settings) == 0
    assert emails_to(app, "sam@example.net") == []  # the address and the link are gone
    assert read(client, service.headers, made["id"])["state"] == "expired"


def test_the_same_person_is_not_referred_twice_to_the_same_circle_while_they_can_answer(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID
) -> None:
    refer(client, service.headers, unlisted_id, "sam@example.net")
    again = client.post(
        f"{API}/referrals",
        headers=service.headers,
        json={"group_id": str(unlisted_id), "email": "SAM@example.net"},
    )
    assert "works until" in assert_problem(again, 409)["detail"]
    # Another service may: it learns nothing of the first referral.
    other = make_service(client, "Hillside Clinic")
    refer(client, other.headers, unlisted_id, "sam@example.net")
    assert len(emails_to(app, "sam@example.net")) == 2


def test_attendance_needs_the_outcome_and_closed_circles_take_no_referrals(
    client: TestClient, app: FastAPI, service: Service, facilitator: Person
) -> None:
    group = make_group(app, facilitator=facilitator.user)
    body = {"group_id": str(group.id), "email": "sam@example.net"}
    problem = assert_problem(
        client.post(
            f"{API}/referrals",
            headers=service.headers,
            json=body | {"ask_outcome": False, "ask_attendance": True},
        ),
        422,
    )
    assert problem["errors"][0]["loc"] == ["body", "ask_outcome"]
    client.post(f"{API}/groups/{group.id}/archive", headers=facilitator.headers)
    assert_problem(client.post(f"{API}/referrals", headers=service.headers, json=body), 409)
    assert emails_to(app, "sam@example.net") == []


def test_referrals_are_bounded_per_referrer_per_hour(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(referrals, "REFERRALS_PER_HOUR", 2)
    refer(client, service.headers, unlisted_id, "a@example.net")
    refer(client, service.headers, unlisted_id, "b@example.net")
    refused = client.post(
        f"{API}/referrals",
        headers=service.headers,
        json={"group_id": str(unlisted_id), "email": "c@example.net"},
    )
    assert_problem(refused, 429)
    assert refused.headers["Retry-After"]
    assert emails_to(app, "c@example.net") == []


def test_an_answer_not_shared_expires_like_one_never_given(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID, clock: Clock
) -> None:
    joined = refer(client, service.headers, unlisted_id, "joins@example.net", expires_in_days=2)
    accept(client, make_person(client), link_token(app, "joins@example.net"))
    ignored = refer(client, service.headers, unlisted_id, "ignores@example.net", expires_in_days=2)
    open_link(client, link_token(app, "ignores@example.net"))
    states = [read(client, service.headers, r["id"])["state"] for r in (joined, ignored)]
    assert states == ["opened", "opened"]
    clock.advance(timedelta(days=2, minutes=1))
    with app.state.session_factory.begin() as db:
        assert referrals.expire_referrals(db, app.state.settings) == 2
    states = [read(client, service.headers, r["id"])["state"] for r in (joined, ignored)]
    assert states == ["expired", "expired"]


def test_no_thanks_can_become_a_join_until_the_referral_expires(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID
) -> None:
    made = refer(client, service.headers, unlisted_id, "sam@example.net")
    token = link_token(app, "sam@example.net")
    assert decline(client, token, share_outcome=True).status_code == 200
    assert read(client, service.headers, made["id"])["state"] == "declined"
    assert open_link(client, token).status_code == 200  # the page can still be opened
    sam = make_person(client)
    assert accept(client, sam, token, "outcome").status_code == 200
    assert read(client, service.headers, made["id"])["state"] == "joined"
    assert_problem(decline(client, token), 410)


def test_a_no_thanks_shared_while_signed_in_can_be_withdrawn(
    client: TestClient, app: FastAPI, service: Service, unlisted_id: uuid.UUID
) -> None:
    made = refer(client, service.headers, unlisted_id, "sam@example.net")
    sam = make_person(client)
    answered = client.post(
        f"{API}/referral-links/{link_token(app, 'sam@example.net')}/decline",
        headers=sam.headers,
        json={"consent_version": WORDING_VERSION, "share_outcome": True},
    )
    assert answered.status_code == 200, answered.text
    assert read(client, service.headers, made["id"])["state"] == "declined"
    (given,) = client.get(f"{API}/me/consents", headers=sam.headers).json()["items"]
    assert given["part"] == "outcome"
    assert "Riverside Counseling" in given["words"]
    withdrawn = client.post(f"{API}/me/consents/{given['id']}/withdraw", headers=sam.headers)
    assert withdrawn.status_code == 200
    assert read(client, service.headers, made["id"])["state"] == "not_shared"


def test_facilitators_see_a_join_only_as_far_as_the_person_shares_it(
    client: TestClient, app: FastAPI, facilitator: Person, unlisted_id: uuid.UUID
) -> None:
    # The facilitator is the referrer here: the circle's list tells them no more than theirs.
    refer(client, facilitator.headers, unlisted_id, "quiet@example.net")
    refer(client, facilitator.headers, unlisted_id, "open@example.net")
    refer(client, facilitator.headers, unlisted_id, "no@example.net")
    quiet, sharing = make_person(client), make_person(client)
    accept(client, quiet, link_token(app, "quiet@example.net"))
    accept(client, sharing, link_token(app, "open@example.net"), "outcome")
    decline(client, link_token(app, "no@example.net"))
    items = client.get(f"{API}/groups/{unlisted_id}/referrals", headers=facilitator.headers).json()
    seen = sorted((i["state"], i["member_name"]) for i in items["items"])
    assert seen == [("joined", sharing.user.display_name), ("waiting", None), ("waiting", None)]
