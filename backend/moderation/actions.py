"""Decisions on a case, each carried out by the domain that owns what it changes: groups
remove a member, mentoring ends a match, the library unpublishes, accounts suspend or close.
Those domains check their own rules again (a circle's facilitators remove its members,
mentoring ends only an active match), so moderation grants no power they would refuse.

An action closes the case: ``dismiss`` as dismissed, any other as actioned; further actions
may follow on an actioned case (a warning, then a removal), not on a dismissed one until it
is reopened.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from backend.accounts import admin as accounts_admin
from backend.accounts.actor import Actor
from backend.accounts.models import User
from backend.accounts.schemas import UserAdminUpdate
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.orm import utcnow
from backend.core.uniqueness import lock_and_reread
from backend.groups import service as groups_service
from backend.library import service as library_service
from backend.mentoring import matches as mentoring_matches
from backend.mentoring.models import CloseCause
from backend.mentoring.rows import visible_match
from backend.moderation import notices, permissions
from backend.moderation.exceptions import ActionDoesNotFit, ActionNotAllowed, CaseClosed
from backend.moderation.models import (
    ActionKind,
    CaseStatus,
    ModerationAction,
    ModerationCase,
    TargetType,
)
from backend.moderation.queue import case_read, record_event, visible_case
from backend.moderation.schemas import CaseActionCreate, CaseRead

LONGEST_SUSPENSION = timedelta(days=365)
SHORTEST_SUSPENSION = timedelta(hours=1)
MATCH_ENDED_REASON = "Ended by the Strength Circles team."


@dataclass(frozen=True)
class Decision:
    """One action being carried out: what each ``CARRY_OUT`` step reads and fills in."""

    db: Session
    settings: Settings
    actor: Actor
    case: ModerationCase
    data: CaseActionCreate
    action: ModerationAction  # the record of it, which a step completes (circle, match, until)


Carry = Callable[[Decision], None]


def _subject(case: ModerationCase) -> uuid.UUID:
    if case.subject_id is None:
        raise ActionDoesNotFit(
            "This report is not about a person, so there is no one to act on; unpublish it "
            "or dismiss the report."
        )
    return case.subject_id


def _dismiss(_: Decision) -> None:
    """Nothing changes but the case."""


def _warn(d: Decision) -> None:
    notices.warned(d.db, d.settings, d.db.get_one(User, _subject(d.case)))


def _remove_from_circle(d: Decision) -> None:
    if d.case.target_type != TargetType.member:
        raise ActionDoesNotFit("Only a member can be removed from a circle.")
    group_id = d.data.group_id or d.case.group_id
    if group_id is None:
        raise ActionDoesNotFit("Say which circle to remove the member from (group_id).")
    access = groups_service.managed_group(d.db, group_id, d.actor)
    # Not "declined" words: a moderation decision is not a facilitator's answer to a request.
    groups_service.remove_membership(
        d.db, d.settings, access, user_id=_subject(d.case), declined_notice=False
    )
    d.action.group_id = group_id


def _end_match(d: Decision) -> None:
    person = _subject(d.case)
    if d.data.match_id is None:
        raise ActionDoesNotFit("Say which match to end (match_id).")
    access = visible_match(d.db, d.data.match_id, d.actor)
    if person not in (access.match.mentor_id, access.match.mentee_id):
        raise ActionDoesNotFit("That match is not one of the reported person's.")
    mentoring_matches.end(
        d.db, d.settings, access, reason=MATCH_ENDED_REASON, because=CloseCause.moderation
    )
    d.action.match_id = d.data.match_id


def _unpublish(d: Decision) -> None:
    if d.case.target_type not in (TargetType.story, TargetType.resource):
        raise ActionDoesNotFit("Only a story or a resource can be unpublished.")
    library_service.take_down(d.db, actor=d.actor, resource_id=d.case.target_id)


def _suspend(d: Decision) -> None:
    person = _subject(d.case)
    now = utcnow()
    until = d.data.until
    if until is None or not (now + SHORTEST_SUSPENSION <= until <= now + LONGEST_SUSPENSION):
        raise ActionDoesNotFit(
            "Say until when to pause the account (until): at least an hour and at most a year "
            "from now."
        )
    accounts_admin.suspend_account(d.db, d.settings, actor=d.actor, user_id=person, until=until)
    d.action.until = until


def _close_account(d: Decision) -> None:
    accounts_admin.admin_update_user(
        d.db,
        d.settings,
        actor=d.actor,
        user_id=_subject(d.case),
        changes=UserAdminUpdate(is_active=False),
    )


CARRY_OUT: dict[ActionKind, Carry] = {
    ActionKind.dismiss: _dismiss,
    ActionKind.warn: _warn,
    ActionKind.remove_from_circle: _remove_from_circle,
    ActionKind.end_match: _end_match,
    ActionKind.unpublish: _unpublish,
    ActionKind.suspend: _suspend,
    ActionKind.close_account: _close_account,
}


def take_action(
    db: Session, settings: Settings, *, actor: Actor, case_id: uuid.UUID, data: CaseActionCreate
) -> CaseRead:
    case, scope = visible_case(db, actor, case_id)
    # Two moderators deciding at once: the second decides on what the first left.
    case = lock_and_reread(db, case)
    if case.status == CaseStatus.dismissed or (
        data.action == ActionKind.dismiss and case.status == CaseStatus.actioned
    ):
        raise CaseClosed()
    if not permissions.may_take(scope, case, data.action):
        raise ActionNotAllowed(
            "Only an admin can take this action. Add a note to the case, or assign it to an admin."
        )
    action = ModerationAction(
        case_id=case.id, kind=data.action, actor_id=actor.person.id, note=data.note
    )
    CARRY_OUT[data.action](Decision(db, settings, actor, case, data, action))
    db.add(action)
    case.status = CaseStatus.dismissed if data.action == ActionKind.dismiss else CaseStatus.actioned
    case.open_key = None
    case.closed_at = case.closed_at or utcnow()
    db.flush()
    record_event(db, actor, AuditAction.report_action_taken, case)
    return case_read(db, case)
