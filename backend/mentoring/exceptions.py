"""Errors of peer mentoring, in words a person can act on."""

from backend.core.errors import Conflict, Forbidden, NotFound, UnprocessableContent


class NoMentorProfile(NotFound):
    slug = "no-mentor-profile"
    detail = "There is no mentor profile here. Offer to mentor with PUT /mentoring/mentor-profile."


class NoMenteeRequest(NotFound):
    slug = "no-mentee-request"
    detail = "You have not asked for a mentor yet. Ask with PUT /mentoring/mentee-request."


class MenteeRequestNeeded(Conflict):
    slug = "mentee-request-needed"
    detail = (
        "Suggestions and matches need to know what you are looking for. Ask for a mentor first "
        "(PUT /mentoring/mentee-request): your topics, languages and when you are free."
    )


class MentorUnavailable(Conflict):
    slug = "mentor-unavailable"
    detail = (
        "This mentor cannot take you on right now: they may be full or paused, or not a fit for "
        "your languages or preferences. GET /mentoring/suggestions lists mentors who can."
    )


class AlreadyMatched(Conflict):
    slug = "already-matched"
    detail = (
        "There is already a mentor for this person, or a proposal waiting for an answer. "
        "Withdraw the proposal or end the match before starting another."
    )


class OwnMentorOffer(Forbidden):
    slug = "own-mentor-offer"
    detail = (
        "Another admin decides on your own offer to mentor: approving yourself would let you "
        "into pairs and their private notes with no one else's say."
    )


class OnlyAdminsProposeForOthers(Forbidden):
    slug = "only-admins-propose-for-others"
    detail = "Members propose matches for themselves; leave out mentee_id."


class NotYourSide(Forbidden):
    slug = "not-your-side"


class WrongMatchStatus(Conflict):
    slug = "wrong-match-status"


class InvalidCheckInDate(UnprocessableContent):
    slug = "invalid-check-in-date"


class CheckInLimit(Conflict):
    slug = "check-in-limit"
    detail = "This match has as many check-ins as we keep. Thank you for keeping such good notes."


class FeedbackFinal(Conflict):
    slug = "feedback-final"
    detail = (
        "This feedback was given in an earlier quarter and now counts in the program's figures, "
        "so it can no longer be changed. Thank you for giving it."
    )


class CannotMentorYourself(UnprocessableContent):
    slug = "cannot-mentor-yourself"
    detail = "A mentor is someone else: choose another mentor from your suggestions."
