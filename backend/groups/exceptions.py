"""Errors of groups and membership, in words a member can act on."""

from collections.abc import Sequence

from backend.core.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    UnprocessableContent,
    ValidationIssue,
)


class GroupFull(Conflict):
    slug = "group-full"
    detail = (
        "This group is full right now. Try another group with room, or ask its facilitators "
        "when a place may open."
    )


class GroupNotJoinable(Conflict):
    slug = "group-not-joinable"
    detail = "This group is not taking new members at the moment."


class AlreadyMember(Conflict):
    slug = "already-member"


class NotPending(Conflict):
    slug = "not-pending"
    detail = "Only a pending request (or a removed member) can be approved."


class LastFacilitator(Conflict):
    slug = "last-facilitator"
    detail = (
        "A group needs at least one facilitator. Make someone else a facilitator first, or ask "
        "an admin to archive the group."
    )


class NotFacilitator(Forbidden):
    slug = "not-facilitator"
    detail = "Only this group's facilitators (or an admin) can do this."


class MayNotCreateGroups(Forbidden):
    slug = "may-not-create-groups"
    detail = "Only facilitators and admins can start groups."


class NowhereToMeet(UnprocessableContent):
    """A change that would leave the circle without the place or the link its format needs;
    said at the field, as a new circle's is, so a form can show it there."""

    slug = "nowhere-to-meet"
    detail = "The circle needs a place or a link for how it meets."

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__(" ".join(message for _, message in problems))
        self.problems = problems

    @property
    def issues(self) -> Sequence[ValidationIssue]:
        return [
            ValidationIssue(loc=["body", field], msg=message, type="value_error")
            for field, message in self.problems
        ]


# --- invitations ----------------------------------------------------------------------------

ASK_FOR_A_NEW_ONE = "Ask the facilitator who sent it for a new one."


class InvitationNotFound(NotFound):
    slug = "invitation-not-found"
    detail = (
        "This invitation link does not work: it may be incomplete, or it was withdrawn. "
        + ASK_FOR_A_NEW_ONE
    )


class InvitationExpired(Gone):
    slug = "invitation-expired"
    detail = "This invitation has expired. " + ASK_FOR_A_NEW_ONE


class InvitationUsedUp(Gone):
    slug = "invitation-used-up"
    detail = "Everyone this invitation was meant for has used it already. " + ASK_FOR_A_NEW_ONE


class TooManyInvitations(Conflict):
    slug = "too-many-invitations"
    detail = (
        "This circle has as many open invitations as it may have. Revoke one you no longer "
        "need, or wait for one to expire, then make a new one."
    )


class RemovedFromGroup(Conflict):
    slug = "removed-from-group"
    detail = (
        "A facilitator of this circle ended your place in it, so an invitation cannot bring "
        "you back. If you think this was a mistake, you can talk to the facilitators or the "
        "Strength Circles team."
    )


class CircleClosed(Gone):
    slug = "circle-closed"
    detail = (
        "This circle has closed and takes no new members. You can find another circle that "
        "meets your needs in the directory."
    )
