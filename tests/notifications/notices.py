"""Helpers for the notification tests: send a notice the way the app's services do, and count
what it left on each channel."""

import uuid
from collections.abc import Iterable

from fastapi import FastAPI
from sqlalchemy import func, select

from backend.accounts.models import User
from backend.core.config import Settings
from backend.notifications.models import (
    Notification,
    NotificationKind,
    OutboxMessage,
    PushMessage,
    PushSubscription,
)
from backend.notifications.service import Notice, notify_people


def notice(kind: NotificationKind = NotificationKind.changes, subject: str = "News") -> Notice:
    return Notice(
        kind=kind,
        subject=subject,
        text="Something about your meetings changed.",
        link="/my-meetings",
        see="See your meetings",
    )


def send(
    app: FastAPI, settings: Settings, users: Iterable[User], what: Notice | None = None
) -> None:
    """``what`` to ``users``, in a transaction of its own, as a service would."""
    with app.state.session_factory.begin() as db:
        notify_people(db, settings, list(users), what or notice())


def emails_of(app: FastAPI, user_id: uuid.UUID) -> list[OutboxMessage]:
    with app.state.session_factory() as db:
        found = list(
            db.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.user_id == user_id)
                .order_by(OutboxMessage.created_at)
            )
        )
        db.expunge_all()
    return found


def pushes_of(app: FastAPI, user_id: uuid.UUID) -> int:
    with app.state.session_factory() as db:
        return (
            db.scalar(
                select(func.count())
                .select_from(PushMessage)
                .join(PushSubscription, PushSubscription.id == PushMessage.subscription_id)
                .where(PushSubscription.user_id == user_id)
            )
            or 0
        )


def centre_rows_of(app: FastAPI, user_id: uuid.UUID) -> list[Notification]:
    """Every notification row of the person, listed in the centre or not."""
    with app.state.session_factory() as db:
        found = list(db.scalars(select(Notification).where(Notification.user_id == user_id)))
        db.expunge_all()
    return found
