"""The same caller, twice at once: every creating POST and PUT of the API sent twice at the
same moment by the same person (a double-clicked button, a retry that overtakes the first
try), on SQLite and on PostgreSQL.

The promise (docs/api.md, "Sent twice at once"): a double click comes out as one click. Both
answers succeed with the same result, or one succeeds and the other is a clear 409 problem;
never a 5xx, never a second copy of what one click makes, never a second email about it. A
POST that makes a new thing each time (a story, a meeting) cannot tell a double click from two
clicks, so its cell sends the ``Idempotency-Key`` the contract offers for that: one thing. The
public sign-up and reset requests are the contract's exception: each one sends its own link.

Each cell slows the service function the route calls (``dawdle``: a sleep after it, inside
the transaction, before the commit), so the two requests overlap where a race would show,
every time rather than now and then. ``CELLS`` below lists every POST and PUT with the cells
that cover it, and ``NOT_A_DOUBLE_CLICK`` the ones none applies to and why; a test fails when
the app has a POST or PUT neither names, so a new creating route cannot go without its cell.
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

from backend.accounts import admin as accounts_admin
from backend.accounts import passwords, two_factor
from backend.accounts import service as accounts
from backend.accounts.models import (
    AuthSession,
    PasswordResetToken,
    RecoveryCode,
    Role,
    ServiceClient,
    User,
)
from backend.accounts.schemas import Scope
from backend.core.config import Settings
from backend.groups import invitations
from backend.groups import service as groups
from backend.groups.models import GroupInvitation, GroupMembership, SupportGroup
from backend.library import service as library
from backend.library import stories
from backend.library.models import Bookmark, Resource, Story
from backend.main import create_app
from backend.mentoring import checkins, matches, profiles, runs
from backend.mentoring.models import (
    MatchFeedback,
    MenteeRequest,
    MentoringCheckIn,
    MentorMatch,
    MentorProfile,
)
from backend.moderation import actions as moderation_actions
from backend.moderation import queue as moderation_queue
from backend.moderation import reports as moderation_reports
from backend.moderation.models import (
    ModerationAction,
    ModerationCase,
    ModerationNote,
    ModerationReport,
)
from backend.notifications import push, unsubscribe
from backend.notifications import service as notification_service
from backend.notifications.models import (
    Channel,
    Notification,
    NotificationKind,
    OutboxMessage,
    PushSubscription,
)
from backend.notifications.preferences import preferences
from backend.notifications.service import Notice, notify_people
from backend.referrals import service as referrals
from backend.referrals.consent import WORDING_VERSION
from backend.referrals.models import Referral, ReferralConsent
from backend.safety import service as safety
from backend.safety.models import MemberBlock
from backend.sessions import attendance, calendar, rsvps, schedules
from backend.sessions import service as sessions
from backend.sessions.models import AttendanceRecord, CalendarFeed, GroupSession, Rsvp, Schedule
from backend.topics import service as topics
from backend.topics.models import Topic
from backend.webhooks import service as webhooks
from backend.webhooks.catalog import WebhookEventType
from backend.webhooks.models import WebhookDelivery, WebhookEndpoint
from backend.webhooks.service import emit
from tests.factories import (
    PASSWORD,
    Person,
    client_token,
    confirmation_token,
    emails_to,
    join,
    make_group,
    make_person,
    make_service_client,
    push_keys,
    reset_link_token,
)
from tests.support.concurrency import at_once, dawdle
from tests.support.problems import assert_problem

# Requests at once, on connections of their own: they commit for real.
pytestmark = pytest.mark.real_commits

API = "/api/v1"
PROBLEM = "urn:strength-circles:problem:"
NEW_PASSWORD = "a new and patient tide"
EVENINGS = [{"weekday": day, "start": "18:00", "end": "21:00"} for day in range(7)]


# --- what a cell is ---------------------------------------------------------------------------


@dataclass
class Twice:
    """One request as the person sends it twice at once, and what must be stored after."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    # The function whose end each request lingers at, holding its transaction open.
    widen: tuple[object, str] | None = None
    # Checks of what is stored afterwards, given the two answers.
    then: Callable[[list[Response]], None] = lambda _answers: None


@dataclass
class Stage:
    client: TestClient
    app: FastAPI

    def person(self, role: Role = Role.member, **fields: str) -> Person:
        return make_person(self.client, role=role, **fields)

    def count(self, model: type[Any], *criteria: Any) -> int:
        with self.app.state.session_factory() as db:
            return int(db.scalar(select(func.count()).select_from(model).where(*criteria)) or 0)

    def emails(self, person: Person) -> int:
        return self.count(OutboxMessage, OutboxMessage.to_address == person.email)

    def ok(self, response: Response, status: int = 200) -> dict[str, Any]:
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json() if response.content else {}
        return body


Arrange = Callable[[Stage], Twice]


@dataclass(frozen=True)
class Cell:
    method: str
    path: str  # the route's template, as the app has it
    case: str
    arrange: Arrange
    # The two statuses, smallest first; more than one pair when timing may pick either.
    outcomes: tuple[tuple[int, int], ...] = ((200, 200),)
    # The problem type of the refused answer (a 401 is the plain one of an ended session).
    refusal: str | None = None

    @property
    def id(self) -> str:
        return f"{self.method} {self.path} ({self.case})"


def one_row(stage: Stage, model: type[Any], *criteria: Any) -> Callable[[list[Response]], None]:
    def then(_: list[Response]) -> None:
        assert stage.count(model, *criteria) == 1

    return then


def keyed(headers: dict[str, str]) -> dict[str, str]:
    """The headers of a create that carries an Idempotency-Key, the same on both clicks."""
    return headers | {"Idempotency-Key": f"double-click-{uuid.uuid4()}"}


# With the same Idempotency-Key the second is answered by the middleware: 409 while the first
# is still running, or the first's answer once it is done.
KEYED_OUTCOMES = ((201, 201), (201, 409))


def replayed_once(answers: list[Response]) -> None:
    """Of two requests with one Idempotency-Key one ran; the other got its answer again (the
    same body, marked as a replay) or a 409 saying it was still running."""
    done = [a for a in answers if a.status_code == 201]
    if len(done) == 2:
        assert [a.headers.get("idempotent-replayed") for a in answers].count("true") == 1
        assert done[0].json() == done[1].json()
    for answer in answers:
        if answer.status_code == 409:
            assert answer.json()["type"] == f"{PROBLEM}idempotency-key"


# --- scenes the cells share -------------------------------------------------------------------


def a_group(stage: Stage, **fields: object) -> tuple[Person, uuid.UUID]:
    facilitator = stage.person(Role.facilitator)
    group = make_group(stage.app, facilitator=facilitator.user, **fields)
    return facilitator, group.id


def a_meeting(
    stage: Stage, *, starts_in: timedelta = timedelta(days=3)
) -> tuple[Person, Person, str]:
    """A group's facilitator, an active member of it, and a one-off meeting of the group."""
    facilitator, group_id = a_group(stage)
    member = stage.person()
    join(stage.client, member, group_id)
    starts_at = (datetime.now(UTC) + starts_in).replace(microsecond=0)
    meeting = stage.ok(
        stage.client.post(
            f"{API}/groups/{group_id}/sessions",
            headers=facilitator.headers,
            json={
                "starts_at": starts_at.isoformat(),
                "duration_minutes": 60,
                "timezone": "America/Chicago",
            },
        ),
        201,
    )
    return facilitator, member, str(meeting["id"])


