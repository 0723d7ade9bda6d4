"""The rules of webhooks: who owns an endpoint, what it may change, and ``emit``, which queues
an event for every endpoint that should receive it, in the caller's transaction.

An endpoint belongs to the service client that registered it: a client sees and changes its
own only (another client's is a 404, like a random id). Admins see every endpoint, never a
secret, and may turn one off or on for support; nothing else. Secrets are shown once, when
made (``signing`` says how they are kept).
"""

import json
import uuid
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.accounts.actor import Actor
from backend.accounts.models import ServiceClient
from backend.core import audit
from backend.core.audit import AuditAction
from backend.core.config import Settings
from backend.core.errors import NotFound
from backend.core.orm import utcnow
from backend.core.pagination import KeysetPage, creation_order, paginate
from backend.core.uniqueness import lock_and_reread
from backend.webhooks import exceptions as errors
from backend.webhooks import signing, urls
from backend.webhooks.catalog import WebhookEventType
from backend.webhooks.models import (
    DeliveryStatus,
    DisabledBecause,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
)
from backend.webhooks.schemas import WebhookEndpointCreate, WebhookEndpointUpdate

__all__ = ["WebhookEventType", "emit"]

# Endpoints one service client may have: enough for a receiver per system and environment.
MAX_ENDPOINTS_PER_CLIENT = 10
# After a rotation the secret before it keeps signing for this long, so the receiver can
# switch to the new one without missing a delivery.
ROTATION_GRACE = timedelta(hours=24)
ENDPOINTS_ORDER = creation_order(WebhookEndpoint)
DELIVERIES_ORDER = creation_order(WebhookDelivery)
# A claim older than this belongs to a worker that died mid-send (delivery.py).
CLAIM_TIMEOUT = timedelta(minutes=2)
NOT_SENT_WHILE_OFF = "Not sent: the endpoint was turned off. Redeliver it once it is on again."


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _json_value(value: object) -> object:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return _timestamp(value)
    raise TypeError(f"{type(value).__name__} is not a webhook payload value")


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def emit(
    db: Session,
    *,
    event_type: WebhookEventType,
    data: dict[str, Any],
    client_ids: Collection[uuid.UUID] | None = None,
    scope: str | None = None,
) -> int:
    """Queue, in the caller's transaction, one delivery of this event to every endpoint
    subscribed to ``event_type`` whose service client is live (not revoked), is among
    ``client_ids`` when given, and holds ``scope`` when given. Returns how many were queued.

    An endpoint that is turned off gets its delivery too, marked not sent, so nothing is lost
    while it is off: its owner can redeliver it (a consent withdrawn, above all, must reach
    the integrator). Only enabled endpoints' deliveries are sent by the worker."""
    statement = (
        select(
            WebhookEndpoint.id,
            WebhookEndpoint.event_types,
            ServiceClient.scopes,
            WebhookEndpoint.enabled,
        )
        .join(ServiceClient, ServiceClient.id == WebhookEndpoint.client_id)
        .where(ServiceClient.revoked_at.is_(None))
    )
    if client_ids is not None:
        if not client_ids:
            return 0
        statement = statement.where(WebhookEndpoint.client_id.in_(list(client_ids)))
    # Subscriptions and scopes are JSON lists, read here rather than in SQL so both databases
    # agree; endpoints are few (MAX_ENDPOINTS_PER_CLIENT per client).
    enabled_of = {
        endpoint_id: enabled
        for endpoint_id, event_types, scopes, enabled in db.execute(statement)
        if event_type.value in event_types and (scope is None or scope in scopes)
    }
    endpoint_ids = list(enabled_of)
    if not endpoint_ids:
        return 0
    now = utcnow()
    body = json.dumps(
        {"type": event_type.value, "timestamp": _timestamp(now), "data": data},
        default=_json_value,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    message = WebhookMessage(
        webhook_id=new_webhook_id(), event_type=event_type.value, body=body, created_at=now
    )
    db.add(message)
    db.flush()
    db.add_all(
        WebhookDelivery(
            message_id=message.id,
            endpoint_id=endpoint_id,
            status=DeliveryStatus.pending if enabled_of[endpoint_id] else DeliveryStatus.failed,
            attempts=0,
            next_attempt_at=now if enabled_of[endpoint_id] else None,
            last_error=None if enabled_of[endpoint_id] else NOT_SENT_WHILE_OFF,
        )
        for endpoint_id in sorted(endpoint_ids)
    )
    db.flush()
    return len(endpoint_ids)


# --- endpoints --------------------------------------------------------------------------------


def _audit(db: Session, actor: Actor, action: AuditAction, endpoint: WebhookEndpoint) -> None:
    # Who registered, changed or removed an endpoint, or rotated its secret; never the secret.
    audit.record(db, actor.who, action, target_type="webhook_endpoint", target_id=endpoint.id)


def _require_client(actor: Actor) -> ServiceClient:
    if actor.client is None:
        raise errors.EndpointsAreTheClients()
    return actor.client


def _require_reader(actor: Actor) -> None:
    """Service clients (their own endpoints) and admins (every endpoint)."""
    if actor.is_integrator or actor.is_admin:
        return
    raise actor.refusal(errors.EndpointsAreTheClients())


def endpoint_for(db: Session, actor: Actor, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """The endpoint, if the actor may see it: its own client's, or any for admins."""
    _require_reader(actor)
    endpoint = db.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound()
    if actor.client is not None and endpoint.client_id != actor.client.id:
        raise NotFound()
    return endpoint


def _owned(db: Session, actor: Actor, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """The calling client's own endpoint (admins are refused: the change is the client's)."""
    if actor.is_admin:
        endpoint_for(db, actor, endpoint_id)  # an unknown id stays a 404 for them too
    _require_client(actor)
    return endpoint_for(db, actor, endpoint_id)


def secrets_in_use(settings: Settings, endpoint: WebhookEndpoint, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one
    during a rotation's grace period."""
    found = [signing.secret_of(settings, endpoint.secret_seed, endpoint.secret_key_id)]
    if (
        endpoint.previous_secret_seed is not None
        and endpoint.previous_secret_key_id is not None
        and endpoint.previous_secret_expires_at is not None
        and endpoint.previous_secret_expires_at > now
    ):
        found.append(
            signing.secret_of(
                settings, endpoint.previous_secret_seed, endpoint.previous_secret_key_id
            )
        )
    return [secret for secret in found if secret is not None]


def create_endpoint(
    db: Session, settings: Settings, *, actor: Actor, data: WebhookEndpointCreate
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint of the calling client, and its secret (the only time it is shown)."""
    client = _require_client(actor)
    url = urls.check_url(settings, data.url)
    # A client's endpoints are made in turn, so two at once cannot pass the limit together.
    lock_and_reread(db, client)
    count = db.scalar(select(func.count()).where(WebhookEndpoint.client_id == client.id))
    if (count or 0) >= MAX_ENDPOINTS_PER_CLIENT:
        raise errors.TooManyEndpoints(
            f"A service client may have {MAX_ENDPOINTS_PER_CLIENT} webhook endpoints. Remove "
            "one you no longer use, or subscribe an existing one to more events."
        )
    seed = signing.new_seed()
    endpoint = WebhookEndpoint(
        client_id=client.id,
        url=url,
        description=data.description,
        event_types=[kind.value for kind in data.event_types],
        enabled=True,
        secret_seed=seed,
        secret_key_id=settings.jwt_key_id,
    )
    db.add(endpoint)
    db.flush()
    _audit(db, actor, AuditAction.webhook_endpoint_created, endpoint)
    secret = signing.secret_of(settings, seed, settings.jwt_key_id)
    assert secret is not None  # the current key is always configured
    return endpoint, secret


def list_endpoints(
    db: Session, *, actor: Actor, limit: int, cursor: str | None
) -> KeysetPage[WebhookEndpoint]:
    """The calling client's endpoints (every client's for admins), oldest first."""
    _require_reader(actor)
    statement = select(WebhookEndpoint)
    if actor.client is not None:
        statement = statement.where(WebhookEndpoint.client_id == actor.client.id)
    return paginate(db, statement, ENDPOINTS_ORDER, limit=limit, cursor=cursor)


def turn_off(db: Session, endpoint: WebhookEndpoint, because: DisabledBecause) -> None:
    """Nothing more is sent: what was waiting is marked not sent (it may be redelivered)."""
    endpoint.enabled = False
    endpoint.disabled_at = utcnow()
    endpoint.disabled_because = because
    db.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.status == DeliveryStatus.pending,
        )
        .values(
            status=DeliveryStatus.failed,
            next_attempt_at=None,
            claimed_at=None,
            last_error=NOT_SENT_WHILE_OFF,
        )
    )


def _turn_on(endpoint: WebhookEndpoint) -> None:
    """Starting fresh: the failures before it no longer count towards turning it off."""
    endpoint.enabled = True
    endpoint.disabled_at = None
    endpoint.disabled_because = None
    endpoint.failing_since = None


def update_endpoint(
    db: Session,
    settings: Settings,
    *,
    actor: Actor,
    endpoint_id: uuid.UUID,
    changes: WebhookEndpointUpdate,
) -> WebhookEndpoint:
    """Change the client's endpoint; admins may only turn one off or on."""
    values = changes.model_dump(exclude_unset=True)
    endpoint = endpoint_for(db, actor, endpoint_id)
    if actor.client is None and set(values) - {"enabled"}:
        raise errors.AdminMayOnlyToggle()
    endpoint = lock_and_reread(db, endpoint)
    if values.get("url") is not None:
        endpoint.url = urls.check_url(settings, values["url"])
    if values.get("event_types") is not None:
        endpoint.event_types = [WebhookEventType(kind).value for kind in values["event_types"]]
    if "description" in values:
        endpoint.description = values["description"]
    enabled = values.get("enabled")
    if enabled is False and endpoint.enabled:
        turn_off(db, endpoint, DisabledBecause.owner if actor.client else DisabledBecause.admin)
    elif enabled is True and not endpoint.enabled:
        _turn_on(endpoint)
    db.flush()
    if values:
        _audit(db, actor, AuditAction.webhook_endpoint_changed, endpoint)
    return endpoint


def delete_endpoint(db: Session, *, actor: Actor, endpoint_id: uuid.UUID) -> None:
    """Remove the client's endpoint and its delivery log."""
    endpoint = _owned(db, actor, endpoint_id)
    _audit(db, actor, AuditAction.webhook_endpoint_removed, endpoint)
    db.delete(endpoint)
    db.flush()


def rotate_secret(
    db: Session, settings: Settings, *, actor: Actor, endpoint_id: uuid.UUID
) -> tuple[WebhookEndpoint, str]:
    """A new secret for the client's endpoint (shown once); the one before keeps signing too
    for ``ROTATION_GRACE``. Rotating again within the grace period replaces the newest secret
    and keeps the oldest one signing until its grace ends: the receiver may still be on it,
    and is never left with no secret that verifies."""
    endpoint = lock_and_reread(db, _owned(db, actor, endpoint_id))
    now = utcnow()
    in_grace = (
        endpoint.previous_secret_expires_at is not None
        and endpoint.previous_secret_expires_at > now
    )
    if not in_grace:
        endpoint.previous_secret_seed = endpoint.secret_seed
        endpoint.previous_secret_key_id = endpoint.secret_key_id
        endpoint.previous_secret_expires_at = now + ROTATION_GRACE
    endpoint.secret_seed = signing.new_seed()
    endpoint.secret_key_id = settings.jwt_key_id
    db.flush()
    _audit(db, actor, AuditAction.webhook_secret_rotated, endpoint)
    secret = signing.secret_of(settings, endpoint.secret_seed, endpoint.secret_key_id)
    assert secret is not None
    return endpoint, secret


# --- deliveries -------------------------------------------------------------------------------


def list_deliveries(
    db: Session, *, actor: Actor, endpoint_id: uuid.UUID, limit: int, cursor: str | None
) -> KeysetPage[tuple[WebhookDelivery, WebhookMessage]]:
    """The endpoint's deliveries, newest first, each with its message."""
    endpoint = endpoint_for(db, actor, endpoint_id)
    page: KeysetPage[WebhookDelivery] = paginate(
        db,
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id),
        DELIVERIES_ORDER,
        limit=limit,
        cursor=cursor,
        descending=True,
    )
    messages = {
        message.id: message
        for message in db.scalars(
            select(WebhookMessage).where(
                WebhookMessage.id.in_([delivery.message_id for delivery in page.items])
            )
        )
    }
    return KeysetPage(
        [(delivery, messages[delivery.message_id]) for delivery in page.items], page.next_cursor
    )


def redeliver(
    db: Session, *, actor: Actor, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> tuple[WebhookDelivery, WebhookMessage]:
    """Send a delivery again now, with its schedule of retries afresh (failed ones too)."""
    endpoint = _owned(db, actor, endpoint_id)
    delivery = db.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound()
    if not endpoint.enabled:
        raise errors.EndpointDisabled()
    delivery = lock_and_reread(db, delivery)
    now = utcnow()
    if delivery.claimed_at is not None and delivery.claimed_at > now - CLAIM_TIMEOUT:
        raise errors.BeingSent()
    delivery.status = DeliveryStatus.pending
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.claimed_at = None
    delivery.delivered_at = None
    db.flush()
    return delivery, db.get_one(WebhookMessage, delivery.message_id)
