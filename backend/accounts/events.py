"""What happens to accounts that other domains react to (see backend.wiring)."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from backend.core.events import Event


@dataclass(frozen=True)
class AccountDeactivated(Event):
    """An admin closed the account: the person can no longer sign in (an admin may reopen
    it). They give up what others wait on: seats at upcoming meetings and open matches."""

    user_id: uuid.UUID


@dataclass(frozen=True)
class AccountSuspended(Event):
    """Moderation paused the account until ``until``: the person cannot sign in meanwhile, so
    their seats at upcoming meetings go to the people waiting (their matches stay)."""

    user_id: uuid.UUID
    until: datetime


@dataclass(frozen=True)
class SignInsEnded(Event):
    """Every way the person was signed in ended (signing out everywhere, a new password, a
    role change, deactivation, erasure): what else stands in for them stops working too."""

    user_id: uuid.UUID


@dataclass(frozen=True)
class AccountErased(Event):
    """The person erased their account (privacy): the same as deactivation, and then what
    other domains hold about them is forgotten, while their rows are all still there."""

    user_id: uuid.UUID
