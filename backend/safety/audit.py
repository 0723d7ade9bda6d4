"""Reading the audit trail (backend/core/audit.py): admins only, newest first, as JSON pages or
one CSV file. Reading it is itself in the trail."""

import csv
import io

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.core import audit
from backend.core.audit import CASE_EVENTS, AuditAction, AuditEvent, AuditSubject
from backend.core.pagination import KeysetPage, id_key, moment_key, paginate
from backend.core.spreadsheets import cell
from backend.safety.schemas import AuditEventRead, AuditFilters

# Newest first, ties broken by id.
ORDER = [
    moment_key(AuditEvent.occurred_at),
    id_key(AuditEvent.id),
]
# One CSV download holds at most this many events; narrow the filters for more.
MAX_CSV_ROWS = 50_000
CSV_COLUMNS = [
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "group_id",
    "request_id",
]


def _query(filters: AuditFilters, actor: Actor) -> Select[AuditEvent]:
    # Moderation's events that name the reader (a case about them, or one they reported)
    # stay out of their view; the other admins see them.
    about_the_reader = select(AuditSubject.event_id).where(AuditSubject.user_id == actor.person_id)
    query = select(AuditEvent).where(
        ~(AuditEvent.action.in_(CASE_EVENTS) & AuditEvent.id.in_(about_the_reader))
    )
    if filters.action is not None:
        query = query.where(AuditEvent.action == filters.action.value)
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.target_id is not None:
        query = query.where(AuditEvent.target_id == filters.target_id)
    if filters.group_id is not None:
        query = query.where(AuditEvent.group_id == filters.group_id)
    if filters.subject_id is not None:
        about = select(AuditSubject.event_id).where(AuditSubject.user_id == filters.subject_id)
        query = query.where(AuditEvent.id.in_(about))
    if filters.start is not None:
        query = query.where(AuditEvent.occurred_at >= filters.start)
    if filters.end is not None:
        query = query.where(AuditEvent.occurred_at < filters.end)
    return query


def _read(event: AuditEvent) -> AuditEventRead:
    return AuditEventRead.model_validate(event, from_attributes=True)


def _record_the_read(db: Session, actor: Actor) -> None:
    audit.record(db, actor.who, AuditAction.audit_read, target_type="audit_event")


def events(
    db: Session, *, actor: Actor, filters: AuditFilters, limit: int, cursor: str | None
) -> KeysetPage[AuditEventRead]:
    page: KeysetPage[AuditEvent] = paginate(
        db, _query(filters, actor), ORDER, limit=limit, cursor=cursor, descending=True
    )
    items = [_read(event) for event in page.items]
    _record_the_read(db, actor)
    return KeysetPage(items, page.next_cursor)


def events_csv(db: Session, *, actor: Actor, filters: AuditFilters) -> str:
    query = _query(filters, actor).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in db.scalars(query.limit(MAX_CSV_ROWS)):
        row = _read(event).model_dump(mode="json")
        writer.writerow([cell(row[column]) for column in CSV_COLUMNS])
    _record_the_read(db, actor)
    return out.getvalue()
