"""iCalendar (RFC 5545) feeds: a member's own, behind a secret URL, and one per listed group;
and one meeting as a file of its own, for whoever may read it.

A series is one recurring event (RRULE in its local zone, with a VTIMEZONE), so calendar apps
keep 7 pm at 7 pm across daylight-saving changes. An occurrence cancelled or changed on its own
is an override with the series' UID and a RECURRENCE-ID; meetings outside any series (one-offs,
and those a series edit left behind) are events of their own. UIDs never change, and SEQUENCE
goes up with every change, so calendar apps update events instead of duplicating them.

Titles are neutral ("Circle meeting") unless the member chose to see group names: a calendar is
often visible to family or colleagues.
"""

import hmac
import re
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from icalendar import Calendar, Event, vRecur
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core.config import Settings
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.routing import API_PREFIX
from backend.core.security import keyed_digest
from backend.core.uniqueness import insert_once
from backend.groups.models import (
    GroupMembership,
    GroupStatus,
    MembershipStatus,
    SupportGroup,
    Visibility,
)
from backend.sessions import recurrence as rec
from backend.sessions.access import SessionAccess, shows_meeting_link
from backend.sessions.describe import meeting_place
from backend.sessions.models import CalendarFeed, GroupSession, Schedule, SessionStatus

NEUTRAL_TITLE = "Circle meeting"
UID_DOMAIN = "strength-circles"
# Meetings outside a series are listed from this far back; series carry their whole history.
PAST_STANDALONE = timedelta(days=365)
TOKEN_DIGEST_BYTES = 16
ZONE_RULES_AHEAD = timedelta(days=10 * 366)
TOKEN_PATTERN = re.compile(r"[0-9a-f]{64}")


# --- feed URLs --------------------------------------------------------------------------------


def _signature(settings: Settings, feed_id: uuid.UUID) -> str:
    digest = keyed_digest(settings, purpose="calendar-feed", message=feed_id.hex)
    return digest[:TOKEN_DIGEST_BYTES].hex()


def feed_url(db: Session, settings: Settings, *, actor: Actor) -> str:
    """The member's secret feed URL, made on first use and the same until revoked."""
    user = actor.person
    feed = db.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is None:  # two first asks at once (two open tabs) make one feed
        feed = insert_once(db, CalendarFeed, key={"user_id": user.id})[0]
    token = feed.id.hex + _signature(settings, feed.id)
    return f"{settings.public_url.rstrip('/')}{API_PREFIX}/calendar/{token}.ics"


def revoke_feed(db: Session, *, actor: Actor) -> None:
    end_feed(db, user_id=actor.person.id)


def end_feed(db: Session, *, user_id: uuid.UUID) -> None:
    feed = db.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id))
    if feed is not None:
        db.delete(feed)
        db.flush()


def _feed_owner(db: Session, settings: Settings, token: str) -> User:
    """The member a feed token belongs to; anything else is 404, like a random address."""
    if not TOKEN_PATTERN.fullmatch(token):
        raise NotFound()
    feed_id = uuid.UUID(hex=token[:32])
    if not hmac.compare_digest(token[32:], _signature(settings, feed_id)):
        raise NotFound()
    feed = db.get(CalendarFeed, feed_id)
    user = db.get(User, feed.user_id) if feed is not None else None
    if user is None or not user.is_active:
        raise NotFound()
    return user


# --- building calendars -----------------------------------------------------------------------


def _uid(kind: str, object_id: uuid.UUID) -> str:
    return f"{kind}-{object_id}@{UID_DOMAIN}"


def _local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(rec.zone(timezone))


def _describe(event: Event, group: SupportGroup, link: str | None, location: str | None) -> None:
    place = meeting_place(location, group)
    if place:
        event.add("location", place)
    if link:
        event.add("url", link)
        event.add("description", f"Meeting link: {link}")


def _series_event(
    schedule: Schedule, group: SupportGroup, title: str, *, show_link: bool
) -> Event | None:
    first = rec.first_occurrence(
        rule_text=schedule.rrule,
        starts_on=schedule.starts_on,
        start_time=schedule.start_time,
        until=schedule.until,
    )
    if first is None:
        return None
    tz = rec.zone(schedule.timezone)
    event = Event()
    event.add("uid", _uid("series", schedule.id))
    event.add("dtstamp", schedule.updated_at)
    event.add("sequence", schedule.sequence)
    event.add("summary", title)
    event.add("dtstart", first.replace(tzinfo=tz))
    event.add("duration", timedelta(minutes=schedule.duration_minutes))
    rule = vRecur.from_ical(schedule.rrule)
    until = rec.utc_until(schedule.until, schedule.timezone)
    if until is not None:
        rule["UNTIL"] = [until]
    event.add("rrule", rule)
    event.add("status", "CONFIRMED")
    _describe(
        event,
        group,
        (schedule.online_url or group.online_url) if show_link else None,
        schedule.location,
    )
    return event


