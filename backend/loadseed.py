"""A large, realistic database for load tests and query plans (``circles seed load``).

Everything is generated from one seed (the same seed and sizes give the same data) and written
with bulk inserts of plain rows, table by table, in one transaction: no ORM objects and no
services, so a hundred thousand members take a minute, not an hour. The rows keep every rule
the services keep: memberships never exceed a group's capacity, each meeting is an occurrence
of its group's weekly series (generated as far ahead as the worker keeps it), attendance is
recorded only for past meetings and only for that group's members, RSVPs only for upcoming
ones and never past a meeting's seats.

Every load account shares one password (``LOAD_PASSWORD``), so a load generator can sign in
as anyone: ``load-admin@load.example.org``, ``facilitator-00001@load.example.org``,
``member-000001@load.example.org`` and so on.
"""

import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Table, func, select

from backend.accounts.models import Role, User
from backend.core.orm import Base, utcnow
from backend.core.security import hash_password
from backend.groups.models import (
    GroupFormat,
    GroupMembership,
    GroupStatus,
    GroupTopic,
    JoinPolicy,
    MemberRole,
    MembershipStatus,
    SupportGroup,
    Visibility,
)
from backend.library.models import Resource, ResourceStatus, ResourceTopic, ResourceType
from backend.mentoring.models import MenteeRequest, MentorProfile, MentorStatus
from backend.sessions import recurrence
from backend.sessions.generation import GENERATE_AHEAD
from backend.sessions.models import (
    AttendanceRecord,
    AttendanceStatus,
    GroupSession,
    RecordedVia,
    Rsvp,
    RsvpStatus,
    Schedule,
)
from backend.topics.models import Topic

# Known by design: load databases are for benchmarks, and `circles seed load` refuses production.
LOAD_PASSWORD = "load-test-password"  # noqa: S105
LOAD_DOMAIN = "load.example.org"
ADMIN_EMAIL = f"load-admin@{LOAD_DOMAIN}"
BATCH = 5_000
GROUP_CHUNK = 200
# Each facilitator runs about this many groups.
GROUPS_PER_FACILITATOR = 5
# Share of a group's upcoming meetings' seats taken by RSVPs, for the next two weeks.
RSVP_WEEKS = 2


@dataclass(frozen=True)
class LoadSizes:
    members: int = 100_000
    groups: int = 5_000
    meetings: int = 250_000
    attendance: int = 1_000_000
    resources: int = 10_000
    mentors: int = 2_000

    def scaled(self, factor: float) -> "LoadSizes":
        """The same shape at ``factor`` times the size (at least one of each)."""
        return LoadSizes(
            **{name: max(1, round(value * factor)) for name, value in vars(self).items()}
        )

    def with_(self, **sizes: int | None) -> "LoadSizes":
        return replace(self, **{name: value for name, value in sizes.items() if value is not None})


class AlreadySeeded(RuntimeError):
    """The database holds load data already: the load seed is for an empty database."""


class TooFewMembers(ValueError):
    """The sizes ask for more mentors than members, or for no meetings per group."""


