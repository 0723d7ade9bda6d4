"""Problems with reports and moderation, in words a person can act on."""

from backend.core.errors import Conflict, Forbidden, TooManyRequests, UnprocessableContent


class CannotReportYourself(UnprocessableContent):
    slug = "cannot-report-yourself"
    detail = (
        "You cannot report yourself or your own story. To change or remove what you shared, "
        "edit or withdraw it; to talk about how you are doing, reach out to a facilitator."
    )


class WrongTarget(UnprocessableContent):
    slug = "report-target-mismatch"


class TooManyReports(TooManyRequests):
    slug = "too-many-reports"

    def __init__(self, retry_after: int):
        hours = max(1, round(retry_after / 3600))
        super().__init__(
            "You have sent many reports today, so we cannot take another one just now. Our "
            f"team will look at the ones you sent. Please try again in about {hours} "
            f"hour{'s' if hours != 1 else ''}. If someone is in danger, call your local "
            "emergency number.",
            retry_after=retry_after,
        )


class NotAModerator(Forbidden):
    slug = "not-a-moderator"
    detail = (
        "The reports queue is for facilitators and admins. To report something, use Report "
        "on it; to see what happened to your reports, look at your reports."
    )


class ActionNotAllowed(Forbidden):
    slug = "moderation-action-not-allowed"


class CaseClosed(Conflict):
    slug = "case-closed"
    detail = "This case is closed. Reopen it (status 'open') to take another action on it."


class ActionDoesNotFit(UnprocessableContent):
    slug = "moderation-action-does-not-fit"


class NotAssignable(UnprocessableContent):
    slug = "not-assignable"
    detail = (
        "This person cannot be assigned the case: assign a staff member who may see it (an "
        "admin, or a facilitator of the circle it came from), and not the person it is about."
    )
