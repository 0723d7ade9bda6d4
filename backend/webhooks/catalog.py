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
    resource_published = "resource.published"
    resource_withdrawn = "resource.withdrawn"


EVENT_DESCRIPTIONS: dict[WebhookEventType, str] = {
    WebhookEventType.referral_accepted: (
        "A person you referred accepted the referral. To the client that made it."
    ),
    WebhookEventType.referral_declined: (
        "A person you referred declined the referral. To the client that made it."
    ),
    WebhookEventType.referral_expired: (
        "A referral was not answered in time and lapsed. To the client that made it."
    ),
    WebhookEventType.referral_sharing_ended: (
        "A referred person withdrew their consent to share, or erased their account: stop "
        "using what you hold about the referral. To the client that made it."
    ),
    WebhookEventType.attendance_recorded: (
        "Attendance was recorded for a referred person who consented to share it. To the "
        "client that made the referral."
    ),
    WebhookEventType.meeting_cancelled: (
        "A circle meeting was cancelled. `data`: `meeting_id`, `circle_id`, `starts_at`. To "
        "clients holding `sessions:read`."
    ),
    WebhookEventType.meeting_moved: (
        "A circle meeting has a new time. `data`: `meeting_id`, `circle_id`, `starts_at` (the "
        "new time), `previous_starts_at`. To clients holding `sessions:read`."
    ),
    WebhookEventType.resource_published: (
        "A library resource was published. `data`: `resource_id`, `type`, `status`, and "
        "`title` (not for members' stories). To clients holding `resources:read`."
    ),
    WebhookEventType.resource_withdrawn: (
        "A published library resource was archived or returned to draft. `data`: "
        "`resource_id`, `type`, `status` (its new one), and `title` (not for members' "
        "stories). To clients holding `resources:read`."
    ),
}


def described_event_types() -> str:
    """The catalogue in Markdown, for the API documentation."""
    return "\n".join(f"- `{kind.value}`: {EVENT_DESCRIPTIONS[kind]}" for kind in WebhookEventType)
