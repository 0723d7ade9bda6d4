"""House rules that code review would otherwise have to remember."""

import ast
import subprocess
import sys
from pathlib import Path

from fastapi.routing import APIRoute, iter_route_contexts

from backend.core.config import Settings
from backend.main import create_app

BACKEND = Path(__file__).resolve().parents[1] / "backend"


def python_files() -> list[Path]:
    return sorted(BACKEND.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_only_core_security_imports_jose() -> None:
    offenders = [
        path.relative_to(BACKEND)
        for path in python_files()
        if any(m == "jose" or m.startswith("jose.") for m in imported_modules(path))
        and path != BACKEND / "core" / "security.py"
    ]
    assert offenders == []


def test_only_get_db_commits() -> None:
    """Services never commit: the request's one transaction is committed by get_db."""
    offenders = []
    for path in python_files():
        if path == BACKEND / "core" / "db.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                offenders.append(f"{path.relative_to(BACKEND)}:{node.lineno}")
    assert offenders == []


def test_routers_stay_thin() -> None:
    """Routers parse, call one service function and return: no SQL, no HTTPException."""
    for path in BACKEND.rglob("router.py"):
        modules = imported_modules(path)
        assert not any(m.startswith("sqlalchemy") for m in modules), path
        assert "HTTPException" not in path.read_text(encoding="utf-8"), path


def test_every_api_route_has_a_tag_and_a_summary(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")
    checked = 0
    for route in iter_route_contexts(create_app(settings).routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            checked += 1
            assert route.tags, route.path
            assert getattr(route.endpoint, "__doc__", None), f"{route.path} needs a docstring"
    assert checked > 15  # included routers' routes are reached


# The domains from the bottom up. A domain may import its own modules and those of domains
# below it; one above reacts to what happens below through events (backend/wiring.py), and a
# lower one reads what a higher one knows only through a port the composition root fills
# (groups.views.MeetingTimes). Domains on one line are siblings and may not import each other.
LAYERS: list[set[str]] = [
    {"core"},
    {"notifications"},
    {"accounts"},
    {"webhooks"},
    {"topics", "safety"},
    {"groups"},
    {"sessions"},
    {"mentoring", "library"},
    {"moderation"},
    {"referrals"},
    {"privacy"},
]
LAYER_OF = {domain: level for level, domains in enumerate(LAYERS) for domain in domains}
# The composition root and the entry points: they may import anything.
ENTRY_POINTS = {
    "main",
    "api",
    "cli",
    "wiring",
    "worker",
    "seed",
    "loadseed",
    "demo",
    "models",
    "__init__",
}
# Each domain's demo seeder runs that domain's services on the demo content, which
# backend/demo.py reads above every domain; that one import is theirs alone.
SEEDER_MAY_IMPORT = {"backend.demo"}


def _domain_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "backend" else None


def _imports_with_scope(path: Path) -> list[tuple[str, bool, int]]:
    """(module, imported at module level, line) for every import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, bool, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((a.name, id(node) in top_level, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in top_level, node.lineno))
    return found


def domain_modules() -> list[tuple[Path, str]]:
    modules = []
    for path in python_files():
        relative = path.relative_to(BACKEND)
        if len(relative.parts) == 1:
            assert relative.stem in ENTRY_POINTS, f"{relative}: a new top-level module?"
            continue
        modules.append((path, relative.parts[0]))
    return modules


def test_every_domain_has_a_layer() -> None:
    assert {domain for _, domain in domain_modules()} == set(LAYER_OF)


def test_no_domain_imports_one_above_it_or_beside_it() -> None:
    offenders = []
    for path, domain in domain_modules():
        for module, _, line in _imports_with_scope(path):
            other = _domain_of(module)
            if other is None or other == domain:
                continue
            if path.name == "seed.py" and module in SEEDER_MAY_IMPORT:
                continue
            if other in ENTRY_POINTS or LAYER_OF[other] >= LAYER_OF[domain]:
                offenders.append(f"{path.relative_to(BACKEND)}:{line} imports {module}")
    assert offenders == []


def test_no_function_imports_another_domain() -> None:
    """An import inside a function hides a cycle; domains say what they use at the top."""
    offenders = []
    for path, domain in domain_modules():
        for module, top_level, line in _imports_with_scope(path):
            other = _domain_of(module)
            if not top_level and other is not None and other != domain:
                offenders.append(f"{path.relative_to(BACKEND)}:{line} imports {module}")
    assert offenders == []


def test_the_layering_test_catches_an_import_from_above(tmp_path: Path) -> None:
    upward = tmp_path / "upward.py"
    upward.write_text("def f():\n    from backend.sessions.service import close_group\n")
    assert _imports_with_scope(upward) == [("backend.sessions.service", False, 2)]
    assert LAYER_OF["sessions"] > LAYER_OF["groups"]


def test_signing_in_does_not_load_the_matching_solver() -> None:
    """The auth dependency every route uses stays cheap to import: SciPy (over a second of
    import) is for the matching run alone."""
    probe = (
        "import sys, backend.accounts.dependencies; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scipy', 'numpy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


def test_routers_pass_the_actor_on_without_unwrapping_it() -> None:
    """Routers hand services the one Actor their dependency gave them: none outside accounts
    reaches for the accounts service, the User model, or the person behind the actor."""
    offenders = []
    for path in BACKEND.rglob("router.py"):
        if path.parent.name == "accounts":
            continue
        text = path.read_text(encoding="utf-8")
        modules = imported_modules(path)
        if {"backend.accounts.service", "backend.accounts.models"} & modules:
            offenders.append(f"{path.relative_to(BACKEND)} imports accounts internals")
        if ".person" in text or "actor.user" in text or "isinstance(" in text:
            offenders.append(f"{path.relative_to(BACKEND)} unwraps the actor")
    assert offenders == []
