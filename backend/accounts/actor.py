"""Who is calling: the one value every service receives to decide what the caller may do.

A route's dependency (``backend.accounts.dependencies``) turns the request's token into an
``Actor`` once; services and each domain's ``permissions`` ask it questions (``is_admin``,
``holds(scope)``) instead of unwrapping tokens, users and flags of their own.
"""

import uuid
from dataclasses import dataclass

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

    @classmethod
    def anonymous(cls) -> "Actor":
        return cls()

    @classmethod
    def of_person(cls, user: User, session_id: uuid.UUID | None = None) -> "Actor":
        return cls(user=user, session_id=session_id)

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
        return self.role == Role.admin

    @property
    def is_staff(self) -> bool:
        """Facilitators and admins: the people who may start groups and edit the library."""
        return self.role in (Role.facilitator, Role.admin)

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
