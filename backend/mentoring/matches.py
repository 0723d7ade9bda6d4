"""Matches and their lifecycle: proposed by a mentee (or an admin), accepted or declined by
the mentor, withdrawn, ended; closed when someone leaves; lapsed when a mentor never answers."""

import uuid
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core import audit
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.db import lock_rows_for_update
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, id_key, moment_key, paginate
from backend.core.uniqueness import lock_and_reread
from backend.mentoring import notices, permissions
from backend.mentoring.exceptions import (
    AlreadyMatched,
    CannotMentorYourself,
    MenteeRequestNeeded,
    MentorUnavailable,
    NotYourSide,
    OnlyAdminsProposeForOthers,
)
from backend.mentoring.models import (
    OPEN_MATCH_STATUSES,
    CloseCause,
    MatchFeedback,
    MatchStatus,
    MenteeRequest,
    MentorMatch,
    MentorProfile,
    MentorStatus,
)
from backend.mentoring.rows import (
    MatchAccess,
    close_for_departure,
    close_match,
    display_names,
    evaluate_rows,
    lock_people,
    locked_matches,
    open_match_of_mentee,
    profile_of,
    request_of,
    require_status,
    side_of,
)
from backend.mentoring.schemas import (
    MatchCreate,
    MatchPerson,
    MatchRead,
)

# A proposal the mentor has not answered in this long lapses: the mentee is free to be matched
# again, and the mentor is paused so that no one else waits on them (they unpause themselves).
PROPOSAL_LAPSES_AFTER = timedelta(days=14)
LAPSED_REASON = "The mentor did not answer within 14 days."

MATCH_ORDER = [
    moment_key(MentorMatch.created_at),
    id_key(MentorMatch.id),
]


# --- conversions between stored rows and the pure matching types ---------------------------


# --- mentor profiles --------------------------------------------------------------------------


# --- mentee requests --------------------------------------------------------------------------


# --- suggestions ------------------------------------------------------------------------------


# --- matches ----------------------------------------------------------------------------------


def _audit(db: Session, actor: Actor, action: AuditAction, match: MentorMatch) -> None:
    """Every change of a match is in the audit trail, naming the pair."""
    audit.record(
        db,
        actor.who,
        action,
        target_type="mentor_match",
        target_id=match.id,
        subjects=[match.mentor_id, match.mentee_id],
    )


def match_read(
    db: Session, match: MentorMatch, *, actor: Actor, names: dict[uuid.UUID, str] | None = None
) -> MatchRead:
    """``names`` may be given by a caller that looked up a whole page's names at once."""
    viewer = actor.person
    names = names or display_names(db, [match.mentor_id, match.mentee_id])
    side = side_of(match, viewer)
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


def propose(db: Session, settings: Settings, *, actor: Actor, data: MatchCreate) -> MentorMatch:
    """Propose a pair: a member for themselves, an admin for anyone. The mentor is asked."""
    if data.mentee_id is not None and not permissions.may_propose_for(actor, data.mentee_id):
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
    request = request_of(db, mentee_id)
    if request is None:
        raise MenteeRequestNeeded()
    profile = profile_of(db, data.mentor_id)
    mentor = db.get(User, data.mentor_id)
    if profile is None or mentor is None or profile.status != MentorStatus.approved:
        raise NotFound(detail="There is no mentor with this id.")
    if open_match_of_mentee(db, mentee_id) is not None:
        raise AlreadyMatched()
    evaluation = evaluate_rows(db, request, mentee, profile, mentor)
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
    _audit(db, actor, AuditAction.match_proposed, match)
    return match


def accept(db: Session, settings: Settings, access: MatchAccess) -> MentorMatch:
    actor = access.actor
    # Locked and read again: of two answers at once, the second sees the first's.
    match = lock_and_reread(db, access.match)
    if not permissions.is_mentor_of(actor, match):
        raise NotYourSide(detail="Only the mentor can accept a proposed match.")
    require_status(match, MatchStatus.proposed, "accepted")
    match.status = MatchStatus.active
    match.responded_at = utcnow()
    notices.accepted(db, settings, db.get_one(User, match.mentee_id))
    db.flush()
    _audit(db, actor, AuditAction.match_accepted, match)
    return match


