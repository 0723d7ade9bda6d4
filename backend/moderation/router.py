"""Reports (anyone signed in) and the moderation queue (the staff who moderate each case)."""

import uuid

from fastapi import APIRouter, Response

from backend.accounts.dependencies import AppSettings, CurrentActor
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit, Page
from backend.core.routing import JSONRoute, located_at
from backend.moderation import actions, queue, reports
from backend.moderation.models import CaseStatus, TargetType
from backend.moderation.schemas import (
    CaseActionCreate,
    CaseNoteCreate,
    CaseRead,
    CaseSummary,
    CaseUpdate,
    QueueFilters,
    ReportCreate,
    ReportReceipt,
)

router = APIRouter(route_class=JSONRoute)


@router.post(
    "/reports",
    tags=["reports"],
    status_code=201,
    responses=problem_responses(
        401, 403, 404, 429, s422="Yourself, or a circle that does not fit the report."
    ),
)
def file_report(data: ReportCreate, actor: CurrentActor, db: DbSession) -> ReportReceipt:
    """Report a member, a story, a resource or a circle to the team. The person is never told
    who reported them. A report about immediate danger answers with crisis lines at once."""
    return reports.file_report(db, actor=actor, data=data)


@router.get("/me/reports", tags=["me"], responses=problem_responses(401, 403))
def my_reports(
    actor: CurrentActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[ReportReceipt]:
    """The reports you made, newest first, and where each stands, in general words."""
    page = reports.my_reports(db, actor=actor, limit=limit, cursor=cursor)
    return Page[ReportReceipt](items=page.items, next_cursor=page.next_cursor)


@router.get("/reports", tags=["reports"], responses=problem_responses(401, 403))
def moderation_queue(
    actor: CurrentActor,
    db: DbSession,
    status: CaseStatus | None = None,
    urgent: bool | None = None,
    target_type: TargetType | None = None,
    group_id: uuid.UUID | None = None,
    assigned_to_me: bool = False,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[CaseSummary]:
    """The moderation queue: the cases you moderate (admins all; facilitators their circles'
    member reports; reviewers stories), urgent first, then the latest reported. Open and in
    review ones unless you ask for a status."""
    filters = QueueFilters(
        status=status,
        urgent=urgent,
        target_type=target_type,
        group_id=group_id,
        assigned_to_me=assigned_to_me,
    )
    page = queue.list_cases(db, actor=actor, filters=filters, limit=limit, cursor=cursor)
    return Page[CaseSummary](items=page.items, next_cursor=page.next_cursor)


@router.get("/reports/{report_id}", tags=["reports"], responses=problem_responses(401, 403, 404))
def read_case(report_id: uuid.UUID, actor: CurrentActor, db: DbSession) -> CaseRead:
    """One case: every report in it (with who made it), the staff notes and the actions."""
    return queue.read_case(db, actor=actor, case_id=report_id)


@router.patch(
    "/reports/{report_id}",
    tags=["reports"],
    responses=problem_responses(401, 403, 404, 409, s422="Someone who cannot see the case."),
)
def update_case(
    report_id: uuid.UUID,
    changes: CaseUpdate,
    actor: CurrentActor,
    db: DbSession,
    settings: AppSettings,
) -> CaseRead:
    """Move a case into review, reopen it, or assign it to someone who moderates it."""
    return queue.update_case(db, settings, actor=actor, case_id=report_id, changes=changes)


@router.post(
    "/reports/{report_id}/notes",
    tags=["reports"],
    status_code=201,
    responses=problem_responses(401, 403, 404, s409="The same Idempotency-Key, still running."),
)
def add_case_note(
    report_id: uuid.UUID,
    data: CaseNoteCreate,
    actor: CurrentActor,
    db: DbSession,
    response: Response,
) -> CaseRead:
    """Add a note for the other staff (never shown to members); answers with the case."""
    located_at(response, f"/reports/{report_id}")
    return queue.add_note(db, actor=actor, case_id=report_id, data=data)


@router.post(
    "/reports/{report_id}/actions",
    tags=["reports"],
    responses=problem_responses(
        401, 403, 404, 409, s422="The action does not fit the case, or needs more."
    ),
)
def take_action(
    report_id: uuid.UUID,
    data: CaseActionCreate,
    actor: CurrentActor,
    db: DbSession,
    settings: AppSettings,
) -> CaseRead:
    """Decide: dismiss, warn the person (a neutral message), remove them from the circle, end
    their match, unpublish the story or resource, suspend or close the account (the last three
    admins only). Each is carried out as its own domain does it, and closes the case."""
    return actions.take_action(db, settings, actor=actor, case_id=report_id, data=data)
