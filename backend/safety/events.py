"""What happens in safety that other domains react to (see backend.wiring)."""

import uuid
from dataclasses import dataclass

from backend.core.events import Event


@dataclass(frozen=True)
class MemberBlocked(Event):
    """``blocker_id`` blocked ``blocked_id``; the blocked person is never told."""

    blocker_id: uuid.UUID
    blocked_id: uuid.UUID
