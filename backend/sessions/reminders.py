"""Reminders before the meetings a member is going to, and the facilitators' morning summary.

The worker runs these every minute. Each reminder is due at a fixed time before the meeting
(24 hours, 1 hour), moved earlier when it would fall in the member's quiet hours; once due it is
sent once, on the channels the member wants, however many workers run (the notification's
dedupe key names the meeting, the moment it starts and the reminder, so a meeting moved to a
new time is reminded of again, and no other edit sends one twice). Nothing goes for a meeting
that was cancelled, that the member said they would not go to, or whose circle they left: only
seats held now are read.

A reminder that fell due before the member took their seat is not sent late (they have just
seen the meeting in the app), and the day-before one is skipped once the hour-before one is due.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.accounts.models import AttendancePrivacy, User
from backend.core import times
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.groups.models import (
    GroupMembership,
    MemberRole,
    MembershipStatus,
    SupportGroup,
)
from backend.notifications import push
from backend.notifications.models import NotificationKind
from backend.notifications.preferences import Preferences, preferences_of
from backend.notifications.service import Notice, notify, sent_keys
from backend.sessions.describe import meeting_place
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus, SessionStatus
from backend.sessions.notices import meeting_link
from backend.sessions.permissions import ANONYMOUS_AT_LEAST


@dataclass(frozen=True)
class Reminder:
    name: str  # in the dedupe key: never change it
    before: timedelta

    def wanted(self, wanted: Preferences) -> bool:
        return wanted.remind_day_before if self is DAY_BEFORE else wanted.remind_hour_before


DAY_BEFORE = Reminder("day", timedelta(hours=24))
HOUR_BEFORE = Reminder("hour", timedelta(hours=1))
REMINDERS = (DAY_BEFORE, HOUR_BEFORE)
# Quiet hours move a reminder at most a day earlier, so meetings up to two days ahead are read.
LOOK_AHEAD = timedelta(hours=48)
# Seats read per run, soonest meetings first (the run is every minute; this bounds each one).
MAX_SEATS_PER_RUN = 5000
# The facilitators' summary goes at this local time on a day with meetings (or when their
# quiet hours end, if later), and at the latest an hour before the day's first meeting.
MORNING = time(7, 0)
SUMMARY_AT_LATEST_BEFORE = timedelta(hours=1)


def due_at(reminder: Reminder, starts_at: datetime, wanted: Preferences, timezone: str) -> datetime:
    return wanted.before_quiet_hours(starts_at - reminder.before, timezone)


def _when(starts_at: datetime, timezone: str, now: datetime) -> str:
    """``today at 7:00 pm``, ``tomorrow at 7:00 pm``, ``on Thursday at 7:00 pm``: short, for a
    subject, in the member's own time zone."""
    zone = ZoneInfo(timezone)
    local, today = starts_at.astimezone(zone), now.astimezone(zone).date()
    at = times.clock(local.time())
    if local.date() == today:
        return f"today at {at}"
    if local.date() == today + timedelta(days=1):
        return f"tomorrow at {at}"
    return f"on {times.DAY_NAMES[local.weekday()]} at {at}"


def _reminder_notice(
    reminder: Reminder,
    session: GroupSession,
    group: SupportGroup,
    user: User,
    wanted: Preferences,
    now: datetime,
) -> Notice:
    what = group.name if wanted.name_circles else "your circle meeting"
    subject = f"Reminder: {what} {_when(session.starts_at, user.timezone, now)}"
    circle = f"the {group.name} meeting" if wanted.name_circles else "the circle meeting"
    when = times.moment(session.starts_at, user.timezone, now=now)
    lines = [f"This is a reminder of {circle} you said you would go to: {when}."]
    if reminder is HOUR_BEFORE:
        # The join link only now, and only to members (everyone reminded holds a member's
        # seat): an old email with a standing link is how uninvited people turn up.
        link = session.online_url or group.online_url
        if link:
            lines.append(f"To join online: {link}")
        place = meeting_place(session.location, group)
        if place:
            lines.append(f"Where: {place}")
    lines.append(
        "If you can no longer come, please say 'not going' in the app, so your seat can go "
        "to someone waiting. Whatever you decide, we are glad you are part of the circle."
    )
    return Notice(
        kind=NotificationKind.reminders,
        subject=subject,
        text="\n\n".join(lines),
        link=meeting_link(session),
        see="See the meeting",
        dedupe_key=reminder_key(session, reminder),
        # Timed already to miss quiet hours; held back any further it could come too late.
        wait_out_quiet_hours=False,
    )


