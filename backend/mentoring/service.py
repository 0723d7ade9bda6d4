"""Peer mentoring: profiles and requests, suggestions, matches and their lifecycle, the batch
matching run, check-ins, feedback and blocks. The rules live here; scoring lives in the pure
``matching`` module, which every path below goes through, so a pair is scored the same way
wherever it is shown.

Seats: a mentor's proposed and active matches count against their capacity. Proposals are
made under row locks, so however many arrive at once no mentor is overloaded, and the
database's partial unique index keeps a mentee to one open match.

Locks are always taken in one order, so two writers never wait on each other in a cycle:
the person's account row (for their own first-time writes), then mentee requests, then mentor
profiles, then matches, each kind in id order. A match's status is checked only after its row
is locked, so two answers to one proposal (accept and withdraw at the same moment) cannot both
win.
"""

import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import Role, User
from backend.core.config import Settings
from backend.core.db import lock_for_update, lock_rows_for_update
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, SortKey, creation_order, paginate
from backend.mentoring import matching, notices
from backend.mentoring.exceptions import (
    AlreadyMatched,
    BlockLimit,
    CannotBlockYourself,
    CannotMentorYourself,
    CheckInLimit,
    FeedbackFinal,
    InvalidCheckInDate,
    MenteeRequestNeeded,
    MentorUnavailable,
    NoMenteeRequest,
    NoMentorProfile,
    NotYourSide,
    OnlyAdminsProposeForOthers,
    WrongMatchStatus,
)
from backend.mentoring.models import (
    CLOSED_PAIR_STATUSES,
    OPEN_MATCH_STATUSES,
    MatchFeedback,
    MatchingRun,
    MatchStatus,
    MemberBlock,
    MenteeRequest,
    MentoringCheckIn,
    MentorMatch,
    MentorProfile,
    MentorStatus,
)
from backend.mentoring.schemas import (
    ApprovalDecision,
    AvailabilitySlot,
    BlockRead,
    CheckInCreate,
    CheckInRead,
    FeedbackRead,
    FeedbackSummary,
    FeedbackWrite,
    MatchCreate,
    MatchingRunResult,
    MatchPerson,
    MatchRead,
    MenteePreferences,
    MenteeRequestRead,
    MenteeRequestWrite,
    MentorProfileRead,
    MentorProfileWrite,
    Proposal,
    RatingSummary,
    Suggestion,
)
from backend.topics.models import Topic
from backend.topics.service import check_topics

Side = Literal["mentor", "mentee"]

# Ratings are shown to admins only in aggregate, in batches of at least this many, so that no
# one person's rating can be read off an average -- not even by comparing the figures before and
# after it arrived. See ``feedback_summary``.
FEEDBACK_MIN_COUNT = 5
# A proposal the mentor has not answered in this long lapses: the mentee is free to be matched
# again, and the mentor is paused so that no one else waits on them (they unpause themselves).
PROPOSAL_LAPSES_AFTER = timedelta(days=14)
LAPSED_REASON = "The mentor did not answer within 14 days."
# Caps on business flows (SECURITY.md).
MAX_CHECK_INS_PER_MATCH = 1000
MAX_BLOCKS = 500

MATCH_ORDER = [
    SortKey(MentorMatch.created_at, datetime.fromisoformat, lambda value: value.isoformat()),
    SortKey(MentorMatch.id, lambda value: uuid.UUID(str(value))),
]
CHECK_IN_ORDER = [
    SortKey(MentoringCheckIn.met_on, date.fromisoformat),
    SortKey(MentoringCheckIn.id, lambda value: uuid.UUID(str(value))),
]
BLOCK_ORDER = [
    SortKey(MemberBlock.created_at, datetime.fromisoformat, lambda value: value.isoformat()),
    SortKey(MemberBlock.blocked_id, lambda value: uuid.UUID(str(value))),
]


# --- conversions between stored rows and the pure matching types ---------------------------


