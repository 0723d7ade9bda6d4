"""Errors of groups and membership, in words a member can act on."""

from backend.core.errors import Conflict, Forbidden


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
