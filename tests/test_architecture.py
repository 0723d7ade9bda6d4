"""House rules that code review would otherwise have to remember."""

import ast
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
