"""Demo meetings: the schedule of every demo circle (demo/groups.yaml), from six weeks ago, with
RSVPs and attendance for the meetings already held and RSVPs for the next ones; and, whenever
the demo starts, a meeting of the check-in member's (River's) whose check-in is open.

Attendance is varied but the same on every run (a random generator seeded per group)."""

import random
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core import times
from backend.core.config import get_settings
from backend.core.orm import utcnow
from backend.demo import DemoContent
from backend.groups.models import (
    GroupMembership,
    GroupStatus,
    MemberRole,
    MembershipStatus,
    SupportGroup,
)
from backend.sessions import access, attendance, schedules, service
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus, Schedule, SessionStatus
from backend.sessions.schemas import AttendanceEntry, SessionCreate

HISTORY = timedelta(weeks=6)
CHECK_IN_LEAD = timedelta(minutes=10)
CHECK_IN_MEETING_MINUTES = 60


def _members(db: Session, group_id: object) -> list[User]:
    return list(
        db.scalars(
            select(User)
            .join(GroupMembership, GroupMembership.user_id == User.id)
            .where(
                GroupMembership.group_id == group_id,
                GroupMembership.status == MembershipStatus.active,
                GroupMembership.role == MemberRole.member,
            )
            .order_by(User.email)
        )
    )


def _history(db: Session, facilitator: User, group: SupportGroup, rng: random.Random) -> None:
    """RSVPs and attendance for the meetings already held, as a facilitator would have kept."""
    now = utcnow()
    members = _members(db, group.id)
    past = db.scalars(
        select(GroupSession)
        .where(GroupSession.group_id == group.id, GroupSession.ends_at <= now)
        .order_by(GroupSession.starts_at)
    )
    for session in past:
        entries = []
        for member in members:
            going = rng.random() < 0.85
            if going:
                db.add(
                    Rsvp(
                        session_id=session.id,
                        user_id=member.id,
                        status=RsvpStatus.going,
                        requested_at=session.starts_at - timedelta(days=rng.randint(1, 6)),
                    )
                )
            roll = rng.random()
            status = (
                "present"
                if roll < 0.65
                else "late"
                if roll < 0.75
                else "excused"
                if roll < 0.85
                else None  # a no-show when they said they were going; otherwise just away
            )
            if status is not None:
                entries.append(
                    AttendanceEntry.model_validate({"user_id": member.id, "status": status})
                )
        db.flush()
        if entries:
            who = Actor.of_person(facilitator)
            attendance.record_attendance(
                db, get_settings(), access.managed_session(db, session.id, who), entries=entries
            )


def _upcoming_rsvps(db: Session, group: SupportGroup, rng: random.Random) -> None:
    now = utcnow()
    upcoming = list(
        db.scalars(
            select(GroupSession)
            .where(GroupSession.group_id == group.id, GroupSession.starts_at > now)
            .order_by(GroupSession.starts_at)
            .limit(2)
        )
    )
    for session in upcoming:
        for member in _members(db, group.id):
            if rng.random() < 0.7:
                db.add(
                    Rsvp(
                        session_id=session.id,
                        user_id=member.id,
                        status=RsvpStatus.going,
                        requested_at=now - timedelta(hours=rng.randint(1, 48)),
                    )
                )
    db.flush()


def seed_demo_sessions(db: Session, demo: DemoContent) -> list[str]:
    facilitator = db.scalar(select(User).where(User.email == demo.facilitator.email))
    if facilitator is None:
        return []
    today = utcnow().date()
    added = 0
    for spec in demo.groups:
        group = db.scalar(select(SupportGroup).where(SupportGroup.name == spec.name))
        if group is None or db.scalar(select(Schedule.id).where(Schedule.group_id == group.id)):
            continue
        schedules.create_schedule(
            db,
            access.managed_group(db, group.id, Actor.of_person(facilitator)),
            data=spec.schedule.starting_on(today - HISTORY),
        )
        rng = random.Random(spec.name)  # noqa: S311 - demo variety, not security
        _history(db, facilitator, group, rng)
        _upcoming_rsvps(db, group, rng)
        added += 1
    if not added:
        return []
    return [f"Meetings for {added} demo groups: six weeks of history and the next three months."]


def _open_for_check_in(
    db: Session, group_ids: list[uuid.UUID], now: datetime
) -> tuple[GroupSession, SupportGroup] | None:
    row = db.execute(
        select(GroupSession, SupportGroup)
        .join(SupportGroup, SupportGroup.id == GroupSession.group_id)
        .where(
            GroupSession.group_id.in_(group_ids),
            GroupSession.status == SessionStatus.scheduled,
            GroupSession.starts_at <= now + attendance.CHECK_IN_OPENS,
            GroupSession.ends_at > now,
        )
        .order_by(GroupSession.starts_at, GroupSession.id)
        .limit(1)
    ).first()
    return None if row is None else (row[0], row[1])


def seed_demo_check_in(db: Session, demo: DemoContent) -> list[str]:
    """Make sure a group the check-in member (River) is an active member of has a meeting open
    for check-in now (the demo facilitator runs it and can show the code): unless one already
    is, a one-off starting at the next five minutes plus ten, in the first of their groups.
    Runs on every start of the demo; a second run while that meeting is open adds nothing."""
    facilitator = db.scalar(select(User).where(User.email == demo.facilitator.email))
    river = db.scalar(select(User).where(User.email == demo.check_in_member))
    if facilitator is None or river is None:
        return []
    facilitated = select(GroupMembership.group_id).where(
        GroupMembership.user_id == facilitator.id,
        GroupMembership.role == MemberRole.facilitator,
        GroupMembership.status == MembershipStatus.active,
    )
    groups = {
        group.name: group
        for group in db.scalars(
            select(SupportGroup)
            .join(GroupMembership, GroupMembership.group_id == SupportGroup.id)
            .where(
                GroupMembership.user_id == river.id,
                GroupMembership.status == MembershipStatus.active,
                SupportGroup.status == GroupStatus.active,
                SupportGroup.id.in_(facilitated),
            )
        )
    }
    if not groups:
        return []
    now = utcnow()
    found = _open_for_check_in(db, [group.id for group in groups.values()], now)
    if found is None:
        group = next(
            (groups[name] for name in _groups_of(demo, river.email) if name in groups),
            min(groups.values(), key=lambda g: g.name),
        )
        five = now.replace(minute=0, second=0, microsecond=0) + timedelta(
            minutes=(now.minute // 5 + 1) * 5
        )
        zone = db.scalar(select(Schedule.timezone).where(Schedule.group_id == group.id).limit(1))
        session = service.create_session(
            db,
            access.managed_group(db, group.id, Actor.of_person(facilitator)),
            data=SessionCreate(
                starts_at=five + CHECK_IN_LEAD,
                duration_minutes=CHECK_IN_MEETING_MINUTES,
                timezone=zone or "America/Chicago",
            ),
        )
        found = session, group
    session, group = found
    when = times.moment(session.starts_at, session.timezone, now=now)
    return [
        f"Check-in is open for a meeting of {group.name} ({river.display_name}, {river.email}, "
        f"is a member) {'starting' if session.starts_at > now else 'that began'} at {when}; "
        f"{facilitator.email} can read its check-in code."
    ]


def _groups_of(demo: DemoContent, email: str) -> list[str]:
    return next((a.groups for a in demo.accounts if a.email == email), [])
