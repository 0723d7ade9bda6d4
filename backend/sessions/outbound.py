"""What integrators hear when a meeting is cancelled, moved or put back on: a webhook to every
client holding ``sessions:read``.

That scope reads every circle's meetings through the API (``permissions.reads_every_group``),
so it is told of every circle's; a client without it reads no meeting, so hears of none. The
payload is what such a client could read anyway, less: ids and times, never the reason (it
may name people), the place or the meeting link.
"""

from datetime import datetime

from sqlalchemy.orm import Session

from backend.accounts.schemas import Scope
from backend.sessions.models import GroupSession
from backend.webhooks.service import WebhookEventType, emit

# Who may read meetings through the API is who is told of their changes.
READERS_SCOPE = Scope.sessions_read


def _tell(
    db: Session, event_type: WebhookEventType, session: GroupSession, **more: datetime
) -> None:
    emit(
        db,
        event_type=event_type,
        data={
            "meeting_id": session.id,
            "circle_id": session.group_id,
            "starts_at": session.starts_at,
            **more,
        },
        scope=READERS_SCOPE,
    )


def meeting_cancelled(db: Session, session: GroupSession) -> None:
    _tell(db, WebhookEventType.meeting_cancelled, session)


def meeting_moved(db: Session, session: GroupSession, previous_starts_at: datetime) -> None:
    _tell(db, WebhookEventType.meeting_moved, session, previous_starts_at=previous_starts_at)


def meeting_restored(db: Session, session: GroupSession) -> None:
    """A cancelled meeting is on again (at ``starts_at``, which may be a new time)."""
    _tell(db, WebhookEventType.meeting_restored, session)
