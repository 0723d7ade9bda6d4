"""What happens to groups that other domains react to (see backend.wiring)."""

import uuid
from dataclasses import dataclass

from backend.core.events import Event


@dataclass(frozen=True)
class GroupArchived(Event):
    """The group meets no more; it is kept as history."""

    group_id: uuid.UUID


@dataclass(frozen=True)
class MembershipEnded(Event):
    """Someone left a group, or a facilitator removed them (``removed``)."""

    group_id: uuid.UUID
    user_id: uuid.UUID
    removed: bool
