"""A person's notifications: the notification centre, what they want to be told and how, the
devices they turned push on for, and one-click unsubscribe from an email.

Here, not in ``notifications``, because every route but the unsubscribe link needs a signed-in
person, and accounts sit above notifications.
"""

import uuid

from fastapi import APIRouter, Response

from backend.accounts.dependencies import AppSettings, CurrentActor
from backend.core.access import Public
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit
from backend.core.routing import JSONRoute
from backend.notifications import preferences, push, service, unsubscribe, views
from backend.notifications.exceptions import PushSubscriptionNotFound
from backend.notifications.schemas import (
    MarkRead,
    NotificationPage,
    NotificationRead,
    NotificationSettingsRead,
    NotificationSettingsUpdate,
    PushKey,
    PushSubscriptionCreate,
    PushSubscriptionRead,
    UnreadCount,
    UnsubscribeRead,
)

router = APIRouter(route_class=JSONRoute, tags=["notifications"])


@router.get("/me/notifications", responses=problem_responses(401, 403))
def list_notifications(
    actor: CurrentActor, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> NotificationPage:
    """The person's notification centre, newest first, with how many are unread."""
    page = service.notifications_of(db, actor.person.id, limit=limit, cursor=cursor)
    return NotificationPage(
        items=[NotificationRead.model_validate(item) for item in page.items],
        next_cursor=page.next_cursor,
        unread_count=service.unread_count(db, actor.person.id),
    )


@router.get("/me/notifications/unread-count", responses=problem_responses(401, 403))
def count_unread_notifications(actor: CurrentActor, db: DbSession) -> UnreadCount:
    """How many notifications are unread (for the badge on the bell)."""
    return UnreadCount(unread_count=service.unread_count(db, actor.person.id))


@router.post("/me/notifications/read", responses=problem_responses(401, 403))
def mark_notifications_read(data: MarkRead, actor: CurrentActor, db: DbSession) -> UnreadCount:
    """Mark some notifications read (ids that are not the person's are ignored)."""
    service.mark_read(db, actor.person.id, data.ids)
    return UnreadCount(unread_count=service.unread_count(db, actor.person.id))


@router.post("/me/notifications/read-all", responses=problem_responses(401, 403))
def mark_all_notifications_read(actor: CurrentActor, db: DbSession) -> UnreadCount:
    """Mark every notification read."""
    service.mark_read(db, actor.person.id, None)
    return UnreadCount(unread_count=0)


@router.get("/me/notification-settings", responses=problem_responses(401, 403))
def read_notification_settings(actor: CurrentActor, db: DbSession) -> NotificationSettingsRead:
    """Which messages the person gets on which channel, their reminders and quiet hours."""
    wanted = preferences.preferences(db, actor.person.id)
    return views.settings_read(wanted, timezone=actor.person.timezone)


@router.patch("/me/notification-settings", responses=problem_responses(401, 403))
def update_notification_settings(
    changes: NotificationSettingsUpdate, actor: CurrentActor, db: DbSession
) -> NotificationSettingsRead:
    """Change only what is given; ``quiet_hours: null`` turns quiet hours off."""
    wanted = preferences.change_preferences(db, actor.person.id, views.change_of(changes))
    return views.settings_read(wanted, timezone=actor.person.timezone)


@router.get("/push/key", dependencies=[Public])
def read_push_key(settings: AppSettings) -> PushKey:
    """The key a browser subscribes to push with (``applicationServerKey``)."""
    return PushKey(public_key=push.public_key(settings))


@router.get("/me/push-subscriptions", responses=problem_responses(401, 403))
def list_push_subscriptions(actor: CurrentActor, db: DbSession) -> list[PushSubscriptionRead]:
    """The devices the person turned push on for (at most ten)."""
    devices = push.devices_of(db, [actor.person.id]).get(actor.person.id, [])
    return [PushSubscriptionRead.model_validate(device) for device in devices]


@router.post("/me/push-subscriptions", status_code=201, responses=problem_responses(401, 403))
def create_push_subscription(
    data: PushSubscriptionCreate, actor: CurrentActor, db: DbSession, settings: AppSettings
) -> PushSubscriptionRead:
    """Turn push on for this device: save the browser's subscription (again is fine)."""
    device = push.subscribe(
        db,
        settings,
        actor.person.id,
        endpoint=data.endpoint,
        p256dh=data.keys.p256dh,
        auth=data.keys.auth,
    )
    return PushSubscriptionRead.model_validate(device)


@router.delete(
    "/me/push-subscriptions/{subscription_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
def delete_push_subscription(
    subscription_id: uuid.UUID, actor: CurrentActor, db: DbSession
) -> Response:
    """Turn push off for a device."""
    if not push.unsubscribe(db, actor.person.id, subscription_id):
        raise PushSubscriptionNotFound()
    return Response(status_code=204)


@router.get("/unsubscribe/{token}", dependencies=[Public], responses=problem_responses(404))
def read_unsubscribe_link(token: str, db: DbSession, settings: AppSettings) -> UnsubscribeRead:
    """Which emails an unsubscribe link stops, for the page that asks before it does."""
    kind, email_on = unsubscribe.what_it_stops(db, settings, token)
    return UnsubscribeRead(kind=kind, description=views.KIND_WORDS[kind], email_on=email_on)


@router.post("/unsubscribe/{token}", dependencies=[Public], responses=problem_responses(404))
def unsubscribe_one_click(token: str, db: DbSession, settings: AppSettings) -> UnsubscribeRead:
    """Stop one kind of email without signing in: the List-Unsubscribe-Post one-click
    (RFC 8058) a mail app sends, or the button on the page. Again changes nothing more."""
    kind = unsubscribe.stop(db, settings, token)
    return UnsubscribeRead(kind=kind, description=views.KIND_WORDS[kind], email_on=False)