def offer(stage: Stage, person: Person) -> None:
    stage.ok(
        stage.client.put(
            f"{API}/mentoring/mentor-profile",
            headers=person.headers,
            json={
                "experience_areas": ["anxiety"],
                "languages": ["en"],
                "availability": EVENINGS,
                "capacity": 2,
                "bio": "Been there.",
            },
        )
    )


def ask(stage: Stage, person: Person) -> None:
    stage.ok(
        stage.client.put(
            f"{API}/mentoring/mentee-request",
            headers=person.headers,
            json={"needs": ["anxiety"], "languages": ["en"], "availability": EVENINGS},
        )
    )


def a_pair(stage: Stage) -> tuple[Person, Person]:
    """An approved mentor and a member asking for one: (mentor, mentee)."""
    admin, guide, seeker = stage.person(Role.admin), stage.person(), stage.person()
    offer(stage, guide)
    stage.ok(
        stage.client.post(
            f"{API}/mentoring/mentors/{guide.user.id}/approval",
            headers=admin.headers,
            json={"decision": "approve"},
        )
    )
    ask(stage, seeker)
    return guide, seeker


def a_match(stage: Stage, *, until: str = "proposed") -> tuple[Person, Person, str]:
    """(mentor, mentee, match id), the match ``proposed``, ``active`` or ``ended``."""
    guide, seeker = a_pair(stage)
    match = stage.ok(
        stage.client.post(
            f"{API}/mentoring/matches",
            headers=seeker.headers,
            json={"mentor_id": str(guide.user.id)},
        ),
        201,
    )
    match_id = str(match["id"])
    if until in ("active", "ended"):
        stage.ok(
            stage.client.post(f"{API}/mentoring/matches/{match_id}/accept", headers=guide.headers)
        )
    if until == "ended":
        stage.ok(
            stage.client.post(
                f"{API}/mentoring/matches/{match_id}/end",
                headers=seeker.headers,
                json={"reason": "We said what we needed to."},
            )
        )
    return guide, seeker, match_id


RESOURCE = {
    "title": "Box breathing for panic attacks",
    "summary": "A worksheet to slow your breathing when panic rises.",
    "body_markdown": "When a panic attack starts, breathe in for four counts.",
    "type": "worksheet",
    "topics": ["anxiety"],
}
STORY = {
    "title": "Camera off, then on",
    "body_markdown": "For a month I kept my camera off. Nobody pushed. Slowly I started to speak.",
    "topics": ["anxiety"],
}


# --- accounts ---------------------------------------------------------------------------------


def sign_up(stage: Stage) -> Twice:
    email = "double.click@example.org"

    def then(_: list[Response]) -> None:
        # One account; each request sent a link (the contract's way: the newest one works).
        assert stage.count(User, User.email == email) == 1
        token = confirmation_token(emails_to(stage.app, email)[-1])
        confirmed = stage.client.post(
            f"{API}/auth/confirm-email", json={"token": token, "password": PASSWORD}
        )
        assert confirmed.status_code == 204, confirmed.text

    return Twice(
        "POST",
        f"{API}/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Double"},
        widen=(accounts, "_send_confirmation_link"),
        then=then,
    )


def confirm_email(stage: Stage) -> Twice:
    email = "confirm.twice@example.org"
    stage.client.post(
        f"{API}/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": "Twice"},
    ).raise_for_status()
    token = confirmation_token(emails_to(stage.app, email)[-1])

    def then(_: list[Response]) -> None:
        with stage.app.state.session_factory() as db:
            user = db.scalars(select(User).where(User.email == email)).one()
            assert user.email_confirmed_at is not None

    return Twice(
        "POST",
        f"{API}/auth/confirm-email",
        json={"token": token, "password": PASSWORD},
        widen=(accounts, "verify_password"),
        then=then,
    )


def log_out(stage: Stage) -> Twice:
    person = stage.person()

    def then(_: list[Response]) -> None:
        assert stage.count(AuthSession, AuthSession.user_id == person.user.id) == 1
        revoked = AuthSession.revoked_at.is_not(None), AuthSession.user_id == person.user.id
        assert stage.count(AuthSession, *revoked) == 1

    return Twice(
        "POST",
        f"{API}/auth/logout",
        headers=person.headers,
        widen=(accounts, "logout"),
        then=then,
    )


def ask_for_a_reset(stage: Stage) -> Twice:
    person = stage.person()

    def then(_: list[Response]) -> None:
        # Asking twice is asking twice: each request sends a link, each works once and soon
        # expires, and the hourly cap counts both (no row is duplicated: they are two links).
        assert stage.count(PasswordResetToken, PasswordResetToken.user_id == person.user.id) == 2
        stage.ok(
            stage.client.post(
                f"{API}/auth/password-reset/confirm",
                json={
                    "token": reset_link_token(stage.app, person.email),
                    "new_password": NEW_PASSWORD,
                },
            ),
            204,
        )

    return Twice(
        "POST",
        f"{API}/auth/password-reset",
        json={"email": person.email},
        widen=(passwords, "request_password_reset"),
        then=then,
    )


def confirm_a_reset(stage: Stage) -> Twice:
    person = stage.person()
    stage.client.post(f"{API}/auth/password-reset", json={"email": person.email}).raise_for_status()
    token = reset_link_token(stage.app, person.email)

    def then(_: list[Response]) -> None:
        stage.ok(
            stage.client.post(
                f"{API}/auth/token",
                data={"grant_type": "password", "username": person.email, "password": NEW_PASSWORD},
            )
        )

    return Twice(
        "POST",
        f"{API}/auth/password-reset/confirm",
        json={"token": token, "new_password": NEW_PASSWORD},
        widen=(passwords, "hash_password"),
        then=then,
    )


def change_password(stage: Stage) -> Twice:
    person = stage.person()

    def then(answers: list[Response]) -> None:
        (changed,) = [a for a in answers if a.status_code == 200]
        # The one change stands, and the session it started is the caller's, still signed in.
        me = stage.client.get(
            f"{API}/me", headers={"Authorization": f"Bearer {changed.json()['access_token']}"}
        )
        assert me.status_code == 200, me.text
        stage.ok(
            stage.client.post(
                f"{API}/auth/token",
                data={"grant_type": "password", "username": person.email, "password": NEW_PASSWORD},
            )
        )

    return Twice(
        "POST",
        f"{API}/me/password",
        headers=person.headers,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        widen=(passwords, "hash_password"),
        then=then,
    )


def start_two_factor(stage: Stage) -> Twice:
    person = stage.person()

    def then(answers: list[Response]) -> None:
        # One secret: whichever answer the page shows, its QR code is the one that works.
        first, second = (a.json() for a in answers)
        assert first == second
        code = pyotp.TOTP(first["secret"]).now()
        stage.ok(
            stage.client.post(
                f"{API}/me/two-factor/confirm", headers=person.headers, json={"code": code}
            )
        )

    return Twice(
        "POST",
        f"{API}/me/two-factor",
        headers=person.headers,
        json={"password": PASSWORD},
        widen=(two_factor, "start"),
        then=then,
    )


