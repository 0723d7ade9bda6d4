"""Problems with blocks."""

from backend.core.errors import Conflict, UnprocessableContent


class CannotBlockYourself(UnprocessableContent):
    slug = "cannot-block-yourself"
    detail = "You cannot block yourself."


class BlockLimit(Conflict):
    slug = "block-limit"
    detail = "You have blocked as many people as we allow. Unblock someone to block another."