def _session_event(
    session: GroupSession,
    group: SupportGroup,
    title: str,
    *,
    show_link: bool,
    series: Schedule | None,
) -> Event:
    event = Event()
    if series is not None and session.occurrence_key is not None:
        event.add("uid", _uid("series", series.id))
        original = datetime.fromisoformat(session.occurrence_key)
        event.add("recurrence-id", original.replace(tzinfo=rec.zone(series.timezone)))
    else:
        event.add("uid", _uid("session", session.id))
    event.add("dtstamp", session.updated_at)
    event.add("sequence", session.sequence)
    event.add("summary", title)
    event.add("dtstart", _local(session.starts_at, session.timezone))
    event.add("dtend", _local(session.ends_at, session.timezone))
    cancelled = session.status == SessionStatus.cancelled
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    _describe(
        event,
        group,
        (session.online_url or group.online_url) if show_link and not cancelled else None,
        session.location,
    )
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Strength Circles//Circle meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _build(
    db: Session,
    groups: Sequence[SupportGroup],
    *,
    name: str,
    title_for: dict[uuid.UUID, str],
    show_links: bool,
) -> bytes:
    calendar = _calendar(name)
    by_id = {g.id: g for g in groups}
    schedules = {
        s.id: s
        for s in db.scalars(
            select(Schedule).where(Schedule.group_id.in_(by_id)).order_by(Schedule.created_at)
        )
    }
    for schedule in schedules.values():
        event = _series_event(
            schedule, by_id[schedule.group_id], title_for[schedule.group_id], show_link=show_links
        )
        if event is not None:
            calendar.add_component(event)
    # What the series' rule does not say by itself: overrides and meetings of their own.
    sessions = db.scalars(
        select(GroupSession)
        .where(
            GroupSession.group_id.in_(by_id),
            or_(
                GroupSession.occurrence_key.is_(None),
                GroupSession.schedule_id.is_(None),
                GroupSession.is_exception.is_(True),
                GroupSession.status == SessionStatus.cancelled,
            ),
            or_(
                GroupSession.occurrence_key.is_not(None),
                GroupSession.starts_at >= utcnow() - PAST_STANDALONE,
            ),
        )
        .order_by(GroupSession.starts_at, GroupSession.id)
    )
    for session in sessions:
        series = schedules.get(session.schedule_id) if session.schedule_id else None
        calendar.add_component(
            _session_event(
                session,
                by_id[session.group_id],
                title_for[session.group_id],
                show_link=show_links,
                series=series,
            )
        )
    # Time zone rules from the first meeting to years ahead: enough for any calendar app,
    # without the decades icalendar spells out by default.
    starts = [event.decoded("dtstart").date() for event in calendar.walk("VEVENT")]
    today = utcnow().date()
    calendar.add_missing_timezones(
        first_date=min([*starts, today]), last_date=today + ZONE_RULES_AHEAD
    )
    return bytes(calendar.to_ical())


def member_feed(db: Session, settings: Settings, *, token: str) -> bytes:
    """Every meeting of the groups the feed's owner is an active member of."""
    user = _feed_owner(db, settings, token)
    groups = list(
        db.scalars(
            select(SupportGroup)
            .join(GroupMembership, GroupMembership.group_id == SupportGroup.id)
            .where(
                GroupMembership.user_id == user.id,
                GroupMembership.status == MembershipStatus.active,
            )
            .order_by(SupportGroup.slug)
        )
    )
    titles = {g.id: g.name if user.calendar_shows_group_names else NEUTRAL_TITLE for g in groups}
    return _build(db, groups, name="Strength Circles", title_for=titles, show_links=True)


def group_feed(db: Session, *, group_id: uuid.UUID) -> bytes:
    """A listed group's public meeting times: no links, neutral titles."""
    group = db.get(SupportGroup, group_id)
    if (
        group is None
        or group.visibility != Visibility.listed
        or group.status == GroupStatus.archived
    ):
        raise NotFound()
    return _build(
        db, [group], name="Strength Circles", title_for={group.id: NEUTRAL_TITLE}, show_links=False
    )


def meeting_attachment(
    session: GroupSession, group: SupportGroup, *, names: bool, show_link: bool
) -> str:
    """One meeting as the calendar file an email carries (an RSVP confirmed, a meeting moved or
    cancelled), for one person: the group named only if they chose that, the link only if
    they may see it. The same UID as ``session_file``, so a calendar app updates its event."""
    calendar = _calendar("Strength Circles")
    calendar.add("method", "PUBLISH")
    title = group.name if names else NEUTRAL_TITLE
    calendar.add_component(_session_event(session, group, title, show_link=show_link, series=None))
    first = _local(session.starts_at, session.timezone).date()
    calendar.add_missing_timezones(first_date=first, last_date=first + timedelta(days=366))
    return bytes(calendar.to_ical()).decode()


def session_file(db: Session, access: SessionAccess) -> bytes:
    """One meeting as a calendar of one event, for whoever may read ``GET /sessions/{id}``.
    Its UID is the session's own, so importing it again updates the event (SEQUENCE says
    which is newer); the title names the group only for a signed-in person who chose that,
    and the link is there only for those who may see it (never for anonymous callers)."""
    user = access.actor.user
    return meeting_attachment(
        access.session,
        access.group,
        names=user is not None and user.calendar_shows_group_names,
        show_link=shows_meeting_link(access),
    ).encode()
