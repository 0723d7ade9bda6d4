"""Demo mentoring (demo/mentoring.yaml): approved mentors, an offer waiting for review, open
requests and one pair already meeting, with check-ins. A dry matching run as the demo admin
proposes pairs at once."""

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core.orm import utcnow
from backend.demo import DemoContent, DemoPair
from backend.mentoring.models import (
    MatchStatus,
    MenteeRequest,
    MentoringCheckIn,
    MentorMatch,
    MentorProfile,
    MentorStatus,
)
from backend.mentoring.profiles import evaluate_pair, put_mentee_request, put_mentor_profile

# How long the demo pair has been meeting.
PAIR_BEGAN = timedelta(weeks=5)


def _person(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email))


def seed_demo_mentoring(db: Session, demo: DemoContent) -> list[str]:
    for mentor in demo.mentors:
        user = _person(db, mentor.email)
        if user is None or db.scalar(
            select(MentorProfile.id).where(MentorProfile.user_id == user.id)
        ):
            continue
        profile = put_mentor_profile(db, actor=Actor.of_person(user), data=mentor.to_write())
        if mentor.status == "approved":
            profile.status = MentorStatus.approved
            profile.reviewed_at = utcnow()
    for request in demo.requests:
        user = _person(db, request.email)
        if user is None or db.scalar(
            select(MenteeRequest.id).where(MenteeRequest.user_id == user.id)
        ):
            continue
        put_mentee_request(db, actor=Actor.of_person(user), data=request.to_write())
    db.flush()
    if demo.active_pair is not None:
        _seed_active_pair(db, demo.active_pair)
    return ["", *_hints(demo)]


def _hints(demo: DemoContent) -> list[str]:
    """Where to look, named after the first request and the offers waiting for review."""
    lines = []
    if demo.requests:
        asker = demo.display_name(demo.requests[0].email)
        lines.append(
            f"Mentoring: {asker} has an open request (GET /api/v1/mentoring/suggestions as "
            f"{asker});"
        )
    waiting = [demo.display_name(m.email) + "'s" for m in demo.mentors if m.status == "pending"]
    review = ""
    if waiting:
        review = f"review {' and '.join(waiting)} offer{'s' if len(waiting) > 1 else ''} and "
    lines.append(f"  as the admin, {review}run matching (POST /mentoring/matching-runs).")
    return lines


def _seed_active_pair(db: Session, pair: DemoPair) -> None:
    mentor, mentee = _person(db, pair.mentor), _person(db, pair.mentee)
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
    began = utcnow() - PAIR_BEGAN
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
    for check_in in pair.check_ins:
        db.add(
            MentoringCheckIn(
                match_id=match.id,
                author_id=mentee.id,
                met_on=(utcnow() - timedelta(weeks=check_in.weeks_ago)).date(),
                duration_minutes=check_in.duration_minutes,
                notes=check_in.notes,
            )
        )
