"""Blocks as the API shows them."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from backend.core.audit import ActorKind, AuditAction


class BlockRead(BaseModel):
    user_id: uuid.UUID
    display_name: str
    blocked_at: datetime


class AuditEventRead(BaseModel):
    """Who did what to which record, when, as what; never the content."""

    id: uuid.UUID
    occurred_at: datetime
    actor_kind: ActorKind
    actor_id: uuid.UUID | None = Field(description="The person's or service client's id.")
    actor_name: str | None = Field(
        description="The person's display name or the service client's name (null for the system)."
    )
    actor_role: str = Field(description="member, facilitator, admin or integrator.")
    action: str = Field(description="What was done, e.g. 'attendance_sheet.read'.")
    target_type: str
    target_id: str | None
    group_id: uuid.UUID | None = Field(description="The circle the record belongs to, if any.")
    request_id: str


@dataclass(frozen=True)
class AuditFilters:
    action: AuditAction | None = None
    actor_id: uuid.UUID | None = None
    target_id: str | None = None
    group_id: uuid.UUID | None = None
    subject_id: uuid.UUID | None = None
    start: datetime | None = None
    end: datetime | None = None
