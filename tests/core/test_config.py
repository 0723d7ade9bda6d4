"""Settings: safe development defaults, and production refuses an unsafe configuration."""

import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from backend.cli import app as cli
from backend.core.config import SAMPLE_JWT_SECRET, ConfigError, Settings
from backend.main import create_app

GOOD_SECRET = "k" * 48
PG_URL = "postgresql+psycopg://circles@db.internal:5432/circles"


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        (None, "CIRCLES_JWT_SECRET is not set"),
        ("", "CIRCLES_JWT_SECRET is not set"),
        ("short-secret", "needs at least 32"),
        (SAMPLE_JWT_SECRET, "sample value"),
    ],
)
def test_production_refuses_an_unsafe_jwt_secret(secret: str | None, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected):
        Settings(env="production", jwt_secret=secret, database_url=PG_URL)


def test_production_needs_a_database_url() -> None:
    with pytest.raises(ConfigError, match="CIRCLES_DATABASE_URL"):
        Settings(env="production", jwt_secret=GOOD_SECRET)


def test_production_accepts_a_long_random_secret() -> None:
    settings = Settings(env="production", jwt_secret=GOOD_SECRET, database_url=PG_URL)
    assert settings.jwt_secret_value() == GOOD_SECRET


def test_production_sends_hsts(tmp_path: Path) -> None:
    settings = Settings(
        env="production",
        jwt_secret=GOOD_SECRET,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
        frontend_dir=tmp_path,
    )
    with TestClient(create_app(settings)) as client:
        assert "max-age=" in client.get("/healthz").headers["strict-transport-security"]


def test_development_generates_a_key_once_and_keeps_it(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var")
    first = settings.jwt_secret_value()
    assert len(first.encode()) >= 32
    assert Settings(var_dir=tmp_path / "var").jwt_secret_value() == first
    key_file = tmp_path / "var" / "jwt-secret"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert Settings(var_dir=tmp_path / "other").jwt_secret_value() != first


def test_development_defaults_to_a_sqlite_file_under_var(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var")
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'var' / 'circles.db'}"


@pytest.mark.parametrize("scheme", ["postgresql://", "postgres://"])
def test_postgres_urls_use_psycopg_3(scheme: str) -> None:
    settings = Settings(database_url=f"{scheme}u:p@localhost/circles")
    assert settings.resolved_database_url == "postgresql+psycopg://u:p@localhost/circles"


def test_cors_origins_from_a_comma_separated_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CIRCLES_CORS_ORIGINS", "https://a.example.org, https://b.example.org")
    assert Settings().cors_origins == ["https://a.example.org", "https://b.example.org"]


def test_cors_wildcard_is_refused() -> None:
    with pytest.raises(ValidationError, match="not '\\*'"):
        Settings(cors_origins=["*"])


def test_a_dotenv_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CIRCLES_LOG_LEVEL=DEBUG\nCIRCLES_ENV=development\n")
    assert Settings().log_level == "DEBUG"


def test_the_environment_wins_over_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("CIRCLES_LOG_LEVEL=DEBUG\n")
    monkeypatch.setenv("CIRCLES_LOG_LEVEL", "WARNING")
    assert Settings().log_level == "WARNING"


def test_serve_refuses_to_start_with_an_unsafe_production_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CIRCLES_ENV", "production")
    monkeypatch.setenv("CIRCLES_JWT_SECRET", "too-short")
    monkeypatch.setenv("CIRCLES_DATABASE_URL", PG_URL)
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2
    assert "CIRCLES_JWT_SECRET" in result.output
    assert "at least 32" in result.output
