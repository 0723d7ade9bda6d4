"""How meetings follow what happens to groups and accounts (subscribed in backend.wiring)."""

from sqlalchemy.orm import Session

from backend.accounts.events import (
    AccountDeactivated,
    AccountErased,
    AccountSuspended,
    SignInsEnded,
)
from backend.core.config import Settings
from backend.groups.events import GroupArchived, MembershipEnded
from backend.sessions import calendar, rsvps, service


def free_seats_in_the_group(db: Session, settings: Settings, event: MembershipEnded) -> None:
    """Whoever leaves a group, or is removed, gives their seats at its upcoming meetings to
    the people waiting."""
    rsvps.release_future_rsvps(db, settings, group_id=event.group_id, user_id=event.user_id)


def free_every_seat(
    db: Session, settings: Settings, event: AccountDeactivated | AccountSuspended | AccountErased
) -> None:
    """Someone who can no longer sign in (for now, or at all) gives up their seats at every
    upcoming meeting."""
    rsvps.release_all_future_rsvps(db, settings, user_id=event.user_id)


def end_the_calendar_feed(db: Session, settings: Settings, event: SignInsEnded) -> None:
    """The secret feed stands in for the person: it ends with their sign-ins (a new one can
    be asked for once they sign in again)."""
    calendar.end_feed(db, user_id=event.user_id)


def close_the_group(db: Session, settings: Settings, event: GroupArchived) -> None:
    service.close_group(db, settings, group_id=event.group_id)
