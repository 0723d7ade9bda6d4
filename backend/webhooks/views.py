"""What the webhook routes show: never a secret, nor the seed it is derived from."""

from backend.webhooks.catalog import WebhookEventType
from backend.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage
from backend.webhooks.schemas import WebhookDeliveryRead, WebhookEndpointRead


def endpoint_read(endpoint: WebhookEndpoint) -> WebhookEndpointRead:
    return WebhookEndpointRead(
        id=endpoint.id,
        client_id=endpoint.client_id,
        url=endpoint.url,
        description=endpoint.description,
        event_types=[WebhookEventType(kind) for kind in endpoint.event_types],
        enabled=endpoint.enabled,
        disabled_at=endpoint.disabled_at,
        disabled_because=endpoint.disabled_because,
        previous_secret_expires_at=endpoint.previous_secret_expires_at,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


def delivery_read(delivery: WebhookDelivery, message: WebhookMessage) -> WebhookDeliveryRead:
    return WebhookDeliveryRead(
        id=delivery.id,
        webhook_id=message.webhook_id,
        event_type=WebhookEventType(message.event_type),
        status=delivery.status,
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        last_response_excerpt=delivery.last_response_excerpt,
        next_attempt_at=delivery.next_attempt_at,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )
