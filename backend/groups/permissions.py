"""Who may see and do what with a group: pure predicates over the user and their membership.

A group the caller may not know about answers 404 (the dependency/service raises NotFound),
never 403, so group ids leak nothing.
"""

from backend.accounts.models import Role, User
from backend.groups.models import (
    GroupMembership,
    MemberRole,
    MembershipStatus,
    SupportGroup,
    Visibility,
)


def is_admin(user: User | None) -> bool:
    return user is not None and user.role == Role.admin


def may_create_groups(user: User) -> bool:
    return user.role in (Role.facilitator, Role.admin)


def is_active_member(membership: GroupMembership | None) -> bool:
    return membership is not None and membership.status == MembershipStatus.active


def is_facilitator_of(membership: GroupMembership | None) -> bool:
    return (
        is_active_member(membership)
        and membership is not None
        and (membership.role == MemberRole.facilitator)
    )


def can_see_group(
    user: User | None, group: SupportGroup, membership: GroupMembership | None
) -> bool:
    """Listed groups are open to anyone; unlisted ones to their members (pending included,
    since they asked to join) and admins."""
    if group.visibility == Visibility.listed or is_admin(user):
        return True
    return membership is not None and membership.status in (
        MembershipStatus.active,
        MembershipStatus.pending,
    )


def can_manage_group(user: User, membership: GroupMembership | None) -> bool:
    return is_admin(user) or is_facilitator_of(membership)


def can_see_members(user: User, membership: GroupMembership | None) -> bool:
    return is_admin(user) or is_active_member(membership)


def can_see_meeting_link(user: User | None, membership: GroupMembership | None) -> bool:
    return is_admin(user) or is_active_member(membership)
