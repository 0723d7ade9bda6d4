"""Ranked full-text search over resources, one function for both databases.

PostgreSQL: ``websearch_to_tsquery`` against a weighted tsvector (title A, summary B, body C)
stored in the generated column ``resource.search_document`` (migration 0010) with a GIN index,
ranked with ``ts_rank``: the document is computed when a resource is written, not per match.
SQLite: an FTS5 table kept in step with ``resource`` by triggers, ranked with ``bm25`` using the
same weights. The query text is translated to FTS5 with the web-search rules PostgreSQL uses
(words must all match, "quoted phrases", -excluded, OR), so both answer alike.
"""

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session

from backend.library.models import Resource

FTS_TABLE = "resource_fts"
SEARCH_CONFIG = "english"
# Title matters most, then the summary, then the body.
TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT = 10.0, 4.0, 1.0

_fts = table(FTS_TABLE, column("rowid"))
_TOKEN = re.compile(r'-?"[^"]*"|\S+')
_WORD = re.compile(r"\w+", re.UNICODE)


# The weighted document, a generated column outside the model (its expression is in the
# migration that made it; changing it takes a migration).
POSTGRES_DOCUMENT_SQL = "resource.search_document"


def fts5_query(text_query: str) -> str | None:
    """Web-search syntax as an FTS5 query, every term quoted so user input is never FTS5
    syntax; None when nothing searchable is left."""
    parts: list[str] = []
    pending_or = False
    for token in _TOKEN.findall(text_query):
        negative = token.startswith("-")
        raw = token[1:] if negative else token
        if raw.lower() == "or" and not negative:
            pending_or = bool(parts)
            continue
        words = _WORD.findall(raw)
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if negative:
            if parts:
                parts.append(f"NOT {term}")
            continue
        if pending_or and parts:
            parts[-1] = f"({parts[-1]} OR {term})"
        else:
            parts.append(term)
        pending_or = False
    positive = [part for part in parts if not part.startswith("NOT ")]
    if not positive:
        return None
    query = " AND ".join(part for part in parts if not part.startswith("NOT "))
    for part in parts:
        if part.startswith("NOT "):
            query = f"({query}) {part}"
    return query


def ranked_ids(
    db: Session, text_query: str, candidates: Sequence[ColumnElement[bool]]
) -> Select[Any]:
    """``(id, rank)`` of the resources meeting ``candidates`` and matching ``text_query``,
    best first."""
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        config: ColumnElement[Any] = literal_column(f"'{SEARCH_CONFIG}'::regconfig")
        query = func.websearch_to_tsquery(config, text_query)
        document: ColumnElement[Any] = literal_column(POSTGRES_DOCUMENT_SQL)
        # ts_rank's weights are listed {D, C, B, A}: unused, body, summary, title.
        weights = f"'{{0, {BODY_WEIGHT / 10}, {SUMMARY_WEIGHT / 10}, {TITLE_WEIGHT / 10}}}'"
        pg_rank = func.ts_rank(literal_column(f"{weights}::float4[]"), document, query)
        return (
            select(Resource.id, pg_rank.label("rank"))
            .where(*candidates, document.op("@@")(query))
            .order_by(pg_rank.desc(), Resource.id)
        )
    match = fts5_query(text_query)
    if match is None:
        return select(Resource.id, literal_column("0.0", Float).label("rank")).where(
            Resource.id.is_(None)
        )
    # bm25 is lower for better matches; negate it so "higher is better" holds everywhere.
    rank = -func.bm25(literal_column(FTS_TABLE), TITLE_WEIGHT, SUMMARY_WEIGHT, BODY_WEIGHT)
    return (
        select(Resource.id, rank.label("rank"))
        .join(_fts, _fts.c.rowid == literal_column("resource.rowid"))
        .where(
            *candidates,
            literal_column(FTS_TABLE).op("MATCH")(match),
        )
        .order_by(rank.desc(), Resource.id)
    )
