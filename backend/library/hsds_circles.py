"""Circles as Open Referral HSDS 3.0 service records, beside the library's services and
hotlines in one directory feed (``directory_export``), so a 211 or a referral platform reads
the whole directory from one place.

What is exported is what the public directory shows anyone: listed circles that are not
archived (a paused circle is still listed, as "temporarily closed"). Never the meeting links
(members only), never who belongs to a circle or runs it. The address and the accessibility
notes are on every listed circle's public page, so they go out too.

When a circle meets comes from its current series, in HSDS's RFC 5545 fields where every part
of the rule has one, and always in the words the app already uses. HSDS keeps a time zone as a
UTC offset while ours are IANA zones, whose offset changes with daylight saving time: the
offset given is the one in force at the series' next meeting, and the zone is named in the
words and the notes, so no one has to guess. One-off meetings (outside any series) have no
rule to give; the next few are described in words instead.

Ids: a circle's service id is the circle's id and a series' schedule id is the series' id;
everything else derived (locations, accessibility, languages, topics) is a UUIDv5 name of the
circle, as ``hsds`` does for resources, so ids stay the same from one export to the next.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core import times
from backend.groups.models import (
    GroupFormat,
    GroupStatus,
    GroupTopic,
    JoinPolicy,
    SupportGroup,
    Visibility,
)
from backend.groups.schemas import MAX_SCHEDULE_SUMMARIES
from backend.library.hsds import (
    DEFAULT_ORGANIZATION,
    count_resources,
    derived_id,
    hsds_page,
    organization_record,
    resources_at,
    timestamp,
)
from backend.sessions import describe, recurrence
from backend.sessions.models import GroupSession, Schedule, SessionStatus
from backend.sessions.timetable import current_schedule, last_day_over
from backend.topics.models import Topic

# As the directory: listed and not archived (GroupSummary is what anyone may see).
EXPORTED = (
    SupportGroup.visibility == Visibility.listed,
    SupportGroup.status != GroupStatus.archived,
)
HSDS_STATUS = {GroupStatus.active: "active", GroupStatus.paused: "temporarily closed"}
# How many one-off meetings a circle's words name: enough to plan by, few enough to read.
NEXT_MEETINGS = 3
# RFC 5545 parts HSDS has fields for; a rule with any other part is given in words only.
HSDS_FREQUENCIES = ("WEEKLY", "MONTHLY")
HSDS_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"}
ATTENDING = {
    GroupFormat.in_person: "In person",
    GroupFormat.online: "Online; the meeting link is for the circle's members",
    GroupFormat.hybrid: "In person or online; the meeting link is for the circle's members",
}
TOPIC_TAXONOMY = "Strength Circles topics"


def count_circles(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(SupportGroup).where(*EXPORTED)) or 0


def directory_export(
    db: Session, *, page: int, per_page: int, public_url: str, now: datetime
) -> dict[str, Any]:
    """One page of the whole directory in HSDS's paginated list shape: the library's services
    and hotlines first (oldest first), then the circles (oldest first), one offset across
    both, so a page may end the one and start the other. At most seven statements, whatever
    the page size."""
    offset = (page - 1) * per_page
    resource_total = count_resources(db)
    total = resource_total + count_circles(db)
    contents = resources_at(db, offset=offset, limit=per_page) if offset < resource_total else []
    room = per_page - len(contents)
    if room:
        contents += circles_at(
            db,
            offset=max(0, offset - resource_total),
            limit=room,
            public_url=public_url,
            now=now,
        )
    return hsds_page(contents, total=total, page=page, per_page=per_page)


def circles_at(
    db: Session, *, offset: int, limit: int, public_url: str, now: datetime
) -> list[dict[str, Any]]:
    """Exported circles in a stable order (oldest first), in four statements."""
    groups = db.scalars(
        select(SupportGroup)
        .where(*EXPORTED)
        .order_by(SupportGroup.created_at, SupportGroup.id)
        .offset(offset)
        .limit(limit)
    ).all()
    if not groups:
        return []
    ids = [group.id for group in groups]
    topics = _topics(db, ids)
    series = _series(db, ids, now=now)
    meetings = _one_off_meetings(db, ids, now=now)
    return [
        circle_record(
            group,
            topics=topics[group.id],
            series=series[group.id],
            meetings=meetings[group.id],
            public_url=public_url,
            now=now,
        )
        for group in groups
    ]


def _topics(db: Session, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Topic]]:
    found: dict[uuid.UUID, list[Topic]] = defaultdict(list)
    for group_id, topic in db.execute(
        select(GroupTopic.group_id, Topic)
        .join(Topic, Topic.slug == GroupTopic.topic_slug)
        .where(GroupTopic.group_id.in_(ids))
        .order_by(Topic.slug)
    ):
        found[group_id].append(topic)
    return found


def _series(
    db: Session, ids: Sequence[uuid.UUID], *, now: datetime
) -> dict[uuid.UUID, list[Schedule]]:
    """Each circle's current series, as many and in the order the directory shows them."""
    ranked = (
        select(
            Schedule.id,
            func.row_number()
            .over(partition_by=Schedule.group_id, order_by=(Schedule.created_at, Schedule.id))
            .label("rank"),
        )
        .where(Schedule.group_id.in_(ids), current_schedule(last_day_over(now)))
        .subquery()
    )
    found: dict[uuid.UUID, list[Schedule]] = defaultdict(list)
    for schedule in db.scalars(
        select(Schedule)
        .where(Schedule.id.in_(select(ranked.c.id).where(ranked.c.rank <= MAX_SCHEDULE_SUMMARIES)))
        .order_by(Schedule.created_at, Schedule.id)
    ):
        found[schedule.group_id].append(schedule)
    return found