def confirm_two_factor(stage: Stage) -> Twice:
    person = stage.person()
    secret = stage.ok(
        stage.client.post(
            f"{API}/me/two-factor", headers=person.headers, json={"password": PASSWORD}
        )
    )["secret"]

    def then(answers: list[Response]) -> None:
        # One set of recovery codes, the one the page shows.
        (shown,) = [a.json()["recovery_codes"] for a in answers if a.status_code == 200]
        assert stage.count(RecoveryCode, RecoveryCode.user_id == person.user.id) == len(shown)

    return Twice(
        "POST",
        f"{API}/me/two-factor/confirm",
        headers=person.headers,
        json={"code": pyotp.TOTP(secret).now()},
        widen=(two_factor, "confirm"),
        then=then,
    )


def renew_recovery_codes(stage: Stage) -> Twice:
    person = stage.person()
    secret = stage.ok(
        stage.client.post(
            f"{API}/me/two-factor", headers=person.headers, json={"password": PASSWORD}
        )
    )["secret"]
    turned_on = stage.ok(
        stage.client.post(
            f"{API}/me/two-factor/confirm",
            headers=person.headers,
            json={"code": pyotp.TOTP(secret).now()},
        )
    )

    def then(answers: list[Response]) -> None:
        (shown,) = [a.json()["recovery_codes"] for a in answers if a.status_code == 200]
        assert stage.count(RecoveryCode, RecoveryCode.user_id == person.user.id) == len(shown)

    # A recovery code works once: the second finds it used by the first.
    return Twice(
        "POST",
        f"{API}/me/two-factor/recovery-codes",
        headers=person.headers,
        json={"password": PASSWORD, "code": turned_on["recovery_codes"][0]},
        widen=(two_factor, "renew_recovery_codes"),
        then=then,
    )


def create_service_client(stage: Stage) -> Twice:
    admin = stage.person(Role.admin)
    name = "Referral desk, double-clicked"

    def then(answers: list[Response]) -> None:
        # No Idempotency-Key here (the secret is shown once and never stored for a replay), so
        # two requests are two clients, each with its own secret, both listed for revoking.
        ids = {a.json()["client_id"] for a in answers}
        assert len(ids) == 2
        assert stage.count(ServiceClient, ServiceClient.name == name) == 2

    return Twice(
        "POST",
        f"{API}/service-clients",
        headers=admin.headers,
        json={"name": name, "scopes": ["groups:read"]},
        widen=(accounts_admin, "create_service_client"),
        then=then,
    )


# --- webhooks ---------------------------------------------------------------------------------

# A public address given as a number: no name to resolve, and nothing is ever sent to it here.
WEBHOOK_URL = "https://93.184.215.14/hooks/circles"


def _integrator_headers(stage: Stage) -> dict[str, str]:
    integrator = make_service_client(stage.app, scopes=[Scope.sessions_read])
    return {"Authorization": f"Bearer {client_token(stage.client, integrator)}"}


def _endpoint(stage: Stage, headers: dict[str, str]) -> str:
    body = stage.ok(
        stage.client.post(
            f"{API}/webhook-endpoints",
            headers=headers,
            json={"url": WEBHOOK_URL, "event_types": ["meeting.cancelled"]},
        ),
        201,
    )
    return str(body["id"])


def create_webhook_endpoint(stage: Stage) -> Twice:
    headers = _integrator_headers(stage)

    def then(answers: list[Response]) -> None:
        # No Idempotency-Key here (the secret is shown once and never kept for a replay), so
        # two requests are two endpoints, each with its own secret, both listed for removing.
        assert len({a.json()["id"] for a in answers}) == 2
        assert len({a.json()["secret"] for a in answers}) == 2
        assert stage.count(WebhookEndpoint, WebhookEndpoint.url == WEBHOOK_URL) == 2

    return Twice(
        "POST",
        f"{API}/webhook-endpoints",
        headers=headers,
        json={"url": WEBHOOK_URL, "event_types": ["meeting.cancelled"]},
        widen=(webhooks, "create_endpoint"),
        then=then,
    )


def rotate_webhook_secret(stage: Stage) -> Twice:
    headers = _integrator_headers(stage)
    endpoint_id = _endpoint(stage, headers)

    def then(answers: list[Response]) -> None:
        # Taken in turn: the second replaces the first's secret, and the one from before both
        # keeps signing through the grace period, so the receiver is never left without one.
        assert len({a.json()["secret"] for a in answers}) == 2
        assert len({a.json()["previous_secret_expires_at"] for a in answers}) == 1

    return Twice(
        "POST",
        f"{API}/webhook-endpoints/{endpoint_id}/rotate-secret",
        headers=headers,
        widen=(webhooks, "rotate_secret"),
        then=then,
    )


def redeliver_webhook(stage: Stage) -> Twice:
    headers = _integrator_headers(stage)
    endpoint_id = _endpoint(stage, headers)
    with stage.app.state.session_factory.begin() as db:
        emit(db, event_type=WebhookEventType.meeting_cancelled, data={})
    with stage.app.state.session_factory() as db:
        delivery_id = db.scalars(select(WebhookDelivery.id)).one()
    return Twice(
        "POST",
        f"{API}/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver",
        headers=headers,
        widen=(webhooks, "redeliver"),
        then=one_row(stage, WebhookDelivery, WebhookDelivery.attempts == 0),
    )


# --- groups -----------------------------------------------------------------------------------


def create_topic(stage: Stage) -> Twice:
    admin = stage.person(Role.admin)
    return Twice(
        "POST",
        f"{API}/topics",
        headers=admin.headers,
        json={"slug": "hoarding", "name": "Hoarding"},
        widen=(topics, "create_topic"),
        then=one_row(stage, Topic, Topic.slug == "hoarding"),
    )


GROUP = {
    "name": "Double Click Circle",
    "description": "A weekly peer support circle.",
    "topics": ["anxiety"],
    "format": "online",
    "language": "en",
    "online_url": "https://meet.example.org/double-click",
    "guidelines": "Confidentiality, respect, and no advice unless asked.",
    "capacity": 12,
}


def create_group(stage: Stage) -> Twice:
    facilitator = stage.person(Role.facilitator)
    return Twice(
        "POST",
        f"{API}/groups",
        headers=facilitator.headers,
        json=GROUP,
        widen=(groups, "create_group"),
        then=one_row(stage, SupportGroup, SupportGroup.name == GROUP["name"]),
    )


def create_group_keyed(stage: Stage) -> Twice:
    facilitator = stage.person(Role.facilitator)

    def then(answers: list[Response]) -> None:
        replayed_once(answers)
        assert stage.count(SupportGroup, SupportGroup.name == GROUP["name"]) == 1

    return Twice(
        "POST",
        f"{API}/groups",
        headers=keyed(facilitator.headers),
        json=GROUP,
        widen=(groups, "create_group"),
        then=then,
    )


def archive_group(stage: Stage) -> Twice:
    facilitator, member, meeting = a_meeting(stage)
    group_id = stage.ok(stage.client.get(f"{API}/sessions/{meeting}", headers=member.headers))[
        "group_id"
    ]
    stage.ok(
        stage.client.put(
            f"{API}/sessions/{meeting}/rsvp", headers=member.headers, json={"status": "going"}
        )
    )
    before = stage.emails(member)

    def then(answers: list[Response]) -> None:
        assert [a.json()["status"] for a in answers] == ["archived", "archived"]
        assert stage.emails(member) == before + 1  # told once that the meeting is off

    return Twice(
        "POST",
        f"{API}/groups/{group_id}/archive",
        headers=facilitator.headers,
        widen=(groups, "archive_group"),
        then=then,
    )


