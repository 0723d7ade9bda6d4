"""What `circles create-admin` does, through the same service code as registration."""

from collections.abc import Callable

from pydantic import EmailStr, TypeAdapter, ValidationError
from sqlalchemy import select

from backend.accounts.models import Role, User
from backend.accounts.schemas import DisplayName, Password
from backend.accounts.service import create_user, normalize_email
from backend.core.config import get_settings
from backend.core.db import create_db_engine, create_session_factory


def _validated(adapter: TypeAdapter[str], value: str, what: str) -> str:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        reasons = "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())
        raise ValueError(f"The {what} cannot be used: {reasons}") from None


def create_or_promote_admin(email: str, password: Callable[[], str], display_name: str) -> str:
    """``password`` is asked for only when a new account is created."""
    engine = create_db_engine(get_settings().resolved_database_url)
    try:
        with create_session_factory(engine).begin() as db:
            existing = db.scalar(select(User).where(User.email == normalize_email(email)))
            if existing is not None:
                if existing.role != Role.admin:
                    existing.role = Role.admin
                    existing.token_version += 1  # a role change ends old tokens
                message = f"{existing.email} is now an admin (their password is unchanged)."
                if existing.email_confirmed_at is None:
                    # Not confirmed here: whoever signed up with the address may not own it.
                    message += (
                        " The address is not confirmed yet: they sign in after opening the "
                        "emailed confirmation link, or after resetting the password by email."
                    )
                return message
            user = create_user(
                db,
                email=_validated(TypeAdapter(EmailStr), email, "email"),
                password=_validated(TypeAdapter(Password), password(), "password"),
                display_name=_validated(TypeAdapter(DisplayName), display_name, "display name"),
                role=Role.admin,
            )
            return f"Created admin {user.email}."
    finally:
        engine.dispose()
