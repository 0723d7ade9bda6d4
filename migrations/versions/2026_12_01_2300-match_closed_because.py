"""mentoring: why a match closed, in a word admins may see (closed_because)

Every close of a match now records why: ended by the pair or an admin, declined, withdrawn,
lapsed, blocked, ended by moderation, an account closed, or the mentor's offer turned down.
Admins see it (never the pair's own words, which stay in close_reason for the pair alone), so
they can find the matches that need their attention.

Matches closed before this revision are filled in as well as the stored rows allow, from the
most specific sign to the least:
- a decline by no one with the lapse wording: lapsed;
- an end with the moderation wording: moderation;
- a close with no words, by one of the pair, who has blocked the other: blocked;
- a close with no words, by one of the pair whose account is closed, or an end with no words
  (ending by hand always asks for a reason): account_closed;
- any other decline by no one: mentor_rejected (the only other close by no one);
- the rest by status: declined, withdrawn, and an end by one of the pair (ended_by_pair) or by
  someone else (ended_by_admin).
Erasure clears who closed a match and what they wrote, so an erased person's old closes may be
read as a closed account or a turned-down offer; nothing else depends on the guess.

Revision ID: 0016_match_closed_because
Revises: 0015_two_factor
Create Date: 2026-12-01 23:00:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_match_closed_because"
down_revision: str | None = "0015_two_factor"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The wording each close used, as it stood at this revision.
LAPSED_REASON = "The mentor did not answer within 14 days."
MATCH_ENDED_REASON = "Ended by the Strength Circles team."

CAUSES = (
    "ended_by_pair",
    "ended_by_admin",
    "declined",
    "withdrawn",
    "lapsed",
    "blocked",
    "moderation",
    "account_closed",
    "mentor_rejected",
)

# The tables as they stand at this revision.
match = sa.table(
    "mentor_match",
    sa.column("mentor_id", sa.Uuid()),
    sa.column("mentee_id", sa.Uuid()),
    sa.column("status", sa.String()),
    sa.column("ended_by_id", sa.Uuid()),
    sa.column("close_reason", sa.String()),
    sa.column("closed_because", sa.String()),
)
block = sa.table(
    "member_block", sa.column("blocker_id", sa.Uuid()), sa.column("blocked_id", sa.Uuid())
)
account = sa.table("user_account", sa.column("id", sa.Uuid()), sa.column("is_active", sa.Boolean()))


def _backfill() -> list[tuple[str, sa.ColumnElement[bool]]]:
    """(cause, which rows), most specific first; each applies only to rows still unset."""
    c = match.c
    by_one_of_the_pair = c.ended_by_id.in_([c.mentor_id, c.mentee_id])
    no_words = c.close_reason.is_(None)
    blocked_the_other = sa.exists().where(
        block.c.blocker_id == c.ended_by_id,
        block.c.blocked_id.in_([c.mentor_id, c.mentee_id]),
        block.c.blocked_id != c.ended_by_id,
    )
    account_closed = sa.exists().where(
        account.c.id == c.ended_by_id, account.c.is_active.is_(False)
    )
    return [
        (
            "lapsed",
            sa.and_(
                c.status == "declined", c.ended_by_id.is_(None), c.close_reason == LAPSED_REASON
            ),
        ),
        ("moderation", sa.and_(c.status == "ended", c.close_reason == MATCH_ENDED_REASON)),
        ("blocked", sa.and_(no_words, by_one_of_the_pair, blocked_the_other)),
        ("account_closed", sa.and_(no_words, by_one_of_the_pair, account_closed)),
        ("account_closed", sa.and_(c.status == "ended", no_words)),
        ("mentor_rejected", sa.and_(c.status == "declined", c.ended_by_id.is_(None))),
        ("declined", c.status == "declined"),
        ("withdrawn", c.status == "withdrawn"),
        ("ended_by_pair", sa.and_(c.status == "ended", by_one_of_the_pair)),
        ("ended_by_admin", c.status == "ended"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("mentor_match", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "closed_because",
                sa.Enum(
                    *CAUSES,
                    name="closecause",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=True,
            )
        )
    unset = sa.and_(
        match.c.closed_because.is_(None),
        match.c.status.in_(["ended", "declined", "withdrawn"]),
    )
    for cause, which in _backfill():
        op.execute(match.update().where(unset, which).values(closed_because=cause))


def downgrade() -> None:
    # Only the new column goes: statuses, reasons and who closed each match stay as they were.
    with op.batch_alter_table("mentor_match", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_mentor_match_closecause"), type_="check")
        batch_op.drop_column("closed_because")
