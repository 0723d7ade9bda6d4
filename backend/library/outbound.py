"""What integrators hear when a resource is published or leaves published (archived, back to
draft, taken down, withdrawn by its author): a webhook to every client holding
``resources:read``.

Published resources are what such a client reads through the API, so it is told of every one;
a draft or an archived resource was never visible to it, and its changes are not told. A
member's story carries no title (the author wrote it; the id and type are enough to fetch it
while it is published).
"""

from typing import Any

from sqlalchemy.orm import Session

from backend.accounts.schemas import Scope
from backend.library.models import Resource, ResourceStatus, ResourceType
from backend.webhooks.service import WebhookEventType, emit

READERS_SCOPE = Scope.resources_read


def status_changed(db: Session, resource: Resource, before: ResourceStatus | None) -> None:
    """Tell of a move into or out of published (``before`` None: a resource just made)."""
    now_published = resource.status == ResourceStatus.published
    if now_published == (before == ResourceStatus.published):
        return
    data: dict[str, Any] = {
        "resource_id": resource.id,
        "type": resource.type.value,
        "status": resource.status.value,
    }
    # A title only with publishing: one changed while leaving published (back to a draft)
    # may be a working title never shown.
    if resource.type != ResourceType.story and now_published:
        data["title"] = resource.title
    emit(
        db,
        event_type=(
            WebhookEventType.resource_published
            if now_published
            else WebhookEventType.resource_withdrawn
        ),
        data=data,
        scope=READERS_SCOPE,
    )


def deleted(db: Session, resource: Resource) -> None:
    """Tell of a published resource deleted outright (an erased author's story): its readers
    must drop what they copied."""
    if resource.status != ResourceStatus.published:
        return
    emit(
        db,
        event_type=WebhookEventType.resource_withdrawn,
        data={"resource_id": resource.id, "type": resource.type.value, "status": "deleted"},
        scope=READERS_SCOPE,
    )
