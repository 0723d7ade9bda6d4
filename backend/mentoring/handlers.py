"""How mentoring follows what happens to accounts (subscribed in backend.wiring)."""

from sqlalchemy.orm import Session

from backend.accounts.events import AccountDeactivated, AccountErased
from backend.core.config import Settings
from backend.mentoring import matches
from backend.mentoring.models import OPEN_MATCH_STATUSES, CloseCause, MentorMatch
from backend.mentoring.rows import close_for_departure, lock_people, locked_matches
from backend.safety.events import MemberBlocked


def close_open_matches(
    db: Session, settings: Settings, event: AccountDeactivated | AccountErased
) -> None:
    """No one waits on a proposal, or meets in a match, with an account that cannot sign in."""
    matches.close_open_matches(db, settings, user_id=event.user_id)


def forget_the_person(db: Session, settings: Settings, event: AccountErased) -> None:
    matches.forget_person(db, user_id=event.user_id)


def close_matches_between(db: Session, settings: Settings, event: MemberBlocked) -> None:
    """A block ends an open match between the two; the blocked side is told only that it
    ended. Both people's requests and profiles are locked first (the one lock order), so no
    proposal between them lands meanwhile."""
    pair = sorted([event.blocker_id, event.blocked_id])
    lock_people(db, pair)
    between = locked_matches(
        db,
        MentorMatch.status.in_(OPEN_MATCH_STATUSES),
        MentorMatch.mentor_id.in_(pair),
        MentorMatch.mentee_id.in_(pair),
    )
    for match in between:
        close_for_departure(
            db, settings, match, leaving=event.blocker_id, because=CloseCause.blocked
        )
