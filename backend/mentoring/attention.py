"""Matches that need an admin's attention: proposals that lapsed, matches ended for safety (a
block or a moderation action) or because an account closed, and active matches gone quiet.

Told apart by ``closed_because`` and by counting check-ins: never by reading the pair's notes
or reasons, which are theirs alone.
"""

import uuid
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, id_key, moment_key, paginate
from backend.mentoring.models import (
    OPEN_MATCH_STATUSES,
    CloseCause,
    MatchStatus,
    MenteeRequest,
    MentoringCheckIn,
    MentorMatch,
)
from backend.mentoring.rows import display_names
from backend.mentoring.schemas import AttentionKind, AttentionMatch, MatchPerson

# A match closed for one of these reasons is listed for this long after it closed.
LISTED_FOR = timedelta(days=30)
# An active match with no check-in logged for this long (nor since it was accepted) is quiet.
QUIET_AFTER = timedelta(days=30)

KIND_OF_CAUSE = {
    CloseCause.lapsed: AttentionKind.lapsed,
    CloseCause.blocked: AttentionKind.blocked,
    CloseCause.moderation: AttentionKind.moderation,
    CloseCause.account_closed: AttentionKind.account_closed,
}

# Most recently changed first: a close changes the row; a quiet match last changed when it
# was accepted.
ATTENTION_ORDER = [moment_key(MentorMatch.updated_at), id_key(MentorMatch.id)]


def matches_needing_attention(
    db: Session, *, limit: int, cursor: str | None
) -> KeysetPage[AttentionMatch]:
    now = utcnow()
    closed_at = func.coalesce(MentorMatch.ended_at, MentorMatch.responded_at)
    logged_lately = exists().where(
        MentoringCheckIn.match_id == MentorMatch.id,
        MentoringCheckIn.created_at >= now - QUIET_AFTER,
    )
    statement = select(MentorMatch).where(
        or_(
            and_(
                MentorMatch.closed_because.in_(list(KIND_OF_CAUSE)),
                closed_at >= now - LISTED_FOR,
            ),
            and_(
                MentorMatch.status == MatchStatus.active,
                MentorMatch.responded_at < now - QUIET_AFTER,
                ~logged_lately,
            ),
        )
    )
    page: KeysetPage[MentorMatch] = paginate(
        db, statement, ATTENTION_ORDER, limit=limit, cursor=cursor, descending=True
    )
    matches = page.items
    ids = [m.id for m in matches]
    logged: dict[uuid.UUID, tuple[int, datetime | None]] = {
        match_id: (count, last)
        for match_id, count, last in db.execute(
            select(
                MentoringCheckIn.match_id,
                func.count(),
                func.max(MentoringCheckIn.created_at),
            )
            .where(MentoringCheckIn.match_id.in_(ids))
            .group_by(MentoringCheckIn.match_id)
        ).all()
    }
    mentees = {m.mentee_id for m in matches}
    # Still asking, with an account that can be matched (a deactivated one keeps its request
    # but the matching run skips it, and so does "still waiting").
    asking = set(
        db.scalars(
            select(MenteeRequest.user_id)
            .join(User, User.id == MenteeRequest.user_id)
            .where(MenteeRequest.user_id.in_(mentees), User.is_active.is_(True))
        )
    )
    matched = set(
        db.scalars(
            select(MentorMatch.mentee_id).where(
                MentorMatch.mentee_id.in_(mentees), MentorMatch.status.in_(OPEN_MATCH_STATUSES)
            )
        )
    )
    names = display_names(db, {p for m in matches for p in (m.mentor_id, m.mentee_id)})
    items = []
    for match in matches:
        count, last = logged.get(match.id, (0, None))
        if match.status == MatchStatus.active:
            kind = AttentionKind.quiet
            since = max(t for t in (last, match.responded_at) if t is not None)
        else:
            assert match.closed_because is not None  # what the statement selected on
            kind = KIND_OF_CAUSE[match.closed_because]
            since = match.ended_at or match.responded_at or match.updated_at
        items.append(
            AttentionMatch(
                match_id=match.id,
                kind=kind,
                since=since,
                status=match.status,
                mentor=MatchPerson(user_id=match.mentor_id, display_name=names[match.mentor_id]),
                mentee=MatchPerson(user_id=match.mentee_id, display_name=names[match.mentee_id]),
                check_ins=count,
                mentee_waiting=match.mentee_id in asking and match.mentee_id not in matched,
            )
        )
    return KeysetPage(items, page.next_cursor)
