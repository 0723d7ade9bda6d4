"""The audit trail: who read or changed what, when, and as what; never the content.

Append-only. Nothing here updates or deletes an event, and on PostgreSQL a trigger refuses
it to any session (migration 0013; only the retention job's setting lets rows go). An event is
added in the request's own transaction, so a sensitive read whose event cannot be written
fails with it: nothing is answered that the trail does not show.

Events name records by type and id, the circle they belong to when there is one, and the
people whose data was read or changed (``subjects``), so a member's export can say who read
their attendance.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from backend.core.logging import request_id_var
from backend.core.orm import Base, UUIDPrimaryKey, string_enum, utcnow

# Rows for one event's subjects: an attendance sheet names a meeting's attendees (bounded by
# its capacity); a report covers a circle's members.
MAX_SUBJECTS = 2000


class ActorKind(StrEnum):
    person = "person"
    integrator = "integrator"
    system = "system"


class AuditAction(StrEnum):
    """What was done. ``.read`` actions are sensitive reads; the rest are changes."""

    attendance_sheet_read = "attendance_sheet.read"
    attendance_report_read = "attendance_report.read"
    member_list_read = "member_list.read"
    mentoring_notes_read = "mentoring_notes.read"
    person_read = "person.read"
    people_searched = "people.searched"
    export_read = "export.read"
    audit_read = "audit.read"
    role_changed = "role.changed"
    account_deactivated = "account.deactivated"
    account_reactivated = "account.reactivated"
    account_suspended = "account.suspended"
    membership_joined = "membership.joined"
    membership_approved = "membership.approved"
    membership_role_changed = "membership.role_changed"
    membership_removed = "membership.removed"
    membership_left = "membership.left"
    match_proposed = "match.proposed"
    match_accepted = "match.accepted"
    match_declined = "match.declined"
    match_withdrawn = "match.withdrawn"
    match_ended = "match.ended"
    report_queue_read = "report_queue.read"
    report_read = "report.read"
    report_updated = "report.updated"
    report_note_added = "report.note_added"
    report_action_taken = "report.action_taken"
    service_client_created = "service_client.created"
    service_client_revoked = "service_client.revoked"
    two_factor_enabled = "two_factor.enabled"
    two_factor_disabled = "two_factor.disabled"
    recovery_codes_renewed = "recovery_codes.renewed"
    recovery_code_used = "recovery_code.used"
    webhook_endpoint_created = "webhook_endpoint.created"
    webhook_endpoint_changed = "webhook_endpoint.changed"
    webhook_endpoint_removed = "webhook_endpoint.removed"
    webhook_secret_rotated = "webhook_secret.rotated"  # noqa: S105 (an action's name)
    referral_created = "referral.created"
    referral_accepted = "referral.accepted"
    referral_declined = "referral.declined"
    referral_attendance_read = "referral_attendance.read"
    consent_withdrawn = "consent.withdrawn"


# Reads of the moderation queue name the people reported: a person's export lists the reads
# of their data, and must not tell them someone reported them (DOMAIN.md).
READS_THAT_REVEAL_A_REPORT = frozenset(
    {AuditAction.report_queue_read.value, AuditAction.report_read.value}
)
# Every event of a moderation case names the person it is about (and its reporters): the
# trail never shows them to an admin it names, or a reported admin would learn of the case
# and, filtering by case and person, who reported them (DOMAIN.md).
CASE_EVENTS = READS_THAT_REVEAL_A_REPORT | {
    AuditAction.report_updated.value,
    AuditAction.report_note_added.value,
    AuditAction.report_action_taken.value,
}


@dataclass(frozen=True)
class Who:
    """Who acted, as the trail records them (accounts.Actor.who makes one)."""

    kind: ActorKind
    id: uuid.UUID | None  # the person's or the service client's id
    role: str  # member, facilitator, admin, integrator or system


class AuditEvent(UUIDPrimaryKey, Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_occurred_at_id", "occurred_at", "id"),)

    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(string_enum(ActorKind))
    # No foreign key: the actor may be a person or a service client, and the trail outlives
    # both (an erased person's id then names an anonymous account).
    actor_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64), index=True)
    group_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    request_id: Mapped[str] = mapped_column(String(128))


class AuditSubject(Base):
    """A person whose data an event read or changed."""

    __tablename__ = "audit_subject"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audit_event.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("user_account.id"), primary_key=True, index=True
    )


def record(
    db: Session,
    who: Who,
    action: AuditAction,
    *,
    target_type: str,
    target_id: object | None = None,
    group_id: uuid.UUID | None = None,
    subjects: Iterable[uuid.UUID] = (),
) -> AuditEvent:
    """Add an event to the request's transaction (it commits or fails with the request)."""
    event = AuditEvent(
        actor_kind=who.kind,
        actor_id=who.id,
        actor_role=who.role,
        action=action.value,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        group_id=group_id,
        request_id=request_id_var.get(),
    )
    db.add(event)
    db.flush()
    people = list(dict.fromkeys(subjects))[:MAX_SUBJECTS]
    db.add_all(AuditSubject(event_id=event.id, user_id=user_id) for user_id in people)
    return event
