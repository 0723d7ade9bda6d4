"""Fixed-window counters kept in the database, so every worker process sees the same counts.

Failures are recorded in a transaction of their own (``record_hit``): the request that failed
rolls its own transaction back, and the count must survive that.
"""

import math
from datetime import datetime, timedelta

from sqlalchemy import String, case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.core.orm import Base, UTCDateTime, utcnow


class RateLimitCounter(Base):
    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_started_at: Mapped[datetime]
    hits: Mapped[int]


def retry_after_seconds(db: Session, key: str, *, limit: int, window: timedelta) -> int | None:
    """Seconds until ``key`` may try again, or None when it is under ``limit``."""
    counter = db.scalar(select(RateLimitCounter).where(RateLimitCounter.key == key))
    if counter is None or counter.hits < limit:
        return None
    remaining = (counter.window_started_at + window - utcnow()).total_seconds()
    if remaining <= 0:
        return None
    return max(1, math.ceil(remaining))


def record_hit(db: Session, key: str, *, window: timedelta) -> None:
    """Count one hit for ``key`` in a separate transaction that commits at once."""
    bind = db.get_bind()
    now = utcnow()
    expired = RateLimitCounter.window_started_at <= now - window
    insert = (postgresql.insert if bind.dialect.name == "postgresql" else sqlite.insert)(
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
    )
    with Session(bind=bind) as side, side.begin():
        side.execute(statement)


def clear(db: Session, key: str) -> None:
    """Forget ``key``'s hits (after a success), within the caller's transaction."""
    db.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))
