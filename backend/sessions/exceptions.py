"""Errors of sessions, RSVPs, check-in and attendance, in words a person can act on."""

from backend.core.errors import Conflict, Forbidden, TooManyRequests, UnprocessableContent


class NotAMember(Forbidden):
    """Someone who may see a meeting but is not in its circle (yet)."""

    slug = "not-a-member"

    def __init__(self, doing: str):
        super().__init__(f"Join this circle first: only its members can {doing}.")


class MembershipPending(Forbidden):
    slug = "membership-pending"

    def __init__(self, doing: str):
        super().__init__(
            "Your request to join this circle is waiting for a facilitator's approval. Once "
            f"they have approved it, you can {doing}."
        )


class InvalidSchedule(UnprocessableContent):
    slug = "invalid-schedule"


class SessionCancelled(Conflict):
    slug = "session-cancelled"
    detail = "This meeting has been cancelled, so it takes no RSVPs or check-ins."


class SessionStarted(Conflict):
    slug = "session-started"
    detail = (
        "RSVPs close when a meeting starts. You can still come along, or check in with the "
        "code shown in the room."
    )


class SessionOver(Conflict):
    slug = "session-over"
    detail = "This meeting has already taken place, so it can no longer be changed."


class ScheduleEnded(Conflict):
    slug = "schedule-ended"
    detail = "This series has ended. Create a new schedule to start meeting again."


class FacilitatorsNeedNoSeat(Conflict):
    slug = "facilitators-need-no-seat"
    detail = (
        "Facilitators are expected at every meeting and do not take a seat, so there is no "
        "RSVP to give."
    )


class RsvpLimit(Conflict):
    slug = "rsvp-limit"
    detail = (
        "You hold the most RSVPs we allow at once. Say 'not going' to a meeting you will "
        "miss, then try again."
    )


class CheckInNotOpen(Conflict):
    slug = "check-in-not-open"


class WrongCheckInCode(UnprocessableContent):
    slug = "wrong-check-in-code"
    detail = "That code does not match. Check the code shown in the room and try again."


class TooManyCheckInTries(TooManyRequests):
    slug = "too-many-check-in-tries"
    detail = (
        "Too many codes that did not match. Wait a little, or ask a facilitator to mark you "
        "present."
    )


class AttendanceNotOpen(Conflict):
    slug = "attendance-not-open"
    detail = "Attendance can be recorded from 30 minutes before a meeting starts."


class UnknownAttendees(UnprocessableContent):
    slug = "unknown-attendees"


class InvalidWindow(UnprocessableContent):
    slug = "invalid-window"
