"""The load benchmark: the hot endpoints on a large database, as ratios of a bare FastAPI
hello-world measured in the same run on the same server settings.

For each database (SQLite, PostgreSQL) and number of worker processes it seeds a load database
(`circles seed load`, reused when it exists), starts `circles serve` as people run it
(production settings, access log on, no embedded worker), signs load members in, and drives each
endpoint with wrk from a separate process on loopback, bounded in time (`--duration`) and
connections (`--connections`). It prints a Markdown table and writes it to bench/results/.

    python -m bench.load                  # full size: sqlite x1, postgresql x1 and x2
    python -m bench.load --short          # a CI-sized run: 2% of the data, short runs, SQLite
"""

import argparse
import contextlib
import datetime
import itertools
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.orm import Session

from backend.accounts import two_factor
from backend.accounts.models import User
from backend.core.config import Settings
from backend.core.vocabulary import SessionStatus
from backend.groups.models import (
    GroupMembership,
    GroupStatus,
    MemberRole,
    MembershipStatus,
    SupportGroup,
    Visibility,
)
from backend.loadseed import ADMIN_EMAIL, LOAD_PASSWORD, WORDS, LoadSizes
from backend.sessions.models import GroupSession, Schedule
from tests.support.postgres import PostgresCluster, find_server_binaries, free_port

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("load.lua")
RESULTS = Path(__file__).with_name("results")
VENV_BIN = Path(sys.executable).parent
JWT_SECRET = "bench-secret-" + "b" * 52
JSON = "application/json"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    token: str | None = None
    body: dict[str, Any] | None = None
    accept: str = JSON

    def line(self) -> str:
        auth = f"Bearer {self.token}" if self.token else "-"
        body = json.dumps(self.body, separators=(",", ":")) if self.body is not None else "-"
        return "\t".join([self.method, self.path, auth, body, self.accept])


@dataclass(frozen=True)
class Endpoint:
    name: str
    requests: list[Request]
    budget: float | None = None  # the smallest ratio to the hello-world that is acceptable


@dataclass
class Measure:
    name: str
    requests_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    errors: int
    statuses: dict[str, int] = field(default_factory=dict)
    ratio: float | None = None
    budget: float | None = None

    @property
    def verdict(self) -> str:
        if self.errors:
            return "errors"
        if self.budget is None or self.ratio is None:
            return ""
        return "ok" if self.ratio >= self.budget else "below budget"


@dataclass
class Run:
    database: str
    workers: int
    hello: Measure
    measures: list[Measure]
    cold_start_s: float
    peak_rss_mb: float
    report_ms: float
    seat_overflows: int


# --- processes ------------------------------------------------------------------------------


