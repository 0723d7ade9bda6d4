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
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.library.models import Resource, ResourceStatus, ResourceType

EXPORTED_TYPES = (ResourceType.service, ResourceType.hotline)
# The namespace of the UUIDv5 ids derived from our records.
HSDS_NAMESPACE = uuid.UUID("6f0c2a4e-2b7d-5c8e-9a53-5d1c0e7f4b21")
DEFAULT_ORGANIZATION = "Strength Circles counseling service"


def derived_id(*parts: object) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, "/".join(str(part) for part in parts)))


def organization_record(name: str) -> dict[str, Any]:
    """The organization of a service: the same record (and id) wherever the name recurs, so
    the library's services and the circles share the counseling service's one record."""
    return {
        "id": derived_id("organization", name.lower()),
        "name": name,
        "description": f"{name}, as listed in the Strength Circles library.",
    }


def timestamp(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def service_record(resource: Resource) -> dict[str, Any]:
    organization = organization_record(resource.organization_name or DEFAULT_ORGANIZATION)
    record: dict[str, Any] = {
        "id": str(resource.id),
        "organization_id": organization["id"],
        "name": resource.title,
        "description": resource.summary,
        "status": "active",
        "organization": organization,
        "languages": [
            {
                "id": derived_id(resource.id, "language"),
                "service_id": str(resource.id),
                "code": resource.language,
            }
        ],
        "last_modified": timestamp(resource.updated_at),
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
                "id": derived_id(resource.id, "phone"),
                "service_id": str(resource.id),
                "number": resource.contact_phone,
                "type": "voice",
            }
        ]
    if resource.contact_hours:
        record["schedules"] = [
            {
                "id": derived_id(resource.id, "schedule"),
                "service_id": str(resource.id),
                "description": resource.contact_hours,
            }
        ]
    return record


EXPORTED = (Resource.status == ResourceStatus.published, Resource.type.in_(EXPORTED_TYPES))


def count_resources(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Resource).where(*EXPORTED)) or 0


def resources_at(db: Session, *, offset: int, limit: int) -> list[dict[str, Any]]:
    """Exported resources in a stable order (oldest first, so new ones join at the end)."""
    resources = db.scalars(
        select(Resource)
        .where(*EXPORTED)
        .order_by(Resource.created_at, Resource.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [service_record(resource) for resource in resources]


def hsds_page(
    contents: list[dict[str, Any]], *, total: int, page: int, per_page: int
) -> dict[str, Any]:
    """HSDS's paginated list shape around one page of records."""
    total_pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


def export(db: Session, *, page: int, per_page: int) -> dict[str, Any]:
    """One page of published service and hotline resources, in HSDS's paginated list shape."""
    total = count_resources(db)
    contents = resources_at(db, offset=(page - 1) * per_page, limit=per_page)
    return hsds_page(contents, total=total, page=page, per_page=per_page)
