"""Webhook endpoints of integrators' service clients, and their delivery logs.

A service client (with its own token, whatever its scopes) registers, changes and removes its
endpoints; admins may list and read every endpoint and turn one off or on, never see a secret.
"""

import uuid

from fastapi import APIRouter, Response

from backend.accounts.dependencies import AppSettings, ClientOrPerson
from backend.core.db import DbSession
from backend.core.errors import problem_responses
from backend.core.pagination import Cursor, Limit, Page
from backend.core.routing import JSONRoute, located_at
from backend.webhooks import service, views
from backend.webhooks.schemas import (
    WebhookDeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointRead,
    WebhookEndpointUpdate,
    WebhookSecret,
)

router = APIRouter(route_class=JSONRoute)


@router.post(
    "/webhook-endpoints",
    tags=["webhooks"],
    status_code=201,
    responses=problem_responses(
        401, 403, s409="The client has 10 endpoints already.", s422="The address cannot be used."
    ),
)
def create_endpoint(
    data: WebhookEndpointCreate,
    actor: ClientOrPerson,
    db: DbSession,
    settings: AppSettings,
    response: Response,
) -> WebhookEndpointCreated:
    """Register a webhook endpoint of the calling service client. Its signing secret is in
    this answer only: keep it, or rotate the secret to get a new one."""
    endpoint, secret = service.create_endpoint(db, settings, actor=actor, data=data)
    located_at(response, f"/webhook-endpoints/{endpoint.id}")
    return WebhookEndpointCreated(**views.endpoint_read(endpoint).model_dump(), secret=secret)


@router.get("/webhook-endpoints", tags=["webhooks"], responses=problem_responses(401, 403))
def list_endpoints(
    actor: ClientOrPerson, db: DbSession, limit: Limit = 20, cursor: Cursor = None
) -> Page[WebhookEndpointRead]:
    """The calling client's webhook endpoints (every client's for admins), oldest first."""
    page = service.list_endpoints(db, actor=actor, limit=limit, cursor=cursor)
    return Page[WebhookEndpointRead](
        items=[views.endpoint_read(item) for item in page.items], next_cursor=page.next_cursor
    )


@router.get(
    "/webhook-endpoints/{endpoint_id}",
    tags=["webhooks"],
    responses=problem_responses(401, 403, 404),
)
def read_endpoint(
    endpoint_id: uuid.UUID, actor: ClientOrPerson, db: DbSession
) -> WebhookEndpointRead:
    """One webhook endpoint (never its secret)."""
    return views.endpoint_read(service.endpoint_for(db, actor, endpoint_id))


@router.patch(
    "/webhook-endpoints/{endpoint_id}",
    tags=["webhooks"],
    responses=problem_responses(401, 403, 404, s422="The address cannot be used."),
)
def update_endpoint(
    endpoint_id: uuid.UUID,
    changes: WebhookEndpointUpdate,
    actor: ClientOrPerson,
    db: DbSession,
    settings: AppSettings,
) -> WebhookEndpointRead:
    """Change an endpoint's address, events or description, or turn it off or on (admins:
    only off or on). Turning it on starts fresh; what it missed can be redelivered."""
    endpoint = service.update_endpoint(
        db, settings, actor=actor, endpoint_id=endpoint_id, changes=changes
    )
    return views.endpoint_read(endpoint)


@router.delete(
    "/webhook-endpoints/{endpoint_id}",
    tags=["webhooks"],
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
def delete_endpoint(endpoint_id: uuid.UUID, actor: ClientOrPerson, db: DbSession) -> Response:
    """Remove an endpoint of the calling client, with its delivery log."""
    service.delete_endpoint(db, actor=actor, endpoint_id=endpoint_id)
    return Response(status_code=204)


@router.post(
    "/webhook-endpoints/{endpoint_id}/rotate-secret",
    tags=["webhooks"],
    responses=problem_responses(401, 403, 404),
)
def rotate_secret(
    endpoint_id: uuid.UUID, actor: ClientOrPerson, db: DbSession, settings: AppSettings
) -> WebhookSecret:
    """A new signing secret, in this answer only. For 24 hours deliveries are signed with the
    previous secret too, so the receiver can switch without missing one."""
    endpoint, secret = service.rotate_secret(db, settings, actor=actor, endpoint_id=endpoint_id)
    assert endpoint.previous_secret_expires_at is not None
    return WebhookSecret(
        secret=secret, previous_secret_expires_at=endpoint.previous_secret_expires_at
    )


@router.get(
    "/webhook-endpoints/{endpoint_id}/deliveries",
    tags=["webhooks"],
    responses=problem_responses(401, 403, 404),
)
def list_deliveries(
    endpoint_id: uuid.UUID,
    actor: ClientOrPerson,
    db: DbSession,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[WebhookDeliveryRead]:
    """The endpoint's deliveries, newest first: how each went and when it is tried next."""
    page = service.list_deliveries(
        db, actor=actor, endpoint_id=endpoint_id, limit=limit, cursor=cursor
    )
    return Page[WebhookDeliveryRead](
        items=[views.delivery_read(delivery, message) for delivery, message in page.items],
        next_cursor=page.next_cursor,
    )


@router.post(
    "/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/redeliver",
    tags=["webhooks"],
    responses=problem_responses(
        401, 403, 404, s409="The endpoint is off, or the delivery is being sent right now."
    ),
)
def redeliver(
    endpoint_id: uuid.UUID, delivery_id: uuid.UUID, actor: ClientOrPerson, db: DbSession
) -> WebhookDeliveryRead:
    """Send a delivery again now (failed ones too), with its retries afresh."""
    delivery, message = service.redeliver(
        db, actor=actor, endpoint_id=endpoint_id, delivery_id=delivery_id
    )
    return views.delivery_read(delivery, message)