def join_group(policy: str) -> Arrange:
    def arrange(stage: Stage) -> Twice:
        _, group_id = a_group(stage, join_policy=policy)
        person = stage.person()
        status = "active" if policy == "open" else "pending"

        def then(answers: list[Response]) -> None:
            joined = next(a for a in answers if a.status_code == 201)
            assert joined.json()["status"] == status
            mine = GroupMembership.group_id == group_id, GroupMembership.user_id == person.user.id
            assert stage.count(GroupMembership, *mine) == 1

        return Twice(
            "POST",
            f"{API}/groups/{group_id}/members",
            headers=person.headers,
            json={"accept_guidelines": True},
            widen=(groups, "join_group"),
            then=then,
        )

    return arrange


def create_invitation(stage: Stage) -> Twice:
    facilitator, group_id = a_group(stage)

    def then(answers: list[Response]) -> None:
        # No Idempotency-Key here (the link's secret is shown once and never kept for a
        # replay), so two requests are two invitations, both listed for revoking.
        assert len({a.json()["id"] for a in answers}) == 2
        assert stage.count(GroupInvitation, GroupInvitation.group_id == group_id) == 2

    return Twice(
        "POST",
        f"{API}/groups/{group_id}/invitations",
        headers=facilitator.headers,
        json={},
        widen=(invitations, "create_invitation"),
        then=then,
    )


def accept_invitation(stage: Stage) -> Twice:
    facilitator, group_id = a_group(stage, visibility="unlisted", join_policy="approval")
    token = stage.ok(
        stage.client.post(
            f"{API}/groups/{group_id}/invitations", headers=facilitator.headers, json={}
        ),
        201,
    )["token"]
    person = stage.person()

    def then(answers: list[Response]) -> None:
        joined = next(a for a in answers if a.status_code == 201)
        assert joined.json()["status"] == "active"
        mine = GroupMembership.group_id == group_id, GroupMembership.user_id == person.user.id
        assert stage.count(GroupMembership, *mine) == 1
        assert stage.count(GroupInvitation, GroupInvitation.uses == 1) == 1

    return Twice(
        "POST",
        f"{API}/invitations/{token}/accept",
        headers=person.headers,
        json={"accept_guidelines": True},
        widen=(invitations, "accept_invitation"),
        then=then,
    )


# --- referrals --------------------------------------------------------------------------------


def a_referral(stage: Stage, **fields: object) -> tuple[Person, uuid.UUID, str, str]:
    """A facilitator's referral of someone to their unlisted circle, and its link's secret."""
    facilitator, group_id = a_group(stage, visibility="unlisted", join_policy="approval")
    email = f"referred-{uuid.uuid4().hex[:8]}@example.net"
    referral = stage.ok(
        stage.client.post(
            f"{API}/referrals",
            headers=facilitator.headers,
            json={"group_id": str(group_id), "email": email} | fields,
        ),
        201,
    )
    match = re.search(r"/referral/([A-Za-z0-9_-]+)", emails_to(stage.app, email)[-1].body_text)
    assert match
    return facilitator, group_id, referral["id"], match.group(1)


def create_referral(stage: Stage) -> Twice:
    facilitator, group_id = a_group(stage)
    email = "referred-twice@example.net"

    def then(answers: list[Response]) -> None:
        replayed_once(answers)
        assert stage.count(Referral, Referral.group_id == group_id) == 1
        assert len(emails_to(stage.app, email)) == 1

    return Twice(
        "POST",
        f"{API}/referrals",
        headers=keyed(facilitator.headers),
        json={"group_id": str(group_id), "email": email},
        widen=(referrals, "create_referral"),
        then=then,
    )


def create_referral_unkeyed(stage: Stage) -> Twice:
    facilitator, group_id = a_group(stage)
    email = "referred-unkeyed@example.net"

    def then(answers: list[Response]) -> None:
        # Referrals to one circle take turns: the second finds the first, and says so.
        assert stage.count(Referral, Referral.group_id == group_id) == 1
        assert len(emails_to(stage.app, email)) == 1

    return Twice(
        "POST",
        f"{API}/referrals",
        headers=facilitator.headers,
        json={"group_id": str(group_id), "email": email},
        widen=(referrals, "create_referral"),
        then=then,
    )


def open_referral(stage: Stage) -> Twice:
    _, _, referral_id, token = a_referral(stage)

    def then(answers: list[Response]) -> None:
        assert (
            stage.count(
                Referral, Referral.id == uuid.UUID(referral_id), Referral.opened_at.is_not(None)
            )
            == 1
        )

    return Twice(
        "POST",
        f"{API}/referral-links/{token}/open",
        widen=(referrals, "open_referral"),
        then=then,
    )


def accept_referral(stage: Stage) -> Twice:
    _, group_id, _, token = a_referral(stage)
    person = stage.person()

    def then(answers: list[Response]) -> None:
        mine = GroupMembership.group_id == group_id, GroupMembership.user_id == person.user.id
        assert stage.count(GroupMembership, *mine) == 1
        assert stage.count(ReferralConsent, ReferralConsent.user_id == person.user.id) == 1

    return Twice(
        "POST",
        f"{API}/referral-links/{token}/accept",
        headers=person.headers,
        json={"accept_guidelines": True, "consent_version": WORDING_VERSION, "share": ["outcome"]},
        widen=(referrals, "accept_referral"),
        then=then,
    )


def decline_referral(stage: Stage) -> Twice:
    _, _, referral_id, token = a_referral(stage)

    def then(answers: list[Response]) -> None:
        assert (
            stage.count(
                Referral, Referral.id == uuid.UUID(referral_id), Referral.decline_shared.is_(True)
            )
            == 1
        )

    return Twice(
        "POST",
        f"{API}/referral-links/{token}/decline",
        json={"consent_version": WORDING_VERSION, "share_outcome": True},
        widen=(referrals, "decline_referral"),
        then=then,
    )


def withdraw_consent(stage: Stage) -> Twice:
    _, _, _, token = a_referral(stage)
    person = stage.person()
    stage.ok(
        stage.client.post(
            f"{API}/referral-links/{token}/accept",
            headers=person.headers,
            json={
                "accept_guidelines": True,
                "consent_version": WORDING_VERSION,
                "share": ["outcome"],
            },
        )
    )
    consent_id = stage.ok(stage.client.get(f"{API}/me/consents", headers=person.headers))["items"][
        0
    ]["id"]

    def then(answers: list[Response]) -> None:
        assert answers[0].json()["withdrawn_at"] == answers[1].json()["withdrawn_at"]
        assert stage.count(ReferralConsent, ReferralConsent.withdrawn_at.is_(None)) == 0

    return Twice(
        "POST",
        f"{API}/me/consents/{consent_id}/withdraw",
        headers=person.headers,
        widen=(referrals, "withdraw_consent"),
        then=then,
    )


# --- notifications ----------------------------------------------------------------------------


