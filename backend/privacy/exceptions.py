"""Errors of export and erasure."""

from backend.core.errors import Forbidden, TooManyRequests


class WrongPassword(Forbidden):
    slug = "wrong-password"
    detail = (
        "The password is not right, so nothing was deleted. Type your current password to "
        "confirm that you want to close your account."
    )


class TooManyErasureTries(TooManyRequests):
    slug = "too-many-erasure-tries"
    detail = "Too many wrong passwords. Wait a little before trying again."
