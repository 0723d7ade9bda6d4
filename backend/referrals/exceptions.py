"""Errors of referrals and consent, in words the person (or the integrator) can act on."""

from collections.abc import Sequence

from backend.core.errors import (
    Conflict,
    Forbidden,
    Gone,
    NotFound,
    TooManyRequests,
    UnprocessableContent,
    ValidationIssue,
)

ASK_YOUR_COUNSELOR = (
    "If you would still like to join, ask the person who referred you to send a new one."
)


class ReferralNotFound(NotFound):
    slug = "referral-not-found"
    detail = "There is no referral with this id that you made."


class ReferralLinkNotFound(NotFound):
    slug = "referral-link-not-found"
    detail = "This link does not work: it may be incomplete. " + ASK_YOUR_COUNSELOR


class ReferralExpired(Gone):
    slug = "referral-expired"
    detail = "This invitation has expired. " + ASK_YOUR_COUNSELOR


class ReferralAnswered(Gone):
    slug = "referral-answered"
    detail = (
        "This invitation has been answered already. To change what you share, go to your "
        "account page; to join the circle, open it from the directory or from My circles."
    )


class MayNotRefer(Forbidden):
    slug = "may-not-refer"
    detail = (
        "Only admins, the circle's facilitators and counseling services with the "
        "referrals:write scope can refer people to a circle."
    )


class ReferralAlreadySent(Conflict):
    slug = "referral-already-sent"


class TooManyReferrals(TooManyRequests):
    slug = "too-many-referrals"
    detail = (
        "You have sent as many referrals as you may in an hour. Try again later; if you need "
        "more, ask an admin of Strength Circles."
    )


class ConsentWordingChanged(Conflict):
    slug = "consent-wording-changed"
    detail = (
        "The words of what you are asked to share have changed since you opened this page. "
        "Read them again (reload the page), then choose."
    )


class ConsentNotFound(NotFound):
    slug = "consent-not-found"
    detail = "You have no consent with this id."


class ShareRefused(UnprocessableContent):
    """A choice of what to share (or to ask for) that cannot be: said at its field."""

    slug = "share-refused"

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field

    @property
    def issues(self) -> Sequence[ValidationIssue]:
        return [
            ValidationIssue(loc=["body", self.field], msg=self.detail or "", type="value_error")
        ]
