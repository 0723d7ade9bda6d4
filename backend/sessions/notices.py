"""What members are told by email when a meeting changes or a seat opens.

Messages are neutral: they never name the group or its topic (an inbox can be seen by others),
only the time, in the meeting's own time zone (named, so a member elsewhere can convert it),
and where to look in the app.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import times
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.notifications.models import NotificationKind
from backend.notifications.service import Notice, notify_people
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus


def local_time(moment: datetime, timezone: str) -> str:
    """``7:00 pm (America/Chicago time) on Tuesday, 3 March``."""
    return times.moment(moment, timezone, now=utcnow())


def _send(db: Session, settings: Settings, users: Iterable[User], subject: str, text: str) -> None:
    notify_people(
        db,
        settings,
        users,
        Notice(
            kind=NotificationKind.changes,
            subject=subject,
            text=text,
            link="/my-meetings",
            see="See your meetings",
        ),
    )


def people_with_rsvps(db: Session, session: GroupSession) -> list[User]:
    """Everyone holding a seat or a waitlist place for the session."""
    return list(
        db.scalars(
            select(User)
            .join(Rsvp, Rsvp.user_id == User.id)
            .where(
                Rsvp.session_id == session.id,
                Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]),
            )
            .order_by(User.id)
        )
    )


def cancelled(db: Session, settings: Settings, session: GroupSession, users: list[User]) -> None:
    when = local_time(session.starts_at, session.timezone)
    reason = f"\n\nThe facilitators say: {session.cancel_reason}" if session.cancel_reason else ""
    _send(
        db,
        settings,
        users,
        "A circle meeting has been cancelled",
        f"The circle meeting at {when} that you planned to attend has been cancelled.{reason}\n\n"
        "Your other RSVPs are unchanged.",
    )


def moved(
    db: Session, settings: Settings, session: GroupSession, previous: datetime, users: list[User]
) -> None:
    before = local_time(previous, session.timezone)
    after = local_time(session.starts_at, session.timezone)
    _send(
        db,
        settings,
        users,
        "A circle meeting has a new time",
        f"The circle meeting you planned to attend at {before} now takes place at {after}.\n\n"
        "Your RSVP still stands; if the new time does not suit you, you can change it in the app.",
    )


def restored(db: Session, settings: Settings, session: GroupSession, users: list[User]) -> None:
    when = local_time(session.starts_at, session.timezone)
    _send(
        db,
        settings,
        users,
        "A circle meeting is back on",
        f"The circle meeting at {when} is taking place after all. Your RSVP stands.",
    )


def seat_opened(db: Session, settings: Settings, session: GroupSession, user: User) -> None:
    when = local_time(session.starts_at, session.timezone)
    _send(
        db,
        settings,
        [user],
        "A seat opened up for you",
        f"A seat opened up at the circle meeting at {when}, and it is yours: your RSVP is now "
        "'going'.\n\nIf you can no longer come, please say 'not going' in the app so the seat "
        "goes to the next person waiting.",
    )
