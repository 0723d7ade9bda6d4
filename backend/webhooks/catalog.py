"""The events a webhook endpoint may subscribe to, and what each one carries.

Payloads hold ids and the least an integrator needs to act, never a person's data: a meeting
event names the meeting and its circle and when it is, never why (a reason may name people);
a resource event names the resource, its type, status and (for the library's own resources,
not members' stories) its title.
"""

from enum import StrEnum


class WebhookEventType(StrEnum):
    referral_accepted = "referral.accepted"
    referral_declined = "referral.declined"
    referral_expired = "referral.expired"
    referral_sharing_ended = "referral.sharing_ended"
    attendance_recorded = "attendance.recorded"
    meeting_cancelled = "meeting.cancelled"
    meeting_moved = "meeting.moved"
    meeting_restored = "meeting.restored"
    resource_published = "resource.published"
    resource_withdrawn = "resource.withdrawn"


EVENT_DESCRIPTIONS: dict[WebhookEventType, str] = {
    WebhookEventType.referral_accepted: (
        "A person you referred joined the circle and shares that with you. `data`: "
        "`referral_id`, `external_id`, `group_id`, `attendance_shared`, `answered_at`. To the "
        "client that made the referral; a join the person does not share sends nothing."
    ),
    WebhookEventType.referral_declined: (
        "A person you referred said no thanks and lets you know. `data`: `referral_id`, "
        "`external_id`, `answered_at`. To the client that made it."
    ),
    WebhookEventType.referral_expired: (
        "A referral is past its time with no answer shared (unanswered, or answered without "
        "sharing: the two look the same). `data`: `referral_id`, `external_id`, `expired_at`. "
        "To the client that made it."
    ),
    WebhookEventType.referral_sharing_ended: (
        "A referred person stopped sharing one part (`part`: `outcome` or `attendance`), or "
        "erased their account: stop using what you hold of it. `data`: `referral_id`, "
        "`external_id`, `part`. To the client that made it."
    ),
    WebhookEventType.attendance_recorded: (
        "Attendance was recorded at a meeting of the circle for a referred person who shares "
        "it with you. `data`: `referral_id`, `external_id`, `meeting_id`, `starts_at`, "
        "`attended`. To the client that made the referral."
    ),
    WebhookEventType.meeting_cancelled: (
        "A circle meeting was cancelled. `data`: `meeting_id`, `circle_id`, `starts_at`. To "
        "clients holding `sessions:read`."
    ),
    WebhookEventType.meeting_moved: (
        "A circle meeting has a new time. `data`: `meeting_id`, `circle_id`, `starts_at` (the "
        "new time), `previous_starts_at`. To clients holding `sessions:read`."
    ),
    WebhookEventType.meeting_restored: (
        "A cancelled circle meeting is on again. `data`: `meeting_id`, `circle_id`, "
        "`starts_at` (its time now). To clients holding `sessions:read`."
    ),
    WebhookEventType.resource_published: (
        "A library resource was published. `data`: `resource_id`, `type`, `status`, and "
        "`title` (not for members' stories). To clients holding `resources:read`."
    ),
    WebhookEventType.resource_withdrawn: (
        "A published library resource was archived, returned to draft, or deleted (an erased "
        "author's story): drop what you copied. `data`: `resource_id`, `type`, `status` (its "
        "new one, or `deleted`). To clients holding `resources:read`."
    ),
}


def described_event_types() -> str:
    """The catalogue in Markdown, for the API documentation."""
    return "\n".join(f"- `{kind.value}`: {EVENT_DESCRIPTIONS[kind]}" for kind in WebhookEventType)
