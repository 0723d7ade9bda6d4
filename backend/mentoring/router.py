"""Peer mentoring: profiles, requests, suggestions, matches, check-ins, feedback and the batch
matching run."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from backend.accounts.dependencies import AdminActor, AppSettings, CurrentActor
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit, Page
from backend.core.routing import JSONRoute, located_at
from backend.mentoring import attention, checkins, matches, profiles, runs
from backend.mentoring.dependencies import PairMatch, VisibleMatch
from backend.mentoring.models import MatchStatus, MentorStatus
from backend.mentoring.schemas import (
    ApprovalDecision,
    AttentionMatch,
    CheckInCreate,
    CheckInRead,
    FeedbackRead,
    FeedbackSummary,
    FeedbackWrite,
    MatchClose,
    MatchCreate,
    MatchEnd,
    MatchingRunRequest,
    MatchingRunResult,
    MatchRead,
    MenteeRequestRead,
    MenteeRequestWrite,
    MentorProfileRead,
    MentorProfileWrite,
    SuggestionList,
)

router = APIRouter(route_class=JSONRoute)
SuggestionLimit = Annotated[int, Query(ge=1, le=100, description="How many, best first.")]


# --- mentor profiles --------------------------------------------------------------------------


@router.put(
    "/mentoring/mentor-profile",
    tags=["mentoring"],
    responses=problem_responses(401, 403, s422="Unknown topics or invalid slots."),
)
def put_mentor_profile(
    data: MentorProfileWrite, actor: CurrentActor, db: DbSession
) -> MentorProfileRead:
    """Offer to mentor, or change your offer; new offers wait for an admin's approval."""
    profile = profiles.put_mentor_profile(db, actor=actor, data=data)
    return profiles.mentor_profile_read(db, profile)


@router.get(
    "/mentoring/mentor-profile", tags=["mentoring"], responses=problem_responses(401, 403, 404)
)
def get_mentor_profile(actor: CurrentActor, db: DbSession) -> MentorProfileRead:
    """Your mentor profile and where it stands."""
    return profiles.mentor_profile_read(db, profiles.own_mentor_profile(db, actor=actor))


