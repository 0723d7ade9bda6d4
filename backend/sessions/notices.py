"""What members are told when a meeting changes, a seat opens, or they RSVP.

Messages are neutral: they never name the group or its topic (an inbox can be seen by others)
unless the member chose so, only the time, in the meeting's own time zone (named, so a member
elsewhere can convert it), and where to look in the app. A member with a seat gets the meeting
as a calendar file too, so the event in their calendar follows the change.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import times
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.groups.models import GroupMembership, MembershipStatus, SupportGroup
from backend.notifications.models import Channel, NotificationKind
from backend.notifications.preferences import Preferences, preferences
from backend.notifications.service import Notice, Recipient, notify, notify_people
from backend.sessions.calendar import meeting_attachment
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus

SEE = "See your meetings"


def local_time(moment: datetime, timezone: str) -> str:
    """``7:00 pm (America/Chicago time) on Tuesday, 3 March``."""
    return times.moment(moment, timezone, now=utcnow())


def meeting_link(session: GroupSession) -> str:
    return f"/meetings/{session.id}"


def _tell(
    db: Session,
    settings: Settings,
    session: GroupSession,
    users: Iterable[User],
    subject: str,
    text: str,
    *,
    channels: frozenset[Channel] = frozenset(Channel),
) -> None:
    """The same words to each person, with the meeting as a calendar file for those who hold
    a seat (their own: the group named only if they chose so, the link only for members)."""
    people = list(users)
    group = db.get_one(SupportGroup, session.group_id)
    ids = [user.id for user in people]
    seated = set(
        db.scalars(
            select(Rsvp.user_id).where(
                Rsvp.session_id == session.id,
                Rsvp.user_id.in_(ids),
                Rsvp.status == RsvpStatus.going,
            )
        )
    )
    members = set(
        db.scalars(
            select(GroupMembership.user_id).where(
                GroupMembership.group_id == group.id,
                GroupMembership.user_id.in_(ids),
                GroupMembership.status == MembershipStatus.active,
            )
        )
    )
    by_id = {user.id: user for user in people}

    def notice_for(person: Recipient, wanted: Preferences) -> Notice:
        user = by_id[person.id]
        calendar = (
            meeting_attachment(
                session,
                group,
                names=user.calendar_shows_group_names,
                show_link=user.id in members,
            )
            if user.id in seated
            else None
        )
        return Notice(
            kind=NotificationKind.changes,
            subject=subject,
            text=text,
            link=meeting_link(session),
            see=SEE,
            calendar=calendar,
            channels=channels,
        )

    notify_people(db, settings, people, notice_for)


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
    _tell(
        db,
        settings,
        session,
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
    _tell(
        db,
        settings,
        session,
        users,
        "A circle meeting has a new time",
        f"The circle meeting you planned to attend at {before} now takes place at {after}.\n\n"
        "Your RSVP still stands; if the new time does not suit you, you can change it in the app.",
    )


def restored(db: Session, settings: Settings, session: GroupSession, users: list[User]) -> None:
    when = local_time(session.starts_at, session.timezone)
    _tell(
        db,
        settings,
        session,
        users,
        "A circle meeting is back on",
        f"The circle meeting at {when} is taking place after all. Your RSVP stands.",
    )


def seat_opened(db: Session, settings: Settings, session: GroupSession, user: User) -> None:
    when = local_time(session.starts_at, session.timezone)
    _tell(
        db,
        settings,
        session,
        [user],
        "A seat opened up for you",
        f"A seat opened up at the circle meeting at {when}, and it is yours: your RSVP is now "
        "'going'.\n\nIf you can no longer come, please say 'not going' in the app so the seat "
        "goes to the next person waiting.",
    )


def rsvp_confirmed(
    db: Session,
    settings: Settings,
    session: GroupSession,
    group: SupportGroup,
    user: User,
    status: RsvpStatus,
) -> None:
    """The answer to a member's own RSVP, by email only (they are in the app already): a seat
    comes with the meeting as a calendar file, a waitlist place with what happens next."""
    when = local_time(session.starts_at, session.timezone)
    calendar = None
    if status == RsvpStatus.going:
        subject = "You are going to a circle meeting"
        text = (
            f"Thank you for letting us know: you have a seat at the circle meeting at {when}. "
            "The meeting is attached, so you can add it to your calendar.\n\n"
            "If you can no longer come, please say 'not going' in the app, so the seat can go "
            "to someone waiting."
        )
        # Only members RSVP, so the link is theirs to see.
        calendar = meeting_attachment(
            session, group, names=user.calendar_shows_group_names, show_link=True
        )
    else:
        subject = "You are on the waitlist for a circle meeting"
        text = (
            f"The circle meeting at {when} is full, so you are on its waitlist. If a seat opens "
            "up, it is yours and we will tell you."
        )
    notice = Notice(
        kind=NotificationKind.changes,
        subject=subject,
        text=text,
        link=meeting_link(session),
        see=SEE,
        calendar=calendar,
        channels=frozenset({Channel.email}),
        on_request=True,
    )
    # Email only: no device to push to, so none is read.
    notify(db, settings, user, notice, wanted=preferences(db, user.id))
