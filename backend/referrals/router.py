"""Referrals: counseling services (and staff) refer people to circles; the people referred
answer through their link and decide, part by part, what is shared."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response, Security
from fastapi.responses import JSONResponse

from backend.accounts.actor import Actor
from backend.accounts.dependencies import AppSettings, CurrentActor, OptionalActor, get_actor
from backend.accounts.schemas import Scope
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit, Page
from backend.core.routing import JSONRoute, located_at
from backend.groups.dependencies import ManagedGroup
from backend.referrals import fhir, service, views
from backend.referrals.schemas import (
    CircleReferral,
    ConsentRead,
    ReferralAccept,
    ReferralAnswer,
    ReferralAttendance,
    ReferralCreate,
    ReferralDecline,
    ReferralPreview,
    ReferralRead,
)

router = APIRouter(route_class=JSONRoute)

# People must be staff (the service checks); service clients hold the scope.
Referrer = Annotated[Actor, Security(get_actor, scopes=[Scope.referrals_write])]
# The secret of a referral link, as made (43 characters) with room to spare.
ReferralToken = Annotated[str, Path(min_length=16, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
GONE = "Expired, answered already, or the circle has closed."


@router.post(
    "/referrals",
    tags=["referrals"],
    status_code=201,
    responses=problem_responses(
        401,
        403,
        404,
        s409="The circle has closed, or you referred this person to it and they can still answer.",
        s422="Invalid fields, or attendance asked for without the outcome.",
        s429="More than 100 referrals in an hour.",
    ),
)
def create_referral(
    data: ReferralCreate,
    referrer: Referrer,
    db: DbSession,
    settings: AppSettings,
    response: Response,
) -> ReferralRead:
    """Refer a person to a circle (listed or unlisted): they get a neutral email with a link
    to see the circle and decide. Nothing about them is shared until they choose to."""
    referral = service.create_referral(db, settings, referrer, data)
    located_at(response, f"/referrals/{referral.id}")
    return views.referral_read(db, referral)


@router.get("/referrals", tags=["referrals"], responses=problem_responses(401, 403))
def list_referrals(
    referrer: Referrer, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[ReferralRead]:
    """Your referrals, newest first (admins: everyone's), each as far as its person shares."""
    page = service.list_referrals(db, referrer, limit=limit, cursor=cursor)
    return Page[ReferralRead](
        items=views.referral_reads(db, page.items), next_cursor=page.next_cursor
    )


@router.get(
    "/referrals/{referral_id}", tags=["referrals"], responses=problem_responses(401, 403, 404)
)
def read_referral(referral_id: uuid.UUID, referrer: Referrer, db: DbSession) -> ReferralRead:
    """Where a referral is: sent, opened, joined, declined, expired, or not shared."""
    return views.referral_read(db, service.get_referral(db, referrer, referral_id))


@router.get(
    "/referrals/{referral_id}/attendance",
    tags=["referrals"],
    responses=problem_responses(401, 403, 404),
)
def referral_attendance(
    referral_id: uuid.UUID,
    referrer: Referrer,
    db: DbSession,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[ReferralAttendance]:
    """The referred person's attendance in the circle since they agreed to share it, newest
    first; empty when they do not (or no longer) share it."""
    page, records = service.consented_attendance(
        db, referrer, referral_id, limit=limit, cursor=cursor
    )
    return Page[ReferralAttendance](
        items=views.attendance_reads(page.items, records), next_cursor=page.next_cursor
    )


@router.get(
    "/referrals/{referral_id}/fhir",
    tags=["referrals"],
    response_class=JSONResponse,
    responses={
        200: {
            "description": "A FHIR R4 Bundle (type collection).",
            "content": {"application/fhir+json": {"schema": {"type": "object"}}},
        },
        **problem_responses(401, 403, 404),
    },
)
def referral_fhir(referral_id: uuid.UUID, referrer: Referrer, db: DbSession) -> Any:
    """The referral as FHIR R4 for an EHR: a ServiceRequest, the person's Consents and the
    meetings they attended as Encounters (the latest 100), only as far as they share."""
    return JSONResponse(
        fhir.referral_bundle(db, referrer, referral_id), media_type="application/fhir+json"
    )


@router.get(
    "/groups/{group_id}/referrals", tags=["referrals"], responses=problem_responses(401, 403, 404)
)
def circle_referrals(
    access: ManagedGroup, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[CircleReferral]:
    """Referrals to the circle, newest first, with the referrer's note (its facilitators and
    admins); what each person answered stays theirs, beyond joining."""
    page = service.circle_referrals(db, access, limit=limit, cursor=cursor)
    return Page[CircleReferral](
        items=views.circle_referral_reads(db, page.items), next_cursor=page.next_cursor
    )


# --- the person referred ------------------------------------------------------------------


@router.post(
    "/referral-links/{token}/open",
    tags=["referrals"],
    responses=problem_responses(403, s404="The link is incomplete.", s410=GONE),
)
def open_referral(token: ReferralToken, actor: OptionalActor, db: DbSession) -> ReferralPreview:
    """Open a referral from its link: the circle, who referred, and each thing one is asked to
    share, in the words one would agree to. The referrer can see that it was opened."""
    referral, group = service.open_referral(db, token)
    return views.referral_preview(db, referral, group, actor)


@router.post(
    "/referral-links/{token}/accept",
    tags=["referrals"],
    responses=problem_responses(
        401,
        403,
        s404="The link is incomplete.",
        s409="The words changed since the page was opened; or full, removed, not taking "
        "members now.",
        s410=GONE,
        s422="Sharing something not asked for, or attendance without the outcome.",
    ),
)
def accept_referral(
    token: ReferralToken, data: ReferralAccept, actor: CurrentActor, db: DbSession
) -> ReferralAnswer:
    """Join the referral's circle, accepting its guidelines oneself, and share what one chose
    (each part separately; nothing is fine)."""
    referral, shared = service.accept_referral(db, actor, token, data)
    return views.answer(referral, shared)


@router.post(
    "/referral-links/{token}/decline",
    tags=["referrals"],
    responses=problem_responses(
        403,
        s404="The link is incomplete.",
        s409="The words changed since the page was opened.",
        s410=GONE,
        s422="Sharing the answer when it was not asked for.",
    ),
)
def decline_referral(
    token: ReferralToken, data: ReferralDecline, actor: OptionalActor, db: DbSession
) -> ReferralAnswer:
    """Say no thanks, with or without an account; the referrer learns it only if one says so."""
    referral = service.decline_referral(db, actor, token, data)
    return views.answer(referral, [])


@router.get("/me/consents", tags=["me"], responses=problem_responses(401, 403))
def my_consents(
    actor: CurrentActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[ConsentRead]:
    """What you agreed to share with whoever referred you, current and withdrawn."""
    page = service.my_consents(db, actor, limit=limit, cursor=cursor)
    return Page[ConsentRead](
        items=views.consent_reads(db, page.items), next_cursor=page.next_cursor
    )


@router.post(
    "/me/consents/{consent_id}/withdraw",
    tags=["me"],
    responses=problem_responses(401, 403, 404),
)
def withdraw_consent(consent_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> ConsentRead:
    """Stop sharing, now and for good (stopping "whether you joined" stops attendance too)."""
    row = service.withdraw_consent(db, actor, consent_id)
    return views.consent_reads(db, [row])[0]