@router.get("/mentoring/mentors", tags=["mentoring"], responses=problem_responses(401, 403))
def list_mentors(
    actor: AdminActor,
    db: DbSession,
    status: MentorStatus | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[MentorProfileRead]:
    """Mentor profiles, oldest first (admins); `status=pending` is the review queue."""
    page = profiles.list_mentor_profiles(db, status=status, limit=limit, cursor=cursor)
    return Page[MentorProfileRead](items=page.items, next_cursor=page.next_cursor)


@router.post(
    "/mentoring/mentors/{user_id}/approval",
    tags=["mentoring"],
    responses=problem_responses(401, 403, 404),
)
def decide_mentor(
    user_id: uuid.UUID,
    data: ApprovalDecision,
    actor: AdminActor,
    db: DbSession,
    settings: AppSettings,
) -> MentorProfileRead:
    """Approve or reject an offer to mentor (admins); the member is told."""
    profile = profiles.decide_mentor(db, settings, actor=actor, user_id=user_id, data=data)
    return profiles.mentor_profile_read(db, profile)


# --- mentee requests --------------------------------------------------------------------------


@router.put(
    "/mentoring/mentee-request",
    tags=["mentoring"],
    responses=problem_responses(401, 403, s422="Unknown topics or invalid slots."),
)
def put_mentee_request(
    data: MenteeRequestWrite, actor: CurrentActor, db: DbSession
) -> MenteeRequestRead:
    """Ask for a mentor, or change what you are looking for."""
    request = profiles.put_mentee_request(db, actor=actor, data=data)
    return profiles.mentee_request_read(db, request)


@router.get(
    "/mentoring/mentee-request", tags=["mentoring"], responses=problem_responses(401, 403, 404)
)
def get_mentee_request(actor: CurrentActor, db: DbSession) -> MenteeRequestRead:
    """What you asked for, and whether it is still waiting for a mentor."""
    return profiles.mentee_request_read(db, profiles.own_mentee_request(db, actor=actor))


@router.delete(
    "/mentoring/mentee-request",
    tags=["mentoring"],
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
def delete_mentee_request(actor: CurrentActor, db: DbSession, settings: AppSettings) -> Response:
    """Stop looking for a mentor; a proposal still waiting is withdrawn."""
    profiles.delete_mentee_request(db, settings, actor=actor)
    return Response(status_code=204)


@router.get(
    "/mentoring/suggestions",
    tags=["mentoring"],
    responses=problem_responses(401, 403, s409="Ask for a mentor first."),
)
def suggestions(actor: CurrentActor, db: DbSession, limit: SuggestionLimit = 10) -> SuggestionList:
    """The mentors who fit your request best, each with a score and the reasons in words."""
    return SuggestionList(items=profiles.suggestions(db, actor=actor, limit=limit))


# --- matches ----------------------------------------------------------------------------------


@router.post(
    "/mentoring/matches",
    tags=["mentoring"],
    status_code=201,
    responses=problem_responses(
        401,
        403,
        404,
        s409="No request yet, already matched, or the mentor cannot take you.",
        s422="You cannot be your own mentor.",
    ),
)
def propose_match(
    data: MatchCreate,
    actor: CurrentActor,
    db: DbSession,
    settings: AppSettings,
    response: Response,
) -> MatchRead:
    """Propose a mentor for yourself (members) or for a member (admins); the mentor is asked."""
    match = matches.propose(db, settings, actor=actor, data=data)
    located_at(response, f"/mentoring/matches/{match.id}")
    return matches.match_read(db, match, actor=actor)


@router.get("/mentoring/matches", tags=["mentoring"], responses=problem_responses(401, 403))
def list_matches(
    actor: CurrentActor,
    db: DbSession,
    status: MatchStatus | None = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[MatchRead]:
    """Your matches as mentor or mentee, newest first; admins see every match."""
    page = matches.list_matches(db, actor=actor, status=status, limit=limit, cursor=cursor)
    return Page[MatchRead](items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/mentoring/matches/attention", tags=["mentoring"], responses=problem_responses(401, 403)
)
def matches_needing_attention(
    actor: AdminActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[AttentionMatch]:
    """Matches an admin may want to look at (admins): proposals that lapsed, matches ended by a
    block, a moderation action or a closed account in the last 30 days, and active matches
    with no check-in logged for 30 days; most recently changed first. Never the pair's words."""
    page = attention.matches_needing_attention(db, limit=limit, cursor=cursor)
    return Page[AttentionMatch](items=page.items, next_cursor=page.next_cursor)


@router.get(
    "/mentoring/matches/{match_id}", tags=["mentoring"], responses=problem_responses(401, 403, 404)
)
def get_match(access: VisibleMatch, db: DbSession) -> MatchRead:
    """One match (the pair, or an admin)."""
    return matches.match_read(db, access.match, actor=access.actor)


_ANSWER = problem_responses(401, 403, 404, s409="The match is not in a state for this.")


@router.post("/mentoring/matches/{match_id}/accept", tags=["mentoring"], responses=_ANSWER)
def accept_match(access: VisibleMatch, db: DbSession, settings: AppSettings) -> MatchRead:
    """The mentor accepts a proposed match; the mentee is told."""
    match = matches.accept(db, settings, access)
    return matches.match_read(db, match, actor=access.actor)


@router.post("/mentoring/matches/{match_id}/decline", tags=["mentoring"], responses=_ANSWER)
def decline_match(
    access: VisibleMatch,
    db: DbSession,
    settings: AppSettings,
    data: MatchClose | None = None,
) -> MatchRead:
    """The mentor declines a proposed match; the pair is never proposed again."""
    reason = data.reason if data else None
    match = matches.decline(db, settings, access, reason=reason)
    return matches.match_read(db, match, actor=access.actor)


@router.post("/mentoring/matches/{match_id}/withdraw", tags=["mentoring"], responses=_ANSWER)
def withdraw_match(access: VisibleMatch, db: DbSession, settings: AppSettings) -> MatchRead:
    """The mentee (or an admin) withdraws a proposal the mentor has not answered."""
    match = matches.withdraw(db, settings, access)
    return matches.match_read(db, match, actor=access.actor)


@router.post("/mentoring/matches/{match_id}/end", tags=["mentoring"], responses=_ANSWER)
def end_match(
    access: VisibleMatch,
    data: MatchEnd,
    db: DbSession,
    settings: AppSettings,
) -> MatchRead:
    """Either of the pair (or an admin) ends an active match, with a reason the other sees."""
    match = matches.end(db, settings, access, reason=data.reason)
    return matches.match_read(db, match, actor=access.actor)


# --- check-ins and feedback: the pair's own ----------------------------------------------------


@router.post(
    "/mentoring/matches/{match_id}/check-ins",
    tags=["mentoring"],
    status_code=201,
    responses=problem_responses(
        401, 403, 404, s409="The match is not active.", s422="A date outside the match."
    ),
)
def add_check_in(access: PairMatch, data: CheckInCreate, db: DbSession) -> CheckInRead:
    """Log a meeting of the pair; the notes are for the two of you alone."""
    return checkins.check_in_read(checkins.add_check_in(db, access, data=data))


@router.get(
    "/mentoring/matches/{match_id}/check-ins",
    tags=["mentoring"],
    responses=problem_responses(401, 403, 404),
)
def list_check_ins(
    access: PairMatch,
    db: DbSession,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[CheckInRead]:
    """The pair's meetings, most recent first (the pair only)."""
    page = checkins.list_check_ins(db, access, limit=limit, cursor=cursor)
    return Page[CheckInRead](items=page.items, next_cursor=page.next_cursor)


@router.put(
    "/mentoring/matches/{match_id}/feedback",
    tags=["mentoring"],
    responses=problem_responses(
        401, 403, 404, s409="The match has not ended, or the feedback is final."
    ),
)
def put_feedback(access: PairMatch, data: FeedbackWrite, db: DbSession) -> FeedbackRead:
    """Your feedback on an ended match: a rating admins see only in aggregate, and a comment
    no one else reads."""
    return checkins.feedback_read(checkins.put_feedback(db, access, data=data))


@router.get(
    "/mentoring/matches/{match_id}/feedback",
    tags=["mentoring"],
    responses=problem_responses(401, 403, 404),
)
def get_feedback(access: PairMatch, db: DbSession) -> FeedbackRead:
    """The feedback you left on a match."""
    return checkins.feedback_read(checkins.own_feedback(db, access))


@router.get(
    "/mentoring/feedback-summary", tags=["mentoring"], responses=problem_responses(401, 403)
)
def feedback_summary(actor: AdminActor, db: DbSession) -> FeedbackSummary:
    """Ratings in aggregate (admins): shown from five ratings on, never a comment."""
    return checkins.feedback_summary(db)


# --- the batch run ----------------------------------------------------------------------------


@router.post(
    "/mentoring/matching-runs",
    tags=["mentoring"],
    responses={
        200: {"description": "A dry run: the proposals, and nothing saved."},
        201: {"model": MatchingRunResult, "description": "Saved: the pairs were proposed."},
        **problem_responses(401, 403),
    },
)
def run_matching(
    data: MatchingRunRequest,
    actor: AdminActor,
    db: DbSession,
    settings: AppSettings,
    response: Response,
) -> MatchingRunResult:
    """The best set of pairs over every open request at once (admins). A dry run shows the
    proposals and saves nothing; otherwise they are proposed to the mentors (201)."""
    result = runs.run_matching(db, settings, actor=actor, dry_run=data.dry_run)
    if not data.dry_run:
        response.status_code = 201
    return result
