"""Filing a report, and what the reporter sees of it afterwards.

Anyone signed in reports a member, a story, a resource or a circle they can see. Reports about
the same thing, in the same circle, while a case about it is open fold into that case, the
same person's repeats too, so staff see one case with every report in it. A report that
speaks of immediate danger marks its case urgent and answers with the crisis lines at once.
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.core import ratelimit
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, creation_order, paginate
from backend.core.uniqueness import insert_once
from backend.groups import service as groups_service
from backend.groups.models import GroupMembership, MembershipStatus
from backend.library import crisis
from backend.library import service as library_service
from backend.library.models import ResourceType, Story
from backend.moderation.exceptions import CannotReportYourself, TooManyReports, WrongTarget
from backend.moderation.models import (
    CaseStatus,
    ModerationCase,
    ModerationReport,
    TargetType,
    open_key,
)
from backend.moderation.schemas import Outcome, ReportCreate, ReporterStatus, ReportReceipt
from backend.moderation.urgency import is_urgent

# A person's reports a day: plenty for anyone reporting what they see, too few to flood the
# queue (SECURITY.md: per-user caps on business flows).
REPORTS_PER_DAY = 20

RECEIVED = (
    "Thank you for telling us. Our team will look at it. The person you reported is not told "
    "who reported them."
)
URGENT = (
    "Thank you for telling us. We have marked this as urgent for our team. Strength Circles "
    "is not a crisis service and our team may not see this straight away: if someone is in "
    "immediate danger, call your local emergency number now. The lines below are there to "
    "help, at any hour."
)
IN_REVIEW = "Our team is looking at this now. Thank you for telling us."
ACTION_TAKEN = (
    "Our team looked into this and took action. To protect everyone's privacy, we do not "
    "share the details. Thank you for telling us."
)
NO_ACTION = (
    "Our team looked into this and did not find that the community guidelines were broken "
    "this time. Thank you for speaking up; if something else happens, please tell us again."
)


@dataclass(frozen=True)
class Target:
    type: TargetType
    id: uuid.UUID
    group_id: uuid.UUID | None
    subject_id: uuid.UUID | None


def _member(db: Session, actor: Actor, data: ReportCreate) -> Target:
    reporter = actor.person
    if data.target_id == reporter.id:
        raise CannotReportYourself()
    if db.get(User, data.target_id) is None:
        raise NotFound(detail="There is no member with this id.")
    if data.group_id is not None:
        access = groups_service.visible_group(db, data.group_id, actor)
        if access.membership is None or access.membership.status != MembershipStatus.active:
            raise WrongTarget(
                "You can report what happened in a circle you belong to. Leave out the "
                "circle, and admins will look at your report."
            )
        theirs = db.scalar(
            select(GroupMembership.id).where(
                GroupMembership.group_id == data.group_id,
                GroupMembership.user_id == data.target_id,
            )
        )
        if theirs is None:
            raise WrongTarget(
                "This person is not in that circle. Leave out the circle, or choose the one "
                "where it happened."
            )
    return Target(TargetType.member, data.target_id, data.group_id, data.target_id)


def _library_item(db: Session, actor: Actor, data: ReportCreate) -> Target:
    resource = library_service.visible_resource(db, data.target_id, viewer_may_edit=False)
    if resource.type != ResourceType.story:
        return Target(TargetType.resource, resource.id, None, None)
    author_id = db.scalar(select(Story.author_id).where(Story.resource_id == resource.id))
    if author_id == actor.person.id:
        raise CannotReportYourself()
    return Target(TargetType.story, resource.id, None, author_id)


def _circle(db: Session, actor: Actor, data: ReportCreate) -> Target:
    group = groups_service.visible_group(db, data.target_id, actor).group
    return Target(TargetType.circle, group.id, group.id, None)


def _target(db: Session, actor: Actor, data: ReportCreate) -> Target:
    """What is reported, as the reporter may know it: 404 for anything they cannot see."""
    if data.group_id is not None and data.target_type != TargetType.member:
        raise WrongTarget("A circle goes with reports about members only; leave it out.")
    if data.target_type == TargetType.member:
        return _member(db, actor, data)
    if data.target_type == TargetType.circle:
        return _circle(db, actor, data)
    # A story is a library item too: reported as either, it is filed as what it is.
    return _library_item(db, actor, data)


def _open_case(db: Session, target: Target) -> ModerationCase:
    """The open case about ``target``, made now if there is none (also when two reports about
    it arrive at the same moment: the second finds the first's)."""
    now = utcnow()
    case, _ = insert_once(
        db,
        ModerationCase,
        key={"open_key": open_key(target.type, target.id, target.group_id)},
        values={
            "id": uuid.uuid4(),
            "target_type": target.type,
            "target_id": target.id,
            "group_id": target.group_id,
            "subject_id": target.subject_id,
            "status": CaseStatus.open,
            "priority": 0,
            "last_reported_at": now,
            "created_at": now,
            "updated_at": now,
        },
    )
    return case


def file_report(db: Session, *, actor: Actor, data: ReportCreate) -> ReportReceipt:
    reporter = actor.person
    # Counted first (it commits the count): refused reports count too, so guessing ids is
    # as bounded as reporting.
    wait = ratelimit.reserve(
        db, f"reports:{reporter.id}", limit=REPORTS_PER_DAY, window=timedelta(days=1)
    )
    if wait is not None:
        raise TooManyReports(wait)
    target = _target(db, actor, data)
    urgent = is_urgent(data.reason, data.details)
    case = _open_case(db, target)
    report = ModerationReport(
        case_id=case.id,
        reporter_id=reporter.id,
        reason=data.reason,
        details=data.details or None,
        urgent=urgent,
    )
    db.add(report)
    case.last_reported_at = utcnow()
    if urgent:
        case.priority = 1
    db.flush()
    # As received, whatever the case's state: that someone else reported it first, and staff
    # are looking already, is not the reporter's to learn.
    return receipt(report, case, region=data.region, just_filed=True)


def receipt(
    report: ModerationReport,
    case: ModerationCase,
    *,
    region: str | None = None,
    just_filed: bool = False,
) -> ReportReceipt:
    """A report as its reporter sees it: where it stands, in general words."""
    status: ReporterStatus
    outcome: Outcome | None = None
    if just_filed or case.status == CaseStatus.open:
        status, message = "received", URGENT if report.urgent else RECEIVED
    elif case.status == CaseStatus.in_review:
        status, message = "in_review", IN_REVIEW
    elif case.status == CaseStatus.actioned:
        status, outcome, message = "closed", "action_taken", ACTION_TAKEN
    else:
        status, outcome, message = "closed", "no_action", NO_ACTION
    lines = crisis.crisis_resources(region) if report.urgent and status != "closed" else None
    return ReportReceipt(
        id=report.id,
        target_type=case.target_type,
        reason=report.reason,
        reported_at=report.created_at,
        urgent=report.urgent,
        status=status,
        outcome=outcome,
        message=message,
        crisis_resources=lines,
    )


def my_reports(
    db: Session, *, actor: Actor, limit: int, cursor: str | None
) -> KeysetPage[ReportReceipt]:
    """The caller's reports, newest first, each with where its case stands."""
    page: KeysetPage[ModerationReport] = paginate(
        db,
        select(ModerationReport).where(ModerationReport.reporter_id == actor.person.id),
        creation_order(ModerationReport),
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    cases = {
        case.id: case
        for case in db.scalars(
            select(ModerationCase).where(
                ModerationCase.id.in_({report.case_id for report in page.items})
            )
        )
    }
    return KeysetPage(
        [receipt(report, cases[report.case_id]) for report in page.items], page.next_cursor
    )
