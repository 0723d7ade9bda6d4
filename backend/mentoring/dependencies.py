"""Matches loaded and authorised once per request: the pair and admins see a match; check-ins
and feedback are the pair's alone (404 for anyone else, admins included)."""

import uuid
from typing import Annotated

from fastapi import Depends

from backend.accounts.dependencies import CurrentActor
from backend.core.db import DbSession
from backend.mentoring import rows
from backend.mentoring.rows import MatchAccess


def _visible_match(match_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> MatchAccess:
    return rows.visible_match(db, match_id, actor)


def _pair_match(match_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> MatchAccess:
    return rows.pair_match(db, match_id, actor)


# A match the signed-in person is half of, or any match for an admin.
VisibleMatch = Annotated[MatchAccess, Depends(_visible_match)]
# A match the signed-in person is half of (its check-ins and feedback).
PairMatch = Annotated[MatchAccess, Depends(_pair_match)]
