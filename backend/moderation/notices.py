"""What a person is told when staff act on a report about them: neutral, as every notice (an
inbox can be seen by others), never who reported them or what was said."""

from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.core.config import Settings
from backend.notifications.models import NotificationKind
from backend.notifications.service import Notice, notify_people


def warned(db: Session, settings: Settings, person: User) -> None:
    notify_people(
        db,
        settings,
        [person],
        Notice(
            kind=NotificationKind.moderation,
            subject="A note from the Strength Circles team",
            text=(
                "Our team was asked to look at something shared on Strength Circles, and we would "
                "like to remind you of our community guidelines: we are here to support each other "
                "with kindness, respect and care for each other's privacy. Please read them again "
                "before your next circle.\n\nIf you would like to talk about this, a facilitator "
                "or the counseling service will be glad to listen."
            ),
            link="/account",
            see="Our community guidelines are with each circle",
        ),
    )
