"""Errors of groups and membership, in words a member can act on."""

from collections.abc import Sequence

from backend.core.errors import Conflict, Forbidden, UnprocessableContent, ValidationIssue


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
