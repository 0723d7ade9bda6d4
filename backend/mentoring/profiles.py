"""Offering to mentor (profiles, approved by admins) and asking for a mentor (requests),
and the suggestions a request gets, each with its reasons in words."""

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core.config import Settings
from backend.core.db import lock_rows_for_update
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, creation_order, paginate
from backend.mentoring import matching, notices
from backend.mentoring.exceptions import (
    MenteeRequestNeeded,
    NoMenteeRequest,
    NoMentorProfile,
    OwnMentorOffer,
)
from backend.mentoring.models import (
    CloseCause,
    MatchStatus,
    MenteeRequest,
    MentorMatch,
    MentorProfile,
    MentorStatus,
)
from backend.mentoring.rows import (
    as_candidates,
    as_need,
    available_mentors,
    close_match,
    evaluate_rows,
    excluded_pairs,
    lock_own_row,
    locked_matches,
    mentor_loads,
    open_match_of_mentee,
    profile_of,
    request_of,
    slots_to_read,
    slots_to_store,
    topic_vocabulary,
)
from backend.mentoring.schemas import (
    ApprovalDecision,
    AvailabilitySlot,
    MenteePreferences,
    MenteeRequestRead,
    MenteeRequestWrite,
    MentorProfileRead,
    MentorProfileWrite,
    Suggestion,
)
from backend.topics.service import check_topics


def mentor_profile_read(
    db: Session, profile: MentorProfile, *, user: User | None = None, load: int | None = None
) -> MentorProfileRead:
    """``user`` and ``load`` may be given by a caller that read a whole page at once."""
    user = user or db.get_one(User, profile.user_id)
    return MentorProfileRead(
        user_id=user.id,
        display_name=user.display_name,
        experience_areas=profile.experience_areas,
        languages=profile.languages,
        availability=slots_to_read(profile.availability),
        timezone=user.timezone,
        capacity=profile.capacity,
        active_mentees=mentor_loads(db, [user.id])[user.id] if load is None else load,
        bio=profile.bio,
        years_in_recovery=profile.years_in_recovery,
        gender=profile.gender,
        paused=profile.paused,
        status=profile.status,
        review_note=profile.review_note,
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )


def put_mentor_profile(db: Session, *, actor: Actor, data: MentorProfileWrite) -> MentorProfile:
    """Offer to mentor, or change the offer. A new offer (or one edited after a rejection)
    waits for an admin; an approved mentor's edits apply at once."""
    user = actor.person
    areas = check_topics(db, data.experience_areas)
    lock_own_row(db, user)
    profile = profile_of(db, user.id)
    if profile is None:
        profile = MentorProfile(user_id=user.id, status=MentorStatus.pending)
        db.add(profile)
    elif profile.status == MentorStatus.rejected:
        profile.status = MentorStatus.pending
        profile.reviewed_at = None
        profile.reviewed_by_id = None
        profile.review_note = None
    profile.experience_areas = areas
    profile.languages = list(dict.fromkeys(data.languages))
    profile.availability = slots_to_store(data.availability)
    profile.capacity = data.capacity
    profile.bio = data.bio
    profile.years_in_recovery = data.years_in_recovery
    profile.gender = data.gender
    profile.paused = data.paused
    db.flush()
    return profile


def own_mentor_profile(db: Session, *, actor: Actor) -> MentorProfile:
    user = actor.person
    profile = profile_of(db, user.id)
    if profile is None:
        raise NoMentorProfile()
    return profile


def list_mentor_profiles(
    db: Session, *, status: MentorStatus | None, limit: int, cursor: str | None
) -> KeysetPage[MentorProfileRead]:
    statement = select(MentorProfile)
    if status is not None:
        statement = statement.where(MentorProfile.status == status)
    page: KeysetPage[MentorProfile] = paginate(
        db, statement, creation_order(MentorProfile), limit=limit, cursor=cursor
    )
    ids = [p.user_id for p in page.items]
    users = {u.id: u for u in db.scalars(select(User).where(User.id.in_(ids)))}
    loads = mentor_loads(db, ids)
    return KeysetPage(
        [
            mentor_profile_read(db, p, user=users[p.user_id], load=loads[p.user_id])
            for p in page.items
        ],
        page.next_cursor,
    )