TIMEZONES = [
    ("America/New_York", "New York", "NY", "US"),
    ("America/Chicago", "Chicago", "IL", "US"),
    ("America/Denver", "Denver", "CO", "US"),
    ("America/Los_Angeles", "Los Angeles", "CA", "US"),
    ("America/Toronto", "Toronto", "ON", "CA"),
    ("Europe/London", "London", "England", "GB"),
    ("Europe/Madrid", "Madrid", "Madrid", "ES"),
    ("America/Mexico_City", "Mexico City", "CDMX", "MX"),
]
LANGUAGES = [("en", 80), ("es", 12), ("fr", 5), ("es-MX", 3)]
FORMATS = [(GroupFormat.online, 45), (GroupFormat.in_person, 35), (GroupFormat.hybrid, 20)]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
START_TIMES = [time(7, 30), time(12, 0), time(17, 30), time(18, 0), time(19, 0), time(20, 0)]
ADJECTIVES = ["Steady", "Open", "Gentle", "Morning", "Evening", "Hopeful", "Quiet", "Shared"]
NOUNS = ["Circle", "Harbor", "Path", "Light", "Ground", "Table", "Bridge", "Garden"]
WORDS = [
    "coping", "breathing", "sleep", "panic", "worry", "grief", "recovery", "family", "work",
    "routine", "relapse", "cravings", "loneliness", "anger", "trauma", "boundaries", "hope",
    "self-care", "medication", "therapy", "journaling", "walking", "friendship", "caregiving",
    "mindfulness", "grounding", "shame", "guilt", "forgiveness", "parenting", "school",
    "college", "money", "housing", "faith", "music", "art", "cooking", "exercise", "nature",
    "meditation", "gratitude", "resilience", "stigma", "disclosure", "crisis", "safety",
    "planning", "triggers", "nightmares", "flashbacks", "dissociation", "mood", "energy",
    "appetite", "body", "image", "perfectionism", "procrastination", "motivation", "goals",
    "values", "identity", "coming-out", "belonging", "community", "volunteering", "pets",
    "loss", "bereavement", "anniversary", "holidays", "divorce", "separation", "dating",
    "intimacy", "communication", "conflict", "apology", "listening", "support", "sponsor",
    "meetings", "steps", "sobriety", "harm-reduction", "withdrawal", "detox", "lapse",
    "veterans", "deployment", "transition", "retirement", "aging", "caregivers", "dementia",
    "chronic", "pain", "illness", "diagnosis", "hospital", "appointments", "waiting",
    "anxiety", "depression", "bipolar", "psychosis", "voices", "eating", "binge", "restriction",
    "youth", "teens", "bullying", "online", "screens", "news", "rumination", "acceptance",
]  # fmt: skip
# Each resource is written around a few of the words above, so a search word finds some of
# the library (about one resource in eight), not all of it.
THEME_WORDS = 14
RESOURCE_TYPES = [
    (ResourceType.article, 50),
    (ResourceType.worksheet, 20),
    (ResourceType.video, 10),
    (ResourceType.service, 12),
    (ResourceType.hotline, 3),
    (ResourceType.story, 5),
]
ATTENDANCE_STATUSES = [
    (AttendanceStatus.present, 78),
    (AttendanceStatus.late, 8),
    (AttendanceStatus.excused, 8),
    (AttendanceStatus.absent, 6),
]