def _one_off_meetings(
    db: Session, ids: Sequence[uuid.UUID], *, now: datetime
) -> dict[uuid.UUID, list[tuple[datetime, str]]]:
    """Each circle's next few meetings outside any series (start and zone)."""
    ranked = (
        select(
            GroupSession.group_id,
            GroupSession.starts_at,
            GroupSession.timezone,
            func.row_number()
            .over(
                partition_by=GroupSession.group_id,
                order_by=(GroupSession.starts_at, GroupSession.id),
            )
            .label("rank"),
        )
        .where(
            GroupSession.group_id.in_(ids),
            GroupSession.schedule_id.is_(None),
            GroupSession.status == SessionStatus.scheduled,
            GroupSession.ends_at > now,
        )
        .subquery()
    )
    found: dict[uuid.UUID, list[tuple[datetime, str]]] = defaultdict(list)
    for row in db.execute(
        select(ranked)
        .where(ranked.c.rank <= NEXT_MEETINGS)
        .order_by(ranked.c.group_id, ranked.c.rank)
    ):
        found[row.group_id].append((row.starts_at, row.timezone))
    return found


def circle_record(
    group: SupportGroup,
    *,
    topics: Sequence[Topic],
    series: Sequence[Schedule],
    meetings: Sequence[tuple[datetime, str]],
    public_url: str,
    now: datetime,
) -> dict[str, Any]:
    """A circle as an HSDS service: only what its public page shows anyone."""
    service_id = str(group.id)
    page = f"{public_url.rstrip('/')}/groups/{group.id}"
    organization = organization_record(DEFAULT_ORGANIZATION)
    record: dict[str, Any] = {
        "id": service_id,
        "organization_id": organization["id"],
        "name": group.name,
        "description": group.description,
        "url": page,
        "status": HSDS_STATUS[group.status],
        "application_process": (
            "Join on the circle's page; you are in at once."
            if group.join_policy == JoinPolicy.open
            else "Ask to join on the circle's page; its facilitators answer each request."
        ),
        "organization": organization,
        "languages": [_language(group, derived_id(group.id, "language"), service_id=service_id)],
        "last_modified": timestamp(
            max([group.updated_at, *(schedule.updated_at for schedule in series)])
        ),
    }
    schedules = [_series_record(schedule, group, page=page, now=now) for schedule in series]
    if meetings:
        schedules.append(_meetings_record(group, meetings, page=page, now=now))
    if schedules:
        record["schedules"] = schedules
    record["service_at_locations"] = [
        {
            "id": derived_id(group.id, "service_at_location", location["location_type"]),
            "service_id": service_id,
            "location_id": location["id"],
            "location": location,
        }
        for location in _locations(group)
    ]
    if topics:
        record["attributes"] = [_topic_attribute(group, topic) for topic in topics]
    return record


def _language(group: SupportGroup, language_id: str, **owner: str) -> dict[str, Any]:
    """The circle's language for its service or a location (``owner``). HSDS wants an ISO 639
    code: the tag's language ("es" of "es-MX"), the whole tag in the note when it says more."""
    code = group.language.split("-")[0].lower()
    language: dict[str, Any] = {"id": language_id, **owner, "code": code}
    if group.language.lower() != code:
        language["note"] = f"Language tag {group.language}"
    return language


def _utc_offset(timezone: str, at: datetime) -> timedelta:
    return ZoneInfo(timezone).utcoffset(at) or timedelta(0)


def _with_offset(clock: str, offset: timedelta) -> str:
    """``19:00-06:00``, ``19:00+05:30``, ``19:00Z``: HSDS wants the offset on the time."""
    if not offset:
        return f"{clock}Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{clock}{sign}{hours:02d}:{rest:02d}"


def _hours(offset: timedelta) -> float | int:
    hours = offset.total_seconds() / 3600
    return int(hours) if hours.is_integer() else hours


def _series_record(
    schedule: Schedule, group: SupportGroup, *, page: str, now: datetime
) -> dict[str, Any]:
    pattern = describe.describe(
        schedule.rrule,
        starts_on=schedule.starts_on,
        start_time=schedule.start_time,
        duration_minutes=schedule.duration_minutes,
    )
    first = recurrence.first_occurrence(
        rule_text=schedule.rrule,
        starts_on=schedule.starts_on,
        start_time=schedule.start_time,
        until=schedule.until,
    )
    upcoming = recurrence.next_occurrences(
        rule_text=schedule.rrule,
        starts_on=schedule.starts_on,
        start_time=schedule.start_time,
        duration_minutes=schedule.duration_minutes,
        timezone=schedule.timezone,
        until=schedule.until,
        after=now,
        count=1,
    )
    offset = _utc_offset(schedule.timezone, upcoming[0].starts_at if upcoming else now)
    words = f"{pattern.description} ({schedule.timezone} time)"
    today = now.astimezone(ZoneInfo(schedule.timezone)).date()
    if first is not None and first.date() > today:
        words += f", from {times.day(first.date(), today=today)}"
    if schedule.until is not None:
        words += f", until {times.day(schedule.until, today=today)}"
    notes = [
        f"Times are local to {schedule.timezone}: the UTC offset given is the one at the next "
        "meeting, and it changes with daylight saving time while the local time stays."
    ]
    if schedule.location:
        notes.insert(0, f"Meets at: {schedule.location}.")
    record: dict[str, Any] = {
        "id": str(schedule.id),
        "service_id": str(group.id),
        "description": words,
        "valid_from": schedule.starts_on.isoformat(),
        "opens_at": _with_offset(f"{pattern.start_time:%H:%M}", offset),
        "closes_at": _with_offset(f"{pattern.end_time:%H:%M}", offset),
        "timezone": _hours(offset),
        "attending_type": ATTENDING[group.format],
        "schedule_link": page,
        "notes": " ".join(notes),
    }
    if schedule.until is not None:
        record["valid_to"] = schedule.until.isoformat()
    rule = _hsds_rule(schedule.rrule, first.date() if first else schedule.starts_on)
    if rule is not None:
        record |= rule
        record["dtstart"] = (first.date() if first else schedule.starts_on).isoformat()
        if schedule.until is not None:
            record["until"] = schedule.until.isoformat()
    return record


def _hsds_rule(rule_text: str, first: date) -> dict[str, Any] | None:
    """The rule in HSDS's fields, or None when one of its parts has no field there (a daily
    or yearly rule, a set position across several days): then the words alone say it."""
    parts = dict(part.partition("=")[::2] for part in rule_text.split(";"))
    if parts.get("FREQ") not in HSDS_FREQUENCIES or not set(parts) <= HSDS_PARTS:
        return None
    byday = parts.get("BYDAY")
    if "BYSETPOS" in parts:
        # "The second Tuesday" as BYDAY=TU;BYSETPOS=2 is HSDS's (and RFC 5545's) 2TU.
        positions = parts["BYSETPOS"].split(",")
        if byday is None or "," in byday or len(positions) != 1 or not byday.isalpha():
            return None
        byday = f"{positions[0]}{byday}"
    fields: dict[str, Any] = {
        "freq": parts["FREQ"],
        "interval": int(parts.get("INTERVAL", "1")),
        # RFC 5545's default; given, so no reader has to know it.
        "wkst": parts.get("WKST", "MO"),
    }
    if byday is not None:
        fields["byday"] = byday
    if "BYMONTHDAY" in parts:
        fields["bymonthday"] = parts["BYMONTHDAY"]
    # Without BYDAY or BYMONTHDAY, RFC 5545 repeats the first meeting's weekday or day of the
    # month; said outright for readers that do not derive it.
    if byday is None and "BYMONTHDAY" not in parts:
        if parts["FREQ"] == "WEEKLY":
            fields["byday"] = describe.CODES[first.weekday()]
        else:
            fields["bymonthday"] = str(first.day)
    return fields


