"""Reading the audit trail (backend/core/audit.py): admins only, newest first, as JSON pages or
one CSV file. Reading it is itself in the trail."""

import csv
import io
import uuid
from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import ServiceClient, User
from backend.core import audit
from backend.core.audit import CASE_EVENTS, ActorKind, AuditAction, AuditEvent, AuditSubject
from backend.core.pagination import KeysetPage, id_key, moment_key, paginate
from backend.core.spreadsheets import cell
from backend.safety.schemas import AuditEventRead, AuditFilters

# Newest first, ties broken by id.
ORDER = [
    moment_key(AuditEvent.occurred_at),
    id_key(AuditEvent.id),
]
_EVENT_COLUMNS = [column.key for column in AuditEvent.__table__.columns]
# Names are read this many ids at a time (a CSV file may name thousands of actors).
_NAMES_PER_READ = 500
# One CSV download holds at most this many events; narrow the filters for more.
MAX_CSV_ROWS = 50_000
CSV_COLUMNS = [
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_name",
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


def _actor_names(db: Session, events: Sequence[AuditEvent]) -> dict[uuid.UUID, str]:
    """Who each actor is: people by their display name (an erased account's is the anonymous
    one), service clients by theirs; a few reads however many events."""
    tables = {
        ActorKind.person: (User.id, User.display_name),
        ActorKind.integrator: (ServiceClient.id, ServiceClient.name),
    }
    names: dict[uuid.UUID, str] = {}
    for kind, (key, name) in tables.items():
        ids = sorted({e.actor_id for e in events if e.actor_kind == kind and e.actor_id})
        for at in range(0, len(ids), _NAMES_PER_READ):
            chunk = ids[at : at + _NAMES_PER_READ]
            names.update(
                {row[0]: row[1] for row in db.execute(select(key, name).where(key.in_(chunk)))}
            )
    return names


def _reads(db: Session, events: Sequence[AuditEvent]) -> list[AuditEventRead]:
    names = _actor_names(db, events)
    return [
        AuditEventRead.model_validate(
            {
                **{column: getattr(event, column) for column in _EVENT_COLUMNS},
                "actor_name": names.get(event.actor_id) if event.actor_id else None,
            }
        )
        for event in events
    ]


def _record_the_read(db: Session, actor: Actor) -> None:
    audit.record(db, actor.who, AuditAction.audit_read, target_type="audit_event")


def events(
    db: Session, *, actor: Actor, filters: AuditFilters, limit: int, cursor: str | None
) -> KeysetPage[AuditEventRead]:
    page: KeysetPage[AuditEvent] = paginate(
        db, _query(filters, actor), ORDER, limit=limit, cursor=cursor, descending=True
    )
    items = _reads(db, page.items)
    _record_the_read(db, actor)
    return KeysetPage(items, page.next_cursor)


def events_csv(db: Session, *, actor: Actor, filters: AuditFilters) -> str:
    query = _query(filters, actor).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in _reads(db, db.scalars(query.limit(MAX_CSV_ROWS)).all()):
        row = event.model_dump(mode="json")
        writer.writerow([cell(row[column]) for column in CSV_COLUMNS])
    _record_the_read(db, actor)
    return out.getvalue()
