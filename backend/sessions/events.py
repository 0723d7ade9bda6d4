"""What happens to meetings that other domains react to (see backend.wiring)."""

import uuid
from dataclasses import dataclass

from backend.core.events import Event


@dataclass(frozen=True)
class AttendanceRecorded(Event):
    """Attendance at a meeting was recorded (a check-in, a sheet saved) for these people."""

    session_id: uuid.UUID
    group_id: uuid.UUID
    user_ids: tuple[uuid.UUID, ...]
