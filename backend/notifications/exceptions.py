"""Errors of notifications, push and unsubscribe links, in words a person can act on."""

from backend.core.errors import NotFound, UnprocessableContent


class InvalidPushSubscription(UnprocessableContent):
    slug = "invalid-push-subscription"
    detail = (
        "This browser's push subscription cannot be used. Notifications in the app and by "
        "email still work."
    )


class PushSubscriptionNotFound(NotFound):
    slug = "push-subscription-not-found"
    detail = "Push is not on for this device any more; there is nothing to turn off."


class UnsubscribeLinkNotFound(NotFound):
    slug = "unsubscribe-link-not-found"
    detail = (
        "This unsubscribe link does not work: it may be incomplete or from an old email. You "
        "can choose which emails you get on your account page after signing in."
    )
