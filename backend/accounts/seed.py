"""Demo accounts: an admin, a facilitator and members, with passwords printed for `make run`."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import Role, User
from backend.accounts.service import create_user

# Demo passwords are printed on every `make run`; they are for a local demo only.
DEMO_ACCOUNTS = [
    ("admin@example.org", "circles demo admin", "Harbor Staff", Role.admin),
    ("facilitator@example.org", "circles demo facilitator", "Sam Facilitates", Role.facilitator),
    ("river@example.org", "circles demo member", "River", Role.member),
    ("maple@example.org", "circles demo member", "Maple", Role.member),
    ("juniper@example.org", "circles demo member", "Juniper", Role.member),
    ("wren@example.org", "circles demo member", "Wren", Role.member),
]


def seed_demo_accounts(db: Session) -> list[str]:
    lines = ["", "Sign in at http://127.0.0.1:8000 (or in /docs with Authorize) as:"]
    for email, password, display_name, role in DEMO_ACCOUNTS:
        if db.scalar(select(User.id).where(User.email == email)) is None:
            create_user(db, email=email, password=password, display_name=display_name, role=role)
        lines.append(f"  {role.value:<12} {email:<26} password: {password}")
    return lines
