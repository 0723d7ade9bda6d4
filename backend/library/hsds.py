"""Service and hotline resources as Open Referral HSDS 3.0 service records, so other
directories (211s, referral platforms) can take them in.

Ids of the records we derive (organization, phone, schedule, language) are UUIDv5 names of the
resource, so they stay the same from one export to the next. Opening hours are free text in
our data; HSDS keeps such text in a schedule's ``description``. Street addresses need HSDS's
structured location records, which our free-text address cannot fill honestly, so they are
left out rather than guessed.
"""

import math
import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.library.models import Resource, ResourceStatus, ResourceType

EXPORTED_TYPES = (ResourceType.service, ResourceType.hotline)
# The namespace of the UUIDv5 ids derived from our records.
HSDS_NAMESPACE = uuid.UUID("6f0c2a4e-2b7d-5c8e-9a53-5d1c0e7f4b21")
DEFAULT_ORGANIZATION = "Strength Circles counseling service"


def _derived_id(*parts: object) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, "/".join(str(part) for part in parts)))


def service_record(resource: Resource) -> dict[str, Any]:
    organization_name = resource.organization_name or DEFAULT_ORGANIZATION
    organization_id = _derived_id("organization", organization_name.lower())
    record: dict[str, Any] = {
        "id": str(resource.id),
        "organization_id": organization_id,
        "name": resource.title,
        "description": resource.summary,
        "status": "active",
        "organization": {
            "id": organization_id,
            "name": organization_name,
            "description": f"{organization_name}, as listed in the Strength Circles library.",
        },
        "languages": [
            {
                "id": _derived_id(resource.id, "language"),
                "service_id": str(resource.id),
                "code": resource.language,
            }
        ],
        "last_modified": resource.updated_at.isoformat().replace("+00:00", "Z"),
    }
    website = resource.contact_website or resource.url
    if website:
        record["url"] = website
        record["organization"]["website"] = website
    if resource.contact_email:
        record["email"] = resource.contact_email
    if resource.contact_phone:
        record["phones"] = [
            {
                "id": _derived_id(resource.id, "phone"),
                "service_id": str(resource.id),
                "number": resource.contact_phone,
                "type": "voice",
            }
        ]
    if resource.contact_hours:
        record["schedules"] = [
            {
                "id": _derived_id(resource.id, "schedule"),
                "service_id": str(resource.id),
                "description": resource.contact_hours,
            }
        ]
    return record


def export(db: Session, *, page: int, per_page: int) -> dict[str, Any]:
    """One page of published service and hotline resources, in HSDS's paginated list shape."""
    exported = (
        Resource.status == ResourceStatus.published,
        Resource.type.in_(EXPORTED_TYPES),
    )
    total = db.scalar(select(func.count()).select_from(Resource).where(*exported)) or 0
    resources = db.scalars(
        select(Resource)
        .where(*exported)
        .order_by(Resource.created_at, Resource.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(resources),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not resources,
        "contents": [service_record(resource) for resource in resources],
    }