def mark_read(stage: Stage, *, every: bool) -> Twice:
    person = stage.person()
    with stage.app.state.session_factory.begin() as db:
        notice = Notice(
            kind=NotificationKind.changes, subject="Hello", text="Hi.", link="/", see="See"
        )
        notify_people(db, stage.app.state.settings, [person.user], notice)
    listed = stage.ok(stage.client.get(f"{API}/me/notifications", headers=person.headers))

    def then(answers: list[Response]) -> None:
        assert [answer.json()["unread_count"] for answer in answers] == [0, 0]
        assert stage.count(Notification, Notification.read_at.is_(None)) == 0

    return Twice(
        "POST",
        f"{API}/me/notifications/read-all" if every else f"{API}/me/notifications/read",
        headers=person.headers,
        json=None if every else {"ids": [listed["items"][0]["id"]]},
        widen=(notification_service, "mark_read"),
        then=then,
    )


def subscribe_to_push(stage: Stage) -> Twice:
    person = stage.person()
    _, _, keys = push_keys()
    return Twice(
        "POST",
        f"{API}/me/push-subscriptions",
        headers=person.headers,
        json={"endpoint": "https://fcm.googleapis.com/fcm/send/double-click", "keys": keys},
        widen=(push, "subscribe"),
        then=one_row(stage, PushSubscription, PushSubscription.user_id == person.user.id),
    )


def unsubscribe_by_link(stage: Stage) -> Twice:
    person = stage.person()
    token = unsubscribe.token_for(
        stage.app.state.settings, person.user.id, NotificationKind.reminders
    )

    def then(answers: list[Response]) -> None:
        assert [answer.json()["email_on"] for answer in answers] == [False, False]
        with stage.app.state.session_factory() as db:
            wanted = preferences(db, person.user.id)
        assert not wanted.wants(NotificationKind.reminders, Channel.email)
        assert wanted.wants(NotificationKind.changes, Channel.email)

    return Twice(
        "POST",
        f"{API}/unsubscribe/{token}",
        widen=(unsubscribe, "stop"),
        then=then,
    )


# --- sessions ---------------------------------------------------------------------------------


def create_schedule(stage: Stage) -> Twice:
    facilitator, group_id = a_group(stage)

    def then(answers: list[Response]) -> None:
        replayed_once(answers)
        assert stage.count(Schedule, Schedule.group_id == group_id) == 1

    return Twice(
        "POST",
        f"{API}/groups/{group_id}/schedules",
        headers=keyed(facilitator.headers),
        json={
            "rrule": "FREQ=WEEKLY;BYDAY=TU",
            "start_time": "19:00",
            "duration_minutes": 90,
            "timezone": "America/Chicago",
            "starts_on": datetime.now(UTC).date().isoformat(),
        },
        widen=(schedules, "create_schedule"),
        then=then,
    )


def end_schedule(stage: Stage) -> Twice:
    facilitator, group_id = a_group(stage)
    member = stage.person()
    join(stage.client, member, group_id)
    schedule = stage.ok(
        stage.client.post(
            f"{API}/groups/{group_id}/schedules",
            headers=facilitator.headers,
            json={
                "rrule": "FREQ=WEEKLY;BYDAY=MO,TH",
                "start_time": "19:00",
                "duration_minutes": 90,
                "timezone": "America/Chicago",
                "starts_on": (datetime.now(UTC).date() + timedelta(days=2)).isoformat(),
            },
        ),
        201,
    )
    with stage.app.state.session_factory() as db:
        first = db.scalars(
            select(GroupSession.id)
            .where(GroupSession.schedule_id == uuid.UUID(schedule["id"]))
            .order_by(GroupSession.starts_at)
        ).first()
    stage.ok(
        stage.client.put(
            f"{API}/sessions/{first}/rsvp", headers=member.headers, json={"status": "going"}
        )
    )
    before = stage.emails(member)

    def then(answers: list[Response]) -> None:
        bodies = [a.json() for a in answers]
        assert bodies[0] == bodies[1]
        with stage.app.state.session_factory() as db:
            stored = db.get_one(Schedule, uuid.UUID(schedule["id"]))
            assert stored.sequence == 1  # one change to the series, not two
        assert stage.emails(member) == before + 1

    return Twice(
        "POST",
        f"{API}/schedules/{schedule['id']}/end",
        headers=facilitator.headers,
        widen=(schedules, "end_schedule"),
        then=then,
    )


def create_session(stage: Stage) -> Twice:
    facilitator, group_id = a_group(stage)

    def then(answers: list[Response]) -> None:
        replayed_once(answers)
        assert stage.count(GroupSession, GroupSession.group_id == group_id) == 1

    return Twice(
        "POST",
        f"{API}/groups/{group_id}/sessions",
        headers=keyed(facilitator.headers),
        json={
            "starts_at": (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0).isoformat(),
            "duration_minutes": 60,
            "timezone": "America/Chicago",
        },
        widen=(sessions, "create_session"),
        then=then,
    )


def rsvp(stage: Stage) -> Twice:
    _, member, meeting = a_meeting(stage)

    def then(answers: list[Response]) -> None:
        assert [a.json() for a in answers] == [{"status": "going", "waitlist_position": None}] * 2
        mine = Rsvp.session_id == uuid.UUID(meeting), Rsvp.user_id == member.user.id
        assert stage.count(Rsvp, *mine) == 1

    return Twice(
        "PUT",
        f"{API}/sessions/{meeting}/rsvp",
        headers=member.headers,
        json={"status": "going"},
        widen=(rsvps, "set_rsvp"),
        then=then,
    )


def self_check_in(stage: Stage) -> Twice:
    facilitator, member, meeting = a_meeting(stage, starts_in=timedelta(minutes=10))
    code = stage.ok(
        stage.client.get(f"{API}/sessions/{meeting}/check-in-code", headers=facilitator.headers)
    )["code"]

    def then(answers: list[Response]) -> None:
        first, second = (a.json() for a in answers)
        assert first == second
        assert first["status"] == "present"
        mine = (
            AttendanceRecord.session_id == uuid.UUID(meeting),
            AttendanceRecord.user_id == member.user.id,
        )
        assert stage.count(AttendanceRecord, *mine) == 1

    return Twice(
        "POST",
        f"{API}/sessions/{meeting}/check-in",
        headers=member.headers,
        json={"code": code},
        widen=(attendance, "check_in"),
        then=then,
    )


def record_attendance(stage: Stage) -> Twice:
    facilitator, member, meeting = a_meeting(stage, starts_in=timedelta(minutes=10))

    def then(answers: list[Response]) -> None:
        first, second = (a.json() for a in answers)
        assert first == second
        assert [r["status"] for r in first["records"]] == ["late"]
        at = AttendanceRecord.session_id == uuid.UUID(meeting)
        assert stage.count(AttendanceRecord, at) == 1

    return Twice(
        "PUT",
        f"{API}/sessions/{meeting}/attendance",
        headers=facilitator.headers,
        json={"records": [{"user_id": str(member.user.id), "status": "late"}]},
        widen=(attendance, "record_attendance"),
        then=then,
    )


# --- mentoring --------------------------------------------------------------------------------


def mentor_profile(stage: Stage) -> Twice:
    person = stage.person()
    return Twice(
        "PUT",
        f"{API}/mentoring/mentor-profile",
        headers=person.headers,
        json={
            "experience_areas": ["anxiety"],
            "languages": ["en"],
            "availability": EVENINGS,
            "capacity": 2,
            "bio": "Been there.",
        },
        widen=(profiles, "put_mentor_profile"),
        then=one_row(stage, MentorProfile, MentorProfile.user_id == person.user.id),
    )