def wait_until_up(port: int, path: str, timeout: float = 30.0) -> float:
    """Seconds until ``path`` answers 200."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=1) as answer:
                if answer.status == 200:
                    return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.02)
    raise RuntimeError(f"the server on port {port} did not answer {path} in {timeout:.0f} s")


@contextlib.contextmanager
def process(command: Sequence[str], env: dict[str, str], log: Path) -> Iterator[int]:
    """Runs ``command`` in its own process group; stops the whole group afterwards."""
    with log.open("wb") as out:
        child = subprocess.Popen(  # noqa: S603 - our own commands
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            yield child.pid
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.wait()


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def peak_rss_mb(pid: int) -> float:
    """The largest peak resident size (VmHWM) among the server's processes, in MB."""
    peaks = [0.0]
    for each in descendants(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return max(peaks)


def server_env(url: str, var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CIRCLES_")}
    env.update(
        CIRCLES_ENV="production",
        CIRCLES_DATABASE_URL=url,
        CIRCLES_JWT_SECRET=JWT_SECRET,
        CIRCLES_VAR_DIR=str(var_dir),
        CIRCLES_EMBEDDED_WORKER="false",
        CIRCLES_LOG_LEVEL="INFO",
    )
    return env


# --- databases ------------------------------------------------------------------------------


def seed(url: str, var_dir: Path, scale: float) -> None:
    command = [str(VENV_BIN / "circles"), "seed", "load", "--scale", str(scale)]
    env = server_env(url, var_dir)
    env["CIRCLES_ENV"] = "development"  # the load seed refuses production, by design
    print(f"  seeding {scale:g} x the load sizes ...", flush=True)
    subprocess.run(command, env=env, check=True)  # noqa: S603


def migrate(url: str, var_dir: Path) -> None:
    """A kept seed may predate the newest migration: bring it to head, as a deployment would."""
    command = [str(VENV_BIN / "circles"), "migrate"]
    subprocess.run(command, env=server_env(url, var_dir), check=True)  # noqa: S603


def is_seeded(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(User.id).where(User.email == ADMIN_EMAIL)) is not None
    except Exception:
        return False
    finally:
        engine.dispose()


@contextlib.contextmanager
def database(kind: str, scale: float, var_dir: Path) -> Iterator[str]:
    """The URL of a seeded load database of ``kind``, kept between runs."""
    tag = f"load-{scale:g}"
    if kind == "sqlite":
        url = f"sqlite:///{var_dir / (tag + '.sqlite')}"
        if not is_seeded(url):
            (var_dir / (tag + ".sqlite")).unlink(missing_ok=True)
            seed(url, var_dir, scale)
        migrate(url, var_dir)
        yield url
        return
    bin_dir = find_server_binaries()
    if bin_dir is None:
        raise SystemExit(
            "PostgreSQL's server (initdb, pg_ctl) is needed: apt-get install postgresql"
        )
    # In the temporary folder: the server runs as the postgres user, who may not enter the
    # checkout's folders.
    root = Path(tempfile.gettempdir()) / f"circles-bench-{tag}"
    cluster = PostgresCluster(bin_dir, root=root, durable=True)
    if not cluster.data_dir.exists():
        root.mkdir(parents=True, exist_ok=True)
        cluster.init()
    cluster.start()
    try:
        url = cluster.url()
        if not is_seeded(url):
            seed(url, var_dir, scale)
        migrate(url, var_dir)
        yield url
    finally:
        cluster.stop()


def seat_overflows(url: str) -> int:
    """Meetings with more people going than seats: must be none, however hard RSVPs race."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT s.id FROM rsvp r JOIN group_session s ON s.id = r.session_id "
                        "WHERE r.status = 'going' GROUP BY s.id, s.capacity "
                        "HAVING count(*) > s.capacity"
                    )
                ).all()
            )
    finally:
        engine.dispose()


# --- what to ask ------------------------------------------------------------------------------


def call(port: int, request: Request, form: dict[str, str] | None = None) -> Any:
    headers = {"Accept": JSON}
    data = None
    if request.token:
        headers["Authorization"] = f"Bearer {request.token}"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif request.body is not None:
        data = json.dumps(request.body).encode()
        headers["Content-Type"] = JSON
    prepared = urllib.request.Request(
        f"http://127.0.0.1:{port}{request.path}", data=data, headers=headers, method=request.method
    )
    with urllib.request.urlopen(prepared, timeout=30) as answer:  # noqa: S310
        return json.loads(answer.read() or b"null")


def sign_in(port: int, email: str) -> str:
    tokens = call(
        port,
        Request("POST", "/api/v1/auth/token"),
        form={"grant_type": "password", "username": email, "password": LOAD_PASSWORD},
    )
    return str(tokens["access_token"])


# Each staff member's token, signed in once a run: an authenticator's code works once.
_staff_tokens: dict[tuple[int, str], str] = {}


def staff_sign_in(port: int, url: str, email: str) -> str:
    """A facilitator or admin signed in as production asks: with two-step sign-in, turned on
    here through the API the first time (a kept seed may have it on already; then the code
    is the one their authenticator would show, derived as the server does)."""
    if (port, email) in _staff_tokens:
        return _staff_tokens[(port, email)]
    form = {"grant_type": "password", "username": email, "password": LOAD_PASSWORD}
    try:
        token = str(call(port, Request("POST", "/api/v1/auth/token"), form=form)["access_token"])
    except urllib.error.HTTPError as error:
        problem = json.loads(error.read())
        if not str(problem.get("type", "")).endswith("second-factor-required"):
            raise
        code = kept_authenticator(url, email).now()
        body = {"challenge": problem["challenge"], "code": code}
        answer = call(port, Request("POST", "/api/v1/auth/token/second-factor", body=body))
        token = str(answer["access_token"])
    else:
        setup = call(
            port, Request("POST", "/api/v1/me/two-factor", token, {"password": LOAD_PASSWORD})
        )
        code = pyotp.TOTP(setup["secret"]).now()
        call(port, Request("POST", "/api/v1/me/two-factor/confirm", token, {"code": code}))
    _staff_tokens[(port, email)] = token
    return token


def kept_authenticator(url: str, email: str) -> pyotp.TOTP:
    engine = create_engine(url)
    try:
        with Session(engine) as db:
            user = db.scalars(select(User).where(User.email == email)).one()
            totp = two_factor.authenticator(Settings(jwt_secret=JWT_SECRET), user)
    finally:
        engine.dispose()
    if totp is None:
        raise RuntimeError(f"{email} has two-step sign-in on under another signing key")
    return totp


def endpoints(url: str, port: int, people: int) -> list[Endpoint]:
    """The hot endpoints, with requests spread over many groups, meetings and members."""
    engine = create_engine(url)
    now = datetime.datetime.now(datetime.UTC)
    active = SupportGroup.status == GroupStatus.active
    try:
        with engine.connect() as connection:
            groups = list(
                connection.scalars(
                    select(SupportGroup.id)
                    .where(SupportGroup.visibility == Visibility.listed, active)
                    .order_by(SupportGroup.slug)
                    .limit(500)
                )
            )
            rows = connection.execute(
                select(User.email, GroupMembership.group_id)
                .join(GroupMembership, GroupMembership.user_id == User.id)
                .join(SupportGroup, SupportGroup.id == GroupMembership.group_id)
                .where(
                    GroupMembership.role == MemberRole.member,
                    GroupMembership.status == MembershipStatus.active,
                    active,
                )
                .order_by(User.email)
                .limit(people * 4)
            ).all()
            members = list(dict(reversed(rows)).items())[:people]  # one circle each
            upcoming = connection.execute(
                select(GroupSession.group_id, GroupSession.id).where(
                    GroupSession.group_id.in_([group for _, group in members]),
                    GroupSession.status == SessionStatus.scheduled,
                    GroupSession.starts_at > now,
                    GroupSession.starts_at < now + datetime.timedelta(days=21),
                )
            ).all()
            reported = connection.execute(
                select(User.email, SupportGroup.id)
                .join(User, User.id == SupportGroup.created_by_id)
                .where(active)
                .order_by(SupportGroup.slug)
                .limit(1)
            ).one()
            check_ins = CheckInPlan(connection, members)
    finally:
        engine.dispose()

    tokens = {email: sign_in(port, email) for email, _ in members}
    sessions_of: dict[uuid.UUID, list[uuid.UUID]] = {}
    for group_id, session_id in upcoming:
        sessions_of.setdefault(group_id, []).append(session_id)
    rsvps = []
    for email, group_id in members:
        for session_id in sessions_of.get(group_id, [])[:2]:
            for status in ("going", "not_going"):
                path = f"/api/v1/sessions/{session_id}/rsvp"
                rsvps.append(Request("PUT", path, tokens[email], {"status": status}))

    facilitator = staff_sign_in(port, url, reported[0])
    year_ago = (now - datetime.timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    until = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    report = f"/api/v1/groups/{reported[1]}/attendance-report?" + urllib.parse.urlencode(
        {"from": year_ago, "to": until}
    )
    check_in_list = check_ins.requests(port, url, tokens)
    topics = ["anxiety", "depression", "grief-and-loss", "substance-use"]
    words = ["breathing", "sleep", "grief", "panic", "family", "routine", "hope", "cravings"]
    people_tokens = list(tokens.values())
    return [
        Endpoint("GET /healthz", [Request("GET", "/healthz")], 0.60),
        Endpoint(
            "GET /crisis-resources?region=US",
            [Request("GET", "/api/v1/crisis-resources?region=US")],
            0.60,
        ),
        Endpoint(
            "GET /groups?limit=20 (anonymous)", [Request("GET", "/api/v1/groups?limit=20")], 0.20
        ),
        Endpoint(
            "GET /groups with filters",
            [
                Request("GET", f"/api/v1/groups?limit=20&topic={topic}&format={fmt}&open=true")
                for topic in topics
                for fmt in ("online", "in_person", "hybrid")
            ],
        ),
        Endpoint("GET /groups/{id}", [Request("GET", f"/api/v1/groups/{g}") for g in groups]),
        Endpoint(
            "GET /groups/{id}/sessions",
            [Request("GET", f"/api/v1/groups/{g}/sessions") for g in groups],
        ),
        Endpoint("PUT /sessions/{id}/rsvp", rsvps, 0.10),
        Endpoint("POST /sessions/{id}/check-in", check_in_list),
        Endpoint(
            "GET /me/sessions",
            [Request("GET", "/api/v1/me/sessions", t) for t in people_tokens],
            0.15,
        ),
        Endpoint("GET /me/groups", [Request("GET", "/api/v1/me/groups", t) for t in people_tokens]),
        Endpoint(
            "GET /resources?q=... (search)",
            [Request("GET", f"/api/v1/resources?q={w}&limit=20") for w in words],
            0.10,
        ),
        # The same searches from other people are served from the answers each process
        # keeps; this one asks something new each time (more queries than a process keeps).
        Endpoint(
            "GET /resources?q=... (search, never asked before)",
            [
                Request("GET", f"/api/v1/resources?q={first}+{second}&limit=20")
                for first, second in itertools.combinations(WORDS, 2)
            ][:2000],
        ),
        Endpoint("GET attendance report (JSON, a year)", [Request("GET", report, facilitator)]),
        Endpoint(
            "GET attendance report (CSV, a year)",
            [Request("GET", report, facilitator, accept="text/csv")],
        ),
    ]


class CheckInPlan:
    """A meeting starting soon in a few of the members' circles, and their members checking in
    with the code the facilitator shows."""

    def __init__(self, connection: Connection, members: Sequence[tuple[str, uuid.UUID]]) -> None:
        self.members: dict[uuid.UUID, list[str]] = {}
        for email, group_id in members:
            self.members.setdefault(group_id, []).append(email)
        chosen = list(self.members)[:10]
        self.circles = connection.execute(
            select(SupportGroup.id, User.email, Schedule.timezone)
            .join(User, User.id == SupportGroup.created_by_id)
            .join(Schedule, Schedule.group_id == SupportGroup.id)
            .where(SupportGroup.id.in_(chosen))
        ).all()

    def requests(self, port: int, url: str, tokens: dict[str, str]) -> list[Request]:
        found: list[Request] = []
        for group_id, facilitator_email, zone in self.circles:
            facilitator = staff_sign_in(port, url, facilitator_email)
            start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5)
            meeting = call(
                port,
                Request(
                    "POST",
                    f"/api/v1/groups/{group_id}/sessions",
                    facilitator,
                    {
                        "starts_at": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "duration_minutes": 60,
                        "timezone": zone,
                    },
                ),
            )
            path = f"/api/v1/sessions/{meeting['id']}"
            code = call(port, Request("GET", f"{path}/check-in-code", facilitator))["code"]
            found.extend(
                Request("POST", f"{path}/check-in", tokens[member], {"code": code})
                for member in self.members[group_id]
            )
        return found


# --- measuring ------------------------------------------------------------------------------


def wrk(port: int, requests: Sequence[Request], *, seconds: float, connections: int) -> Measure:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as listing:
        listing.write("\n".join(request.line() for request in requests) + "\n")
    try:
        result = subprocess.run(  # noqa: S603
            [
                shutil.which("wrk") or "wrk",
                f"-t{min(2, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                str(LUA),
                f"http://127.0.0.1:{port}",
            ],
            env={**os.environ, "BENCH_REQUESTS": listing.name},
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        )
    finally:
        Path(listing.name).unlink()
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    return Measure(
        name="",
        requests_per_s=summary["requests"] / (summary["duration_us"] / 1e6),
        p50_ms=summary["p50_us"] / 1000,
        p95_ms=summary["p95_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        requests=summary["requests"],
        errors=summary["failed"] + summary["socket_errors"],
        statuses=summary["statuses"],
    )


def measure(
    port: int, endpoint: Endpoint, *, seconds: float, connections: int, warmup: float
) -> Measure:
    if not endpoint.requests:
        raise RuntimeError(f"no requests to send for {endpoint.name}: the load data is too small")
    if warmup:
        wrk(port, endpoint.requests, seconds=warmup, connections=connections)
    result = wrk(port, endpoint.requests, seconds=seconds, connections=connections)
    result.name = endpoint.name
    result.budget = endpoint.budget
    return result


def report_latency_ms(port: int, endpoint: Endpoint, times: int = 15) -> float:
    """The median time of one attendance report alone (no other load)."""
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        call(port, endpoint.requests[0])
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations)


def run_one(kind: str, url: str, workers: int, args: argparse.Namespace, var_dir: Path) -> Run:
    print(f"\n{kind}, {workers} worker(s)", flush=True)
    env = server_env(url, var_dir)
    if args.db_concurrency:
        env["CIRCLES_DB_CONCURRENCY"] = str(args.db_concurrency)
    uvicorn = [str(VENV_BIN / "uvicorn"), "--host", "127.0.0.1", "--no-access-log"]
    port = free_port()
    with process(
        [*uvicorn, "--port", str(port), "--workers", str(workers), "bench.hello:app"],
        env,
        var_dir / "hello.log",
    ):
        wait_until_up(port, "/hello")
        hello = measure(
            port,
            Endpoint("hello-world (bare FastAPI)", [Request("GET", "/hello")]),
            seconds=args.duration,
            connections=args.connections,
            warmup=args.warmup,
        )
    print(f"  hello-world: {hello.requests_per_s:,.0f} requests/s", flush=True)
    port = free_port()
    command = [str(VENV_BIN / "circles"), "serve", "--port", str(port), "--workers", str(workers)]
    with process(command, env, var_dir / f"serve-{kind}-{workers}.log") as pid:
        cold_start = wait_until_up(port, "/healthz", timeout=60)
        measures = []
        report_ms = 0.0
        for endpoint in endpoints(url, port, args.people):
            if args.only and not any(word in endpoint.name for word in args.only.split(",")):
                continue
            result = measure(
                port,
                endpoint,
                seconds=args.duration,
                connections=args.connections,
                warmup=args.warmup,
            )
            result.ratio = result.requests_per_s / hello.requests_per_s
            measures.append(result)
            print(
                f"  {result.name}: {result.requests_per_s:,.0f}/s "
                f"p99 {result.p99_ms:.0f} ms, ratio {result.ratio:.3f} {result.verdict}",
                flush=True,
            )
            if endpoint.name.startswith("GET attendance report (JSON"):
                report_ms = report_latency_ms(port, endpoint)
        rss = peak_rss_mb(pid)
    return Run(kind, workers, hello, measures, cold_start, rss, report_ms, seat_overflows(url))


# --- the table ------------------------------------------------------------------------------


def git_revision() -> str:
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        return subprocess.run(  # noqa: S603
            [shutil.which("git") or "git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    return "unknown"


def markdown(runs: Sequence[Run], args: argparse.Namespace, matching: str) -> str:
    sizes = LoadSizes().scaled(args.scale)
    lines = [
        f"# Load benchmark, {datetime.datetime.now(datetime.UTC).date().isoformat()}",
        "",
        f"- Revision `{git_revision()}`; machine: {platform.node()}, {os.cpu_count()} cores, "
        f"{platform.machine()}, Python {platform.python_version()}",
        f"- Data: {sizes.members:,} members, {sizes.groups:,} groups, {sizes.meetings:,} "
        f"meetings, {sizes.attendance:,} attendance records, {sizes.resources:,} resources, "
        f"{sizes.mentors:,} mentors (`circles seed load --scale {args.scale:g}`)",
        f"- wrk on loopback: {args.connections} connections, {args.duration:g} s per endpoint "
        f"after {args.warmup:g} s of warm-up; ratio = requests/s over the bare FastAPI "
        "hello-world's in the same run, same uvicorn settings and workers",
        "",
    ]
    for run in runs:
        lines += [
            f"## {run.database}, {run.workers} worker(s)",
            "",
            f"hello-world: {run.hello.requests_per_s:,.0f} requests/s, p99 "
            f"{run.hello.p99_ms:.1f} ms. Cold start of `circles serve`: {run.cold_start_s:.2f} s. "
            f"Peak resident memory of a worker: {run.peak_rss_mb:.0f} MB. Attendance report of "
            f"one group over a year, alone: {run.report_ms:.0f} ms. Meetings with more people "
            f"going than seats after the RSVP run: {run.seat_overflows}.",
            "",
            "| endpoint | requests/s | p50 ms | p95 ms | p99 ms | errors | ratio | budget | |",
            "|---|--:|--:|--:|--:|--:|--:|--:|---|",
        ]
        for m in run.measures:
            budget = f"≥ {m.budget:.2f}" if m.budget is not None else ""
            lines.append(
                f"| {m.name} | {m.requests_per_s:,.0f} | {m.p50_ms:.1f} | {m.p95_ms:.1f} | "
                f"{m.p99_ms:.1f} | {m.errors} | {m.ratio or 0:.3f} | {budget} | {m.verdict} |"
            )
        lines.append("")
    if matching:
        lines += ["## Mentor matching", "", "```", matching.strip(), "```", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--short", action="store_true", help="a CI-sized run")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--scale", type=float, default=None, help="of the load sizes")
    parser.add_argument("--duration", type=float, default=None, help="seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=None)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--people", type=int, default=100, help="members signed in")
    parser.add_argument("--only", default="", help="endpoints whose names contain these words")
    parser.add_argument(
        "--db-concurrency", type=int, default=None, help="CIRCLES_DB_CONCURRENCY of the server"
    )
    parser.add_argument("--no-matching", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.scale is None:
        args.scale = 0.02 if args.short else 1.0
    if args.duration is None:
        args.duration = 2.0 if args.short else 5.0
    if args.warmup is None:
        args.warmup = 1.0
    if args.short and args.databases == parser.get_default("databases"):
        args.databases = "sqlite"
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed (apt-get install wrk; `make bench` installs it as root)")
    var_dir = ROOT / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    runs = []
    for kind in args.databases.split(","):
        with database(kind, args.scale, var_dir) as url:
            for workers in [1] if kind == "sqlite" else [1, 2]:
                runs.append(run_one(kind, url, workers, args, var_dir))
    matching = ""
    if not args.no_matching:
        sizes = ["--mentees", "10000", "--mentors", "2500"] if not args.short else []
        matching = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "bench.matching", *sizes, "--repeat", "1"],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        ).stdout
    table = markdown(runs, args, matching)
    print("\n" + table)
    if not args.short:
        args.output.mkdir(parents=True, exist_ok=True)
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        name = f"{today}-{platform.node()}-{git_revision()}.md"
        (args.output / name).write_text(table, encoding="utf-8")
        print(f"Written to {args.output / name}")
    failed = any(m.errors for run in runs for m in run.measures)
    overfull = any(run.seat_overflows for run in runs)
    return 1 if failed or overfull else 0


if __name__ == "__main__":
    sys.exit(main())
