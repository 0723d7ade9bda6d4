"""The ``circles`` command: serve, worker, migrate, seed, openapi."""

import json
from pathlib import Path
from typing import Annotated

import typer
import uvicorn

from backend.core.config import ConfigError, get_settings
from backend.core.logging import configure_logging, logging_config
from backend.core.migrations import upgrade_to_head

app = typer.Typer(help="Strength Circles: run and manage the service.", no_args_is_help=True)
seed_app = typer.Typer(help="Load data into the database.", no_args_is_help=True)
app.add_typer(seed_app, name="seed")

DEFAULT_OPENAPI_PATH = Path("openapi/openapi.json")


def _settings_or_exit() -> None:
    try:
        get_settings()
    except ConfigError as exc:
        typer.secho(f"Configuration error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from exc


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
) -> None:
    """Apply pending migrations, then serve the API and the web app."""
    _settings_or_exit()
    settings = get_settings()
    configure_logging(settings.log_level)
    upgrade_to_head()
    uvicorn.run(
        "backend.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=logging_config(settings.log_level),
        access_log=False,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=",".join(settings.trusted_proxies) or None,
        server_header=False,
    )


@app.command()
def worker(
    once: Annotated[
        bool, typer.Option(help="Run one round (due jobs, then the outbox) and exit.")
    ] = False,
) -> None:
    """Deliver queued email and run the periodic jobs, until stopped (Ctrl-C or SIGTERM
    finish the round in progress first). Run one or more beside the API processes."""
    import signal

    from backend.core.db import create_db_engine, create_session_factory
    from backend.core.events import bus
    from backend.notifications.senders import create_sender
    from backend.wiring import wire
    from backend.worker import Worker

    _settings_or_exit()
    settings = get_settings()
    configure_logging(settings.log_level)
    engine = create_db_engine(settings.resolved_database_url)
    wire()
    runner = Worker(create_session_factory(engine), settings, create_sender(settings), bus.jobs)
    try:
        if once:
            sent = runner.run_once()
            typer.echo(f"One round done: {sent} email(s) sent.")
            return
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: runner.stop())
        typer.echo("The worker is running: Ctrl-C stops it.")
        runner.run_until_stopped()
    finally:
        engine.dispose()


@app.command()
def migrate() -> None:
    """Apply pending database migrations."""
    _settings_or_exit()
    configure_logging(get_settings().log_level)
    upgrade_to_head()
    typer.echo("The database schema is up to date.")


@seed_app.command("demo")
def seed_demo(
    source: Annotated[
        Path | None,
        typer.Option(
            "--from",
            metavar="FOLDER",
            help="The demo content folder (default: CIRCLES_DEMO_DIR, else demo/ of this "
            "checkout).",
        ),
    ] = None,
) -> None:
    """Add demo data (safe to run again: nothing is added twice) and print how to sign in."""
    from backend.core.errors import AppError
    from backend.demo import DemoContentError, DemoFolderNotFound, find_demo_folder, load_demo
    from backend.seed import run_demo_seed
    from backend.wiring import wire

    _settings_or_exit()
    wire()
    settings = get_settings()
    configure_logging(settings.log_level)
    try:
        demo = load_demo(find_demo_folder(source, settings))
    except DemoContentError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2 if isinstance(exc, DemoFolderNotFound) else 1) from exc
    upgrade_to_head()
    try:
        report = run_demo_seed(demo)
    except AppError as exc:
        # What only the database can tell, such as a topic it does not know; nothing was added.
        typer.secho(
            f"The demo content in {demo.folder} was refused, and nothing was added: "
            f"{exc.detail or exc.title}",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(code=1) from exc
    typer.echo(report)


@seed_app.command("load")
def seed_load(
    scale: Annotated[
        float,
        typer.Option(min=0.0001, max=10, help="Every size times this (0.01 for a quick run)."),
    ] = 1.0,
    members: Annotated[int | None, typer.Option(min=1, max=2_000_000)] = None,
    groups: Annotated[int | None, typer.Option(min=1, max=100_000)] = None,
    meetings: Annotated[int | None, typer.Option(min=1, max=5_000_000)] = None,
    attendance: Annotated[int | None, typer.Option(min=0, max=20_000_000)] = None,
    resources: Annotated[int | None, typer.Option(min=0, max=200_000)] = None,
    mentors: Annotated[int | None, typer.Option(min=0, max=100_000)] = None,
    seed: Annotated[int, typer.Option(help="The same seed gives the same data.")] = 1,
) -> None:
    """Fill an empty database with a large, realistic load (100,000 members, 5,000 groups,
    250,000 meetings, 1,000,000 attendance records, 10,000 resources, 2,000 mentors by
    default) for benchmarks. Every load account's password is 'load-test-password'."""
    import time

    from backend.core.db import create_db_engine
    from backend.loadseed import AlreadySeeded, LoadSeed, LoadSizes, TooFewMembers

    _settings_or_exit()
    settings = get_settings()
    configure_logging(settings.log_level)
    if settings.is_production:
        typer.secho(
            "The load seed adds thousands of accounts with a known password; it never runs "
            "in production. Point CIRCLES_DATABASE_URL at a database for benchmarks.",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(code=1)
    sizes = (
        LoadSizes()
        .scaled(scale)
        .with_(
            members=members,
            groups=groups,
            meetings=meetings,
            attendance=attendance,
            resources=resources,
            mentors=mentors,
        )
    )
    upgrade_to_head()
    started = time.perf_counter()
    engine = create_db_engine(settings.resolved_database_url)
    try:
        with engine.begin() as connection:
            counts = LoadSeed(connection, sizes, seed=seed).run()
    except (AlreadySeeded, TooFewMembers) as exc:
        typer.secho(f"{exc} Nothing was added.", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from exc
    finally:
        engine.dispose()
    typer.echo(f"Load data is ready ({time.perf_counter() - started:.0f} s):")
    for table, count in counts.items():
        typer.echo(f"  {table:<20} {count:>10,}")


@app.command("create-admin")
def create_admin(
    email: Annotated[str, typer.Argument(help="The admin's email (their sign-in name).")],
    password: Annotated[
        str | None, typer.Option(help="Prompted for (hidden) when omitted.")
    ] = None,
    display_name: Annotated[str, typer.Option(help="The name others see.")] = "Admin",
) -> None:
    """Create an admin account, or make an existing account an admin."""
    from backend.accounts.cli import create_or_promote_admin

    _settings_or_exit()
    configure_logging(get_settings().log_level)
    upgrade_to_head()

    def ask_password() -> str:
        if password is not None:
            return password
        answer: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return answer

    try:
        message = create_or_promote_admin(email, ask_password, display_name)
    except ValueError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(message)


@app.command()
def openapi(
    output: Annotated[Path, typer.Option(help="Where to write the document.")] = (
        DEFAULT_OPENAPI_PATH
    ),
) -> None:
    """Write the OpenAPI document of the API to a file."""
    from backend.main import create_app

    _settings_or_exit()
    document = create_app().openapi()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    typer.echo(f"Wrote {output}")
