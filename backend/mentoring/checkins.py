"""What a pair records: check-ins (notes private to the two of them) and feedback at the end,
whose ratings admins see only in aggregate."""

from collections import Counter
from datetime import UTC, date, datetime
from itertools import groupby
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.core import audit
from backend.core.audit import AuditAction
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, SortKey, id_key, paginate
from backend.mentoring.exceptions import (
    CheckInLimit,
    FeedbackFinal,
    InvalidCheckInDate,
)
from backend.mentoring.models import (
    MatchFeedback,
    MatchStatus,
    MentoringCheckIn,
    MentorMatch,
)
from backend.mentoring.rows import (
    MatchAccess,
    Side,
    lock_own_row,
    require_status,
)
from backend.mentoring.schemas import (
    CheckInCreate,
    CheckInRead,
    FeedbackRead,
    FeedbackSummary,
    FeedbackWrite,
    RatingSummary,
)

# Ratings are shown to admins only in aggregate, in batches of at least this many, so that no
# one person's rating can be read off an average -- not even by comparing the figures before and
# after it arrived. See ``feedback_summary``.
FEEDBACK_MIN_COUNT = 5


# Caps on business flows (SECURITY.md).
MAX_CHECK_INS_PER_MATCH = 1000


CHECK_IN_ORDER = [
    SortKey(MentoringCheckIn.met_on, date.fromisoformat),
    id_key(MentoringCheckIn.id),
]


def check_in_read(check_in: MentoringCheckIn) -> CheckInRead:
    return CheckInRead(
        id=check_in.id,
        match_id=check_in.match_id,
        author_id=check_in.author_id,
        met_on=check_in.met_on,
        duration_minutes=check_in.duration_minutes,
        notes=check_in.notes,
        created_at=check_in.created_at,
    )


def add_check_in(db: Session, access: MatchAccess, *, data: CheckInCreate) -> MentoringCheckIn:
    match, user = access.match, access.actor.person
    require_status(match, MatchStatus.active, "logged")
    # Dates as the author's own calendar has them.
    zone = ZoneInfo(user.timezone)
    today = utcnow().astimezone(zone).date()
    began = match.created_at.astimezone(zone).date()
    if data.met_on > today:
        raise InvalidCheckInDate(detail="A check-in is for a meeting that has happened.")
    if data.met_on < began:
        raise InvalidCheckInDate(
            detail=f"This match began on {began.isoformat()}; log meetings from then on."
        )
    count = db.scalar(
        select(func.count())
        .select_from(MentoringCheckIn)
        .where(MentoringCheckIn.match_id == match.id)
    )
    if (count or 0) >= MAX_CHECK_INS_PER_MATCH:
        raise CheckInLimit()
    check_in = MentoringCheckIn(
        match_id=match.id,
        author_id=user.id,
        met_on=data.met_on,
        duration_minutes=data.duration_minutes,
        notes=data.notes,
    )
    db.add(check_in)
    db.flush()
    return check_in


def list_check_ins(
    db: Session, access: MatchAccess, *, limit: int, cursor: str | None
) -> KeysetPage[CheckInRead]:
    """The pair's meetings, most recent first. Their notes are private to the two: each read
    is in the audit trail, with both of them as the people it concerns."""
    match = access.match
    page: KeysetPage[MentoringCheckIn] = paginate(
        db,
        select(MentoringCheckIn).where(MentoringCheckIn.match_id == match.id),
        CHECK_IN_ORDER,
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    audit.record(
        db,
        access.actor.who,
        AuditAction.mentoring_notes_read,
        target_type="mentor_match",
        target_id=match.id,
        subjects=[match.mentor_id, match.mentee_id],
    )
    return KeysetPage([check_in_read(c) for c in page.items], page.next_cursor)


def feedback_read(feedback: MatchFeedback) -> FeedbackRead:
    side: Side = "mentor" if feedback.side == "mentor" else "mentee"
    return FeedbackRead(
        match_id=feedback.match_id,
        side=side,
        rating=feedback.rating,
        comment=feedback.comment,
        updated_at=feedback.updated_at,
    )


def put_feedback(db: Session, access: MatchAccess, *, data: FeedbackWrite) -> MatchFeedback:
    """Leave (or change) one's own feedback on an ended match."""
    match, user, side = access.match, access.actor.person, access.side
    require_status(match, MatchStatus.ended, "rated")
    lock_own_row(db, user)
    feedback = db.scalar(
        select(MatchFeedback).where(
            MatchFeedback.match_id == match.id, MatchFeedback.author_id == user.id
        )
    )
    if feedback is None:
        feedback = MatchFeedback(match_id=match.id, author_id=user.id, side=side)
        db.add(feedback)
    elif feedback.created_at < _quarter_start(utcnow()):
        raise FeedbackFinal()
    feedback.rating = data.rating
    feedback.comment = data.comment or None
    db.flush()
    return feedback


def own_feedback(db: Session, access: MatchAccess) -> MatchFeedback:
    match, user = access.match, access.actor.person
    feedback = db.scalar(
        select(MatchFeedback).where(
            MatchFeedback.match_id == match.id, MatchFeedback.author_id == user.id
        )
    )
    if feedback is None:
        raise NotFound(detail="You have not left feedback on this match.")
    return feedback


def _quarter_start(moment: datetime) -> datetime:
    """The first instant (UTC) of the calendar quarter ``moment`` falls in."""
    moment = moment.astimezone(UTC)
    return datetime(moment.year, 3 * ((moment.month - 1) // 3) + 1, 1, tzinfo=UTC)


def feedback_summary(db: Session) -> FeedbackSummary:
    """Ratings in aggregate for admins: never a comment, never a single person's rating.

    A threshold alone would not do: an admin comparing the figures before and after one new
    rating could read it off. So figures move only in closed batches: ratings count from the
    end of the calendar quarter they were given in (after which they are final), and a quarter
    with fewer than ``FEEDBACK_MIN_COUNT`` ratings waits to be published with the next ones.
    Erasure keeps a rating (without its comment) for the same reason.
    """
    open_from = _quarter_start(utcnow())

    def summary(side: Side) -> RatingSummary:
        rows = db.execute(
            select(MatchFeedback.created_at, MatchFeedback.rating)
            .where(MatchFeedback.side == side)
            .order_by(MatchFeedback.created_at)
        ).all()
        published: list[int] = []
        batch: list[int] = []
        for quarter, given in groupby(rows, key=lambda row: _quarter_start(row[0])):
            if quarter >= open_from:
                break
            batch.extend(rating for _, rating in given)
            if len(batch) >= FEEDBACK_MIN_COUNT:
                published, batch = published + batch, []
        waiting = len(rows) - len(published)
        if not published:
            return RatingSummary(count=0, waiting=waiting, average=None, distribution=None)
        counts = Counter(published)
        return RatingSummary(
            count=len(published),
            waiting=waiting,
            average=round(sum(published) / len(published), 2),
            distribution={str(star): counts[star] for star in range(1, 6)},
        )

    ended = db.scalar(
        select(func.count()).select_from(MentorMatch).where(MentorMatch.status == MatchStatus.ended)
    )
    return FeedbackSummary(
        as_of=open_from.date(),
        matches_ended=ended or 0,
        from_mentees=summary("mentee"),
        from_mentors=summary("mentor"),
    )
