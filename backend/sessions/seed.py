"""Demo meetings: a schedule for every demo group (weekly, fortnightly, monthly, in a few time
zones), six weeks of past meetings with RSVPs and attendance, and RSVPs for the next ones.

Attendance is varied but the same on every run (a random generator seeded per group)."""

import random
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.orm import utcnow
from backend.groups.models import GroupMembership, MemberRole, MembershipStatus, SupportGroup
from backend.sessions import attendance, service
from backend.sessions.models import GroupSession, Rsvp, RsvpStatus, Schedule
from backend.sessions.schemas import AttendanceEntry, ScheduleCreate

# group name -> (rule, local start, minutes, zone)
DEMO_SCHEDULES: dict[str, tuple[str, str, int, str]] = {
    "Tuesday Evening Anxiety Circle": ("FREQ=WEEKLY;BYDAY=TU", "19:00", 60, "America/Chicago"),
    "Daylight: Depression Peer Support": ("FREQ=WEEKLY;BYDAY=TH", "12:30", 75, "America/Chicago"),
    "Steady Ground: Bipolar Support": (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        "18:30",
        90,
        "America/Chicago",
    ),
    "After the Loss: Grief Circle": ("FREQ=WEEKLY;BYDAY=WE", "18:00", 90, "America/Chicago"),
    "Círculo de Apoyo en Español": ("FREQ=WEEKLY;BYDAY=SA", "10:00", 90, "America/Chicago"),
    "Open Doors Recovery Meeting": ("FREQ=WEEKLY;BYDAY=MO,FR", "07:30", 60, "America/Chicago"),
    "Nourish: Eating Disorder Recovery": (
        "FREQ=WEEKLY;BYDAY=SU",
        "16:00",
        60,
        "America/New_York",
    ),
    "Caregivers' Corner": ("FREQ=MONTHLY;BYDAY=1TH", "19:00", 90, "America/Chicago"),
    "Rainbow Circle": ("FREQ=WEEKLY;BYDAY=FR", "19:30", 90, "America/Chicago"),
    "Next Chapter: Young Adults": ("FREQ=WEEKLY;BYDAY=WE", "20:00", 60, "America/Los_Angeles"),
    "Veterans Peer Circle": ("FREQ=WEEKLY;BYDAY=TU", "18:00", 90, "America/Denver"),
    "Trauma-Informed Women's Circle": (
        "FREQ=MONTHLY;BYDAY=2SA,4SA",
        "11:00",
        90,
        "America/Chicago",
    ),
}
HISTORY = timedelta(weeks=6)


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
            attendance.record_attendance(
                db,
                recorder=attendance.Recorder(user=facilitator),
                session_id=session.id,
                entries=entries,
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


def seed_demo_sessions(db: Session) -> list[str]:
    facilitator = db.scalar(select(User).where(User.email == "facilitator@example.org"))
    if facilitator is None:
        return []
    today = utcnow().date()
    added = 0
    for name, (rule, start, minutes, zone) in DEMO_SCHEDULES.items():
        group = db.scalar(select(SupportGroup).where(SupportGroup.name == name))
        if group is None or db.scalar(select(Schedule.id).where(Schedule.group_id == group.id)):
            continue
        service.create_schedule(
            db,
            actor=facilitator,
            group_id=group.id,
            data=ScheduleCreate.model_validate(
                {
                    "rrule": rule,
                    "start_time": start,
                    "duration_minutes": minutes,
                    "timezone": zone,
                    "starts_on": (today - HISTORY).isoformat(),
                }
            ),
        )
        rng = random.Random(name)  # noqa: S311 - demo variety, not security
        _history(db, facilitator, group, rng)
        _upcoming_rsvps(db, group, rng)
        added += 1
    if not added:
        return []
    return [f"Meetings for {added} demo groups: six weeks of history and the next three months."]