def reminder_key(session: GroupSession, reminder: Reminder) -> str:
    starts = session.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return f"reminder:{session.id}:{starts}:{reminder.name}"


def send_reminders(db: Session, settings: Settings) -> int:
    """The worker's job: every reminder that is due now. Returns how many were sent."""
    now = utcnow()
    seats = db.execute(
        select(Rsvp, GroupSession, User)
        .join(GroupSession, GroupSession.id == Rsvp.session_id)
        .join(User, User.id == Rsvp.user_id)
        .join(
            GroupMembership,
            (GroupMembership.group_id == GroupSession.group_id)
            & (GroupMembership.user_id == Rsvp.user_id),
        )
        .where(
            Rsvp.status == RsvpStatus.going,
            GroupSession.status == SessionStatus.scheduled,
            GroupSession.starts_at > now,
            GroupSession.starts_at <= now + LOOK_AHEAD,
            GroupMembership.status == MembershipStatus.active,
            User.is_active.is_(True),
        )
        .order_by(GroupSession.starts_at, Rsvp.id)
        .limit(MAX_SEATS_PER_RUN)
    ).all()
    if not seats:
        return 0
    user_ids = [user.id for _, _, user in seats]
    wanted = preferences_of(db, user_ids)
    # What was sent already, read once: most seats read each minute have had their reminder.
    # (The unique dedupe key is what keeps a reminder exactly-once; this only saves work.)
    already = sent_keys(db, NotificationKind.reminders, since=now - 2 * LOOK_AHEAD)
    due = [
        (rsvp, session, user, reminder)
        for rsvp, session, user in seats
        if (reminder := _due_reminder(rsvp, session, user, wanted[user.id], now)) is not None
        and (user.id, reminder_key(session, reminder)) not in already
    ]
    if not due:
        return 0
    devices = push.devices_of(db, {user.id for _, _, user, _ in due})
    groups = _groups(db, {session.group_id for _, session, _, _ in due})
    sent = 0
    for _, session, user, reminder in due:
        notice = _reminder_notice(
            reminder, session, groups[session.group_id], user, wanted[user.id], now
        )
        sent += notify(
            db, settings, user, notice, wanted=wanted[user.id], devices=devices.get(user.id, ())
        )
    return sent


def _due_reminder(
    rsvp: Rsvp, session: GroupSession, user: User, wanted: Preferences, now: datetime
) -> Reminder | None:
    """The reminder to send now for this seat, if any (the hour-before one wins)."""
    for reminder in (HOUR_BEFORE, DAY_BEFORE):
        if not reminder.wanted(wanted):
            continue
        due = due_at(reminder, session.starts_at, wanted, user.timezone)
        if due <= now:
            # Due before the seat was taken: the member has just seen the meeting.
            return reminder if rsvp.updated_at <= due else None
    return None


def _groups(db: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, SupportGroup]:
    return {g.id: g for g in db.scalars(select(SupportGroup).where(SupportGroup.id.in_(ids)))}


# --- the facilitators' morning summary ---------------------------------------------------------


def summary_due(first_start: datetime, day: date, wanted: Preferences, timezone: str) -> datetime:
    zone = ZoneInfo(timezone)
    morning = datetime.combine(day, MORNING, tzinfo=zone)
    if wanted.in_quiet_hours(morning, timezone) and wanted.quiet_hours_end is not None:
        morning = datetime.combine(day, wanted.quiet_hours_end, tzinfo=zone)
    due = min(morning.astimezone(first_start.tzinfo), first_start - SUMMARY_AT_LATEST_BEFORE)
    return wanted.before_quiet_hours(due, timezone)


