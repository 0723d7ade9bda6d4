"""What a person is told by email when their request to join a circle is answered.

Neutral, like every notice: an inbox can be seen by others, so the circle's name and topic stay
in the app, where the person is signed in.
"""

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.config import Settings
from backend.notifications.models import NotificationKind
from backend.notifications.service import Notice, notify_people


def request_approved(db: Session, settings: Settings, user: User) -> None:
    notify_people(
        db,
        settings,
        [user],
        Notice(
            kind=NotificationKind.changes,
            subject="Your request to join a circle was answered",
            text=(
                "A facilitator has said yes to your request to join a circle. You are a member "
                "now: its meetings, and the link for online ones, are in the app."
            ),
            link="/my-meetings",
            see="See your circles and their meetings",
        ),
    )


def request_declined(db: Session, settings: Settings, user: User) -> None:
    notify_people(
        db,
        settings,
        [user],
        Notice(
            kind=NotificationKind.changes,
            subject="Your request to join a circle was answered",
            text=(
                "A facilitator was not able to say yes to your request to join a circle this time. "
                "This is often about room or fit, not about you. Other circles may suit you, and "
                "you can ask to join one whenever you like."
            ),
            link="/",
            see="Find a circle",
        ),
    )
