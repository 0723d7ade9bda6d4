"""What each reference to a person means for their export and their erasure.

Every foreign key to ``user_account`` is listed here; a test walks the metadata and fails on one
that is not, so a new table cannot hold someone's data without a decision on both.
"""

from dataclasses import dataclass
from enum import StrEnum


class Erase(StrEnum):
    delete_rows = "delete_rows"  # the rows are the person's own: they go
    keep_rows = "keep_rows"  # kept for anonymous aggregates, pointing at the erased account
    clear_reference = "clear_reference"  # the row is someone else's; only the link to them goes


@dataclass(frozen=True)
class Reference:
    export: bool  # rows where this column names the person belong to their export
    erase: Erase
    hidden: tuple[str, ...] = ()  # columns never exported: secrets, other people's ids
    why: str = ""


# (table, column) -> what it means. The account row itself is handled on its own.
REFERENCES: dict[tuple[str, str], Reference] = {
    ("auth_session", "user_id"): Reference(
        True, Erase.delete_rows, why="sign-ins: when and from which app"
    ),
    ("password_reset_token", "user_id"): Reference(
        False, Erase.delete_rows, why="one-time secrets; nothing to show"
    ),
    ("email_confirmation_token", "user_id"): Reference(
        False, Erase.delete_rows, why="one-time secrets of sign-up links; nothing to show"
    ),
    ("outbox_message", "user_id"): Reference(
        True,
        Erase.delete_rows,
        # Bodies can hold a live password-reset link: an export file must not.
        hidden=("body_text", "last_error", "unsubscribe_url"),
        why="emails sent or waiting to be sent to the person",
    ),
    ("notification", "user_id"): Reference(
        True, Erase.delete_rows, why="what the app told the person, read or not"
    ),
    ("notification_settings", "user_id"): Reference(
        True, Erase.delete_rows, why="which messages the person wants, and their quiet hours"
    ),
    ("push_subscription", "user_id"): Reference(
        True,
        Erase.delete_rows,
        # The endpoint and keys let anyone push to the device: an export file must not.
        hidden=("endpoint", "p256dh", "auth"),
        why="devices the person turned push notifications on for",
    ),
    ("recovery_code", "user_id"): Reference(
        False, Erase.delete_rows, why="digests of two-step sign-in's recovery codes; secrets"
    ),
    ("sign_in_challenge", "user_id"): Reference(
        False, Erase.delete_rows, why="the few minutes between a sign-in's two steps; secrets"
    ),
    ("calendar_feed", "user_id"): Reference(
        False, Erase.delete_rows, why="the id is the secret of the feed URL"
    ),
    ("service_client", "created_by_id"): Reference(
        False, Erase.clear_reference, why="an integrator's client an admin created"
    ),
    ("support_group", "created_by_id"): Reference(
        False, Erase.clear_reference, why="the group belongs to its members, not its founder"
    ),
    ("group_membership", "user_id"): Reference(True, Erase.delete_rows, why="groups joined"),
    ("group_invitation", "created_by_id"): Reference(
        False,
        Erase.clear_reference,
        why="invitation links a facilitator made for the circle; the circle keeps them",
    ),
    ("schedule", "created_by_id"): Reference(
        False, Erase.clear_reference, why="the group's schedule, whoever set it up"
    ),
    ("rsvp", "user_id"): Reference(
        True, Erase.keep_rows, why="past RSVPs count in attendance figures (future ones released)"
    ),
    ("attendance_record", "user_id"): Reference(
        True,
        Erase.keep_rows,
        hidden=("recorded_by_user_id", "recorded_by_client_id"),
        why="attendance counts in the group's figures, anonymised",
    ),
    ("attendance_record", "recorded_by_user_id"): Reference(
        False, Erase.clear_reference, why="records a facilitator kept about other members"
    ),
    ("bookmark", "user_id"): Reference(True, Erase.delete_rows, why="saved resources"),
    ("story", "author_id"): Reference(
        True, Erase.delete_rows, hidden=("reviewed_by_id",), why="the person's own stories"
    ),
    ("story", "reviewed_by_id"): Reference(
        False, Erase.clear_reference, why="stories a reviewer approved for others"
    ),
    ("resource", "author_id"): Reference(
        False,
        Erase.clear_reference,
        why="library items; published stories are removed with the story (see erasure)",
    ),
    ("mentor_profile", "user_id"): Reference(
        True, Erase.delete_rows, hidden=("reviewed_by_id",), why="the offer to mentor"
    ),
    ("mentor_profile", "reviewed_by_id"): Reference(
        False, Erase.clear_reference, why="offers an admin reviewed for others"
    ),
    ("mentee_request", "user_id"): Reference(True, Erase.delete_rows, why="the ask for a mentor"),
    ("matching_run", "run_by_id"): Reference(
        False, Erase.clear_reference, why="a batch run an admin started"
    ),
    ("mentor_match", "mentor_id"): Reference(
        True,
        Erase.keep_rows,
        # closed_because is for admins: "blocked" would tell the blocked person of the block.
        hidden=("mentee_id", "proposed_by_id", "ended_by_id", "matching_run_id", "closed_because"),
        why="matches as mentor: ended on erasure, kept for the program's figures",
    ),
    ("mentor_match", "mentee_id"): Reference(
        True,
        Erase.keep_rows,
        hidden=("mentor_id", "proposed_by_id", "ended_by_id", "matching_run_id", "closed_because"),
        why="matches as mentee: ended on erasure, kept for the program's figures",
    ),
    ("mentor_match", "proposed_by_id"): Reference(
        False, Erase.clear_reference, why="who proposed someone else's match"
    ),
    ("mentor_match", "ended_by_id"): Reference(
        False, Erase.clear_reference, why="which side ended a match (reasons go at erasure)"
    ),
    ("mentoring_check_in", "author_id"): Reference(
        True, Erase.delete_rows, why="meeting notes the person wrote"
    ),
    ("match_feedback", "author_id"): Reference(
        True,
        Erase.keep_rows,
        why="ratings stay in the published figures (removing one would reveal it); comments go",
    ),
    ("member_block", "blocker_id"): Reference(
        True, Erase.delete_rows, why="members the person blocked"
    ),
    ("member_block", "blocked_id"): Reference(
        False, Erase.delete_rows, why="never shown: no one learns who blocked them"
    ),
    ("moderation_report", "reporter_id"): Reference(
        True,
        Erase.keep_rows,
        hidden=("case_id",),
        why="reports the person made; kept for the safety of others, naming the erased account",
    ),
    ("moderation_case", "subject_id"): Reference(
        # Written about the person by others: staff only (DOMAIN.md), never in an export,
        # which would tell them they were reported.
        False,
        Erase.keep_rows,
        why="reports about the person, for staff only; kept, naming the erased account",
    ),
    ("moderation_case", "assigned_to_id"): Reference(
        False, Erase.clear_reference, why="cases a moderator was assigned"
    ),
    ("moderation_note", "author_id"): Reference(
        False, Erase.clear_reference, why="notes a moderator wrote about others' cases"
    ),
    ("moderation_action", "actor_id"): Reference(
        False, Erase.clear_reference, why="decisions a moderator took on others' cases"
    ),
    ("referral", "user_id"): Reference(
        True,
        Erase.clear_reference,
        # The referrer's staff account is someone else's id; the digests are secrets' and the
        # email's (the note was shown to the person, so it is theirs to keep).
        hidden=("token_hash", "email_digest", "invitation_email_id", "referrer_user_id"),
        why="referrals the person answered; erasure withdraws every consent first",
    ),
    ("referral", "referrer_user_id"): Reference(
        False, Erase.clear_reference, why="people a staff member referred; the referrals stay"
    ),
    ("referral_consent", "user_id"): Reference(
        True,
        Erase.keep_rows,
        why="what the person agreed to share and when; withdrawn on erasure, kept as the record",
    ),
    ("audit_subject", "user_id"): Reference(
        # Exported as "reads of my data" (privacy.service.export): by role and circle.
        False,
        Erase.keep_rows,
        why="the audit trail is append-only; it then names the erased, anonymous account",
    ),
}

# Columns of the account row that are never exported.
# (The TOTP seed and its key id make the app's secret; the last step is bookkeeping.)
ACCOUNT_HIDDEN = ("password_hash", "token_version", "totp_seed", "totp_key_id", "totp_last_step")
