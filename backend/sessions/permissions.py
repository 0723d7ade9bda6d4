"""Who may see what of meetings: pure predicates over the actor (and their membership)."""

from backend.accounts.actor import Actor
from backend.accounts.schemas import Scope
from backend.groups import permissions as group_permissions
from backend.groups.models import GroupMembership


def reads_every_group(actor: Actor) -> bool:
    """Integrators holding ``sessions:read`` read every group's meetings."""
    return actor.holds(Scope.sessions_read)


def can_see_meeting_link(actor: Actor, membership: GroupMembership | None) -> bool:
    """Meeting links are for the group's members and admins, never for integrators."""
    return not actor.is_integrator and group_permissions.can_see_meeting_link(actor, membership)


# Members with anonymous attendance are counted apart only when at least this many are: one
# or two could be picked out of a figure by whoever knows the others (k-anonymity).
ANONYMOUS_AT_LEAST = 3


def sees_anonymous_attendees(actor: Actor) -> bool:
    """Members who chose anonymous attendance are counted for everyone, named to admins."""
    return actor.is_admin


def reads_attendee_names(actor: Actor) -> bool:
    """People who may handle attendance read sheets, names included; an integrator only with
    ``attendance:read`` (one that may only write learns nothing it did not send)."""
    return actor.is_person or actor.holds(Scope.attendance_read)
