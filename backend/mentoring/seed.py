"""Demo mentoring: approved mentors in a few time zones and languages, one offer waiting for
review, open requests (River's among them, so River's suggestions show something), and one
active pair with check-ins. A dry matching run as the demo admin proposes pairs at once.

Demo-only people beyond the sign-in accounts get passwords no one knows: they exist so the
program looks lived in, not to sign in as.
"""

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import create_user
from backend.core.orm import utcnow
from backend.core.security import new_secret
from backend.mentoring.models import (
    MatchStatus,
    MenteeRequest,
    MentoringCheckIn,
    MentorMatch,
    MentorProfile,
    MentorStatus,
)
from backend.mentoring.service import evaluate_pair


def _slot(weekday: int, start: str, end: str) -> dict[str, Any]:
    return {"weekday": weekday, "start": start, "end": end}


EVENINGS = [_slot(day, "18:00", "21:00") for day in (0, 1, 2, 3)]
WEEKEND_MORNINGS = [_slot(5, "09:00", "12:00"), _slot(6, "09:00", "12:00")]
LUNCHTIMES = [_slot(day, "12:00", "13:30") for day in range(5)]

# email, pseudonym, time zone, languages -- the people who exist only for mentoring
DEMO_PEOPLE = [
    ("oak@example.org", "Oak", "America/Chicago", ["en"]),
    ("sage@example.org", "Sage", "America/New_York", ["en", "es"]),
    ("cedar@example.org", "Cedar", "America/Los_Angeles", ["en"]),
    ("aspen@example.org", "Aspen", "America/Chicago", ["es", "en"]),
    ("robin@example.org", "Robin", "America/Chicago", ["en"]),
    ("finch@example.org", "Finch", "America/New_York", ["en"]),
    ("lark@example.org", "Lark", "America/Chicago", ["es"]),
    ("heron@example.org", "Heron", "America/Denver", ["en"]),
]

# email -> profile fields (status approved unless said)
DEMO_MENTORS: dict[str, dict[str, Any]] = {
    "maple@example.org": {
        "experience_areas": ["grief-and-loss", "anxiety"],
        "languages": ["en", "es"],
        "availability": EVENINGS,
        "capacity": 2,
        "years_in_recovery": 6,
        "gender": "woman",
        "bio": "Lost my brother six years ago; the grief circle got me through the first year.",
    },
    "juniper@example.org": {
        "experience_areas": ["depression", "substance-use"],
        "languages": ["en"],
        "availability": EVENINGS + WEEKEND_MORNINGS,
        "capacity": 3,
        "years_in_recovery": 4,
        "gender": "man",
        "bio": "Four years sober, and learning to live with depression rather than against it.",
    },
    "oak@example.org": {
        "experience_areas": ["substance-use", "trauma-and-ptsd", "veterans"],
        "languages": ["en"],
        "availability": WEEKEND_MORNINGS + LUNCHTIMES,
        "capacity": 2,
        "years_in_recovery": 11,
        "gender": "man",
        "bio": "Veteran, eleven years in recovery. I listen more than I talk.",
    },
    "sage@example.org": {
        "experience_areas": ["anxiety", "depression", "lgbtq"],
        "languages": ["en", "es"],
        "availability": EVENINGS,
        "capacity": 2,
        "years_in_recovery": 3,
        "gender": "non-binary",
        "bio": "Panic attacks used to run my life. They do not any more.",
    },
    "cedar@example.org": {
        "experience_areas": ["eating-disorders", "anxiety"],
        "languages": ["en"],
        "availability": LUNCHTIMES,
        "capacity": 1,
        "years_in_recovery": 5,
        "gender": "woman",
        "bio": "Five years in recovery from an eating disorder.",
    },
    "aspen@example.org": {
        "experience_areas": ["family-and-caregivers", "grief-and-loss"],
        "languages": ["es", "en"],
        "availability": WEEKEND_MORNINGS,
        "capacity": 2,
        "years_in_recovery": None,
        "gender": "woman",
        "bio": "Cuidé de mi madre durante ocho años. Caring for my mother taught me a lot.",
    },
    # Waiting for the demo admin to review.
    "wren@example.org": {
        "experience_areas": ["youth", "anxiety"],
        "languages": ["en"],
        "availability": EVENINGS,
        "capacity": 1,
        "years_in_recovery": 2,
        "gender": None,
        "bio": "Two years on from my worst year at college.",
        "status": MentorStatus.pending,
    },
}

