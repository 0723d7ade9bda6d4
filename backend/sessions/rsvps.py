"""RSVPs: going, the waitlist, and seats given back (leaving, deactivation, erasure), never
more going than the capacity, however many arrive at once."""

import uuid
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.config import Settings
from backend.core.db import lock_for_update
from backend.core.orm import utcnow
from backend.groups.models import (
    MemberRole,
)
from backend.sessions import notices
from backend.sessions.access import SessionAccess
from backend.sessions.exceptions import (
    FacilitatorsNeedNoSeat,
    RsvpLimit,
    SessionCancelled,
    SessionStarted,
)
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus, SessionStatus

# Per-member cap on RSVPs held for upcoming meetings (SECURITY.md: caps on business flows).
MAX_OPEN_RSVPS = 100


def waitlist_position(db: Session, rsvp: Rsvp) -> int | None:
    if rsvp.status != RsvpStatus.waitlisted:
        return None
    ahead = db.scalar(
        select(func.count()).where(
            Rsvp.session_id == rsvp.session_id,
            Rsvp.status == RsvpStatus.waitlisted,
            (Rsvp.requested_at < rsvp.requested_at)
            | ((Rsvp.requested_at == rsvp.requested_at) & (Rsvp.id < rsvp.id)),
        )
    )
    return int(ahead or 0) + 1


def _going(db: Session, session_id: uuid.UUID) -> int:
    return int(
        db.scalar(
            select(func.count()).where(
                Rsvp.session_id == session_id, Rsvp.status == RsvpStatus.going
            )
        )
        or 0
    )


def promote_waitlisted(db: Session, settings: Settings, session: GroupSession) -> None:
    """Give free seats to the first people waiting, and tell them. Call with the session row
    locked; nothing moves once the session has started or when it is cancelled."""
    if session.status != SessionStatus.scheduled or session.starts_at <= utcnow():
        return
    free = session.capacity - _going(db, session.id)
    if free <= 0:
        return
    waiting = list(
        db.scalars(
            select(Rsvp)
            .where(Rsvp.session_id == session.id, Rsvp.status == RsvpStatus.waitlisted)
            .order_by(Rsvp.requested_at, Rsvp.id)
            .limit(free)
        )
    )
    for rsvp in waiting:
        rsvp.status = RsvpStatus.going
        user = db.get(User, rsvp.user_id)
        if user is not None:
            notices.seat_opened(db, settings, session, user)
    db.flush()


def set_rsvp(db: Session, settings: Settings, access: SessionAccess, *, wanted: RsvpStatus) -> Rsvp:
    """The member's answer for a meeting of their group (``dependencies.RsvpSession``)."""
    user = access.actor.person
    session = access.session
    if access.membership is not None and access.membership.role == MemberRole.facilitator:
        raise FacilitatorsNeedNoSeat()
    # Every decision below is made holding the session's row, so seats are counted once.
    lock_for_update(db, GroupSession.id, session.id)
    db.refresh(session)
    if session.status == SessionStatus.cancelled:
        raise SessionCancelled()
    now = utcnow()
    if session.starts_at <= now:
        raise SessionStarted()
    rsvp = db.scalar(select(Rsvp).where(Rsvp.session_id == session.id, Rsvp.user_id == user.id))
    before = rsvp.status if rsvp is not None else None
    if wanted == RsvpStatus.going:
        if rsvp is None or rsvp.status == RsvpStatus.not_going:
            _check_rsvp_cap(db, user, now)
            seat_free = _going(db, session.id) < session.capacity
            queue = db.scalar(
                select(func.count()).where(
                    Rsvp.session_id == session.id, Rsvp.status == RsvpStatus.waitlisted
                )
            )
            # First come, first served: a free seat with people waiting belongs to them.
            status = RsvpStatus.going if seat_free and not queue else RsvpStatus.waitlisted
            if rsvp is None:
                rsvp = Rsvp(session_id=session.id, user_id=user.id, status=status, requested_at=now)
                db.add(rsvp)
            else:
                rsvp.status = status
                rsvp.requested_at = now
    else:
        was_going = rsvp is not None and rsvp.status == RsvpStatus.going
        if rsvp is None:
            rsvp = Rsvp(
                session_id=session.id,
                user_id=user.id,
                status=RsvpStatus.not_going,
                requested_at=now,
            )
            db.add(rsvp)
        rsvp.status = RsvpStatus.not_going
        db.flush()
        if was_going:
            promote_waitlisted(db, settings, session)
    db.flush()
    if rsvp.status != before and rsvp.status != RsvpStatus.not_going:
        place = waitlist_position(db, rsvp) if rsvp.status == RsvpStatus.waitlisted else None
        notices.rsvp_confirmed(
            db, settings, session, access.group, user, rsvp.status, waitlist_place=place
        )
    return rsvp


def _check_rsvp_cap(db: Session, user: User, now: datetime) -> None:
    held = db.scalar(
        select(func.count())
        .select_from(Rsvp)
        .join(GroupSession, GroupSession.id == Rsvp.session_id)
        .where(
            Rsvp.user_id == user.id,
            Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]),
            GroupSession.starts_at > now,
        )
    )
    if (held or 0) >= MAX_OPEN_RSVPS:
        raise RsvpLimit()


def release_future_rsvps(
    db: Session, settings: Settings, *, group_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    """When someone leaves or is removed from a group, their seats at its upcoming meetings go
    to the people waiting."""
    now = utcnow()
    held = list(
        db.scalars(
            select(Rsvp)
            .join(GroupSession, GroupSession.id == Rsvp.session_id)
            .where(
                GroupSession.group_id == group_id,
                GroupSession.starts_at > now,
                Rsvp.user_id == user_id,
                Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]),
            )
        )
    )
    for rsvp in held:
        session = db.get(GroupSession, rsvp.session_id)
        assert session is not None
        lock_for_update(db, GroupSession.id, session.id)
        was_going = rsvp.status == RsvpStatus.going
        rsvp.status = RsvpStatus.not_going
        db.flush()
        if was_going:
            promote_waitlisted(db, settings, session)


def release_all_future_rsvps(db: Session, settings: Settings, *, user_id: uuid.UUID) -> None:
    """Before an account is erased: its seats at every upcoming meeting go to the people
    waiting."""
    group_ids = set(
        db.scalars(
            select(GroupSession.group_id)
            .join(Rsvp, Rsvp.session_id == GroupSession.id)
            .where(Rsvp.user_id == user_id, GroupSession.starts_at > utcnow())
        )
    )
    for group_id in sorted(group_ids):
        release_future_rsvps(db, settings, group_id=group_id, user_id=user_id)
