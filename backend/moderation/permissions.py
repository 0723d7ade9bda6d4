"""Who moderates what: written once, for the queue's query and for each case alike.

- Admins: every case.
- A circle's facilitators: reports about members made from their circle.
- Story reviewers (facilitators and admins): reports about published stories.
- Library editors: reports about other resources.
- Reports about a circle itself (often about how it is run): admins only.
Nobody sees a case about themselves, whatever their role: a reported member never learns who
reported them, and a reported facilitator does not judge their own case.
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.groups.models import GroupMembership, MemberRole, MembershipStatus
from backend.library import permissions as library_permissions
from backend.moderation.models import ActionKind, ModerationCase, TargetType

# What any moderator of a case may do; the rest needs an admin or the case's own scope.
EVERY_MODERATOR = frozenset({ActionKind.dismiss, ActionKind.warn})
ADMINS_ONLY = frozenset({ActionKind.end_match, ActionKind.suspend, ActionKind.close_account})


@dataclass(frozen=True)
class ModeratorScope:
    person_id: uuid.UUID | None
    is_admin: bool
    circles: frozenset[uuid.UUID]  # the circles they facilitate
    reviews_stories: bool
    edits_library: bool

    @property
    def moderates_anything(self) -> bool:
        return self.is_admin or bool(self.circles) or self.reviews_stories or self.edits_library


def facilitated_circles(db: Session, person_id: uuid.UUID) -> frozenset[uuid.UUID]:
    return frozenset(
        db.scalars(
            select(GroupMembership.group_id).where(
                GroupMembership.user_id == person_id,
                GroupMembership.role == MemberRole.facilitator,
                GroupMembership.status == MembershipStatus.active,
            )
        )
    )


def scope_of(db: Session, actor: Actor) -> ModeratorScope:
    # In production, staff without two-step sign-in moderate nothing until they turn it on.
    if actor.person_id is None or actor.two_factor_missing:
        return ModeratorScope(None, False, frozenset(), False, False)
    return ModeratorScope(
        person_id=actor.person_id,
        is_admin=actor.is_admin,
        circles=frozenset() if actor.is_admin else facilitated_circles(db, actor.person_id),
        reviews_stories=library_permissions.may_review_stories(actor),
        edits_library=library_permissions.may_edit_library(actor),
    )


def may_see(scope: ModeratorScope, case: ModerationCase) -> bool:
    if scope.person_id is None or case.subject_id == scope.person_id:
        return False
    if scope.is_admin:
        return True
    if case.target_type == TargetType.member:
        return case.group_id is not None and case.group_id in scope.circles
    if case.target_type == TargetType.story:
        return scope.reviews_stories
    if case.target_type == TargetType.resource:
        return scope.edits_library
    return False


def visible_cases(scope: ModeratorScope) -> ColumnElement[bool]:
    """``may_see`` as a condition on ``ModerationCase``, for the queue."""
    if scope.person_id is None:
        return false()
    not_about_me = or_(
        ModerationCase.subject_id.is_(None), ModerationCase.subject_id != scope.person_id
    )
    if scope.is_admin:
        return not_about_me
    allowed: list[ColumnElement[bool]] = []
    if scope.circles:
        allowed.append(
            and_(
                ModerationCase.target_type == TargetType.member,
                ModerationCase.group_id.in_(scope.circles),
            )
        )
    if scope.reviews_stories:
        allowed.append(ModerationCase.target_type == TargetType.story)
    if scope.edits_library:
        allowed.append(ModerationCase.target_type == TargetType.resource)
    if not allowed:
        return false()
    return and_(not_about_me, or_(*allowed))


def may_take(scope: ModeratorScope, case: ModerationCase, action: ActionKind) -> bool:
    """Whether a moderator of ``case`` may take ``action`` on it; the owning domain checks
    its own rule again when it carries the action out (a circle's facilitators remove its
    members, library editors unpublish)."""
    if not may_see(scope, case):
        return False
    if scope.is_admin or action in EVERY_MODERATOR:
        return True
    if action in ADMINS_ONLY:
        return False
    if action == ActionKind.remove_from_circle:
        return case.target_type == TargetType.member
    if action == ActionKind.unpublish:
        return case.target_type in (TargetType.story, TargetType.resource)
    return False