def _table(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def _weighted(rng: random.Random, choices: Sequence[tuple[Any, int]]) -> Any:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _sentence(rng: random.Random, count: int, words: Sequence[str] = WORDS) -> str:
    return " ".join(rng.choice(words) for _ in range(count))


def _insert(connection: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` in batches; returns how many."""
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            connection.execute(table.insert(), batch)
            count += len(batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    return count


@dataclass
class _Group:
    id: uuid.UUID
    facilitator_id: uuid.UUID
    capacity: int
    status: GroupStatus
    timezone: str
    members: list[uuid.UUID]


class LoadSeed:
    """Writes one load database; ``counts`` says how many rows of each table it wrote."""

    def __init__(self, connection: Connection, sizes: LoadSizes, seed: int = 1) -> None:
        if sizes.mentors > sizes.members:
            raise TooFewMembers("There cannot be more mentors than members.")
        if sizes.meetings < sizes.groups:
            raise TooFewMembers("Ask for at least one meeting per group.")
        self.connection = connection
        self.sizes = sizes
        # Reproducible data, not secrets: a seeded generator is what is wanted here.
        self.rng = random.Random(seed)  # noqa: S311
        self.now = utcnow()
        self.counts: dict[str, int] = {}
        self.password_hash = hash_password(LOAD_PASSWORD)
        self.topics = list(connection.scalars(select(Topic.slug).order_by(Topic.slug)))
        self.members: list[uuid.UUID] = []
        self.facilitators: list[uuid.UUID] = []
        self.groups: list[_Group] = []

    def run(self) -> dict[str, int]:
        user_table = _table(User)
        if self.connection.scalar(select(func.count()).where(user_table.c.email == ADMIN_EMAIL)):
            raise AlreadySeeded(
                "This database already holds the load seed; seed a new, empty database."
            )
        self._users()
        self._groups()
        self._meetings()
        self._resources()
        self._mentoring()
        return self.counts

    def _count(self, table: Table, rows: Iterable[dict[str, Any]]) -> None:
        self.counts[table.name] = self.counts.get(table.name, 0) + _insert(
            self.connection, table, rows
        )

    # People -----------------------------------------------------------------------------

    def _person(self, email: str, name: str, role: Role) -> dict[str, Any]:
        zone = self.rng.choice(TIMEZONES)[0]
        language = _weighted(self.rng, LANGUAGES)
        return {
            "id": _uuid(self.rng),
            "email": email,
            "password_hash": self.password_hash,
            "display_name": name,
            "pronouns": None,
            "timezone": zone,
            "languages": [language],
            "role": role.value,
            "is_active": True,
            "token_version": 0,
            "attendance_privacy": "named",
            "calendar_shows_group_names": False,
            "last_login_at": None,
            "email_confirmed_at": self.now - timedelta(days=400),
            "created_at": self.now - timedelta(days=400),
            "updated_at": self.now - timedelta(days=400),
        }

    def _users(self) -> None:
        facilitators = max(1, -(-self.sizes.groups // GROUPS_PER_FACILITATOR))

        def rows() -> Iterator[dict[str, Any]]:
            yield self._person(ADMIN_EMAIL, "Load admin", Role.admin)
            for n in range(1, facilitators + 1):
                row = self._person(
                    f"facilitator-{n:05d}@{LOAD_DOMAIN}", f"Facilitator {n}", Role.facilitator
                )
                self.facilitators.append(row["id"])
                yield row
            for n in range(1, self.sizes.members + 1):
                row = self._person(f"member-{n:06d}@{LOAD_DOMAIN}", f"Member {n}", Role.member)
                self.members.append(row["id"])
                yield row

        self._count(_table(User), rows())

    # Groups and their members -----------------------------------------------------------

    def _groups(self) -> None:
        rng = self.rng
        group_rows: list[dict[str, Any]] = []
        topic_rows: list[dict[str, Any]] = []
        for n in range(1, self.sizes.groups + 1):
            zone, city, region, country = rng.choice(TIMEZONES)
            group_format = _weighted(rng, FORMATS)
            status = _weighted(
                rng, [(GroupStatus.active, 95), (GroupStatus.paused, 3), (GroupStatus.archived, 2)]
            )
            topics = rng.sample(self.topics, k=min(len(self.topics), rng.randint(1, 3)))
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {n}"
            group = _Group(
                id=_uuid(rng),
                facilitator_id=self.facilitators[(n - 1) // GROUPS_PER_FACILITATOR],
                capacity=rng.randint(8, 30),
                status=status,
                timezone=zone,
                members=[],
            )
            self.groups.append(group)
            in_person = group_format != GroupFormat.online
            created = self.now - timedelta(days=rng.randint(300, 700))
            group_rows.append(
                {
                    "id": group.id,
                    "slug": f"{name.lower().replace(' ', '-')}",
                    "name": name,
                    "description": f"A peer support circle about {', '.join(topics)}: "
                    f"{_sentence(rng, 12)}.",
                    "format": group_format.value,
                    "language": _weighted(rng, LANGUAGES),
                    "address": f"{rng.randint(1, 999)} Main Street" if in_person else None,
                    "city": city if in_person else None,
                    "region": region if in_person else None,
                    "postal_code": None,
                    "country": country if in_person else None,
                    "latitude": None,
                    "longitude": None,
                    "online_url": f"https://meet.example.org/{group.id.hex[:12]}"
                    if group_format != GroupFormat.in_person
                    else None,
                    "accessibility_notes": None,
                    "visibility": _weighted(
                        rng, [(Visibility.listed, 92), (Visibility.unlisted, 8)]
                    ).value,
                    "join_policy": _weighted(
                        rng, [(JoinPolicy.open, 80), (JoinPolicy.approval, 20)]
                    ).value,
                    "capacity": group.capacity,
                    "guidelines": "Be kind. What is said here stays here. Speak from your "
                    "own experience.",
                    "guidelines_version": 1,
                    "status": status.value,
                    "created_by_id": group.facilitator_id,
                    "archived_at": created + timedelta(days=200)
                    if status == GroupStatus.archived
                    else None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            topic_rows.extend({"group_id": group.id, "topic_slug": slug} for slug in topics)
        self._count(_table(SupportGroup), group_rows)
        self._count(_table(GroupTopic), topic_rows)
        self._count(_table(GroupMembership), self._memberships())

    def _memberships(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for group in self.groups:
            joined = self.now - timedelta(days=rng.randint(280, 300))
            base = {
                "group_id": group.id,
                "guidelines_accepted_at": joined,
                "guidelines_version_accepted": 1,
                "joined_at": joined,
                "removed_at": None,
                "created_at": joined,
                "updated_at": joined,
            }
            yield {
                **base,
                "id": _uuid(rng),
                "user_id": group.facilitator_id,
                "role": MemberRole.facilitator.value,
                "status": MembershipStatus.active.value,
            }
            # From a third full to full: some circles have room, some do not.
            seats = rng.randint(max(1, group.capacity // 3), group.capacity)
            group.members = rng.sample(self.members, k=min(seats, len(self.members)))
            for member in group.members:
                yield {
                    **base,
                    "id": _uuid(rng),
                    "user_id": member,
                    "role": MemberRole.member.value,
                    "status": MembershipStatus.active.value,
                }

    # Schedules, meetings, attendance and RSVPs -----------------------------------------

    def _meetings(self) -> None:
        rng = self.rng
        live = [group for group in self.groups if group.status != GroupStatus.archived]
        per_group = max(1, self.sizes.meetings // max(1, len(live)))
        ahead_weeks = GENERATE_AHEAD.days // 7
        past_weeks = max(0, per_group - ahead_weeks)
        generated_until = self.now + GENERATE_AHEAD
        past_meetings = max(1, len(live) * past_weeks)
        per_meeting = self.sizes.attendance / past_meetings
        # A few hundred groups at a time: their rows in the order the foreign keys need,
        # without holding a million attendance rows in memory.
        for first in range(0, len(live), GROUP_CHUNK):
            schedules: list[dict[str, Any]] = []
            sessions: list[dict[str, Any]] = []
            attendance: list[dict[str, Any]] = []
            rsvps: list[dict[str, Any]] = []
            for group in live[first : first + GROUP_CHUNK]:
                weekday = rng.randrange(7)
                start = rng.choice(START_TIMES)
                duration = rng.choice([60, 75, 90])
                starts_on = (self.now - timedelta(weeks=past_weeks, days=1)).date()
                schedule_id = _uuid(rng)
                rule = f"FREQ=WEEKLY;BYDAY={WEEKDAYS[weekday]}"
                schedules.append(
                    {
                        "id": schedule_id,
                        "group_id": group.id,
                        "rrule": rule,
                        "start_time": start,
                        "duration_minutes": duration,
                        "timezone": group.timezone,
                        "starts_on": starts_on,
                        "until": None,
                        "capacity": None,
                        "location": None,
                        "online_url": None,
                        "generated_until": generated_until,
                        "ended_at": None,
                        "sequence": 0,
                        "created_by_id": group.facilitator_id,
                        "created_at": self.now - timedelta(weeks=past_weeks + 1),
                        "updated_at": self.now - timedelta(weeks=past_weeks + 1),
                    }
                )
                occurrences = recurrence.occurrences(
                    rule_text=rule,
                    starts_on=starts_on,
                    start_time=start,
                    duration_minutes=duration,
                    timezone=group.timezone,
                    until=None,
                    window_start=datetime.combine(starts_on, time(), UTC) - timedelta(days=1),
                    window_end=generated_until,
                )
                for occurrence in occurrences:
                    session_id = _uuid(rng)
                    sessions.append(
                        {
                            "id": session_id,
                            "group_id": group.id,
                            "schedule_id": schedule_id,
                            "occurrence_key": occurrence.key,
                            "is_exception": False,
                            "starts_at": occurrence.starts_at,
                            "ends_at": occurrence.ends_at,
                            "timezone": group.timezone,
                            "local_weekday": occurrence.local_start.weekday(),
                            "status": "scheduled",
                            "cancel_reason": None,
                            "capacity": group.capacity,
                            "location": None,
                            "online_url": None,
                            "sequence": 0,
                            "created_at": self.now - timedelta(weeks=past_weeks + 1),
                            "updated_at": self.now - timedelta(weeks=past_weeks + 1),
                        }
                    )
                    if occurrence.ends_at <= self.now:
                        attendance.extend(
                            self._attendance(group, session_id, occurrence.ends_at, per_meeting)
                        )
                    elif self.now < occurrence.starts_at <= self.now + timedelta(weeks=RSVP_WEEKS):
                        # Upcoming only: one under way as the seed runs has neither RSVPs (the
                        # service takes none once it starts) nor attendance yet.
                        rsvps.extend(self._rsvps(group, session_id, occurrence.starts_at))
            self._count(_table(Schedule), schedules)
            self._count(_table(GroupSession), sessions)
            self._count(_table(AttendanceRecord), attendance)
            self._count(_table(Rsvp), rsvps)

    def _attendance(
        self, group: _Group, session_id: uuid.UUID, ended: datetime, per_meeting: float
    ) -> list[dict[str, Any]]:
        rng = self.rng
        # A whole number on average equal to ``per_meeting``, so the total lands on the size.
        wanted = int(per_meeting) + (1 if rng.random() < per_meeting % 1 else 0)
        people = rng.sample(group.members, k=min(wanted, len(group.members)))
        recorded = ended + timedelta(minutes=5)
        return [
            {
                "id": _uuid(rng),
                "session_id": session_id,
                "user_id": person,
                "status": _weighted(rng, ATTENDANCE_STATUSES).value,
                "recorded_via": RecordedVia.facilitator.value,
                "recorded_by_user_id": group.facilitator_id,
                "recorded_by_client_id": None,
                "recorded_at": recorded,
                "created_at": recorded,
                "updated_at": recorded,
            }
            for person in people
        ]

    def _rsvps(
        self, group: _Group, session_id: uuid.UUID, starts: datetime
    ) -> list[dict[str, Any]]:
        rng = self.rng
        # Fewer going than seats, so RSVP writes under load find room as well as waitlists.
        going = rng.sample(group.members, k=min(len(group.members), group.capacity // 2))
        asked = starts - timedelta(days=rng.randint(1, 6))
        return [
            {
                "id": _uuid(rng),
                "session_id": session_id,
                "user_id": person,
                "status": RsvpStatus.going.value,
                "requested_at": min(asked, self.now),
                "created_at": min(asked, self.now),
                "updated_at": min(asked, self.now),
            }
            for person in going
        ]

    # Library ----------------------------------------------------------------------------

    def _resources(self) -> None:
        rng = self.rng
        rows: list[dict[str, Any]] = []
        topics: list[dict[str, Any]] = []
        today = self.now.date()
        for n in range(1, self.sizes.resources + 1):
            kind = _weighted(rng, RESOURCE_TYPES)
            status = _weighted(
                rng,
                [
                    (ResourceStatus.published, 90),
                    (ResourceStatus.draft, 7),
                    (ResourceStatus.archived, 3),
                ],
            )
            resource_topics = rng.sample(self.topics, k=min(len(self.topics), rng.randint(1, 2)))
            published = self.now - timedelta(days=rng.randint(1, 900))
            is_contact = kind in (ResourceType.service, ResourceType.hotline)
            resource_id = _uuid(rng)
            theme = rng.sample(WORDS, k=THEME_WORDS)
            rows.append(
                {
                    "id": resource_id,
                    "title": f"{_sentence(rng, 3, theme).capitalize()} ({n})",
                    "summary": f"About {', '.join(resource_topics)}: {_sentence(rng, 10, theme)}.",
                    "body_markdown": "\n\n".join(_sentence(rng, 40, theme) for _ in range(4)),
                    "url": None,
                    "type": kind.value,
                    "language": _weighted(rng, LANGUAGES),
                    "audience": None,
                    "reading_minutes": rng.randint(1, 15),
                    "content_notes": [],
                    "status": status.value,
                    "published_at": published if status != ResourceStatus.draft else None,
                    "author_id": None,
                    "reviewer_name": "Load Reviewer, LCSW",
                    "reviewed_on": (published - timedelta(days=3)).date(),
                    "review_due_on": _review_due(today, rng),
                    "contact_phone": "+1 555 0100" if is_contact else None,
                    "contact_email": None,
                    "contact_website": "https://service.example.org" if is_contact else None,
                    "contact_address": None,
                    "contact_hours": "Mon-Fri 9:00-17:00" if is_contact else None,
                    "organization_name": "Example Community Services" if is_contact else None,
                    "byline": "Anonymous" if kind == ResourceType.story else None,
                    "created_at": published,
                    "updated_at": published,
                }
            )
            topics.extend({"resource_id": resource_id, "topic_slug": s} for s in resource_topics)
        self._count(_table(Resource), rows)
        self._count(_table(ResourceTopic), topics)

    # Mentoring --------------------------------------------------------------------------

    def _availability(self) -> list[dict[str, Any]]:
        slots = []
        for weekday in self.rng.sample(range(7), k=self.rng.randint(1, 3)):
            start = self.rng.choice([9, 12, 17, 18, 19])
            slots.append(
                {"weekday": weekday, "start": f"{start:02d}:00", "end": f"{start + 2:02d}:00"}
            )
        return slots

    def _mentoring(self) -> None:
        rng = self.rng
        mentors = rng.sample(self.members, k=self.sizes.mentors)
        chosen = set(mentors)
        mentees = [member for member in self.members if member not in chosen][: 2 * len(mentors)]
        created = self.now - timedelta(days=60)
        profiles = (
            {
                "id": _uuid(rng),
                "user_id": mentor,
                "experience_areas": rng.sample(self.topics, k=min(len(self.topics), 2)),
                "languages": [_weighted(rng, LANGUAGES)],
                "availability": self._availability(),
                "capacity": rng.randint(1, 4),
                "years_in_recovery": float(rng.randint(1, 15)),
                "gender": None,
                "bio": "Further along in recovery and glad to walk beside someone.",
                "status": _weighted(
                    rng, [(MentorStatus.approved, 85), (MentorStatus.pending, 15)]
                ).value,
                "paused": False,
                "reviewed_by_id": None,
                "reviewed_at": None,
                "review_note": None,
                "created_at": created,
                "updated_at": created,
            }
            for mentor in mentors
        )
        requests = (
            {
                "id": _uuid(rng),
                "user_id": mentee,
                "needs": rng.sample(self.topics, k=min(len(self.topics), 1)),
                "languages": [_weighted(rng, LANGUAGES)],
                "availability": self._availability(),
                "preferred_mentor_gender": None,
                "min_years_in_recovery": None,
                "created_at": created,
                "updated_at": created,
            }
            for mentee in mentees
        )
        self._count(_table(MentorProfile), profiles)
        self._count(_table(MenteeRequest), requests)


def _review_due(today: date, rng: random.Random) -> date:
    # Mostly due next year; a few already due, for the review list.
    return today + timedelta(days=rng.randint(-30, 365))