def decline(
    db: Session, settings: Settings, access: MatchAccess, *, reason: str | None
) -> MentorMatch:
    actor, user = access.actor, access.actor.person
    match = lock_and_reread(db, access.match)
    if not permissions.is_mentor_of(actor, match):
        raise NotYourSide(detail="Only the mentor can decline a proposed match.")
    require_status(match, MatchStatus.proposed, "declined")
    close_match(match, MatchStatus.declined, by=user.id, reason=reason, because=CloseCause.declined)
    notices.declined(db, settings, db.get_one(User, match.mentee_id))
    db.flush()
    _audit(db, actor, AuditAction.match_declined, match)
    return match


def withdraw(db: Session, settings: Settings, access: MatchAccess) -> MentorMatch:
    """The mentee (or an admin) takes back a proposal the mentor has not answered."""
    actor, user = access.actor, access.actor.person
    match = lock_and_reread(db, access.match)
    if not permissions.may_withdraw(actor, match):
        raise NotYourSide(detail="Only the mentee (or an admin) can withdraw a proposal.")
    require_status(match, MatchStatus.proposed, "withdrawn")
    close_match(match, MatchStatus.withdrawn, by=user.id, reason=None, because=CloseCause.withdrawn)
    notices.withdrawn(db, settings, db.get_one(User, match.mentor_id))
    db.flush()
    _audit(db, actor, AuditAction.match_withdrawn, match)
    return match


def end(
    db: Session,
    settings: Settings,
    access: MatchAccess,
    *,
    reason: str,
    because: CloseCause | None = None,
) -> MentorMatch:
    """Either of the pair (or an admin, for safety) ends an active match; the other side is
    told, and the pair is never proposed again. ``because`` is for callers that end it for
    a reason of their own (a moderation action); otherwise it says who ended it."""
    user = access.actor.person
    match = lock_and_reread(db, access.match)
    require_status(match, MatchStatus.active, "ended")
    if because is None:
        because = CloseCause.ended_by_pair if access.side else CloseCause.ended_by_admin
    close_match(match, MatchStatus.ended, by=user.id, reason=reason, because=because)
    others = [pid for pid in (match.mentor_id, match.mentee_id) if pid != user.id]
    notices.ended(db, settings, [db.get_one(User, pid) for pid in others])
    db.flush()
    _audit(db, access.actor, AuditAction.match_ended, match)
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
    if not permissions.sees_every_match(actor):
        statement = statement.where(
            or_(MentorMatch.mentor_id == viewer.id, MentorMatch.mentee_id == viewer.id)
        )
    if status is not None:
        statement = statement.where(MentorMatch.status == status)
    page: KeysetPage[MentorMatch] = paginate(
        db, statement, MATCH_ORDER, limit=limit, cursor=cursor, descending=True
    )
    names = display_names(db, {p for m in page.items for p in (m.mentor_id, m.mentee_id)})
    return KeysetPage(
        [match_read(db, m, actor=actor, names=names) for m in page.items], page.next_cursor
    )


def close_open_matches(db: Session, settings: Settings, *, user_id: uuid.UUID) -> None:
    """Close every open match of a person who is leaving (deactivated or erased); the other
    side is told only that it ended. Their request and profile are locked first, so no new
    proposal slips in meanwhile."""
    lock_people(db, [user_id])
    matches = locked_matches(
        db,
        or_(MentorMatch.mentor_id == user_id, MentorMatch.mentee_id == user_id),
        MentorMatch.status.in_(OPEN_MATCH_STATUSES),
    )
    for match in matches:
        close_for_departure(db, settings, match, leaving=user_id, because=CloseCause.account_closed)


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
        matches = locked_matches(db, MentorMatch.mentor_id == mentor_id, *stale)
        for match in matches:
            close_match(
                match,
                MatchStatus.declined,
                by=None,
                reason=LAPSED_REASON,
                because=CloseCause.lapsed,
            )
            notices.declined(db, settings, db.get_one(User, match.mentee_id))
        profile = profile_of(db, mentor_id)
        if matches and profile is not None and not profile.paused:
            profile.paused = True
            notices.paused_after_silence(db, settings, db.get_one(User, mentor_id))
        lapsed += len(matches)
    db.flush()
    return lapsed


# --- the batch run ----------------------------------------------------------------------------


# --- check-ins --------------------------------------------------------------------------------


# --- feedback ---------------------------------------------------------------------------------


# --- blocks -----------------------------------------------------------------------------------
