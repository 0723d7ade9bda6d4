"""What members are told when a meeting changes, a seat opens, or they RSVP.

Messages are neutral: they never name the group or its topic (an inbox can be seen by others)
unless the member chose so, only the time, in the meeting's own time zone (named, so a member
elsewhere can convert it), and where to look in the app. A member with a seat gets the meeting
as a calendar file too, so the event in their calendar follows the change; never with the join
link, which only the hour-before reminder carries (an old email with a standing link is how
uninvited people turn up).

Quiet hours hold these back as any notice, but never past an hour before the meeting.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core import times
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.groups.models import SupportGroup
from backend.notifications.models import Channel, NotificationKind
from backend.notifications.preferences import Preferences, preferences
from backend.notifications.service import Notice, Recipient, notify, notify_people
from backend.sessions.calendar import meeting_attachment
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus

SEE = "See your meetings"
# However long quiet hours last, word of a change to a meeting arrives this long before it.
HELD_AT_MOST_UNTIL_BEFORE = timedelta(hours=1)


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
    needed_by: datetime | None = None,
) -> None:
    """The same words to each person, with the meeting as a calendar file for those who hold
    a seat (their own: the group named only if they chose so)."""
    people = list(users)
    group = db.get_one(SupportGroup, session.group_id)
    seated = set(
        db.scalars(
            select(Rsvp.user_id).where(
                Rsvp.session_id == session.id,
                Rsvp.user_id.in_([user.id for user in people]),
                Rsvp.status == RsvpStatus.going,
            )
        )
    )
    by_id = {user.id: user for user in people}

    def notice_for(person: Recipient, wanted: Preferences) -> Notice:
        user = by_id[person.id]
        calendar = _calendar_file(session, group, user, wanted) if user.id in seated else None
        return Notice(
            kind=NotificationKind.changes,
            subject=subject,
            text=text,
            link=meeting_link(session),
            see=SEE,
            calendar=calendar,
            channels=channels,
            needed_by=(needed_by or session.starts_at) - HELD_AT_MOST_UNTIL_BEFORE,
        )

    notify_people(db, settings, people, notice_for)


def _calendar_file(
    session: GroupSession, group: SupportGroup, user: User, wanted: Preferences
) -> str:
    # Mail apps show the event's title in the message: the group's name only when the person
    # chose it for their calendar and for their messages.
    names = user.calendar_shows_group_names and wanted.name_circles
    return meeting_attachment(session, group, names=names, show_link=False)


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
        needed_by=min(previous, session.starts_at),
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
    *,
    waitlist_place: int | None,
) -> None:
    """The answer to a member's own RSVP, by email only (they are in the app already): a seat
    comes with the meeting as a calendar file, a waitlist place with what happens next."""
    when = local_time(session.starts_at, session.timezone)
    wanted = preferences(db, user.id)
    calendar = None
    if status == RsvpStatus.going:
        subject = "You are going to a circle meeting"
        text = (
            f"Thank you for letting us know: you have a seat at the circle meeting at {when}. "
            "The meeting is attached, so you can add it to your calendar; the link to join "
            "online comes in your reminder an hour before.\n\n"
            "If you can no longer come, please say 'not going' in the app, so the seat can go "
            "to someone waiting."
        )
        calendar = _calendar_file(session, group, user, wanted)
    else:
        place = f"number {waitlist_place} on its waitlist" if waitlist_place else "on its waitlist"
        subject = "You are on the waitlist for a circle meeting"
        text = (
            f"The circle meeting at {when} is full, so you are {place}. When a seat becomes "
            "yours, we will tell you at once."
        )
    notice = Notice(
        kind=NotificationKind.changes,
        subject=subject,
        text=text,
        link=meeting_link(session),
        see=SEE,
        calendar=calendar,
        channels=frozenset({Channel.email}),
        # The answer to what the person just did: it goes at once, quiet hours or not.
        wait_out_quiet_hours=False,
    )
    # Email only: no device to push to, so none is read.
    notify(db, settings, user, notice, wanted=wanted)