def decide_mentor(stage: Stage) -> Twice:
    admin, guide = stage.person(Role.admin), stage.person()
    offer(stage, guide)
    before = stage.emails(guide)

    def then(answers: list[Response]) -> None:
        assert [a.json()["status"] for a in answers] == ["approved", "approved"]
        assert stage.emails(guide) == before + 1  # told once

    return Twice(
        "POST",
        f"{API}/mentoring/mentors/{guide.user.id}/approval",
        headers=admin.headers,
        json={"decision": "approve"},
        widen=(profiles, "decide_mentor"),
        then=then,
    )


def mentee_request(stage: Stage) -> Twice:
    person = stage.person()
    return Twice(
        "PUT",
        f"{API}/mentoring/mentee-request",
        headers=person.headers,
        json={"needs": ["anxiety"], "languages": ["en"], "availability": EVENINGS},
        widen=(profiles, "put_mentee_request"),
        then=one_row(stage, MenteeRequest, MenteeRequest.user_id == person.user.id),
    )


def propose_match(stage: Stage) -> Twice:
    guide, seeker = a_pair(stage)
    before = stage.emails(guide)

    def then(_: list[Response]) -> None:
        assert stage.count(MentorMatch, MentorMatch.mentee_id == seeker.user.id) == 1
        assert stage.emails(guide) == before + 1

    return Twice(
        "POST",
        f"{API}/mentoring/matches",
        headers=seeker.headers,
        json={"mentor_id": str(guide.user.id)},
        widen=(matches, "propose"),
        then=then,
    )


def answer_match(action: str, *, by: str, until: str, status: str) -> Arrange:
    """The mentor accepts or declines, the mentee withdraws, or either ends: twice."""

    def arrange(stage: Stage) -> Twice:
        guide, seeker, match_id = a_match(stage, until=until)
        person, other = (guide, seeker) if by == "mentor" else (seeker, guide)
        before = stage.emails(other)

        def then(answers: list[Response]) -> None:
            done = next(a for a in answers if a.status_code == 200)
            assert done.json()["status"] == status
            assert stage.emails(other) == before + 1  # the other side is told once

        return Twice(
            "POST",
            f"{API}/mentoring/matches/{match_id}/{action}",
            headers=person.headers,
            json={"reason": "We said what we needed to."} if action == "end" else None,
            widen=(matches, action),
            then=then,
        )

    return arrange


def log_a_meeting(stage: Stage) -> Twice:
    _, seeker, match_id = a_match(stage, until="active")

    def then(answers: list[Response]) -> None:
        replayed_once(answers)
        at = MentoringCheckIn.match_id == uuid.UUID(match_id)
        assert stage.count(MentoringCheckIn, at) == 1

    return Twice(
        "POST",
        f"{API}/mentoring/matches/{match_id}/check-ins",
        headers=keyed(seeker.headers),
        json={"met_on": datetime.now(UTC).date().isoformat(), "duration_minutes": 45},
        widen=(checkins, "add_check_in"),
        then=then,
    )


def leave_feedback(stage: Stage) -> Twice:
    _, seeker, match_id = a_match(stage, until="ended")

    def then(answers: list[Response]) -> None:
        assert [a.json()["rating"] for a in answers] == [5, 5]
        mine = MatchFeedback.match_id == uuid.UUID(match_id)
        assert stage.count(MatchFeedback, mine, MatchFeedback.author_id == seeker.user.id) == 1

    return Twice(
        "PUT",
        f"{API}/mentoring/matches/{match_id}/feedback",
        headers=seeker.headers,
        json={"rating": 5},
        widen=(checkins, "put_feedback"),
        then=then,
    )


def run_matching(stage: Stage) -> Twice:
    guide, seeker = a_pair(stage)
    admin = stage.person(Role.admin)
    before = stage.emails(guide)

    def then(answers: list[Response]) -> None:
        # Two runs at once propose the pair once: the second waits for the first and finds
        # the mentee matched. Each run is on record, the second with nothing to do.
        proposals = [p for a in answers for p in a.json()["proposals"]]
        assert [p["mentee_id"] for p in proposals] == [str(seeker.user.id)]
        assert stage.count(MentorMatch, MentorMatch.mentee_id == seeker.user.id) == 1
        assert stage.emails(guide) == before + 1

    return Twice(
        "POST",
        f"{API}/mentoring/matching-runs",
        headers=admin.headers,
        json={"dry_run": False},
        widen=(runs, "run_matching"),
        then=then,
    )


def block_member(stage: Stage) -> Twice:
    person, other = stage.person(), stage.person()

    def then(answers: list[Response]) -> None:
        first, second = (a.json() for a in answers)
        assert first == second
        assert stage.count(MemberBlock, MemberBlock.blocker_id == person.user.id) == 1

    return Twice(
        "PUT",
        f"{API}/me/blocks/{other.user.id}",
        headers=person.headers,
        widen=(safety, "block"),
        then=then,
    )


# --- moderation -------------------------------------------------------------------------------


def a_reported_member(stage: Stage) -> tuple[Person, Person]:
    return stage.person(), stage.person()


def report_body(reported: Person) -> dict[str, Any]:
    return {"target_type": "member", "target_id": str(reported.user.id), "reason": "harassment"}


def file_report_twice(stage: Stage) -> Twice:
    reporter, reported = a_reported_member(stage)

    def then(_: list[Response]) -> None:
        assert stage.count(ModerationReport, ModerationReport.reporter_id == reporter.user.id) == 2
        # Both reports fold into the one case, however close together they came.
        assert stage.count(ModerationCase, ModerationCase.target_id == reported.user.id) == 1

    return Twice(
        "POST",
        f"{API}/reports",
        headers=reporter.headers,
        json=report_body(reported),
        widen=(moderation_reports, "file_report"),
        then=then,
    )


def a_case(stage: Stage) -> tuple[Person, str]:
    """An admin and the id of an open case about a member."""
    reporter, reported = a_reported_member(stage)
    stage.ok(
        stage.client.post(f"{API}/reports", headers=reporter.headers, json=report_body(reported)),
        201,
    )
    admin = stage.person(Role.admin)
    (case,) = stage.ok(stage.client.get(f"{API}/reports", headers=admin.headers))["items"]
    return admin, str(case["id"])


def note_a_case(stage: Stage) -> Twice:
    admin, case_id = a_case(stage)

    def then(answers: list[Response]) -> None:
        replayed_once(answers)
        assert stage.count(ModerationNote, ModerationNote.case_id == uuid.UUID(case_id)) == 1

    return Twice(
        "POST",
        f"{API}/reports/{case_id}/notes",
        headers=keyed(admin.headers),
        json={"body": "Spoke with the facilitator."},
        widen=(moderation_queue, "add_note"),
        then=then,
    )


def decide_a_case(stage: Stage) -> Twice:
    admin, case_id = a_case(stage)
    return Twice(
        "POST",
        f"{API}/reports/{case_id}/actions",
        headers=admin.headers,
        json={"action": "dismiss"},
        widen=(moderation_actions, "take_action"),
        then=one_row(stage, ModerationAction, ModerationAction.case_id == uuid.UUID(case_id)),
    )


# --- library ----------------------------------------------------------------------------------


def create_resource(stage: Stage) -> Twice:
    editor = stage.person(Role.facilitator)

    def then(answers: list[Response]) -> None:
        replayed_once(answers)
        assert stage.count(Resource, Resource.title == RESOURCE["title"]) == 1

    return Twice(
        "POST",
        f"{API}/resources",
        headers=keyed(editor.headers),
        json=RESOURCE,
        widen=(library, "create_resource"),
        then=then,
    )