def send_morning_summaries(db: Session, settings: Settings) -> int:
    """The worker's job: each facilitator's summary of their circles' meetings of a day (in
    their own time zone), once it is due: the morning of, or the evening before when quiet
    hours cover the morning. Returns how many were sent."""
    now = utcnow()
    rows = db.execute(
        select(GroupMembership.user_id, GroupSession)
        .join(GroupSession, GroupSession.group_id == GroupMembership.group_id)
        .where(
            GroupMembership.role == MemberRole.facilitator,
            GroupMembership.status == MembershipStatus.active,
            GroupSession.status == SessionStatus.scheduled,
            GroupSession.starts_at > now,
            # Today's and tomorrow's meetings in any zone (tomorrow's: a summary moved to the
            # evening before).
            GroupSession.starts_at <= now + timedelta(hours=54),
        )
        .order_by(GroupSession.starts_at, GroupSession.id)
        .limit(MAX_SEATS_PER_RUN)
    ).all()
    by_facilitator: dict[uuid.UUID, list[GroupSession]] = defaultdict(list)
    for user_id, session in rows:
        by_facilitator[user_id].append(session)
    if not by_facilitator:
        return 0
    people = {
        u.id: u
        for u in db.scalars(
            select(User).where(User.id.in_(by_facilitator), User.is_active.is_(True))
        )
    }
    wanted = preferences_of(db, people)
    devices = push.devices_of(db, people)
    sent = 0
    for user_id, sessions in by_facilitator.items():
        user = people.get(user_id)
        if user is None:
            continue
        for day, meetings in _by_local_day(sessions, user.timezone).items():
            if summary_due(meetings[0].starts_at, day, wanted[user_id], user.timezone) > now:
                continue
            notice = _summary_notice(db, user, meetings, wanted[user_id], day, now)
            sent += notify(
                db, settings, user, notice, wanted=wanted[user_id], devices=devices.get(user_id, ())
            )
    return sent


def _by_local_day(
    sessions: Sequence[GroupSession], timezone: str
) -> dict[date, list[GroupSession]]:
    zone = ZoneInfo(timezone)
    days: dict[date, list[GroupSession]] = defaultdict(list)
    for session in sessions:
        days[session.starts_at.astimezone(zone).date()].append(session)
    return days


def _summary_notice(
    db: Session,
    user: User,
    sessions: Sequence[GroupSession],
    wanted: Preferences,
    day: date,
    now: datetime,
) -> Notice:
    groups = _groups(db, {s.group_id for s in sessions})
    going, waiting = _seats(db, [s.id for s in sessions])
    pending = dict(
        db.execute(
            select(GroupMembership.group_id, func.count())
            .where(
                GroupMembership.group_id.in_(groups),
                GroupMembership.status == MembershipStatus.pending,
            )
            .group_by(GroupMembership.group_id)
        ).all()
    )
    parts: list[str] = []
    for session in sessions:
        group = groups[session.group_id]
        what = group.name if wanted.name_circles else "A circle meeting"
        at = times.clock(session.starts_at.astimezone(ZoneInfo(user.timezone)).time())
        seated = going[session.id]
        named = [u.display_name for u in seated if u.attendance_privacy is AttendancePrivacy.named]
        unnamed = len(seated) - len(named)
        who = ", ".join(named) if named else ""
        if unnamed:
            # Counted apart only when there are enough of them, as on the roster: one or two
            # could be picked out by whoever knows the others.
            more = f"{unnamed} more" if unnamed >= ANONYMOUS_AT_LEAST else "some"
            who = f"{who} and {more}" if who else more.capitalize()
            who += " who chose not to be named"
        lines = [
            f"{what} at {at} ({user.timezone} time)",
            f"Going ({len(seated)} of {session.capacity}): {who or 'nobody yet'}",
            f"On the waitlist: {waiting[session.id]}",
        ]
        if pending.get(group.id):
            lines.append(f"Requests to join this circle waiting for an answer: {pending[group.id]}")
        parts.append("\n".join(lines))
    today = now.astimezone(ZoneInfo(user.timezone)).date() == day
    when = "today" if today else "tomorrow"
    opening = "Good morning. " if today else ""
    meetings = "meetings" if len(sessions) > 1 else "meeting"
    return Notice(
        kind=NotificationKind.digests,
        subject=f"Your circle {meetings} {when}",
        text=f"{opening}Here is who is coming {when}.\n\n" + "\n\n".join(parts),
        link="/staff/circles",
        see="Run your circles",
        dedupe_key=f"summary:{day.isoformat()}",
        # Timed already to miss quiet hours; held back any further it could come too late.
        wait_out_quiet_hours=False,
    )


def _seats(
    db: Session, session_ids: list[uuid.UUID]
) -> tuple[dict[uuid.UUID, list[User]], dict[uuid.UUID, int]]:
    going: dict[uuid.UUID, list[User]] = defaultdict(list)
    waiting: dict[uuid.UUID, int] = defaultdict(int)
    for rsvp, person in db.execute(
        select(Rsvp, User)
        .join(User, User.id == Rsvp.user_id)
        .where(
            Rsvp.session_id.in_(session_ids),
            Rsvp.status.in_([RsvpStatus.going, RsvpStatus.waitlisted]),
        )
        .order_by(Rsvp.requested_at, Rsvp.id)
    ).all():
        if rsvp.status == RsvpStatus.going:
            going[rsvp.session_id].append(person)
        else:
            waiting[rsvp.session_id] += 1
    return going, waiting
