"""Who is calling: the one value every service receives to decide what the caller may do.

A route's dependency (``backend.accounts.dependencies``) turns the request's token into an
``Actor`` once; services and each domain's ``permissions`` ask it questions (``is_admin``,
``holds(scope)``) instead of unwrapping tokens, users and flags of their own.
"""

import uuid
from dataclasses import dataclass

from backend.accounts.exceptions import TwoFactorRequired
from backend.accounts.models import Role, ServiceClient, User
from backend.core.audit import ActorKind, Who

# How a service client is named in per-caller records (idempotency keys, rate limits).
CLIENT_SUBJECT_PREFIX = "client:"


class NotAPerson(RuntimeError):
    """A service asked for the person behind an actor that is not one: a routing mistake
    (the route's dependency should have refused the caller), never the caller's."""


@dataclass(frozen=True)
class Actor:
    """A signed-in person (with the sign-in session the token belongs to), an integrator's
    service client with the scopes its token holds, or nobody (a public route, anonymously)."""

    user: User | None = None
    client: ServiceClient | None = None
    scopes: frozenset[str] = frozenset()
    session_id: uuid.UUID | None = None
    # In production, a person without two-step sign-in: whatever their role or circles, they
    # hold no staff powers until they turn it on (set once, by accounts.service.authenticate).
    # ``is_admin`` and ``is_staff`` are then False, so every rule treats them as the member
    # they also are; the gates of staff tools say why they refuse (``refusal``).
    two_factor_missing: bool = False

    @classmethod
    def anonymous(cls) -> "Actor":
        return cls()

    @classmethod
    def of_person(
        cls, user: User, session_id: uuid.UUID | None = None, *, two_factor_missing: bool = False
    ) -> "Actor":
        return cls(user=user, session_id=session_id, two_factor_missing=two_factor_missing)

    @classmethod
    def of_client(cls, client: ServiceClient, scopes: frozenset[str]) -> "Actor":
        return cls(client=client, scopes=scopes)

    @property
    def is_anonymous(self) -> bool:
        return self.user is None and self.client is None

    @property
    def is_person(self) -> bool:
        return self.user is not None

    @property
    def is_integrator(self) -> bool:
        return self.client is not None

    @property
    def person(self) -> User:
        """The signed-in person; only for routes whose dependency admits people alone."""
        if self.user is None:
            raise NotAPerson("this service is for signed-in people")
        return self.user

    @property
    def person_id(self) -> uuid.UUID | None:
        return self.user.id if self.user is not None else None

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user is not None else None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin and not self.two_factor_missing

    @property
    def is_staff(self) -> bool:
        """Facilitators and admins: the people who may start groups and edit the library."""
        return self.role in (Role.facilitator, Role.admin) and not self.two_factor_missing

    def refusal(self, refused: Exception, *, facilitates: bool = False) -> Exception:
        """What a staff tool answers this actor when they may not use it: ``refused``, unless
        what holds them back is the two-step sign-in that production asks of staff (their
        role, or ``facilitates``: they facilitate the circle in question)."""
        if self.two_factor_missing and (facilitates or self.role in (Role.facilitator, Role.admin)):
            return TwoFactorRequired()
        return refused

    def holds(self, scope: str) -> bool:
        """An integrator whose token carries ``scope`` (people hold no scopes)."""
        return self.client is not None and scope in self.scopes

    @property
    def caller_key(self) -> str | None:
        """A stable id for per-caller records, or None for nobody."""
        if self.client is not None:
            return f"{CLIENT_SUBJECT_PREFIX}{self.client.id}"
        return str(self.user.id) if self.user is not None else None

    @property
    def who(self) -> Who:
        """The actor as the audit trail records them."""
        if self.client is not None:
            return Who(ActorKind.integrator, self.client.id, "integrator")
        if self.user is not None:
            return Who(ActorKind.person, self.user.id, self.user.role.value)
        return Who(ActorKind.system, None, "anonymous")