def _meetings_record(
    group: SupportGroup, meetings: Sequence[tuple[datetime, str]], *, page: str, now: datetime
) -> dict[str, Any]:
    """One-off meetings have no rule for HSDS's fields: the next few, in words."""
    when = "; ".join(times.moment(starts_at, zone, now=now) for starts_at, zone in meetings)
    return {
        "id": derived_id(group.id, "one-off meetings"),
        "service_id": str(group.id),
        "description": f"Next {'meetings' if len(meetings) > 1 else 'meeting'}: {when}.",
        "attending_type": ATTENDING[group.format],
        "schedule_link": page,
        "notes": "Meetings planned one at a time; the circle's page lists the newest.",
    }


def _locations(group: SupportGroup) -> list[dict[str, Any]]:
    """Where a circle meets: a physical place for in-person and hybrid circles, a virtual one
    (without its link: that is for members) for online and hybrid ones. Accessibility in HSDS
    belongs to a location, so the circle's notes go on each of them."""
    locations = []
    if group.format in (GroupFormat.in_person, GroupFormat.hybrid):
        locations.append(_physical(group))
    if group.format in (GroupFormat.online, GroupFormat.hybrid):
        location_id = derived_id(group.id, "location", "virtual")
        locations.append(
            {
                "id": location_id,
                "location_type": "virtual",
                "name": f"{group.name} online",
                "description": "Meets online; the meeting link is given to the circle's members.",
            }
        )
    for location in locations:
        location["organization_id"] = organization_record(DEFAULT_ORGANIZATION)["id"]
        location["languages"] = [
            _language(group, derived_id(location["id"], "language"), location_id=location["id"])
        ]
        if group.accessibility_notes:
            location["accessibility"] = [
                {
                    "id": derived_id(location["id"], "accessibility"),
                    "location_id": location["id"],
                    "description": group.accessibility_notes,
                }
            ]
    return locations


def _physical(group: SupportGroup) -> dict[str, Any]:
    location_id = derived_id(group.id, "location", "physical")
    place = ", ".join(part for part in (group.address, group.city) if part)
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "name": place or f"{group.name} (in person)",
    }
    if not place:
        location["description"] = "Meets in person; the place is not given yet."
    if group.latitude is not None and group.longitude is not None:
        location["latitude"] = group.latitude
        location["longitude"] = group.longitude
    # HSDS's address needs every one of these; a partial one is left out, not guessed, and
    # the place stays in the location's name.
    if group.address and group.city and group.region and group.postal_code and group.country:
        location["addresses"] = [
            {
                "id": derived_id(location_id, "address"),
                "location_id": location_id,
                "address_1": group.address,
                "city": group.city,
                "state_province": group.region,
                "postal_code": group.postal_code,
                "country": group.country,
                "address_type": "physical",
            }
        ]
    return location


def _topic_attribute(group: SupportGroup, topic: Topic) -> dict[str, Any]:
    """A topic as an HSDS attribute with its term from our own vocabulary (the same term id
    on every circle with the topic)."""
    term_id = derived_id("taxonomy_term", "topic", topic.slug)
    return {
        "id": derived_id(group.id, "topic", topic.slug),
        "link_id": str(group.id),
        "link_entity": "service",
        "taxonomy_term_id": term_id,
        "taxonomy_term": {
            "id": term_id,
            "code": topic.slug,
            "name": topic.name,
            "description": f"{topic.name}: a topic of the Strength Circles directory.",
            "taxonomy": TOPIC_TAXONOMY,
        },
    }