def save_bookmark(stage: Stage) -> Twice:
    editor, reader = stage.person(Role.facilitator), stage.person()
    resource = stage.ok(
        stage.client.post(f"{API}/resources", headers=editor.headers, json=RESOURCE), 201
    )
    stage.ok(
        stage.client.patch(
            f"{API}/resources/{resource['id']}",
            headers=editor.headers,
            json={"status": "published"},
        )
    )

    def then(answers: list[Response]) -> None:
        first, second = (a.json() for a in answers)
        assert first == second  # the same bookmark, saved at the same moment
        assert stage.count(Bookmark, Bookmark.user_id == reader.user.id) == 1

    return Twice(
        "PUT",
        f"{API}/me/bookmarks/{resource['id']}",
        headers=reader.headers,
        widen=(library, "bookmark"),
        then=then,
    )


def submit_story(stage: Stage) -> Twice:
    author = stage.person()

    def then(answers: list[Response]) -> None:
        replayed_once(answers)
        assert stage.count(Story, Story.author_id == author.user.id) == 1

    return Twice(
        "POST",
        f"{API}/stories",
        headers=keyed(author.headers),
        json=STORY,
        widen=(stories, "submit"),
        then=then,
    )


def a_story(stage: Stage) -> tuple[Person, str]:
    author = stage.person()
    story = stage.ok(stage.client.post(f"{API}/stories", headers=author.headers, json=STORY), 201)
    return author, str(story["id"])


def review_story(stage: Stage) -> Twice:
    _, story_id = a_story(stage)
    reviewer = stage.person(Role.facilitator)

    def then(_: list[Response]) -> None:
        assert stage.count(Resource, Resource.title == STORY["title"]) == 1  # published once

    return Twice(
        "POST",
        f"{API}/stories/{story_id}/review",
        headers=reviewer.headers,
        json={"decision": "approve"},
        widen=(stories, "review"),
        then=then,
    )


def withdraw_story(stage: Stage) -> Twice:
    author, story_id = a_story(stage)

    def then(answers: list[Response]) -> None:
        assert [a.json()["status"] for a in answers] == ["withdrawn", "withdrawn"]

    return Twice(
        "POST",
        f"{API}/stories/{story_id}/withdraw",
        headers=author.headers,
        widen=(stories, "withdraw"),
        then=then,
    )


# --- the list ---------------------------------------------------------------------------------

CELLS = [
    Cell("POST", "/api/v1/auth/register", "the same sign-up", sign_up, ((202, 202),)),
    Cell(
        "POST",
        "/api/v1/auth/confirm-email",
        "the same link",
        confirm_email,
        ((204, 400),),
        "invalid-confirmation-token",
    ),
    # The second may find the session ended already when it signs in.
    Cell("POST", "/api/v1/auth/logout", "signing out", log_out, ((204, 204), (204, 401))),
    Cell("POST", "/api/v1/auth/password-reset", "asking", ask_for_a_reset, ((202, 202),)),
    Cell(
        "POST",
        "/api/v1/auth/password-reset/confirm",
        "the same link",
        confirm_a_reset,
        ((204, 400),),
        "invalid-reset-token",
    ),
    Cell(
        "POST",
        "/api/v1/me/password",
        "the same change",
        change_password,
        # The second finds the password changed, or, when it arrives a moment later still,
        # its session ended by the first.
        ((200, 409), (200, 401)),
        "password-changed-meanwhile",
    ),
    Cell("POST", "/api/v1/me/two-factor", "starting", start_two_factor),
    Cell(
        "POST",
        "/api/v1/me/two-factor/confirm",
        "the same code",
        confirm_two_factor,
        ((200, 409),),
        "two-factor-already-on",
    ),
    Cell(
        "POST",
        "/api/v1/me/two-factor/recovery-codes",
        "the same recovery code",
        renew_recovery_codes,
        ((200, 400),),
        "two-factor-code-not-right",
    ),
    Cell(
        "POST", "/api/v1/service-clients", "the same client", create_service_client, ((201, 201),)
    ),
    Cell(
        "POST",
        "/api/v1/webhook-endpoints",
        "the same endpoint",
        create_webhook_endpoint,
        ((201, 201),),
    ),
    Cell(
        "POST",
        "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
        "the same rotation",
        rotate_webhook_secret,
    ),
    Cell(
        "POST",
        "/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver",
        "the same redelivery",
        redeliver_webhook,
    ),
    Cell("POST", "/api/v1/topics", "the same topic", create_topic, ((201, 409),), "topic-exists"),
    # Without a key the second wants the slug the first took a moment before.
    Cell(
        "POST", "/api/v1/groups", "the same group", create_group, ((201, 409),), "concurrent-change"
    ),
    Cell("POST", "/api/v1/groups", "the same group, keyed", create_group_keyed, KEYED_OUTCOMES),
    Cell("POST", "/api/v1/groups/{group_id}/archive", "archiving", archive_group),
    Cell(
        "POST",
        "/api/v1/groups/{group_id}/members",
        "open group",
        join_group("open"),
        ((201, 409),),
        "already-member",
    ),
    Cell(
        "POST",
        "/api/v1/groups/{group_id}/members",
        "approval group",
        join_group("approval"),
        ((201, 409),),
        "already-member",
    ),
    Cell(
        "POST",
        "/api/v1/groups/{group_id}/invitations",
        "two links",
        create_invitation,
        ((201, 201),),
    ),
    Cell(
        "POST",
        "/api/v1/invitations/{token}/accept",
        "the same person",
        accept_invitation,
        ((201, 409),),
        "already-member",
    ),
    Cell("POST", "/api/v1/referrals", "keyed", create_referral, KEYED_OUTCOMES),
    Cell(
        "POST",
        "/api/v1/referrals",
        "no key",
        create_referral_unkeyed,
        ((201, 409),),
        "referral-already-sent",
    ),
    Cell("POST", "/api/v1/referral-links/{token}/open", "opened once", open_referral),
    Cell(
        "POST",
        "/api/v1/referral-links/{token}/accept",
        "the same person",
        accept_referral,
        ((200, 410),),
        "referral-answered",
    ),
    Cell(
        "POST",
        "/api/v1/referral-links/{token}/decline",
        "no thanks twice",
        decline_referral,
        ((200, 410),),
        "referral-answered",
    ),
    Cell("POST", "/api/v1/me/consents/{consent_id}/withdraw", "stop sharing", withdraw_consent),
    Cell(
        "POST",
        "/api/v1/me/notifications/read",
        "the same ids",
        lambda stage: mark_read(stage, every=False),
    ),
    Cell(
        "POST",
        "/api/v1/me/notifications/read-all",
        "all read",
        lambda stage: mark_read(stage, every=True),
    ),
    Cell(
        "POST",
        "/api/v1/me/push-subscriptions",
        "the same device",
        subscribe_to_push,
        ((201, 201),),
    ),
    Cell("POST", "/api/v1/unsubscribe/{token}", "the same link", unsubscribe_by_link),
    Cell("POST", "/api/v1/groups/{group_id}/schedules", "keyed", create_schedule, KEYED_OUTCOMES),
    Cell("POST", "/api/v1/schedules/{schedule_id}/end", "ending", end_schedule),
    Cell("POST", "/api/v1/groups/{group_id}/sessions", "keyed", create_session, KEYED_OUTCOMES),
    Cell("PUT", "/api/v1/sessions/{session_id}/rsvp", "going", rsvp),
    Cell("POST", "/api/v1/sessions/{session_id}/check-in", "the same code", self_check_in),
    Cell("PUT", "/api/v1/sessions/{session_id}/attendance", "the same sheet", record_attendance),
    Cell("PUT", "/api/v1/mentoring/mentor-profile", "the same offer", mentor_profile),
    Cell("POST", "/api/v1/mentoring/mentors/{user_id}/approval", "approving", decide_mentor),
    Cell("PUT", "/api/v1/mentoring/mentee-request", "the same request", mentee_request),
    Cell(
        "POST",
        "/api/v1/mentoring/matches",
        "the same proposal",
        propose_match,
        ((201, 409),),
        "already-matched",
    ),
    *(
        Cell(
            "POST",
            f"/api/v1/mentoring/matches/{{match_id}}/{action}",
            f"the {by}",
            answer_match(action, by=by, until=until, status=status),
            ((200, 409),),
            "wrong-match-status",
        )
        for action, by, until, status in (
            ("accept", "mentor", "proposed", "active"),
            ("decline", "mentor", "proposed", "declined"),
            ("withdraw", "mentee", "proposed", "withdrawn"),
            ("end", "mentee", "active", "ended"),
        )
    ),
    Cell(
        "POST",
        "/api/v1/mentoring/matches/{match_id}/check-ins",
        "keyed",
        log_a_meeting,
        KEYED_OUTCOMES,
    ),
    Cell("PUT", "/api/v1/mentoring/matches/{match_id}/feedback", "the same", leave_feedback),
    Cell("POST", "/api/v1/mentoring/matching-runs", "saved runs", run_matching, ((201, 201),)),
    Cell("PUT", "/api/v1/me/blocks/{user_id}", "the same member", block_member),
    Cell("POST", "/api/v1/reports", "two reports at once", file_report_twice, ((201, 201),)),
    Cell("POST", "/api/v1/reports/{report_id}/notes", "keyed", note_a_case, KEYED_OUTCOMES),
    Cell(
        "POST",
        "/api/v1/reports/{report_id}/actions",
        "dismissing",
        decide_a_case,
        ((200, 409),),
        "case-closed",
    ),
    Cell("POST", "/api/v1/resources", "keyed", create_resource, KEYED_OUTCOMES),
    Cell("PUT", "/api/v1/me/bookmarks/{resource_id}", "the same resource", save_bookmark),
    Cell("POST", "/api/v1/stories", "keyed", submit_story, KEYED_OUTCOMES),
    Cell(
        "POST",
        "/api/v1/stories/{story_id}/review",
        "approving",
        review_story,
        ((200, 409),),
        "story-not-editable",
    ),
    Cell("POST", "/api/v1/stories/{story_id}/withdraw", "withdrawing", withdraw_story),
]

