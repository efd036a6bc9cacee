"""Harness for tests and benchmarks against a real server: a fresh database, gunicorn on
loopback, a scenario loaded through the ORM, HTTP load, and the final state read back.

Everything Django-side runs in subprocesses with the production settings module
(`config.settings`) and an explicit environment (DATABASE_URL, SECRET_KEY=x, DEBUG=0), so
the process that drives the load never opens the database through Django; this keeps the
live tests independent of pytest-django's test database and of its access blocker.

    with LiveStack("postgresql") as stack:            # or "sqlite"
        scenario = stack.load_scenario(capacity_classes=30, classes=200, waitlist=False)
        replies = send_together(stack.server.url, [booking_request(scenario, i) for i in ...])
        state = stack.read_state(scenario.slot)

The subprocess entry points live at the bottom of this module (`python -m tests.live
scenario|state|querycount ...`); they are what `LiveStack` runs.

PostgreSQL databases are created as `brobyg_live_<random>` on TEST_POSTGRES_URL (an admin
connection, e.g. postgres://postgres:postgres@127.0.0.1:5432/postgres) and dropped at the
end. Only loopback addresses are used. Every wait is bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import math
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
BACKENDS = ("sqlite", "postgresql")
POSTGRES_URL_VARIABLE = "TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = "PostgreSQL not reachable at TEST_POSTGRES_URL; .ci/run starts it"

# Environment variables of the calling process that must not leak into the server.
_SCRUBBED = ("DATABASE_URL", "SECRET_KEY", "DEBUG", "HTTPS", "REDIS_URL", "EMAIL_URL", "ALLOWED_HOSTS", "CONN_MAX_AGE")


def venv_python() -> str:
    """The project's interpreter: .venv/bin/python when it exists, else the running one."""
    candidate = ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


# Databases ---------------------------------------------------------------------------------


def postgres_admin_url() -> str:
    return os.environ.get(POSTGRES_URL_VARIABLE, "")


def postgres_unreachable_reason(admin_url: str | None = None, *, timeout: int = 3) -> str | None:
    """None if PostgreSQL answers at TEST_POSTGRES_URL, else why not (for pytest.skip)."""
    admin_url = postgres_admin_url() if admin_url is None else admin_url
    if not admin_url:
        return f"{POSTGRES_SKIP_REASON} (TEST_POSTGRES_URL is not set)"
    try:
        import psycopg

        with psycopg.connect(admin_url, connect_timeout=timeout, autocommit=True) as connection:
            connection.execute("SELECT 1")
    except Exception as error:
        return f"{POSTGRES_SKIP_REASON} ({type(error).__name__}: {str(error).strip()[:200]})"
    return None


@functools.cache
def _cached_postgres_unreachable_reason() -> str | None:
    return postgres_unreachable_reason()


REDIS_URL_VARIABLE = "TEST_REDIS_URL"
REDIS_SKIP_REASON = "Redis not reachable at TEST_REDIS_URL; .ci/run starts it"


def redis_url() -> str:
    return os.environ.get(REDIS_URL_VARIABLE, "")


def redis_unreachable_reason(url: str | None = None, *, timeout: int = 3) -> str | None:
    """None if Redis answers at TEST_REDIS_URL, else why not (for pytest.skip)."""
    url = redis_url() if url is None else url
    if not url:
        return f"{REDIS_SKIP_REASON} (TEST_REDIS_URL is not set)"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
    except Exception as error:
        return f"{REDIS_SKIP_REASON} ({type(error).__name__}: {str(error).strip()[:200]})"
    return None


def skip_unless_available(backend: str) -> None:
    """In a pytest test: skip when the backend's server is not there (PostgreSQL without a
    reachable TEST_POSTGRES_URL). SQLite is always there. Reachability is probed once."""
    if backend == "postgresql" and (reason := _cached_postgres_unreachable_reason()):
        import pytest

        pytest.skip(reason)


