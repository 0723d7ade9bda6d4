"""Demo data for ``make run`` and ``circles seed demo``, from the demo content files
(backend/demo.py reads and checks them; demo/README.md describes them).

Each domain adds a seeder. Seeders look up what they would create and skip what exists, so
running the seed again adds nothing; all of them run in one transaction.
"""

from collections.abc import Callable

from sqlalchemy.orm import Session

from backend.accounts.seed import seed_demo_accounts
from backend.core.config import get_settings
from backend.core.db import create_db_engine, create_session_factory
from backend.demo import DemoContent
from backend.groups.seed import seed_demo_groups
from backend.library.seed import seed_demo_library, seed_demo_stories
from backend.mentoring.seed import seed_demo_mentoring
from backend.sessions.seed import seed_demo_check_in, seed_demo_sessions

# A seeder adds its part of the demo content and returns lines for the sign-in summary.
Seeder = Callable[[Session, DemoContent], list[str]]

# In dependency order: groups need the demo facilitator and members.
DEMO_SEEDERS: list[Seeder] = [
    seed_demo_accounts,
    seed_demo_groups,
    seed_demo_sessions,
    seed_demo_check_in,
    seed_demo_mentoring,
    seed_demo_library,
    seed_demo_stories,
]


def run_demo_seed(demo: DemoContent) -> str:
    engine = create_db_engine(get_settings().resolved_database_url)
    try:
        with create_session_factory(engine).begin() as db:
            lines = [line for seeder in DEMO_SEEDERS for line in seeder(db, demo)]
    finally:
        engine.dispose()
    if not lines:
        return "Demo data: nothing to add yet."
    return "\n".join(["Demo data is ready.", *lines])
