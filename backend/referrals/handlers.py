"""How referrals react to what happens elsewhere (subscribed in backend.wiring)."""

from sqlalchemy.orm import Session

from backend.accounts.events import AccountErased
from backend.core.config import Settings
from backend.referrals import service
from backend.sessions.events import AttendanceRecorded


def share_recorded_attendance(db: Session, settings: Settings, event: AttendanceRecorded) -> None:
    service.share_recorded_attendance(
        db, session_id=event.session_id, group_id=event.group_id, user_ids=event.user_ids
    )


def withdraw_every_consent(db: Session, settings: Settings, event: AccountErased) -> None:
    service.forget_the_person(db, event.user_id)
