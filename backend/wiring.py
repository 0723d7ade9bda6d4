"""The composition root: who reacts to what, and which periodic jobs the worker runs.

Domains never import a domain above them; when something in one has consequences in another,
the lower one publishes an event (``backend/*/events.py``) and the handlers listed here react,
in the same transaction. Read this table to know what leaving, archiving or closing an account
does everywhere.

| event                | consequences, in order                                              |
|----------------------|---------------------------------------------------------------------|
| MembershipEnded      | the person's seats at the group's upcoming meetings go to the waitlist |
| GroupArchived        | the group's series end; its upcoming meetings are cancelled            |
| AccountDeactivated   | seats at every upcoming meeting freed; open matches closed             |
| AccountSuspended     | seats at every upcoming meeting freed (matches stay)                   |
| AccountErased        | as deactivation, then mentoring forgets what it held about the person  |
| MemberBlocked        | mentoring: an open match between the two is closed                     |
| SignInsEnded         | the person's secret calendar feed ends                                 |
| AttendanceRecorded   | referrers the person shares attendance with are told (webhook)         |
| AccountErased (too)  | every consent given to a referrer withdrawn; referral addresses go     |
"""

import threading
from datetime import timedelta

from sqlalchemy.orm import Session

from backend.accounts.events import (
    AccountDeactivated,
    AccountErased,
    AccountSuspended,
    SignInsEnded,
)
from backend.core.config import Settings
from backend.core.events import Job, bus
from backend.groups import views as group_views
from backend.groups.events import GroupArchived, MembershipEnded
from backend.mentoring import handlers as mentoring
from backend.mentoring.matches import lapse_unanswered_proposals
from backend.notifications.service import forget_delivered
from backend.referrals import handlers as referrals
from backend.referrals.service import expire_referrals
from backend.safety.events import MemberBlocked
from backend.sessions import handlers as sessions
from backend.sessions import reminders
from backend.sessions.events import AttendanceRecorded
from backend.sessions.generation import generate_all_ahead
from backend.sessions.timetable import SessionsMeetingTimes
from backend.webhooks.delivery import forget_old_deliveries

_lock = threading.Lock()


def _generate_meetings_ahead(db: Session, settings: Settings) -> None:
    # Meetings exist ahead of time even for groups nobody looks at (the directory's day
    # filter reads them).
    generate_all_ahead(db)


def wire() -> None:
    """Subscribe every handler and register every job, once per process."""
    with _lock:
        if bus.wired:
            return
        group_views.use_meeting_times(SessionsMeetingTimes())
        bus.subscribe(MembershipEnded, sessions.free_seats_in_the_group)
        bus.subscribe(GroupArchived, sessions.close_the_group)
        bus.subscribe(AccountDeactivated, sessions.free_every_seat)
        bus.subscribe(AccountDeactivated, mentoring.close_open_matches)
        bus.subscribe(AccountSuspended, sessions.free_every_seat)
        bus.subscribe(AccountErased, sessions.free_every_seat)
        bus.subscribe(AccountErased, mentoring.close_open_matches)
        bus.subscribe(AccountErased, mentoring.forget_the_person)
        bus.subscribe(AccountErased, referrals.withdraw_every_consent)
        bus.subscribe(MemberBlocked, mentoring.close_matches_between)
        bus.subscribe(SignInsEnded, sessions.end_the_calendar_feed)
        bus.subscribe(AttendanceRecorded, referrals.share_recorded_attendance)

        bus.add_job(Job("generate meetings ahead", timedelta(hours=1), _generate_meetings_ahead))
        # No mentee waits forever on a mentor who does not answer.
        bus.add_job(
            Job("lapse unanswered proposals", timedelta(hours=1), lapse_unanswered_proposals)
        )
        # Webhook delivery logs stay bounded.
        bus.add_job(Job("forget old webhook deliveries", timedelta(hours=6), forget_old_deliveries))
        # Referrals past their time expire (and their invitation email goes).
        bus.add_job(Job("expire referrals", timedelta(minutes=15), expire_referrals))
        # Reminders are due to the minute; each is sent once however many workers run.
        bus.add_job(Job("send reminders", timedelta(minutes=1), reminders.send_reminders))
        bus.add_job(
            Job("send morning summaries", timedelta(minutes=5), reminders.send_morning_summaries)
        )
        # Delivered email and push messages do not pile up.
        bus.add_job(Job("forget delivered messages", timedelta(hours=6), forget_delivered))
        bus.wired = True