def _with_database_name(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


@dataclass
class LiveDatabase:
    """A database made for one run: a temp SQLite file or a new PostgreSQL database."""

    backend: str
    url: str
    workdir: Path
    name: str = ""
    admin_url: str = ""

    @classmethod
    def create(cls, backend: str, workdir: Path, *, admin_url: str | None = None) -> LiveDatabase:
        if backend == "sqlite":
            path = workdir / "live.sqlite3"
            return cls(backend=backend, url=f"sqlite:///{path}", workdir=workdir, name=str(path))
        if backend == "postgresql":
            import psycopg

            admin_url = admin_url or postgres_admin_url()
            if not admin_url:
                raise RuntimeError(f"{POSTGRES_URL_VARIABLE} is not set")
            name = f"brobyg_live_{secrets.token_hex(6)}"
            with psycopg.connect(admin_url, connect_timeout=5, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{name}"')
            return cls(
                backend=backend,
                url=_with_database_name(admin_url, name),
                workdir=workdir,
                name=name,
                admin_url=admin_url,
            )
        raise ValueError(f"unknown backend {backend!r}; use one of {BACKENDS}")

    def drop(self) -> None:
        if self.backend == "postgresql" and self.name:
            import psycopg

            with psycopg.connect(self.admin_url, connect_timeout=5, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        # The SQLite file lives in the work directory, which LiveStack removes.

    def server_version(self) -> str:
        if self.backend == "sqlite":
            import sqlite3

            return f"SQLite {sqlite3.sqlite_version} (WAL, IMMEDIATE transactions)"
        import psycopg

        with psycopg.connect(self.url, connect_timeout=5) as connection:
            row = connection.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for manage.py, setup scripts and gunicorn on this database."""
        env = {
            key: value for key, value in os.environ.items() if key not in _SCRUBBED and not key.startswith("DJANGO_")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=self.url,
            SECRET_KEY="x",
            DEBUG="0",
            # Plain HTTP on this machine: no redirect to HTTPS, cookies without the Secure flag.
            HTTPS="0",
            EMAIL_FILE_PATH=str(self.workdir / "mail"),
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env


def run_checked(args: Sequence[str], *, env: dict[str, str], timeout: float = 180) -> str:
    """Run a subprocess in the project root; return stdout, raise with stderr on failure."""
    completed = subprocess.run(
        list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(args)} exited with {completed.returncode}\n"
            f"--- stdout ---\n{completed.stdout[-3000:]}\n--- stderr ---\n{completed.stderr[-5000:]}"
        )
    return completed.stdout


def run_json(database: LiveDatabase, command: str, arguments: dict[str, Any], *, timeout: float = 180) -> Any:
    """Run one of this module's subprocess commands and parse the JSON it prints last."""
    stdout = run_checked(
        [venv_python(), "-m", "tests.live", command, json.dumps(arguments)], env=database.env(), timeout=timeout
    )
    return json.loads(stdout.strip().splitlines()[-1])


# Server ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class ServerFailed(RuntimeError):
    pass


@dataclass
class LiveServer:
    """gunicorn with sync workers in threads (gthread) on a free loopback port.

    2 workers x 16 threads serve 32 requests at once; further connections are accepted and
    wait for a free thread (or in the listen backlog of 2048), so a burst of 200 is queued,
    not refused."""

    database: LiveDatabase
    app: str = "config.wsgi:application"
    workers: int = 2
    threads: int = 16
    extra_env: dict[str, str] = field(default_factory=dict)
    startup_timeout: float = 30.0
    port: int = 0
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def _command(self) -> list[str]:
        gunicorn = Path(venv_python()).parent / "gunicorn"
        launcher = [str(gunicorn)] if gunicorn.exists() else [venv_python(), "-m", "gunicorn"]
        return [
            *launcher,
            self.app,
            "--chdir",
            str(ROOT),
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(self.threads),
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "10",
            "--keep-alive",
            "5",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ]

    def start(self) -> LiveServer:
        last_error: Exception | None = None
        for _attempt in range(3):  # a free port can be taken between probing and binding
            self.port = free_port()
            self.log_path = self.database.workdir / f"gunicorn-{self.port}.log"
            with open(self.log_path, "wb") as log:
                self.process = subprocess.Popen(
                    self._command(),
                    cwd=ROOT,
                    env=self.database.env(**self.extra_env),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # Ctrl-C in a terminal goes to the harness, not the server
                )
            try:
                self._wait_until_ready()
                return self
            except ServerFailed as error:
                last_error = error
                self.stop()
                if "Address already in use" not in str(error):
                    raise
        raise ServerFailed(f"gunicorn could not start: {last_error}")

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        for _ in range(int(self.startup_timeout / 0.1) + 1):
            if self.process is None or self.process.poll() is not None:
                raise ServerFailed(f"gunicorn exited during startup\n{self.log_tail()}")
            reply = request_once(self.url, Request("GET", "/api/v1/ping/"), timeout=2)
            if reply.status == 200:
                return
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        raise ServerFailed(f"/api/v1/ping/ did not answer within {self.startup_timeout}s\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM (gunicorn's graceful stop), wait, then SIGKILL the group if it hangs."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def log_text(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def log_tail(self, characters: int = 4000) -> str:
        return f"--- gunicorn log ---\n{self.log_text()[-characters:]}"


# Scenario and state ------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """What `load_scenario` made: slot ids and, per class, its id and its teacher's token."""

    offer: int
    slots: list[int]
    capacity_classes: int
    capacity_pupils: int
    waitlist: bool
    classes: list[tuple[int, str]]
    host_token: str = ""

    @property
    def slot(self) -> int:
        return self.slots[0]


class LiveStack:
    """Database + gunicorn as a context manager; the work directory is removed at exit."""

    def __init__(
        self,
        backend: str,
        *,
        app: str = "config.wsgi:application",
        workers: int = 2,
        threads: int = 16,
        extra_env: dict[str, str] | None = None,
        admin_url: str | None = None,
    ) -> None:
        self.backend = backend
        self.app, self.workers, self.threads = app, workers, threads
        self.extra_env = dict(extra_env or {})
        self.admin_url = admin_url
        self.workdir: Path | None = None
        self.database: LiveDatabase | None = None
        self.server: LiveServer | None = None

    def __enter__(self) -> LiveStack:
        self.workdir = Path(tempfile.mkdtemp(prefix="brobyg-live-"))
        try:
            self.database = LiveDatabase.create(self.backend, self.workdir, admin_url=self.admin_url)
            run_checked(
                [venv_python(), "manage.py", "migrate", "--noinput", "-v", "0"], env=self.database.env(), timeout=300
            )
            self.server = LiveServer(
                self.database, app=self.app, workers=self.workers, threads=self.threads, extra_env=self.extra_env
            ).start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            if self.server is not None:
                self.server.stop()
        finally:
            try:
                if self.database is not None:
                    self.database.drop()
            finally:
                if self.workdir is not None:
                    shutil.rmtree(self.workdir, ignore_errors=True)

    def load_scenario(
        self,
        *,
        capacity_classes: int,
        classes: int,
        waitlist: bool,
        auto_confirm: bool = True,
        capacity_pupils: int = 30000,
        slots: int = 1,
        overlapping: bool = False,
    ) -> Scenario:
        assert self.database is not None
        data = run_json(
            self.database,
            "scenario",
            {
                "capacity_classes": capacity_classes,
                "capacity_pupils": capacity_pupils,
                "classes": classes,
                "waitlist": waitlist,
                "auto_confirm": auto_confirm,
                "slots": slots,
                "overlapping": overlapping,
            },
        )
        return Scenario(
            offer=data["offer"],
            slots=data["slots"],
            capacity_classes=capacity_classes,
            capacity_pupils=capacity_pupils,
            waitlist=waitlist,
            classes=[(entry["id"], entry["token"]) for entry in data["classes"]],
            host_token=data["host_token"],
        )

    def read_state(self, slots: int | Iterable[int]) -> dict[str, Any]:
        """Counts straight from the database: per slot and summed over the given slots."""
        assert self.database is not None
        slot_ids = [slots] if isinstance(slots, int) else list(slots)
        return run_json(self.database, "state", {"slots": slot_ids})

    def query_count(self) -> dict[str, Any]:
        """SQL queries of one booking creation through the whole Django stack (in a subprocess)."""
        assert self.database is not None
        return run_json(self.database, "querycount", {})


# HTTP load ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: dict[str, Any] | None = None
    token: str | None = None

    def headers(self, *, keep_alive: bool) -> dict[str, str]:
        headers = {"Accept": "application/json", "Connection": "keep-alive" if keep_alive else "close"}
        if self.body is not None:
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        return headers

    def payload(self) -> bytes | None:
        return None if self.body is None else json.dumps(self.body).encode()


@dataclass
class Reply:
    """One answer, or a connection error (status None, error set). Latency in seconds."""

    status: int | None
    body: Any
    latency: float
    error: str = ""

    @property
    def code(self) -> str | None:
        return self.body.get("code") if isinstance(self.body, dict) else None

    @property
    def booking_status(self) -> str | None:
        return self.body.get("status") if isinstance(self.body, dict) and self.status == 201 else None


def booking_request(scenario: Scenario, index: int, *, slot: int | None = None, pupils: int = 20) -> Request:
    class_id, token = scenario.classes[index]
    body = {"slot": slot or scenario.slot, "school_class": class_id, "pupils": pupils}
    return Request("POST", "/api/v1/bookings/", body, token)


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw[:500].decode(errors="replace")


def _exchange(connection: http.client.HTTPConnection, request: Request, *, keep_alive: bool) -> Reply:
    started = time.perf_counter()
    try:
        connection.request(
            request.method, request.path, body=request.payload(), headers=request.headers(keep_alive=keep_alive)
        )
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return Reply(None, None, time.perf_counter() - started, f"{type(error).__name__}: {error}")
    return Reply(response.status, _parse(raw), time.perf_counter() - started)


def _port_of(base_url: str) -> int:
    parts = urllib.parse.urlsplit(base_url)
    if parts.hostname != HOST:
        raise ValueError(f"only loopback ({HOST}) is allowed, not {parts.hostname!r}")
    return parts.port or 80


def request_once(base_url: str, request: Request, *, timeout: float = 60) -> Reply:
    connection = http.client.HTTPConnection(HOST, _port_of(base_url), timeout=timeout)
    try:
        return _exchange(connection, request, keep_alive=False)
    finally:
        connection.close()


def send_together(base_url: str, requests: Sequence[Request], *, timeout: float = 90) -> list[Reply]:
    """Send every request at once: one thread and one fresh connection per request, all
    connected first, then released together by a barrier. Replies are in request order."""
    port, count = _port_of(base_url), len(requests)
    barrier = threading.Barrier(count, timeout=30)

    def one(request: Request) -> Reply:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            try:
                connection.connect()
            except OSError as error:
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
                return Reply(None, None, 0.0, f"connect: {type(error).__name__}: {error}")
            with contextlib.suppress(threading.BrokenBarrierError):  # start anyway if some never arrive
                barrier.wait()
            return _exchange(connection, request, keep_alive=False)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, requests, timeout=timeout + 60))


def send_stream(
    base_url: str, requests: Sequence[Request], *, concurrency: int, timeout: float = 60
) -> tuple[list[Reply], float]:
    """Send the requests through `concurrency` keep-alive connections, each taking the next
    request as soon as it has its answer. Returns replies (in request order) and wall time."""
    port = _port_of(base_url)
    replies: list[Reply | None] = [None] * len(requests)
    cursor = iter(range(len(requests)))
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            for _ in range(len(requests)):  # bounded: at most every request
                with lock:
                    index = next(cursor, None)
                if index is None:
                    return
                replies[index] = _exchange(connection, requests[index], keep_alive=True)
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(worker) for _ in range(concurrency)]:
            future.result(timeout=timeout * max(1, len(requests)))
    elapsed = time.perf_counter() - started
    return [reply for reply in replies if reply is not None], elapsed


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def summarize(replies: Sequence[Reply]) -> dict[str, Any]:
    """Counts by outcome and latency percentiles (milliseconds) of a batch of replies."""
    outcomes: Counter[str] = Counter()
    for reply in replies:
        if reply.status is None:
            outcomes["connection_error"] += 1
        elif reply.status == 201:
            outcomes[f"201 {reply.booking_status}"] += 1
        elif reply.code:
            outcomes[f"{reply.status} {reply.code}"] += 1
        else:
            outcomes[str(reply.status)] += 1
    latencies = [reply.latency for reply in replies if reply.status is not None]
    return {
        "outcomes": dict(sorted(outcomes.items())),
        "server_errors": sum(1 for reply in replies if reply.status is not None and reply.status >= 500),
        "connection_errors": outcomes["connection_error"],
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies, default=0.0) * 1000, 1),
    }