def decide_mentor(
    db: Session, settings: Settings, *, actor: Actor, user_id: uuid.UUID, data: ApprovalDecision
) -> MentorProfile:
    """Approve or reject an offer to mentor. Rejecting an approved mentor declines the
    proposals waiting for them; pairs already meeting carry on until one of them ends it."""
    admin = actor.person
    if user_id == admin.id:
        raise OwnMentorOffer()
    lock_rows_for_update(db, MentorProfile.user_id, MentorProfile.user_id == user_id)
    profile = profile_of(db, user_id)
    if profile is None:
        raise NoMentorProfile()
    approve = data.decision == "approve"
    decided = MentorStatus.approved if approve else MentorStatus.rejected
    if profile.status == decided and profile.review_note == data.note:
        return profile  # the same decision again (a double click): no change, no second email
    profile.status = decided
    profile.reviewed_by_id = admin.id
    profile.reviewed_at = utcnow()
    profile.review_note = data.note
    mentor = db.get_one(User, user_id)
    if not approve:
        waiting = locked_matches(
            db, MentorMatch.mentor_id == user_id, MentorMatch.status == MatchStatus.proposed
        )
        for match in waiting:
            close_match(
                match,
                MatchStatus.declined,
                by=None,
                reason=None,
                because=CloseCause.mentor_rejected,
            )
            notices.declined(db, settings, db.get_one(User, match.mentee_id))
    notices.mentor_decision(db, settings, mentor, approved=approve, note=data.note)
    db.flush()
    return profile


def mentee_request_read(db: Session, request: MenteeRequest) -> MenteeRequestRead:
    user = db.get_one(User, request.user_id)
    return MenteeRequestRead(
        user_id=user.id,
        needs=request.needs,
        languages=request.languages,
        availability=slots_to_read(request.availability),
        timezone=user.timezone,
        preferences=MenteePreferences(
            mentor_gender=request.preferred_mentor_gender,
            min_years_in_recovery=request.min_years_in_recovery,
        ),
        open=open_match_of_mentee(db, user.id) is None,
        created_at=request.created_at,
        updated_at=request.updated_at,
    )


def put_mentee_request(db: Session, *, actor: Actor, data: MenteeRequestWrite) -> MenteeRequest:
    user = actor.person
    needs = check_topics(db, data.needs)
    lock_own_row(db, user)
    request = request_of(db, user.id)
    if request is None:
        request = MenteeRequest(user_id=user.id)
        db.add(request)
    preferences = data.preferences or MenteePreferences()
    request.needs = needs
    request.languages = list(dict.fromkeys(data.languages))
    request.availability = slots_to_store(data.availability)
    request.preferred_mentor_gender = preferences.mentor_gender
    request.min_years_in_recovery = preferences.min_years_in_recovery
    db.flush()
    return request


def own_mentee_request(db: Session, *, actor: Actor) -> MenteeRequest:
    user = actor.person
    request = request_of(db, user.id)
    if request is None:
        raise NoMenteeRequest()
    return request


def delete_mentee_request(db: Session, settings: Settings, *, actor: Actor) -> None:
    """Stop looking for a mentor: a proposal still waiting is withdrawn; a mentor you already
    meet stays your mentor until one of you ends it."""
    user = actor.person
    lock_rows_for_update(db, MenteeRequest.user_id, MenteeRequest.user_id == user.id)
    request = own_mentee_request(db, actor=actor)
    waiting = locked_matches(
        db, MentorMatch.mentee_id == user.id, MentorMatch.status == MatchStatus.proposed
    )
    for match in waiting:
        close_match(
            match, MatchStatus.withdrawn, by=user.id, reason=None, because=CloseCause.withdrawn
        )
        notices.withdrawn(db, settings, db.get_one(User, match.mentor_id))
    db.delete(request)
    db.flush()


def suggestions(db: Session, *, actor: Actor, limit: int) -> list[Suggestion]:
    user = actor.person
    request = request_of(db, user.id)
    if request is None:
        raise MenteeRequestNeeded()
    available = available_mentors(db)
    # What each suggestion shows, from the rows the scoring read.
    shown = {mentor.id: (profile, mentor) for profile, mentor, _ in available}
    need = as_need(request, user)
    candidates = {c.user_id: c for c in as_candidates(available)}
    week_of = utcnow().date()
    ranked = matching.suggest(
        need,
        candidates.values(),
        excluded_pairs=excluded_pairs(db, [user.id]),
        vocabulary=topic_vocabulary(db),
        week_of=week_of,
        limit=limit,
    )
    return [
        Suggestion(
            mentor_id=e.mentor_id,
            display_name=shown[e.mentor_id][1].display_name,
            score=round(e.score, 3),
            reasons=list(e.reasons),
            common_times=[
                AvailabilitySlot(weekday=s.weekday, start=s.start, end=s.end)
                for s in matching.common_times(need, candidates[e.mentor_id], week_of=week_of)
            ],
            experience_areas=shown[e.mentor_id][0].experience_areas,
            languages=shown[e.mentor_id][0].languages,
            bio=shown[e.mentor_id][0].bio,
        )
        for e in ranked
    ]


def evaluate_pair(db: Session, *, mentee: User, mentor: User) -> matching.Evaluation | None:
    """The score and reasons of a pair as a proposal would give them; None when the mentee has
    no request, the mentor no profile, or a hard constraint rules the pair out."""
    request = request_of(db, mentee.id)
    profile = profile_of(db, mentor.id)
    if request is None or profile is None:
        return None
    return evaluate_rows(db, request, mentee, profile, mentor)
