"""Fixed-window counters kept in the database, so every worker process sees the same counts.

A try is *reserved* before the work it limits (``reserve``): one atomic statement counts it
and reads the count back, and it commits at once in the request's own transaction, so
concurrent tries can never all slip under the limit, and no request needs a second connection
while it holds its first (two connections per request froze the whole API once the pool
was taken by requests each waiting for their second). A try that went well is handed back
(``give_back``) or its key forgotten (``clear``), so the counts are of failures.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import String, case, delete, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.core.db import commit_so_far
from backend.core.orm import Base, UTCDateTime, utcnow


class RateLimitCounter(Base):
    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_started_at: Mapped[datetime]
    hits: Mapped[int]


def reserve(db: Session, key: str, *, limit: int, window: timedelta) -> int | None:
    """Take one of ``key``'s ``limit`` tries in its window: None when taken, else the seconds
    until one is free again.

    It commits the request's transaction, so call it before the request writes anything."""
    now = utcnow()
    expired = RateLimitCounter.window_started_at <= now - window
    insert = (postgresql.insert if db.get_bind().dialect.name == "postgresql" else sqlite.insert)(
        RateLimitCounter
    ).values(key=key, window_started_at=now, hits=1)
    statement = insert.on_conflict_do_update(
        index_elements=[RateLimitCounter.key],
        set_={
            "hits": case((expired, 1), else_=RateLimitCounter.hits + 1),
            "window_started_at": case(
                (expired, literal(now, UTCDateTime())),
                else_=RateLimitCounter.window_started_at,
            ),
        },
    ).returning(RateLimitCounter.hits, RateLimitCounter.window_started_at)
    hits, started_at = db.execute(statement).one()
    commit_so_far(db)
    if hits <= limit:
        return None
    return max(1, math.ceil((started_at + window - now).total_seconds()))


def give_back(db: Session, key: str) -> None:
    """Hand back a try reserved by this request that went well (in the caller's transaction)."""
    db.execute(
        update(RateLimitCounter)
        .where(RateLimitCounter.key == key, RateLimitCounter.hits > 0)
        .values(hits=RateLimitCounter.hits - 1)
    )


def clear_prefix(db: Session, prefix: str) -> None:
    """Forget every key that starts with ``prefix``, within the caller's transaction."""
    db.execute(
        delete(RateLimitCounter).where(RateLimitCounter.key.startswith(prefix, autoescape=True))
    )


def clear(db: Session, key: str) -> None:
    """Forget ``key``'s tries (after a success), within the caller's transaction."""
    db.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))
