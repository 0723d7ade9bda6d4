"""Mentoring's stored rows: loading and locking them, and turning them into the pure
``matching`` types, so a pair is scored the same way wherever it is shown.

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
from dataclasses import dataclass
from datetime import time
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core.config import Settings
from backend.core.db import lock_for_update, lock_rows_for_update
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.mentoring import matching, notices, permissions
from backend.mentoring.exceptions import (
    WrongMatchStatus,
)
from backend.mentoring.models import (
    CLOSED_PAIR_STATUSES,
    OPEN_MATCH_STATUSES,
    CloseCause,
    MatchStatus,
    MenteeRequest,
    MentorMatch,
    MentorProfile,
    MentorStatus,
)
from backend.mentoring.schemas import (
    AvailabilitySlot,
)
from backend.safety.models import MemberBlock
from backend.topics.models import Topic

Side = Literal["mentor", "mentee"]


def slots_to_store(slots: Sequence[AvailabilitySlot]) -> list[dict[str, Any]]:
    return [
        {"weekday": s.weekday, "start": s.start.strftime("%H:%M"), "end": s.end.strftime("%H:%M")}
        for s in sorted(slots, key=lambda s: (s.weekday, s.start, s.end))
    ]


def weekly_slots(stored: Iterable[dict[str, Any]]) -> tuple[matching.WeeklySlot, ...]:
    return tuple(
        matching.WeeklySlot(
            weekday=int(raw["weekday"]),
            start=time.fromisoformat(raw["start"]),
            end=time.fromisoformat(raw["end"]),
        )
        for raw in stored
    )


def slots_to_read(stored: Iterable[dict[str, Any]]) -> list[AvailabilitySlot]:
    return [AvailabilitySlot.model_validate(raw) for raw in stored]


def topic_vocabulary(db: Session) -> matching.Vocabulary:
    return matching.Vocabulary(topic_names=dict(db.execute(select(Topic.slug, Topic.name)).all()))


def mentor_loads(db: Session, mentor_ids: Iterable[uuid.UUID] | None = None) -> Counter[uuid.UUID]:
    """Each mentor's open matches (proposed or active): the seats they have given."""
    statement = (
        select(MentorMatch.mentor_id, func.count())
        .where(MentorMatch.status.in_(OPEN_MATCH_STATUSES))
        .group_by(MentorMatch.mentor_id)
    )
    if mentor_ids is not None:
        statement = statement.where(MentorMatch.mentor_id.in_(list(mentor_ids)))
    return Counter(dict(db.execute(statement).all()))


def as_candidate(profile: MentorProfile, user: User, load: int) -> matching.MentorCandidate:
    return matching.MentorCandidate(
        user_id=user.id,
        experience_areas=frozenset(profile.experience_areas),
        languages=frozenset(profile.languages),
        availability=weekly_slots(profile.availability),
        timezone=user.timezone,
        capacity=profile.capacity,
        load=load,
        years_in_recovery=profile.years_in_recovery,
        gender=profile.gender,
        approved=profile.status == MentorStatus.approved,
        paused=profile.paused,
        account_active=user.is_active,
    )


def as_need(request: MenteeRequest, user: User) -> matching.MenteeNeed:
    return matching.MenteeNeed(
        user_id=user.id,
        needs=frozenset(request.needs),
        languages=frozenset(request.languages),
        availability=weekly_slots(request.availability),
        timezone=user.timezone,
        preferred_mentor_gender=request.preferred_mentor_gender,
        min_years_in_recovery=request.min_years_in_recovery,
    )


def available_mentors(db: Session) -> list[tuple[MentorProfile, User, int]]:
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
    loads = mentor_loads(db, [user.id for _, user in rows])
    return [(profile, user, loads[user.id]) for profile, user in rows]


def as_candidates(
    mentors: Iterable[tuple[MentorProfile, User, int]],
) -> list[matching.MentorCandidate]:
    return [as_candidate(profile, user, load) for profile, user, load in mentors]


