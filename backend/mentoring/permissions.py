"""Who may see and do what with a match: pure predicates over the actor and the match.

A match the actor may not see answers 404 (someone else's match), never 403.
"""

import uuid

from backend.accounts.actor import Actor
from backend.mentoring.models import MentorMatch


def is_mentor_of(actor: Actor, match: MentorMatch) -> bool:
    return actor.person_id is not None and match.mentor_id == actor.person_id


def is_mentee_of(actor: Actor, match: MentorMatch) -> bool:
    return actor.person_id is not None and match.mentee_id == actor.person_id


def can_see_match(actor: Actor, match: MentorMatch) -> bool:
    """The pair and admins."""
    return actor.is_admin or is_mentor_of(actor, match) or is_mentee_of(actor, match)


def sees_every_match(actor: Actor) -> bool:
    return actor.is_admin


def may_propose_for(actor: Actor, mentee_id: uuid.UUID) -> bool:
    """A member proposes for themselves; an admin for anyone."""
    return mentee_id == actor.person_id or actor.is_admin


def may_withdraw(actor: Actor, match: MentorMatch) -> bool:
    """The mentee withdraws their proposal, or an admin on their behalf."""
    return is_mentee_of(actor, match) or actor.is_admin
