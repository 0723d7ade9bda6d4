"""The moderation queue: what staff see of cases, and how they move them along.

Every read of the queue or a case, and every change, is in the audit trail: these are records
written about people by other people.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.accounts import service as accounts_service
from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core import audit
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, SortKey, id_key, moment_key, paginate
from backend.core.uniqueness import lock_and_reread
from backend.groups.models import SupportGroup
from backend.library.models import Resource
from backend.moderation import permissions
from backend.moderation.exceptions import CaseClosed, NotAModerator, NotAssignable
from backend.moderation.models import (
    OPEN_STATUSES,
    CaseStatus,
    ModerationAction,
    ModerationCase,
    ModerationNote,
    ModerationReport,
    Reason,
    TargetType,
    open_key,
)
from backend.moderation.permissions import ModeratorScope
from backend.moderation.schemas import (
    CaseActionRead,
    CaseNoteCreate,
    CaseNoteRead,
    CaseRead,
    CaseSummary,
    CaseUpdate,
    QueueFilters,
    ReportFiled,
)

# Urgent first, then the most recently reported.
QUEUE_ORDER = [
    SortKey(ModerationCase.priority, int),
    moment_key(ModerationCase.last_reported_at),
    id_key(ModerationCase.id),
]
# What one case's page shows at most of each; a case with more is one to act on already.
MAX_SHOWN = 200
MAX_NOTES = 200
SEVERITY = {reason: rank for rank, reason in enumerate(Reason)}


def moderator_scope(db: Session, actor: Actor) -> ModeratorScope:
    scope = permissions.scope_of(db, actor)
    if not scope.moderates_anything:
        facilitates = actor.person_id is not None and bool(
            permissions.facilitated_circles(db, actor.person_id)
        )
        raise actor.refusal(NotAModerator(), facilitates=facilitates)
    return scope


def visible_case(
    db: Session, actor: Actor, case_id: uuid.UUID
) -> tuple[ModerationCase, ModeratorScope]:
    """The case if ``actor`` moderates it; 404 otherwise (a case is itself sensitive)."""
    scope = moderator_scope(db, actor)
    case = db.get(ModerationCase, case_id)
    if case is None or not permissions.may_see(scope, case):
        raise NotFound()
    return case, scope


def _names(db: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def _labels(db: Session, cases: Sequence[ModerationCase]) -> dict[uuid.UUID, str]:
    """What each case's target is called: a pseudonym, a title or a circle's name."""
    ids: dict[TargetType, set[uuid.UUID]] = defaultdict(set)
    for case in cases:
        ids[case.target_type].add(case.target_id)
    labels: dict[uuid.UUID, str] = {}
    if ids[TargetType.member]:
        labels |= _names(db, ids[TargetType.member])
    items = ids[TargetType.story] | ids[TargetType.resource]
    if items:
        labels |= dict(
            db.execute(select(Resource.id, Resource.title).where(Resource.id.in_(items))).all()
        )
    if ids[TargetType.circle]:
        labels |= dict(
            db.execute(
                select(SupportGroup.id, SupportGroup.name).where(
                    SupportGroup.id.in_(ids[TargetType.circle])
                )
            ).all()
        )
    return labels


def _summaries(db: Session, cases: Sequence[ModerationCase]) -> list[CaseSummary]:
    case_ids = [case.id for case in cases]
    counts = {
        case_id: (reports, reporters)
        for case_id, reports, reporters in db.execute(
            select(
                ModerationReport.case_id,
                func.count(),
                func.count(ModerationReport.reporter_id.distinct()),
            )
            .where(ModerationReport.case_id.in_(case_ids))
            .group_by(ModerationReport.case_id)
        )
    }
    reasons: dict[uuid.UUID, list[Reason]] = defaultdict(list)
    for case_id, reason in db.execute(
        select(ModerationReport.case_id, ModerationReport.reason)
        .where(ModerationReport.case_id.in_(case_ids))
        .distinct()
    ):
        reasons[case_id].append(reason)
    labels = _labels(db, cases)
    return [
        CaseSummary(
            id=case.id,
            target_type=case.target_type,
            target_id=case.target_id,
            target_label=labels.get(case.target_id, "(no longer there)"),
            group_id=case.group_id,
            subject_id=case.subject_id,
            status=case.status,
            urgent=case.priority > 0,
            reasons=sorted(reasons[case.id], key=SEVERITY.__getitem__),
            report_count=counts.get(case.id, (0, 0))[0],
            reporter_count=counts.get(case.id, (0, 0))[1],
            first_reported_at=case.created_at,
            last_reported_at=case.last_reported_at,
            assigned_to_id=case.assigned_to_id,
        )
        for case in cases
    ]


def _queue(scope: ModeratorScope, filters: QueueFilters) -> Select[ModerationCase]:
    query = select(ModerationCase).where(permissions.visible_cases(scope))
    if filters.status is None:
        query = query.where(ModerationCase.status.in_(OPEN_STATUSES))
    else:
        query = query.where(ModerationCase.status == filters.status)
    if filters.urgent is not None:
        query = query.where(ModerationCase.priority == (1 if filters.urgent else 0))
    if filters.target_type is not None:
        query = query.where(ModerationCase.target_type == filters.target_type)
    if filters.group_id is not None:
        query = query.where(ModerationCase.group_id == filters.group_id)
    if filters.assigned_to_me:
        query = query.where(ModerationCase.assigned_to_id == scope.person_id)
    return query


def list_cases(
    db: Session, *, actor: Actor, filters: QueueFilters, limit: int, cursor: str | None
) -> KeysetPage[CaseSummary]:
    """The cases the caller moderates, urgent first, then the most recently reported; open
    and in review unless a status is asked for."""
    scope = moderator_scope(db, actor)
    page: KeysetPage[ModerationCase] = paginate(
        db, _queue(scope, filters), QUEUE_ORDER, limit=limit, cursor=cursor, descending=True
    )
    audit.record(
        db,
        actor.who,
        AuditAction.report_queue_read,
        target_type="moderation_case",
        subjects=[case.subject_id for case in page.items if case.subject_id is not None],
    )
    return KeysetPage(_summaries(db, page.items), page.next_cursor)


_Row = TypeVar("_Row", ModerationReport, ModerationNote, ModerationAction)


def _newest(db: Session, model: type[_Row], case: ModerationCase, most: int) -> list[_Row]:
    """The newest ``most`` rows of a case, oldest first: a long case shows what came last
    (the latest report may be the urgent one, the latest note the one that matters now)."""
    newest = db.scalars(
        select(model)
        .where(model.case_id == case.id)
        .order_by(model.created_at.desc(), model.id.desc())
        .limit(most)
    )
    return list(reversed(newest.all()))


def case_read(db: Session, case: ModerationCase) -> CaseRead:
    reports = _newest(db, ModerationReport, case, MAX_SHOWN)
    notes = _newest(db, ModerationNote, case, MAX_NOTES)
    actions = _newest(db, ModerationAction, case, MAX_SHOWN)
    names = _names(
        db,
        [r.reporter_id for r in reports]
        + [n.author_id for n in notes]
        + [a.actor_id for a in actions],
    )
    (summary,) = _summaries(db, [case])
    return CaseRead(
        **summary.model_dump(),
        reports=[
            ReportFiled(
                id=r.id,
                reporter_id=r.reporter_id,
                reporter_name=names.get(r.reporter_id, ""),
                reason=r.reason,
                details=r.details,
                urgent=r.urgent,
                reported_at=r.created_at,
            )
            for r in reports
        ],
        notes=[
            CaseNoteRead(
                id=n.id,
                author_id=n.author_id,
                author_name=names.get(n.author_id) if n.author_id else None,
                body=n.body,
                written_at=n.created_at,
            )
            for n in notes
        ],
        actions=[
            CaseActionRead(
                id=a.id,
                action=a.kind,
                actor_id=a.actor_id,
                actor_name=names.get(a.actor_id) if a.actor_id else None,
                taken_at=a.created_at,
                group_id=a.group_id,
                match_id=a.match_id,
                until=a.until,
                note=a.note,
            )
            for a in actions
        ],
    )


def record_event(
    db: Session, actor: Actor, action: AuditAction, case: ModerationCase, *more: uuid.UUID
) -> None:
    audit.record(
        db,
        actor.who,
        action,
        target_type="moderation_case",
        target_id=case.id,
        group_id=case.group_id,
        subjects=[p for p in (case.subject_id, *more) if p is not None],
    )


def read_case(db: Session, *, actor: Actor, case_id: uuid.UUID) -> CaseRead:
    case, _ = visible_case(db, actor, case_id)
    read = case_read(db, case)
    record_event(db, actor, AuditAction.report_read, case, *(r.reporter_id for r in read.reports))
    return read


def _may_be_assigned(
    db: Session, settings: Settings, case: ModerationCase, person_id: uuid.UUID
) -> bool:
    """Whether the person could open the case now (in production, staff without two-step
    sign-in could not)."""
    person = db.get(User, person_id)
    if person is None or not person.is_active:
        return False
    as_they_are = accounts_service.actor_for(settings, person)
    return permissions.may_see(permissions.scope_of(db, as_they_are), case)


def update_case(
    db: Session, settings: Settings, *, actor: Actor, case_id: uuid.UUID, changes: CaseUpdate
) -> CaseRead:
    case, _ = visible_case(db, actor, case_id)
    # Decided on the case as it is now: an action closing it at the same moment must not be
    # undone by a move into review (a closed case in review, its open key given up).
    case = lock_and_reread(db, case)
    values = changes.model_dump(exclude_unset=True)
    if "assigned_to_id" in values:
        assignee = values["assigned_to_id"]
        if assignee is not None and not _may_be_assigned(db, settings, case, assignee):
            raise NotAssignable()
        case.assigned_to_id = assignee
    wanted = None if changes.status is None else CaseStatus(changes.status)
    if wanted is not None and wanted != case.status:
        reopening = case.status not in OPEN_STATUSES
        if reopening:
            if wanted != CaseStatus.open:
                raise CaseClosed("A closed case is reopened with status 'open' first.")
            # Reports made while it was closed opened a case of their own; this one takes
            # the open key back only if there is none.
            other_open = db.scalar(
                select(ModerationCase.id).where(
                    ModerationCase.open_key
                    == open_key(case.target_type, case.target_id, case.group_id)
                )
            )
            if other_open is not None:
                raise CaseClosed(
                    "There is a newer open case about the same thing; continue in that one."
                )
            case.open_key = open_key(case.target_type, case.target_id, case.group_id)
            case.closed_at = None
        case.status = wanted
    db.flush()
    record_event(db, actor, AuditAction.report_updated, case)
    return case_read(db, case)


def add_note(db: Session, *, actor: Actor, case_id: uuid.UUID, data: CaseNoteCreate) -> CaseRead:
    case, _ = visible_case(db, actor, case_id)
    db.add(ModerationNote(case_id=case.id, author_id=actor.person.id, body=data.body))
    case.updated_at = utcnow()
    db.flush()
    record_event(db, actor, AuditAction.report_note_added, case)
    return case_read(db, case)
