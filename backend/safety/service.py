"""Blocking: a member blocks another, who is never told. The pair is never suggested or
matched again, either way round (mentoring reads the blocks), and an open match between them
ends (``MemberBlocked``, handled by mentoring). Moderation builds on this domain next."""

import uuid

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core import events
from backend.core.config import Settings
from backend.core.db import lock_for_update
from backend.core.errors import NotFound
from backend.core.pagination import KeysetPage, id_key, moment_key, paginate
from backend.safety.events import MemberBlocked
from backend.safety.exceptions import BlockLimit, CannotBlockYourself
from backend.safety.models import MemberBlock
from backend.safety.schemas import BlockRead

MAX_BLOCKS = 500


BLOCK_ORDER = [
    moment_key(MemberBlock.created_at),
    id_key(MemberBlock.blocked_id),
]


def block(db: Session, settings: Settings, *, actor: Actor, other_id: uuid.UUID) -> MemberBlock:
    """Block a member: never suggested or matched with them again, either way round; an open
    match between the two is closed, and the other side is told only that it ended."""
    user = actor.person
    if other_id == user.id:
        raise CannotBlockYourself()
    other = db.get(User, other_id)
    if other is None:
        raise NotFound(detail="There is no member with this id.")
    # The blocker's own row first, so a double-clicked Block counts and inserts once.
    lock_for_update(db, User.id, user.id)
    existing = db.get(MemberBlock, (user.id, other_id))
    if existing is not None:
        return existing
    count = db.scalar(
        select(func.count()).select_from(MemberBlock).where(MemberBlock.blocker_id == user.id)
    )
    if (count or 0) >= MAX_BLOCKS:
        raise BlockLimit()
    record = MemberBlock(blocker_id=user.id, blocked_id=other_id)
    db.add(record)
    db.flush()
    events.publish(db, settings, MemberBlocked(blocker_id=user.id, blocked_id=other_id))
    return record


def unblock(db: Session, *, actor: Actor, other_id: uuid.UUID) -> None:
    user = actor.person
    db.execute(
        delete(MemberBlock).where(
            MemberBlock.blocker_id == user.id, MemberBlock.blocked_id == other_id
        )
    )


def block_read(db: Session, record: MemberBlock, *, name: str | None = None) -> BlockRead:
    return BlockRead(
        user_id=record.blocked_id,
        display_name=name or db.get_one(User, record.blocked_id).display_name,
        blocked_at=record.created_at,
    )


def list_blocks(
    db: Session, *, actor: Actor, limit: int, cursor: str | None
) -> KeysetPage[BlockRead]:
    user = actor.person
    page: KeysetPage[MemberBlock] = paginate(
        db,
        select(MemberBlock).where(MemberBlock.blocker_id == user.id),
        BLOCK_ORDER,
        limit=limit,
        cursor=cursor,
    )
    ids = [b.blocked_id for b in page.items]
    names = dict(db.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
    return KeysetPage(
        [block_read(db, b, name=names[b.blocked_id]) for b in page.items], page.next_cursor
    )
