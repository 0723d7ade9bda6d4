"""Who may do what in the library: pure predicates over the actor."""

from backend.accounts.actor import Actor
from backend.accounts.schemas import Scope


def may_edit_library(actor: Actor) -> bool:
    """Facilitators and admins, and integrators holding ``resources:write``."""
    return actor.is_staff or actor.holds(Scope.resources_write)


def may_review_stories(actor: Actor) -> bool:
    """Facilitators and admins read stories before they are published."""
    return actor.is_staff