# POST and PUT routes without a cell, each with the reason. Adding one is a decision: say why.
NOT_A_DOUBLE_CLICK = {
    ("POST", "/api/v1/groups/{group_id}/schedules/preview"): (
        "A preview writes nothing (not even the Idempotency-Key store): twice at once is two "
        "equal answers (tests/sessions/test_schedule_preview.py, nothing is written)."
    ),
    ("POST", "/api/v1/schedules/{schedule_id}/preview"): (
        "A change's preview writes nothing, as a new series' preview writes nothing: twice at "
        "once is two equal answers (tests/sessions/test_schedule_preview.py)."
    ),
    ("POST", "/api/v1/auth/token"): (
        "An OAuth2 token exchange, not a creating write: two password grants are two sign-ins "
        "(two sessions, both valid), and a refresh token used twice is a reuse that ends its "
        "whole sign-in, on purpose (RFC 9700; tests/accounts/test_tokens.py)."
    ),
    ("POST", "/api/v1/auth/token/second-factor"): (
        "The second step of a sign-in, not a creating write: a code works once, so of the same "
        "code sent twice the second is refused, and the first signs in once "
        "(tests/accounts/test_two_factor.py, one code sent twice at once)."
    ),
    ("POST", "/api/v1/resources/preview"): (
        "A read sent as a POST (a body too long for a query): it writes nothing, so twice is "
        "the same answer twice (tests/library/test_preview.py)."
    ),
}


def send(client: TestClient, twice: Twice) -> Response:
    return client.request(twice.method, twice.url, headers=twice.headers, json=twice.json)


@pytest.mark.parametrize("cell", CELLS, ids=[cell.id for cell in CELLS])
def test_the_same_caller_twice_at_once(
    cell: Cell, client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    twice = cell.arrange(Stage(client, app))
    assert twice.method == cell.method
    if twice.widen is not None:
        dawdle(monkeypatch, *twice.widen)

    answers = at_once(lambda: send(client, twice), lambda: send(client, twice))

    statuses = tuple(sorted(a.status_code for a in answers))
    assert all(s < 500 for s in statuses), [a.text for a in answers]
    assert statuses in cell.outcomes, [a.text for a in answers]
    for answer in answers:
        if answer.status_code >= 400:
            body = assert_problem(answer, answer.status_code)
            if cell.refusal is not None and answer.status_code != 401:
                assert body["type"] == f"{PROBLEM}{cell.refusal}", answer.text
    twice.then(answers)


def post_and_put_routes(tmp_path: Path) -> set[tuple[str, str]]:
    settings = Settings(var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    return {
        (method, str(route.path))
        for route in iter_route_contexts(create_app(settings).routes)
        if isinstance(route.original_route, APIRoute)
        for method in route.methods or set()
        if method in ("POST", "PUT")
    }


def test_every_post_and_put_has_a_double_click_cell_or_a_reason(tmp_path: Path) -> None:
    routes = post_and_put_routes(tmp_path)
    covered = {(cell.method, cell.path) for cell in CELLS}
    assert sorted(routes - covered - NOT_A_DOUBLE_CLICK.keys()) == [], "add a cell to CELLS"
    assert sorted(covered - routes) == [], "a cell for a route the app no longer has"
    assert sorted(covered & NOT_A_DOUBLE_CLICK.keys()) == []
    assert len(routes) > 30  # the walk reaches the routes of every included router


def test_the_openapi_document_lists_every_status_a_double_click_gets(tmp_path: Path) -> None:
    """The contract says what the server does: a 409 a cell expects is a documented answer."""
    settings = Settings(var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    spec = create_app(settings).openapi()
    missing: list[str] = []
    for cell in CELLS:
        statuses = {status for pair in cell.outcomes for status in pair}
        documented = spec["paths"][cell.path][cell.method.lower()]["responses"]
        missing.extend(
            f"{cell.method} {cell.path}: {status}"
            for status in sorted(statuses)
            if status >= 400 and str(status) not in documented
        )
    assert missing == []


def test_two_first_asks_for_the_calendar_url_at_once_make_one_feed(
    client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a POST, but it creates: the feed is made on the first ask (two open tabs)."""
    person = make_person(client)
    dawdle(monkeypatch, calendar, "feed_url")

    answers = at_once(*[lambda: client.get(f"{API}/me/calendar-url", headers=person.headers)] * 2)

    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert answers[0].json() == answers[1].json()
    stage = Stage(client, app)
    assert stage.count(CalendarFeed, CalendarFeed.user_id == person.user.id) == 1