# email -> request fields
DEMO_REQUESTS: dict[str, dict[str, Any]] = {
    "river@example.org": {
        "needs": ["anxiety", "grief-and-loss"],
        "languages": ["en"],
        "availability": EVENINGS,
    },
    "robin@example.org": {
        "needs": ["substance-use"],
        "languages": ["en"],
        "availability": WEEKEND_MORNINGS,
        "min_years_in_recovery": 2,
    },
    "finch@example.org": {
        "needs": ["anxiety", "lgbtq"],
        "languages": ["en"],
        "availability": EVENINGS,
    },
    "lark@example.org": {
        "needs": ["family-and-caregivers"],
        "languages": ["es"],
        "availability": WEEKEND_MORNINGS,
        "preferred_mentor_gender": "woman",
    },
    "heron@example.org": {
        "needs": ["eating-disorders"],
        "languages": ["en"],
        "availability": LUNCHTIMES,
    },
    "wren@example.org": {
        "needs": ["depression"],
        "languages": ["en"],
        "availability": EVENINGS,
    },
}

# The pair already meeting: (mentor, mentee)
DEMO_ACTIVE_PAIR = ("juniper@example.org", "wren@example.org")


def _person(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email))


def seed_demo_mentoring(db: Session) -> list[str]:
    for email, name, timezone, languages in DEMO_PEOPLE:
        if _person(db, email) is None:
            created = create_user(db, email=email, password=new_secret(), display_name=name)
            created.timezone = timezone
            created.languages = languages
    for email, fields in DEMO_MENTORS.items():
        mentor = _person(db, email)
        if mentor is None or db.scalar(
            select(MentorProfile.id).where(MentorProfile.user_id == mentor.id)
        ):
            continue
        values = {"status": MentorStatus.approved, **fields}
        if values["status"] == MentorStatus.approved:
            values["reviewed_at"] = utcnow()
        db.add(MentorProfile(user_id=mentor.id, **values))
    for email, fields in DEMO_REQUESTS.items():
        mentee = _person(db, email)
        if mentee is None or db.scalar(
            select(MenteeRequest.id).where(MenteeRequest.user_id == mentee.id)
        ):
            continue
        db.add(MenteeRequest(user_id=mentee.id, **fields))
    db.flush()
    _seed_active_pair(db)
    return [
        "",
        "Mentoring: River has an open request (GET /api/v1/mentoring/suggestions as River);",
        "  as the admin, review Wren's offer and run matching (POST /mentoring/matching-runs).",
    ]


def _seed_active_pair(db: Session) -> None:
    mentor, mentee = (_person(db, email) for email in DEMO_ACTIVE_PAIR)
    if mentor is None or mentee is None:
        return
    if db.scalar(
        select(MentorMatch.id).where(
            MentorMatch.mentor_id == mentor.id, MentorMatch.mentee_id == mentee.id
        )
    ):
        return
    evaluation = evaluate_pair(db, mentee=mentee, mentor=mentor)
    if evaluation is None:
        return
    began = utcnow() - timedelta(weeks=5)
    match = MentorMatch(
        mentor_id=mentor.id,
        mentee_id=mentee.id,
        status=MatchStatus.active,
        score=round(evaluation.score, 3),
        reasons=list(evaluation.reasons),
        created_at=began,
        responded_at=began + timedelta(days=1),
    )
    db.add(match)
    db.flush()
    for weeks_ago, minutes, notes in [
        (4, 45, "First call. Talked about what a good week looks like."),
        (2, 30, "Walked through the plan for difficult evenings. Felt easier this time."),
    ]:
        db.add(
            MentoringCheckIn(
                match_id=match.id,
                author_id=mentee.id,
                met_on=(utcnow() - timedelta(weeks=weeks_ago)).date(),
                duration_minutes=minutes,
                notes=notes,
            )
        )