# Subprocess commands (run with the project's interpreter, cwd = project root) --------------


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _command_scenario(options: dict[str, Any]) -> dict[str, Any]:
    """One company with a published offer and `slots` future slots; one school with one
    teacher (and DRF token) per grade-8 class. Users get unusable passwords: hashing 200
    passwords with the production hasher would take a minute and nobody logs in."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import ApiToken, User
    from bookings.models import Slot
    from companies.models import Company
    from core.dates import school_year_of
    from core.tokens import token_hash
    from schools.models import School, SchoolClass, Teacher
    from tests import factories

    count = int(options["classes"])
    with transaction.atomic():
        serial = Company.objects.count() + School.objects.count() + 1
        tag = f"live{serial}x{secrets.token_hex(3)}"
        company = factories.CompanyFactory(name=f"Live Vind {tag} A/S", cvr=f"{40000000 + serial:08d}")
        # A contact person, so that every booking also writes its invites to the outbox.
        host = factories.CompanyMemberFactory(company=company, user__username=f"{tag}-host", user__password="!")
        offer = factories.OfferFactory(
            company=company,
            contact=host,
            title=f"Live {tag}",
            auto_confirm=bool(options["auto_confirm"]),
            waitlist_enabled=bool(options["waitlist"]),
            is_published=True,
            grade_min=7,
            grade_max=9,
        )
        start = (timezone.now() + dt.timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
        slots = []
        # Slots a day apart, or (overlapping) five minutes apart, each two hours long: up to 24
        # overlapping slots all overlap one another.
        step = dt.timedelta(minutes=5) if options.get("overlapping") else dt.timedelta(days=1)
        for number in range(int(options.get("slots", 1))):
            slot_start = start + number * step
            slots.append(
                Slot.objects.create(
                    offer=offer,
                    start=slot_start,
                    end=slot_start + dt.timedelta(hours=2),
                    booking_deadline=slot_start - dt.timedelta(days=2),
                    capacity_classes=int(options["capacity_classes"]),
                    capacity_pupils=int(options["capacity_pupils"]),
                )
            )
        school = factories.SchoolFactory(name=f"Live Skole {tag}", institution_number=f"{900000 + serial:06d}")
        users = User.objects.bulk_create(
            [
                User(
                    username=f"{tag}-t{index}",
                    first_name="Lærer",
                    last_name=str(index),
                    email=f"{tag}-t{index}@example.dk",
                    password="!",
                )
                for index in range(count)
            ]
        )
        Teacher.objects.bulk_create([Teacher(user=user, school=school) for user in users])
        tokens = [secrets.token_hex(20) for _user in users]
        expires = timezone.now() + dt.timedelta(days=30)
        ApiToken.objects.bulk_create(
            [
                ApiToken(user=user, key_hash=token_hash(key), created=timezone.now(), expires=expires)
                for user, key in zip(users, tokens, strict=True)
            ]
        )
        school_classes = SchoolClass.objects.bulk_create(
            [
                SchoolClass(
                    school=school,
                    name=f"8.{index}",
                    grade=8,
                    school_year=school_year_of(timezone.localdate()),
                    pupils=24,
                )
                for index in range(count)
            ]
        )
        host_token = factories.api_key_for(host.user)
    return {
        "offer": offer.pk,
        "host_token": host_token,
        "slots": [slot.pk for slot in slots],
        "classes": [
            {"id": school_class.pk, "token": token} for school_class, token in zip(school_classes, tokens, strict=True)
        ],
    }


def _command_state(options: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Count

    from bookings.models import Booking, BookingEvent, Slot

    slot_ids = list(options["slots"])
    slots = {
        slot.pk: {
            "capacity_classes": slot.capacity_classes,
            "booked_classes": slot.booked_classes,
            "booked_pupils": slot.booked_pupils,
        }
        for slot in Slot.objects.filter(pk__in=slot_ids)
    }
    bookings = Booking.objects.filter(slot_id__in=slot_ids)
    by_status = dict(bookings.values_list("status").annotate(n=Count("id")).order_by())
    active_per_class = (
        bookings.filter(status__in=Booking.ACTIVE)
        .values("slot_id", "school_class_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("n", flat=True)
    )
    return {
        "slots": slots,
        "booked_classes": sum(slot["booked_classes"] for slot in slots.values()),
        "booked_pupils": sum(slot["booked_pupils"] for slot in slots.values()),
        "bookings": by_status,
        "holding_place": sum(by_status.get(status, 0) for status in Booking.HOLDING_PLACE),
        "max_active_per_class_and_slot": max(active_per_class, default=0),
        "events": BookingEvent.objects.filter(booking__slot_id__in=slot_ids).count(),
    }


def _command_querycount(options: dict[str, Any]) -> dict[str, Any]:
    """Book through Django's test client with a token, as the API is used, counting every SQL
    statement from the token lookup to the serialized answer. The first booking of the
    process warms caches (content types, translations); the second is the one reported."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    scenario = _command_scenario(
        {"classes": 2, "capacity_classes": 10, "capacity_pupils": 300, "waitlist": False, "auto_confirm": True}
    )
    measured = []
    for entry in scenario["classes"]:
        client = Client(headers={"authorization": f"Token {entry['token']}", "host": HOST})
        with CaptureQueriesContext(connection) as context:
            response = client.post(
                "/api/v1/bookings/",
                {"slot": scenario["slots"][0], "school_class": entry["id"], "pupils": 20},
                content_type="application/json",
            )
        measured.append(
            {
                "status": response.status_code,
                "booking_status": response.json().get("status"),
                "queries": len(context.captured_queries),
                "sql": [query["sql"] for query in context.captured_queries],
            }
        )
    return {"first": measured[0], "steady": measured[1], "queries": measured[1]["queries"]}


_COMMANDS = {"scenario": _command_scenario, "state": _command_state, "querycount": _command_querycount}


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] not in _COMMANDS:
        print(f"usage: python -m tests.live {{{'|'.join(_COMMANDS)}}} '<json options>'", file=sys.stderr)
        return 2
    _setup_django()
    result = _COMMANDS[argv[0]](json.loads(argv[1]))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
