"""Who may see and do what with a group: pure predicates over the actor and their membership.

The one policy for a group the caller may not know about: it answers 404 (NotFound), never
403, so group ids leak nothing. A group the caller may see but not manage answers 403
(NotFacilitator). ``service.visible_group`` and ``service.managed_group`` apply it, and every
domain that manages something of a group goes through them.
"""

from backend.accounts.actor import Actor
from backend.groups.models import (
    GroupMembership,
    MemberRole,
    MembershipStatus,
    SupportGroup,
    Visibility,
)


def may_create_groups(actor: Actor) -> bool:
    return actor.is_staff


def is_active_member(membership: GroupMembership | None) -> bool:
    return membership is not None and membership.status == MembershipStatus.active


def is_facilitator_of(membership: GroupMembership | None) -> bool:
    return (
        is_active_member(membership)
        and membership is not None
        and (membership.role == MemberRole.facilitator)
    )


def can_see_group(actor: Actor, group: SupportGroup, membership: GroupMembership | None) -> bool:
    """Listed groups are open to anyone; unlisted ones to their members (pending included,
    since they asked to join) and admins."""
    if group.visibility == Visibility.listed or actor.is_admin:
        return True
    return membership is not None and membership.status in (
        MembershipStatus.active,
        MembershipStatus.pending,
    )


def can_manage_group(actor: Actor, membership: GroupMembership | None) -> bool:
    """Admins and the group's facilitators (in production, once they have two-step sign-in
    on: see ``Actor.two_factor_missing``)."""
    return actor.is_admin or (is_facilitator_of(membership) and not actor.two_factor_missing)


def can_see_members(actor: Actor, membership: GroupMembership | None) -> bool:
    return actor.is_admin or is_active_member(membership)


def can_see_meeting_link(actor: Actor, membership: GroupMembership | None) -> bool:
    return actor.is_admin or is_active_member(membership)
