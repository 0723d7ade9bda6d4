"""Demo accounts (demo/people.yaml): people to sign in as, with their passwords printed for
`make run`, and people who exist only so mentoring looks lived in."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.accounts.models import User
from backend.accounts.service import create_user
from backend.core.security import new_secret
from backend.demo import DemoContent


def seed_demo_accounts(db: Session, demo: DemoContent) -> list[str]:
    lines = ["", "Sign in at http://127.0.0.1:8000 (or in /docs with Authorize) as:"]
    for account in demo.accounts:
        if db.scalar(select(User.id).where(User.email == account.email)) is None:
            user = create_user(
                db,
                email=account.email,
                password=account.password,
                display_name=account.display_name,
                role=account.role,
            )
            user.timezone = account.timezone
            user.languages = list(account.languages)
        lines.append(f"  {account.role.value:<12} {account.email:<26} password: {account.password}")
    # Their passwords are secrets no one knows: they exist to be matched, not to sign in as.
    for person in demo.people:
        if db.scalar(select(User.id).where(User.email == person.email)) is None:
            user = create_user(
                db, email=person.email, password=new_secret(), display_name=person.display_name
            )
            user.timezone = person.timezone
            user.languages = list(person.languages)
    return lines