def excluded_pairs(
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


def profile_of(db: Session, user_id: uuid.UUID) -> MentorProfile | None:
    return db.scalar(select(MentorProfile).where(MentorProfile.user_id == user_id))


def request_of(db: Session, user_id: uuid.UUID) -> MenteeRequest | None:
    return db.scalar(select(MenteeRequest).where(MenteeRequest.user_id == user_id))


def open_match_of_mentee(db: Session, mentee_id: uuid.UUID) -> MentorMatch | None:
    return db.scalar(
        select(MentorMatch).where(
            MentorMatch.mentee_id == mentee_id, MentorMatch.status.in_(OPEN_MATCH_STATUSES)
        )
    )


def display_names(db: Session, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    ids = list(user_ids)
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


def side_of(match: MentorMatch, user: User) -> Side | None:
    if match.mentor_id == user.id:
        return "mentor"
    if match.mentee_id == user.id:
        return "mentee"
    return None


def close_match(
    match: MentorMatch,
    status: MatchStatus,
    *,
    by: uuid.UUID | None,
    reason: str | None,
    because: CloseCause,
) -> None:
    """Every close goes through here, so every closed match says why in ``closed_because``."""
    now = utcnow()
    if match.status == MatchStatus.proposed:
        match.responded_at = now
    if status == MatchStatus.ended:
        match.ended_at = now
    # Whoever closed it, however: erasure finds the reasons a person wrote by this.
    match.ended_by_id = by
    match.status = status
    match.close_reason = reason
    match.closed_because = because


def lock_people(db: Session, user_ids: Sequence[uuid.UUID]) -> None:
    """Lock the mentee requests and then the mentor profiles of these people: what a new
    proposal between any of them needs, so holding these keeps new proposals out."""
    lock_rows_for_update(db, MenteeRequest.user_id, MenteeRequest.user_id.in_(user_ids))
    lock_rows_for_update(db, MentorProfile.user_id, MentorProfile.user_id.in_(user_ids))


def locked_matches(db: Session, *criteria: Any) -> list[MentorMatch]:
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


def lock_own_row(db: Session, user: User) -> None:
    """Serialise a person's own first-time writes (two clicks of "save" at once), which would
    otherwise both find no row and both insert."""
    lock_for_update(db, User.id, user.id)


def evaluate_rows(
    db: Session, request: MenteeRequest, mentee: User, profile: MentorProfile, mentor: User
) -> matching.Evaluation | None:
    return matching.evaluate(
        as_need(request, mentee),
        as_candidate(profile, mentor, mentor_loads(db, [mentor.id])[mentor.id]),
        excluded_pairs=excluded_pairs(db, [mentee.id]),
        vocabulary=topic_vocabulary(db),
        week_of=utcnow().date(),
    )


@dataclass(frozen=True)
class MatchAccess:
    """A match, the actor, and which side of it they are on (None for an admin outside the
    pair): loaded and authorised once (``dependencies.VisibleMatch`` / ``PairMatch``)."""

    match: MentorMatch
    actor: Actor
    side: Side | None


def visible_match(db: Session, match_id: uuid.UUID, actor: Actor) -> MatchAccess:
    """A match the actor is half of, or any match for an admin; 404 for anyone else."""
    match = db.get(MentorMatch, match_id)
    if match is None or not permissions.can_see_match(actor, match):
        raise NotFound()
    return MatchAccess(match, actor, side_of(match, actor.person))


def pair_match(db: Session, match_id: uuid.UUID, actor: Actor) -> MatchAccess:
    """A match the actor is half of. Admins get 404 too: check-ins and feedback are the
    pair's own."""
    match = db.get(MentorMatch, match_id)
    side = None if match is None else side_of(match, actor.person)
    if match is None or side is None:
        raise NotFound()
    return MatchAccess(match, actor, side)


def require_status(match: MentorMatch, status: MatchStatus, doing: str) -> None:
    if match.status != status:
        raise WrongMatchStatus(
            detail=f"Only a {status.value} match can be {doing}; this one is {match.status.value}."
        )


def close_for_departure(
    db: Session,
    settings: Settings,
    match: MentorMatch,
    *,
    leaving: uuid.UUID,
    because: CloseCause,
) -> None:
    """Close an open match because one side leaves it (erasure or a block), telling the other
    side only that it has ended, never why."""
    other = db.get_one(User, match.mentee_id if match.mentor_id == leaving else match.mentor_id)
    if match.status == MatchStatus.active:
        close_match(match, MatchStatus.ended, by=leaving, reason=None, because=because)
        notices.ended(db, settings, [other])
    elif match.mentor_id == leaving:
        close_match(match, MatchStatus.declined, by=leaving, reason=None, because=because)
        notices.declined(db, settings, other)
    else:
        close_match(match, MatchStatus.withdrawn, by=leaving, reason=None, because=because)
        notices.withdrawn(db, settings, other)