def _stored_slots(slots: Sequence[AvailabilitySlot]) -> list[dict[str, Any]]:
    return [
        {"weekday": s.weekday, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M")}
        for s in sorted(slots, key=lambda s: (s.weekday, s.start, s.end))
    ]


def _slots(stored: Iterable[dict[str, Any]]) -> tuple[matching.WeeklySlot, ...]:
    return tuple(
        matching.WeeklySlot(
            weekday=int(raw["weekday"]),
            start=time.fromisoformat(raw["start"]),
            end=time.fromisoformat(raw["end"]),
        )
        for raw in stored
    )


def _read_slots(stored: Iterable[dict[str, Any]]) -> list[AvailabilitySlot]:
    return [AvailabilitySlot.model_validate(raw) for raw in stored]


def _vocabulary(db: Session) -> matching.Vocabulary:
    return matching.Vocabulary(topic_names=dict(db.execute(select(Topic.slug, Topic.name)).all()))


def _loads(db: Session, mentor_ids: Iterable[uuid.UUID] | None = None) -> Counter[uuid.UUID]:
    """Each mentor's open matches (proposed or active): the seats they have given."""
    statement = (
        select(MentorMatch.mentor_id, func.count())
        .where(MentorMatch.status.in_(OPEN_MATCH_STATUSES))
        .group_by(MentorMatch.mentor_id)
    )
    if mentor_ids is not None:
        statement = statement.where(MentorMatch.mentor_id.in_(list(mentor_ids)))
    return Counter(dict(db.execute(statement).all()))


def _candidate(profile: MentorProfile, user: User, load: int) -> matching.MentorCandidate:
    return matching.MentorCandidate(
        user_id=user.id,
        experience_areas=frozenset(profile.experience_areas),
        languages=frozenset(profile.languages),
        availability=_slots(profile.availability),
        timezone=user.timezone,
        capacity=profile.capacity,
        load=load,
        years_in_recovery=profile.years_in_recovery,
        gender=profile.gender,
        approved=profile.status == MentorStatus.approved,
        paused=profile.paused,
        account_active=user.is_active,
    )


def _need(request: MenteeRequest, user: User) -> matching.MenteeNeed:
    return matching.MenteeNeed(
        user_id=user.id,
        needs=frozenset(request.needs),
        languages=frozenset(request.languages),
        availability=_slots(request.availability),
        timezone=user.timezone,
        preferred_mentor_gender=request.preferred_mentor_gender,
        min_years_in_recovery=request.min_years_in_recovery,
    )


def _available_mentors(db: Session) -> list[tuple[MentorProfile, User, int]]:
    """Approved mentors taking mentees (not paused, account active), with their loads."""
    rows = db.execute(
        select(MentorProfile, User)
        .join(User, User.id == MentorProfile.user_id)
        .where(
            MentorProfile.status == MentorStatus.approved,
            MentorProfile.paused.is_(False),
            User.is_active.is_(True),
        )
        .order_by(MentorProfile.user_id)
    ).all()
    loads = _loads(db, [user.id for _, user in rows])
    return [(profile, user, loads[user.id]) for profile, user in rows]


def _candidates(
    mentors: Iterable[tuple[MentorProfile, User, int]],
) -> list[matching.MentorCandidate]:
    return [_candidate(profile, user, load) for profile, user, load in mentors]


def _excluded_pairs(
    db: Session, people: Sequence[uuid.UUID] | None = None
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(mentee, mentor) pairs never to propose: pairs that were declined, withdrawn or ended,
    and pairs where either has blocked the other; both ways round. ``people`` narrows the
    look-up to pairs involving them."""
    closed = select(MentorMatch.mentee_id, MentorMatch.mentor_id).where(
        MentorMatch.status.in_(CLOSED_PAIR_STATUSES)
    )
    blocks = select(MemberBlock.blocker_id, MemberBlock.blocked_id)
    if people is not None:
        closed = closed.where(
            or_(MentorMatch.mentee_id.in_(people), MentorMatch.mentor_id.in_(people))
        )
        blocks = blocks.where(
            or_(MemberBlock.blocker_id.in_(people), MemberBlock.blocked_id.in_(people))
        )
    pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    for a, b in [*db.execute(closed).all(), *db.execute(blocks).all()]:
        pairs.update({(a, b), (b, a)})
    return pairs


# --- mentor profiles --------------------------------------------------------------------------


def _profile_of(db: Session, user_id: uuid.UUID) -> MentorProfile | None:
    return db.scalar(select(MentorProfile).where(MentorProfile.user_id == user_id))


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
        availability=_read_slots(profile.availability),
        timezone=user.timezone,
        capacity=profile.capacity,
        active_mentees=_loads(db, [user.id])[user.id] if load is None else load,
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
    _lock_own_row(db, user)
    profile = _profile_of(db, user.id)
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
    profile.availability = _stored_slots(data.availability)
    profile.capacity = data.capacity
    profile.bio = data.bio
    profile.years_in_recovery = data.years_in_recovery
    profile.gender = data.gender
    profile.paused = data.paused
    db.flush()
    return profile


def own_mentor_profile(db: Session, *, actor: Actor) -> MentorProfile:
    user = actor.person
    profile = _profile_of(db, user.id)
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
    loads = _loads(db, ids)
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
    lock_rows_for_update(db, MentorProfile.user_id, MentorProfile.user_id == user_id)
    profile = _profile_of(db, user_id)
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
        waiting = _locked_matches(
            db, MentorMatch.mentor_id == user_id, MentorMatch.status == MatchStatus.proposed
        )
        for match in waiting:
            _close(match, MatchStatus.declined, by=None, reason=None)
            notices.declined(db, settings, db.get_one(User, match.mentee_id))
    notices.mentor_decision(db, settings, mentor, approved=approve, note=data.note)
    db.flush()
    return profile


# --- mentee requests --------------------------------------------------------------------------


def _request_of(db: Session, user_id: uuid.UUID) -> MenteeRequest | None:
    return db.scalar(select(MenteeRequest).where(MenteeRequest.user_id == user_id))


def _open_match_of_mentee(db: Session, mentee_id: uuid.UUID) -> MentorMatch | None:
    return db.scalar(
        select(MentorMatch).where(
            MentorMatch.mentee_id == mentee_id, MentorMatch.status.in_(OPEN_MATCH_STATUSES)
        )
    )


def mentee_request_read(db: Session, request: MenteeRequest) -> MenteeRequestRead:
    user = db.get_one(User, request.user_id)
    return MenteeRequestRead(
        user_id=user.id,
        needs=request.needs,
        languages=request.languages,
        availability=_read_slots(request.availability),
        timezone=user.timezone,
        preferences=MenteePreferences(
            mentor_gender=request.preferred_mentor_gender,
            min_years_in_recovery=request.min_years_in_recovery,
        ),
        open=_open_match_of_mentee(db, user.id) is None,
        created_at=request.created_at,
        updated_at=request.updated_at,
    )


def put_mentee_request(db: Session, *, actor: Actor, data: MenteeRequestWrite) -> MenteeRequest:
    user = actor.person
    needs = check_topics(db, data.needs)
    _lock_own_row(db, user)
    request = _request_of(db, user.id)
    if request is None:
        request = MenteeRequest(user_id=user.id)
        db.add(request)
    preferences = data.preferences or MenteePreferences()
    request.needs = needs
    request.languages = list(dict.fromkeys(data.languages))
    request.availability = _stored_slots(data.availability)
    request.preferred_mentor_gender = preferences.mentor_gender
    request.min_years_in_recovery = preferences.min_years_in_recovery
    db.flush()
    return request


def own_mentee_request(db: Session, *, actor: Actor) -> MenteeRequest:
    user = actor.person
    request = _request_of(db, user.id)
    if request is None:
        raise NoMenteeRequest()
    return request


def delete_mentee_request(db: Session, settings: Settings, *, actor: Actor) -> None:
    """Stop looking for a mentor: a proposal still waiting is withdrawn; a mentor you already
    meet stays your mentor until one of you ends it."""
    user = actor.person
    lock_rows_for_update(db, MenteeRequest.user_id, MenteeRequest.user_id == user.id)
    request = own_mentee_request(db, actor=actor)
    waiting = _locked_matches(
        db, MentorMatch.mentee_id == user.id, MentorMatch.status == MatchStatus.proposed
    )
    for match in waiting:
        _close(match, MatchStatus.withdrawn, by=user.id, reason=None)
        notices.withdrawn(db, settings, db.get_one(User, match.mentor_id))
    db.delete(request)
    db.flush()


# --- suggestions ------------------------------------------------------------------------------


def suggestions(db: Session, *, actor: Actor, limit: int) -> list[Suggestion]:
    user = actor.person
    request = _request_of(db, user.id)
    if request is None:
        raise MenteeRequestNeeded()
    available = _available_mentors(db)
    # What each suggestion shows, from the rows the scoring read.
    shown = {mentor.id: (profile, mentor) for profile, mentor, _ in available}
    ranked = matching.suggest(
        _need(request, user),
        _candidates(available),
        excluded_pairs=_excluded_pairs(db, [user.id]),
        vocabulary=_vocabulary(db),
        week_of=utcnow().date(),
        limit=limit,
    )
    return [
        Suggestion(
            mentor_id=e.mentor_id,
            display_name=shown[e.mentor_id][1].display_name,
            score=round(e.score, 3),
            reasons=list(e.reasons),
            experience_areas=shown[e.mentor_id][0].experience_areas,
            languages=shown[e.mentor_id][0].languages,
            bio=shown[e.mentor_id][0].bio,
        )
        for e in ranked
    ]


def _names(db: Session, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    ids = list(user_ids)
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


# --- matches ----------------------------------------------------------------------------------


def match_read(
    db: Session, match: MentorMatch, *, actor: Actor, names: dict[uuid.UUID, str] | None = None
) -> MatchRead:
    """``names`` may be given by a caller that looked up a whole page's names at once."""
    viewer = actor.person
    names = names or _names(db, [match.mentor_id, match.mentee_id])
    side = _side(match, viewer)
    return MatchRead(
        id=match.id,
        status=match.status,
        mentor=MatchPerson(user_id=match.mentor_id, display_name=names[match.mentor_id]),
        mentee=MatchPerson(user_id=match.mentee_id, display_name=names[match.mentee_id]),
        my_side=side,
        score=match.score,
        reasons=match.reasons,
        close_reason=match.close_reason if side is not None else None,
        proposed_at=match.created_at,
        responded_at=match.responded_at,
        ended_at=match.ended_at,
    )


def _side(match: MentorMatch, user: User) -> Side | None:
    if match.mentor_id == user.id:
        return "mentor"
    if match.mentee_id == user.id:
        return "mentee"
    return None


def _close(
    match: MentorMatch, status: MatchStatus, *, by: uuid.UUID | None, reason: str | None
) -> None:
    now = utcnow()
    if match.status == MatchStatus.proposed:
        match.responded_at = now
    if status == MatchStatus.ended:
        match.ended_at = now
    # Whoever closed it, however: erasure finds the reasons a person wrote by this.
    match.ended_by_id = by
    match.status = status
    match.close_reason = reason


def _lock_people(db: Session, user_ids: Sequence[uuid.UUID]) -> None:
    """Lock the mentee requests and then the mentor profiles of these people: what a new
    proposal between any of them needs, so holding these keeps new proposals out."""
    lock_rows_for_update(db, MenteeRequest.user_id, MenteeRequest.user_id.in_(user_ids))
    lock_rows_for_update(db, MentorProfile.user_id, MentorProfile.user_id.in_(user_ids))


def _locked_matches(db: Session, *criteria: Any) -> list[MentorMatch]:
    """The matches meeting ``criteria``, locked and read afresh after the lock."""
    lock_rows_for_update(db, MentorMatch.id, *criteria)
    return list(
        db.scalars(
            select(MentorMatch)
            .where(*criteria)
            .order_by(MentorMatch.id)
            .execution_options(populate_existing=True)
        )
    )


def _lock_own_row(db: Session, user: User) -> None:
    """Serialise a person's own first-time writes (two clicks of "save" at once), which would
    otherwise both find no row and both insert."""
    lock_for_update(db, User.id, user.id)


def propose(db: Session, settings: Settings, *, actor: Actor, data: MatchCreate) -> MentorMatch:
    """Propose a pair: a member for themselves, an admin for anyone. The mentor is asked."""
    if data.mentee_id is not None and data.mentee_id != actor.person_id and not actor.is_admin:
        raise OnlyAdminsProposeForOthers()
    mentee_id = data.mentee_id or actor.person.id
    if mentee_id == data.mentor_id:
        raise CannotMentorYourself()
    mentee = db.get(User, mentee_id)
    if mentee is None or not mentee.is_active:
        raise NotFound(detail="There is no member with this id.")
    # Requests, then profiles (the one lock order); the pair's two rows are all it needs.
    lock_rows_for_update(db, MenteeRequest.user_id, MenteeRequest.user_id == mentee_id)
    lock_rows_for_update(db, MentorProfile.user_id, MentorProfile.user_id == data.mentor_id)
    request = _request_of(db, mentee_id)
    if request is None:
        raise MenteeRequestNeeded()
    profile = _profile_of(db, data.mentor_id)
    mentor = db.get(User, data.mentor_id)
    if profile is None or mentor is None or profile.status != MentorStatus.approved:
        raise NotFound(detail="There is no mentor with this id.")
    if _open_match_of_mentee(db, mentee_id) is not None:
        raise AlreadyMatched()
    evaluation = _evaluate(db, request, mentee, profile, mentor)
    if evaluation is None:
        raise MentorUnavailable()
    match = MentorMatch(
        mentor_id=mentor.id,
        mentee_id=mentee_id,
        status=MatchStatus.proposed,
        score=round(evaluation.score, 3),
        reasons=list(evaluation.reasons),
        proposed_by_id=actor.person.id,
    )
    db.add(match)
    notices.proposed(db, settings, mentor)
    db.flush()
    return match


def _evaluate(
    db: Session, request: MenteeRequest, mentee: User, profile: MentorProfile, mentor: User
) -> matching.Evaluation | None:
    return matching.evaluate(
        _need(request, mentee),
        _candidate(profile, mentor, _loads(db, [mentor.id])[mentor.id]),
        excluded_pairs=_excluded_pairs(db, [mentee.id]),
        vocabulary=_vocabulary(db),
        week_of=utcnow().date(),
    )


def evaluate_pair(db: Session, *, mentee: User, mentor: User) -> matching.Evaluation | None:
    """The score and reasons of a pair as a proposal would give them; None when the mentee has
    no request, the mentor no profile, or a hard constraint rules the pair out."""
    request = _request_of(db, mentee.id)
    profile = _profile_of(db, mentor.id)
    if request is None or profile is None:
        return None
    return _evaluate(db, request, mentee, profile, mentor)


def visible_match(
    db: Session, match_id: uuid.UUID, actor: Actor, *, for_update: bool = False
) -> MentorMatch:
    """A match the viewer is half of, or any match for an admin; 404 for anyone else.
    ``for_update`` locks it first, for answers that depend on its status."""
    viewer = actor.person
    match = db.get(MentorMatch, match_id)
    if match is None or (_side(match, viewer) is None and viewer.role != Role.admin):
        raise NotFound()
    if for_update:
        (match,) = _locked_matches(db, MentorMatch.id == match_id)
    return match


def _pair_match(db: Session, match_id: uuid.UUID, viewer: User) -> tuple[MentorMatch, Side]:
    """A match the viewer is half of. Admins get 404 too: check-ins and feedback are the
    pair's own."""
    match = db.get(MentorMatch, match_id)
    side = None if match is None else _side(match, viewer)
    if match is None or side is None:
        raise NotFound()
    return match, side


def _require_status(match: MentorMatch, status: MatchStatus, doing: str) -> None:
    if match.status != status:
        raise WrongMatchStatus(
            detail=f"Only a {status.value} match can be {doing}; this one is {match.status.value}."
        )


def accept(db: Session, settings: Settings, *, actor: Actor, match_id: uuid.UUID) -> MentorMatch:
    user = actor.person
    match = visible_match(db, match_id, actor, for_update=True)
    if _side(match, user) != "mentor":
        raise NotYourSide(detail="Only the mentor can accept a proposed match.")
    _require_status(match, MatchStatus.proposed, "accepted")
    match.status = MatchStatus.active
    match.responded_at = utcnow()
    notices.accepted(db, settings, db.get_one(User, match.mentee_id))
    db.flush()
    return match


def decline(
    db: Session, settings: Settings, *, actor: Actor, match_id: uuid.UUID, reason: str | None
) -> MentorMatch:
    user = actor.person
    match = visible_match(db, match_id, actor, for_update=True)
    if _side(match, user) != "mentor":
        raise NotYourSide(detail="Only the mentor can decline a proposed match.")
    _require_status(match, MatchStatus.proposed, "declined")
    _close(match, MatchStatus.declined, by=user.id, reason=reason)
    notices.declined(db, settings, db.get_one(User, match.mentee_id))
    db.flush()
    return match


def withdraw(db: Session, settings: Settings, *, actor: Actor, match_id: uuid.UUID) -> MentorMatch:
    """The mentee (or an admin) takes back a proposal the mentor has not answered."""
    user = actor.person
    match = visible_match(db, match_id, actor, for_update=True)
    if _side(match, user) != "mentee" and user.role != Role.admin:
        raise NotYourSide(detail="Only the mentee (or an admin) can withdraw a proposal.")
    _require_status(match, MatchStatus.proposed, "withdrawn")
    _close(match, MatchStatus.withdrawn, by=user.id, reason=None)
    notices.withdrawn(db, settings, db.get_one(User, match.mentor_id))
    db.flush()
    return match


def end(
    db: Session, settings: Settings, *, actor: Actor, match_id: uuid.UUID, reason: str
) -> MentorMatch:
    """Either of the pair (or an admin, for safety) ends an active match; the other side is
    told, and the pair is never proposed again."""
    user = actor.person
    match = visible_match(db, match_id, actor, for_update=True)
    _require_status(match, MatchStatus.active, "ended")
    _close(match, MatchStatus.ended, by=user.id, reason=reason)
    others = [pid for pid in (match.mentor_id, match.mentee_id) if pid != user.id]
    notices.ended(db, settings, [db.get_one(User, pid) for pid in others])
    db.flush()
    return match


def list_matches(
    db: Session,
    *,
    actor: Actor,
    status: MatchStatus | None,
    limit: int,
    cursor: str | None,
) -> KeysetPage[MatchRead]:
    """The viewer's matches (as mentor or mentee), newest first; admins see every match."""
    viewer = actor.person
    statement = select(MentorMatch)
    if viewer.role != Role.admin:
        statement = statement.where(
            or_(MentorMatch.mentor_id == viewer.id, MentorMatch.mentee_id == viewer.id)
        )
    if status is not None:
        statement = statement.where(MentorMatch.status == status)
    page: KeysetPage[MentorMatch] = paginate(
        db, statement, MATCH_ORDER, limit=limit, cursor=cursor, descending=True
    )
    names = _names(db, {p for m in page.items for p in (m.mentor_id, m.mentee_id)})
    return KeysetPage(
        [match_read(db, m, actor=actor, names=names) for m in page.items], page.next_cursor
    )


def close_open_matches(db: Session, settings: Settings, *, user_id: uuid.UUID) -> None:
    """Close every open match of a person who is leaving (deactivated or erased); the other
    side is told only that it ended. Their request and profile are locked first, so no new
    proposal slips in meanwhile."""
    _lock_people(db, [user_id])
    matches = _locked_matches(
        db,
        or_(MentorMatch.mentor_id == user_id, MentorMatch.mentee_id == user_id),
        MentorMatch.status.in_(OPEN_MATCH_STATUSES),
    )
    for match in matches:
        _close_for_departure(db, settings, match, leaving=user_id)


def forget_person(db: Session, *, user_id: uuid.UUID) -> None:
    """Erasure: matches stay for the program's figures, but not what they said about the
    person: the reasons they wrote, and the reasons of the pairing, which name their needs or
    lived experience."""
    db.execute(
        update(MentorMatch).where(MentorMatch.ended_by_id == user_id).values(close_reason=None)
    )
    db.execute(
        update(MentorMatch)
        .where(or_(MentorMatch.mentor_id == user_id, MentorMatch.mentee_id == user_id))
        .values(reasons=[], score=None)
    )
    # Ratings stay in the published figures (removing one would let its value be read off
    # the change); the words go.
    db.execute(update(MatchFeedback).where(MatchFeedback.author_id == user_id).values(comment=None))


def _close_for_departure(
    db: Session, settings: Settings, match: MentorMatch, *, leaving: uuid.UUID
) -> None:
    """Close an open match because one side leaves it (erasure or a block), telling the other
    side only that it has ended, never why."""
    other = db.get_one(User, match.mentee_id if match.mentor_id == leaving else match.mentor_id)
    if match.status == MatchStatus.active:
        _close(match, MatchStatus.ended, by=leaving, reason=None)
        notices.ended(db, settings, [other])
    elif match.mentor_id == leaving:
        _close(match, MatchStatus.declined, by=leaving, reason=None)
        notices.declined(db, settings, other)
    else:
        _close(match, MatchStatus.withdrawn, by=leaving, reason=None)
        notices.withdrawn(db, settings, other)


def lapse_unanswered_proposals(db: Session, settings: Settings) -> int:
    """Housekeeping: close proposals left unanswered for ``PROPOSAL_LAPSES_AFTER`` (as
    declined, so the pair is not proposed again), tell the mentees, and pause the mentors who
    let them lapse. Returns how many lapsed."""
    cutoff = utcnow() - PROPOSAL_LAPSES_AFTER
    stale = (MentorMatch.status == MatchStatus.proposed, MentorMatch.created_at < cutoff)
    mentor_ids = sorted(set(db.scalars(select(MentorMatch.mentor_id).where(*stale))))
    lapsed = 0
    for mentor_id in mentor_ids:
        # Profile, then matches (the one lock order); re-read under the lock, so a proposal
        # answered meanwhile, or lapsed by another worker process, is left alone.
        lock_rows_for_update(db, MentorProfile.user_id, MentorProfile.user_id == mentor_id)
        matches = _locked_matches(db, MentorMatch.mentor_id == mentor_id, *stale)
        for match in matches:
            _close(match, MatchStatus.declined, by=None, reason=LAPSED_REASON)
            notices.declined(db, settings, db.get_one(User, match.mentee_id))
        profile = _profile_of(db, mentor_id)
        if matches and profile is not None and not profile.paused:
            profile.paused = True
            notices.paused_after_silence(db, settings, db.get_one(User, mentor_id))
        lapsed += len(matches)
    db.flush()
    return lapsed


# --- the batch run ----------------------------------------------------------------------------


def run_matching(
    db: Session, settings: Settings, *, actor: Actor, dry_run: bool
) -> MatchingRunResult:
    """The best set of pairs for every open request at once (see ``matching.assign``).

    A saved run first locks every request and then every mentor profile (the order single
    proposals use), so what it computes is still true when it writes.
    """
    admin = actor.person
    if not dry_run:
        lock_rows_for_update(db, MenteeRequest.user_id, MenteeRequest.user_id.is_not(None))
        # Every profile, whatever its status: an approval waits for the run to finish.
        lock_rows_for_update(db, MentorProfile.user_id, MentorProfile.user_id.is_not(None))
    has_open_match = select(MentorMatch.id).where(
        MentorMatch.mentee_id == MenteeRequest.user_id,
        MentorMatch.status.in_(OPEN_MATCH_STATUSES),
    )
    open_requests = db.execute(
        select(MenteeRequest, User)
        .join(User, User.id == MenteeRequest.user_id)
        .where(User.is_active.is_(True), ~has_open_match.exists())
        .order_by(MenteeRequest.created_at, MenteeRequest.user_id)
    ).all()
    mentees = [_need(request, user) for request, user in open_requests]
    assignment = matching.assign(
        mentees,
        _candidates(_available_mentors(db)),
        excluded_pairs=_excluded_pairs(db),
        vocabulary=_vocabulary(db),
        week_of=utcnow().date(),
    )
    run: MatchingRun | None = None
    match_ids: dict[uuid.UUID, uuid.UUID] = {}
    if not dry_run:
        run = MatchingRun(
            run_by_id=admin.id,
            open_requests=len(mentees),
            proposed=len(assignment.proposals),
            unmatched=len(assignment.unmatched),
            total_score=assignment.total_score,
        )
        db.add(run)
        db.flush()
        mentors = {
            u.id: u
            for u in db.scalars(
                select(User).where(User.id.in_([p.mentor_id for p in assignment.proposals]))
            )
        }
        for proposal in assignment.proposals:
            match = MentorMatch(
                id=uuid.uuid4(),  # known now, so the rows go in together at the end
                mentor_id=proposal.mentor_id,
                mentee_id=proposal.mentee_id,
                status=MatchStatus.proposed,
                score=round(proposal.score, 3),
                reasons=list(proposal.reasons),
                proposed_by_id=admin.id,
                matching_run_id=run.id,
            )
            db.add(match)
            match_ids[proposal.mentee_id] = match.id
        # One email per mentor, however many mentees the run proposed to them.
        per_mentor = Counter(p.mentor_id for p in assignment.proposals)
        for mentor_id, count in sorted(per_mentor.items()):
            notices.proposed(db, settings, mentors[mentor_id], count=count)
        db.flush()
    return MatchingRunResult(
        run_id=run.id if run else None,
        dry_run=dry_run,
        open_requests=len(mentees),
        proposals=[
            Proposal(
                mentee_id=p.mentee_id,
                mentor_id=p.mentor_id,
                score=round(p.score, 3),
                reasons=list(p.reasons),
                match_id=match_ids.get(p.mentee_id),
            )
            for p in assignment.proposals
        ],
        unmatched=list(assignment.unmatched),
        total_score=round(assignment.total_score, 3),
    )


# --- check-ins --------------------------------------------------------------------------------


def check_in_read(check_in: MentoringCheckIn) -> CheckInRead:
    return CheckInRead(
        id=check_in.id,
        match_id=check_in.match_id,
        author_id=check_in.author_id,
        met_on=check_in.met_on,
        duration_minutes=check_in.duration_minutes,
        notes=check_in.notes,
        created_at=check_in.created_at,
    )


def add_check_in(
    db: Session, *, actor: Actor, match_id: uuid.UUID, data: CheckInCreate
) -> MentoringCheckIn:
    user = actor.person
    match, _ = _pair_match(db, match_id, user)
    _require_status(match, MatchStatus.active, "logged")
    # Dates as the author's own calendar has them.
    zone = ZoneInfo(user.timezone)
    today = utcnow().astimezone(zone).date()
    began = match.created_at.astimezone(zone).date()
    if data.met_on > today:
        raise InvalidCheckInDate(detail="A check-in is for a meeting that has happened.")
    if data.met_on < began:
        raise InvalidCheckInDate(
            detail=f"This match began on {began.isoformat()}; log meetings from then on."
        )
    count = db.scalar(
        select(func.count())
        .select_from(MentoringCheckIn)
        .where(MentoringCheckIn.match_id == match.id)
    )
    if (count or 0) >= MAX_CHECK_INS_PER_MATCH:
        raise CheckInLimit()
    check_in = MentoringCheckIn(
        match_id=match.id,
        author_id=user.id,
        met_on=data.met_on,
        duration_minutes=data.duration_minutes,
        notes=data.notes,
    )
    db.add(check_in)
    db.flush()
    return check_in


def list_check_ins(
    db: Session, *, actor: Actor, match_id: uuid.UUID, limit: int, cursor: str | None
) -> KeysetPage[CheckInRead]:
    """The pair's meetings, most recent first."""
    user = actor.person
    match, _ = _pair_match(db, match_id, user)
    page: KeysetPage[MentoringCheckIn] = paginate(
        db,
        select(MentoringCheckIn).where(MentoringCheckIn.match_id == match.id),
        CHECK_IN_ORDER,
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    return KeysetPage([check_in_read(c) for c in page.items], page.next_cursor)


# --- feedback ---------------------------------------------------------------------------------


def feedback_read(feedback: MatchFeedback) -> FeedbackRead:
    side: Side = "mentor" if feedback.side == "mentor" else "mentee"
    return FeedbackRead(
        match_id=feedback.match_id,
        side=side,
        rating=feedback.rating,
        comment=feedback.comment,
        updated_at=feedback.updated_at,
    )


def put_feedback(
    db: Session, *, actor: Actor, match_id: uuid.UUID, data: FeedbackWrite
) -> MatchFeedback:
    """Leave (or change) one's own feedback on an ended match."""
    user = actor.person
    match, side = _pair_match(db, match_id, user)
    _require_status(match, MatchStatus.ended, "rated")
    _lock_own_row(db, user)
    feedback = db.scalar(
        select(MatchFeedback).where(
            MatchFeedback.match_id == match.id, MatchFeedback.author_id == user.id
        )
    )
    if feedback is None:
        feedback = MatchFeedback(match_id=match.id, author_id=user.id, side=side)
        db.add(feedback)
    elif feedback.created_at < _quarter_start(utcnow()):
        raise FeedbackFinal()
    feedback.rating = data.rating
    feedback.comment = data.comment or None
    db.flush()
    return feedback


def own_feedback(db: Session, *, actor: Actor, match_id: uuid.UUID) -> MatchFeedback:
    user = actor.person
    match, _ = _pair_match(db, match_id, user)
    feedback = db.scalar(
        select(MatchFeedback).where(
            MatchFeedback.match_id == match.id, MatchFeedback.author_id == user.id
        )
    )
    if feedback is None:
        raise NotFound(detail="You have not left feedback on this match.")
    return feedback


def _quarter_start(moment: datetime) -> datetime:
    """The first instant (UTC) of the calendar quarter ``moment`` falls in."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, 3 * ((moment.month - 1) // 3) + 1, 1, tzinfo=UTC)


def feedback_summary(db: Session) -> FeedbackSummary:
    """Ratings in aggregate for admins: never a comment, never a single person's rating.

    A threshold alone would not do: an admin comparing the figures before and after one new
    rating could read it off. So figures move only in closed batches: ratings count from the
    end of the calendar quarter they were given in (after which they are final), and a quarter
    with fewer than ``FEEDBACK_MIN_COUNT`` ratings waits to be published with the next ones.
    Erasure keeps a rating (without its comment) for the same reason.
    """
    open_from = _quarter_start(utcnow())

    def summary(side: Side) -> RatingSummary:
        rows = db.execute(
            select(MatchFeedback.created_at, MatchFeedback.rating)
            .where(MatchFeedback.side == side)
            .order_by(MatchFeedback.created_at)
        ).all()
        published: list[int] = []
        batch: list[int] = []
        for quarter, given in groupby(rows, key=lambda row: _quarter_start(row[0])):
            if quarter >= open_from:
                break
            batch.extend(rating for _, rating in given)
            if len(batch) >= FEEDBACK_MIN_COUNT:
                published, batch = published + batch, []
        waiting = len(rows) - len(published)
        if not published:
            return RatingSummary(count=0, waiting=waiting, average=None, distribution=None)
        counts = Counter(published)
        return RatingSummary(
            count=len(published),
            waiting=waiting,
            average=round(sum(published) / len(published), 2),
            distribution={str(star): counts[star] for star in range(1, 6)},
        )

    ended = db.scalar(
        select(func.count()).select_from(MentorMatch).where(MentorMatch.status == MatchStatus.ended)
    )
    return FeedbackSummary(
        as_of=open_from.date(),
        matches_ended=ended or 0,
        from_mentees=summary("mentee"),
        from_mentors=summary("mentor"),
    )


# --- blocks -----------------------------------------------------------------------------------


def block(db: Session, settings: Settings, *, actor: Actor, other_id: uuid.UUID) -> MemberBlock:
    """Block a member: never suggested or matched with them again, either way round; an open
    match between the two is closed, and the other side is told only that it ended."""
    user = actor.person
    if other_id == user.id:
        raise CannotBlockYourself()
    other = db.get(User, other_id)
    if other is None:
        raise NotFound(detail="There is no member with this id.")
    _lock_own_row(db, user)
    existing = db.get(MemberBlock, (user.id, other_id))
    if existing is not None:
        return existing
    count = db.scalar(
        select(func.count()).select_from(MemberBlock).where(MemberBlock.blocker_id == user.id)
    )
    if (count or 0) >= MAX_BLOCKS:
        raise BlockLimit()
    # Both people's requests and profiles, so no proposal between them lands meanwhile.
    _lock_people(db, sorted([user.id, other_id]))
    between = _locked_matches(
        db,
        MentorMatch.status.in_(OPEN_MATCH_STATUSES),
        or_(
            (MentorMatch.mentor_id == user.id) & (MentorMatch.mentee_id == other_id),
            (MentorMatch.mentor_id == other_id) & (MentorMatch.mentee_id == user.id),
        ),
    )
    for match in between:
        _close_for_departure(db, settings, match, leaving=user.id)
    record = MemberBlock(blocker_id=user.id, blocked_id=other_id)
    db.add(record)
    db.flush()
    return record


def unblock(db: Session, *, actor: Actor, other_id: uuid.UUID) -> None:
    user = actor.person
    db.execute(
        delete(MemberBlock).where(
            MemberBlock.blocker_id == user.id, MemberBlock.blocked_id == other_id
        )
    )


def block_read(db: Session, record: MemberBlock, *, name: str | None = None) -> BlockRead:
    return BlockRead(
        user_id=record.blocked_id,
        display_name=name or db.get_one(User, record.blocked_id).display_name,
        blocked_at=record.created_at,
    )


def list_blocks(
    db: Session, *, actor: Actor, limit: int, cursor: str | None
) -> KeysetPage[BlockRead]:
    user = actor.person
    page: KeysetPage[MemberBlock] = paginate(
        db,
        select(MemberBlock).where(MemberBlock.blocker_id == user.id),
        BLOCK_ORDER,
        limit=limit,
        cursor=cursor,
    )
    names = _names(db, [b.blocked_id for b in page.items])
    return KeysetPage(
        [block_read(db, b, name=names[b.blocked_id]) for b in page.items], page.next_cursor
    )
