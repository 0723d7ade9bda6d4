"""How mentoring follows what happens to accounts (subscribed in backend.wiring)."""

from sqlalchemy.orm import Session

from backend.accounts.events import AccountDeactivated, AccountErased
from backend.core.config import Settings
from backend.mentoring import service


def close_open_matches(
    db: Session, settings: Settings, event: AccountDeactivated | AccountErased
) -> None:
    """No one waits on a proposal, or meets in a match, with an account that cannot sign in."""
    service.close_open_matches(db, settings, user_id=event.user_id)


def forget_the_person(db: Session, settings: Settings, event: AccountErased) -> None:
    service.forget_person(db, user_id=event.user_id)
