"""Harness for the outbox delivery tests and benchmark against real processes: an SMTP server
in the calling process, a fresh database, bookings made in a subprocess, and django-q2
clusters (or plain worker processes) as subprocesses in their own process groups.

The database part is tests/live.py's (`LiveDatabase`, `run_checked`): every Django-side
step runs in a subprocess with the production settings module and an explicit environment,
so the process that owns the SMTP server never opens the database through Django.

    workdir = Path(tempfile.mkdtemp())
    database = fresh_database("sqlite", workdir)                  # created and migrated
    with RecordingSmtp() as smtp:
        make_bookings(database, bookings=20)                      # 40 due invites
        cluster = Cluster(database, smtp_port=smtp.port).start()  # manage.py qcluster
        kick_schedule(database)                                   # the schedule, due now
        smtp.wait_for_unique(40, timeout=30)
        cluster.kill()

Subprocess entry points (`python -m tests.notifications.cluster_harness COMMAND '<json>'`):
`qcluster` runs `manage.py qcluster` with settings overrides taken from the environment
variable BROBYG_SETTINGS_OVERRIDES (JSON; a dict value is merged into the setting's dict);
`bookings`, `kick`, `enqueue`, `state`, `reset`, `deliver`, `claims`, `hold_schedule` and
`serve` (several commands in one process, see `Served`) are described at their functions. Only loopback addresses are used. Every wait is bounded in count and in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.live import HOST, ROOT, LiveDatabase, free_port, run_checked, venv_python

OVERRIDES_VARIABLE = "BROBYG_SETTINGS_OVERRIDES"
DELIVERY_SCHEDULE = "Deliver due e-mails"
DELIVERY_TASK = "notifications.tasks.deliver_due_messages"
MODULE = "tests.notifications.cluster_harness"


# SMTP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """One message the server accepted (DATA answered 250)."""

    message_id: str
    peer: str
    at: float  # time.monotonic() in the server's process


class RecordingHandler:
    """aiosmtpd handler that records the Message-ID of every accepted message.

    block_at_rcpt: the n-th RCPT command overall (1-based) waits, without answering, until
        `release` is set; `blocked` is set when it starts waiting. The message's content has
        not been transferred then, so the client cannot believe it delivered.
    max_per_connection: after that many accepted messages on one connection, MAIL is
        answered 421 (as a server with a per-connection limit does); smtplib then closes it.
    delay: seconds each DATA takes before it is answered (asyncio, so other sessions go on).
    """

    BLOCK_LIMIT_SECONDS = 120.0

    def __init__(
        self, *, block_at_rcpt: int | None = None, max_per_connection: int | None = None, delay: float = 0.0
    ) -> None:
        self.block_at_rcpt = block_at_rcpt
        self.max_per_connection = max_per_connection
        self.delay = delay
        self.lock = threading.Lock()
        self.deliveries: list[Delivery] = []
        self.rcpt_commands = 0
        self.refused = 0
        self.per_session: Counter[int] = Counter()
        self.blocked = threading.Event()
        self.release = threading.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options) -> str:
        with self.lock:
            full = self.max_per_connection is not None and self.per_session[id(session)] >= self.max_per_connection
            if full:
                self.refused += 1
        if full:
            return "421 4.7.0 Too many messages on this connection, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        with self.lock:
            self.rcpt_commands += 1
            number = self.rcpt_commands
        if number == self.block_at_rcpt:
            self.blocked.set()
            for _ in range(int(self.BLOCK_LIMIT_SECONDS / 0.02)):  # bounded: the test releases it
                if self.release.is_set():
                    break
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        peer = f"{session.peer[0]}:{session.peer[1]}" if session.peer else "?"
        with self.lock:
            self.deliveries.append(Delivery(str(message["Message-ID"]), peer, time.monotonic()))
            self.per_session[id(session)] += 1
        return "250 Message accepted for delivery"


class RecordingSmtp:
    """An aiosmtpd server on a free loopback port in a thread of this process."""

    def __init__(self, handler: RecordingHandler | None = None) -> None:
        self.handler = handler or RecordingHandler()
        self.port = 0
        self.controller = None

    def start(self) -> RecordingSmtp:
        from aiosmtpd.controller import Controller

        last_error: Exception | None = None
        for _attempt in range(5):  # a free port can be taken between probing and binding
            self.port = free_port()
            controller = Controller(self.handler, hostname=HOST, port=self.port, ready_timeout=10)
            try:
                controller.start()
            except Exception as error:  # aiosmtpd re-raises the bind error of its thread
                last_error = error
                continue
            self.controller = controller
            return self
        raise RuntimeError(f"the SMTP server could not start: {last_error}")

    def stop(self) -> None:
        self.handler.release.set()
        controller, self.controller = self.controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> RecordingSmtp:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"

    def deliveries(self) -> list[Delivery]:
        with self.handler.lock:
            return list(self.handler.deliveries)

    def counts(self) -> Counter[str]:
        """How many times each Message-ID was accepted."""
        return Counter(delivery.message_id for delivery in self.deliveries())

    def wait_for_unique(self, count: int, *, timeout: float) -> bool:
        """Wait until `count` distinct Message-IDs have arrived; False on timeout."""
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / 0.05) + 1):
            if len(self.counts()) >= count:
                return True
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return len(self.counts()) >= count

    def max_overlapping_connections(self) -> int:
        """The most connections that were delivering at the same time, each connection spanning
        from its first to its last accepted message."""
        spans: dict[str, list[float]] = {}
        for delivery in self.deliveries():
            span = spans.setdefault(delivery.peer, [delivery.at, delivery.at])
            span[0], span[1] = min(span[0], delivery.at), max(span[1], delivery.at)
        edges = sorted([(start, 1) for start, _ in spans.values()] + [(end, -1) for _, end in spans.values()])
        best = current = 0
        for _, step in edges:
            current += step
            best = max(best, current)
        return best


_MESSAGE_ID = re.compile(r"<brobyg-message-(\d+)@")


def row_id_of(message_id: str) -> int | None:
    """The outbox row a Message-ID stands for (notifications.rendering.message_id)."""
    match = _MESSAGE_ID.match(message_id)
    return int(match.group(1)) if match else None


# Database and setup subprocesses -----------------------------------------------------------


def fresh_database(backend: str, workdir: Path) -> LiveDatabase:
    """A new SQLite file (or PostgreSQL database) with every migration applied, which also
    creates the django-q2 schedules (notifications/migrations/0002_schedules.py)."""
    database = LiveDatabase.create(backend, workdir)
    run_checked([venv_python(), "manage.py", "migrate", "--noinput", "-v", "0"], env=database.env(), timeout=180)
    return database


def run_command(database: LiveDatabase, command: str, arguments: dict[str, Any], *, timeout: float = 120) -> Any:
    """Run one of this module's subprocess commands and return the JSON it prints last."""
    stdout = run_checked(
        [venv_python(), "-m", MODULE, command, json.dumps(arguments)], env=database.env(), timeout=timeout
    )
    return json.loads(stdout.strip().splitlines()[-1])


def make_bookings(
    database: LiveDatabase, *, bookings: int, days_ahead: int = 30, write_messages: bool = True
) -> list[int]:
    """`bookings` confirmed bookings made through bookings.services; each has two due invites
    (teacher and host) and four future reminders. With `write_messages` they are written to
    the outbox here and the due invites' row ids returned; without, they are left to the
    delivery task, as after a booking through the API, and nothing is returned."""
    options = {"bookings": bookings, "days_ahead": days_ahead, "write_messages": write_messages}
    return run_command(database, "bookings", options)["due"]


def kick_schedule(database: LiveDatabase) -> str:
    """Make the delivery schedule due and run django-q2's scheduler once, which is what a
    cluster's sentinel does every 30 s: the task goes to the broker for a cluster to run."""
    return run_command(database, "kick", {})["task"]


def enqueue_delivery(database: LiveDatabase, *, tasks: int, run_seconds: float, queue: str | None = None) -> None:
    """Put `tasks` delivery tasks on the broker, as the schedule would (async_task); on the
    queue of the cluster named `queue` (Q_CLUSTER_NAME), or on the default one."""
    run_command(database, "enqueue", {"tasks": tasks, "run_seconds": run_seconds, "queue": queue})


def outbox_state(database: LiveDatabase) -> dict[str, Any]:
    return run_command(database, "state", {})


# Processes ---------------------------------------------------------------------------------


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - a reused id of someone else's group
        return False
    return True


def kill_group(process: subprocess.Popen | None, *, timeout: float = 15) -> None:
    """SIGKILL the process's whole group (it leads its own session) and wait, bounded, until
    no member is left. A no-op for a process that was never started."""
    if process is None:
        return
    pgid = process.pid
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / 0.05) + 1):  # forked children outlive the leader by a moment
        if not group_alive(pgid) or time.monotonic() > deadline:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        time.sleep(0.05)


@dataclass
class Cluster:
    """`manage.py qcluster` (through this module's `qcluster` command, which applies the
    settings overrides first) in its own process group, logging to a file in the workdir."""

    database: LiveDatabase
    smtp_port: int
    workers: int = 1
    overrides: dict[str, Any] = field(default_factory=dict)
    name: str = "cluster"
    queue: str | None = None  # Q_CLUSTER_NAME: a queue of its own, which takes no schedules
    env: dict[str, str] = field(default_factory=dict)  # more environment, e.g. REDIS_URL for its broker
    process: subprocess.Popen | None = None
    log_path: Path | None = None

    def start(self) -> Cluster:
        self.log_path = self.database.workdir / f"{self.name}-{time.monotonic_ns()}.log"
        env = self.database.env(
            EMAIL_URL=f"smtp://{HOST}:{self.smtp_port}",
            Q_WORKERS=str(self.workers),
            LOG_LEVEL="INFO",
            **{OVERRIDES_VARIABLE: json.dumps(self.overrides)},
            **({"Q_CLUSTER_NAME": self.queue} if self.queue else {}),
            **self.env,
        )
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [venv_python(), "-m", MODULE, "qcluster", "{}"],
                cwd=ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, killed as a whole
            )
        return self

    def wait_until_running(self, *, timeout: float = 30) -> None:
        """Until the sentinel logs that the cluster runs (its workers are forked by then)."""
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / 0.1) + 1):
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"qcluster exited during startup\n{self.log_tail()}")
            if "running." in self.log_text():
                return
            if time.monotonic() > deadline:
                break
            time.sleep(0.1)
        raise RuntimeError(f"qcluster did not start within {timeout}s\n{self.log_tail()}")

    def kill(self) -> None:
        process, self.process = self.process, None
        kill_group(process)

    def log_text(self) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def log_tail(self, characters: int = 4000) -> str:
        return f"--- {self.name} log ---\n{self.log_text()[-characters:]}"


def kill_clusters(clusters: list[Cluster]) -> None:
    """Kill every cluster: all are signalled first, then each is waited for."""
    for cluster in clusters:
        if cluster.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(cluster.process.pid, signal.SIGKILL)
    for cluster in clusters:
        cluster.kill()


# Killing the worker that is sending ----------------------------------------------------------
# bench/outbox_sigkill.py and tests/notifications/test_delivery_sigkill.py: round after round,
# one delivery task is put on the broker and the worker running it is SIGKILLed mid-delivery.

KILL_TASK_SECONDS = 40.0  # each task polls the outbox this long (inside Q_CLUSTER["timeout"], 60)
KILL_ROUND_TIMEOUT = 60.0


@dataclass
class KillRound:
    """One kill: which process, after how many messages of the round, and the rows it had
    claimed (in flight), of which those the SMTP server had accepted before it died."""

    number: int
    whole_cluster: bool
    pid: int = 0
    accepted_in_round: int = 0
    killed_at: float = 0.0  # time.time(), comparable with the rows' sent_at
    in_flight: list[int] = field(default_factory=list)
    accepted_before_kill: list[int] = field(default_factory=list)


def _socket_inodes_to(port: int) -> set[str]:
    """Inodes of established TCP connections to `port` (from /proc/net/tcp and tcp6)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if int(fields[2].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # 01: ESTABLISHED
                    inodes.add(fields[9])
    return inodes


def sending_pids(pgid: int, smtp_port: int) -> list[int]:
    """Processes of a cluster's process group holding a connection to the SMTP server: the
    worker in the middle of a delivery pass (a pass opens its connection only when something
    is due and closes it at its end)."""
    sockets = {f"socket:[{inode}]" for inode in _socket_inodes_to(smtp_port)}
    found = []
    for entry in os.listdir("/proc") if sockets else []:
        if not entry.isdigit():
            continue
        try:
            if os.getpgid(int(entry)) != pgid:
                continue
            links = {os.readlink(f"/proc/{entry}/fd/{fd}") for fd in os.listdir(f"/proc/{entry}/fd")}
        except OSError:  # gone in the meantime, or not ours
            continue
        if links & sockets:
            found.append(int(entry))
    return found


def wait_until(predicate, *, timeout: float, step: float = 0.005) -> bool:
    """Poll `predicate` every `step` seconds until it holds; bounded by `timeout`."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / step) + 1):
        if predicate() or time.monotonic() > deadline:
            break
        time.sleep(step)
    return bool(predicate())


def kill_round(
    number: int, *, cluster: Cluster, served: Served, smtp: RecordingSmtp, rng, whole_cluster: bool = False
) -> KillRound:
    """Enqueue one delivery task; once the server has accepted 1–4 messages of it, and after
    a random 0–(2 × the server's DATA delay) more so the kill lands anywhere in a send, SIGKILL
    the worker holding the SMTP connection (or, with `whole_cluster`, the cluster's whole
    process group). The rows claimed since the round began are its in-flight messages."""
    result = KillRound(number, whole_cluster)
    before = len(smtp.deliveries())
    left_claimed = served.call("claims")["sending"]  # by workers killed in earlier rounds
    served.call("enqueue", tasks=1, run_seconds=KILL_TASK_SECONDS, queue=cluster.queue)
    target = before + rng.randint(1, 4)
    if not wait_until(lambda: len(smtp.deliveries()) >= target, timeout=KILL_ROUND_TIMEOUT):
        raise RuntimeError(f"round {number}: nothing delivered in {KILL_ROUND_TIMEOUT} s\n{cluster.log_tail()}")
    time.sleep(rng.uniform(0, 2 * smtp.handler.delay))
    pgid = cluster.process.pid
    pids: list[int] = []
    wait_until(lambda: pids.extend(sending_pids(pgid, smtp.port)) or pids, timeout=10, step=0.002)
    if not pids:
        raise RuntimeError(f"round {number}: no worker holds an SMTP connection\n{cluster.log_tail()}")
    result.pid = pids[0]
    with contextlib.suppress(ProcessLookupError):
        if whole_cluster:
            os.killpg(pgid, signal.SIGKILL)
        else:
            os.kill(result.pid, signal.SIGKILL)
    result.killed_at = time.time()
    time.sleep(0.2)  # the server finishes, or drops, a DATA whose client just died
    claimed = served.call("claims")["sending"]
    result.in_flight = sorted(int(row) for row, at in claimed.items() if left_claimed.get(row) != at)
    accepted = {row_id_of(delivery.message_id) for delivery in smtp.deliveries()}
    result.accepted_before_kill = [row for row in result.in_flight if row in accepted]
    result.accepted_in_round = len(smtp.deliveries()) - before
    return result


def drain(served: Served, due: set[int], *, timeout: float, queue: str | None = None) -> dict[str, Any]:
    """Enqueue delivery tasks (one at a time) until every due row is sent; bounded by
    `timeout`. Returns the outbox state (see `_command_state`)."""
    deadline = time.monotonic() + timeout
    state: dict[str, Any] = {}
    next_task = 0.0
    while time.monotonic() < deadline:
        if time.monotonic() >= next_task:
            served.call("enqueue", tasks=1, run_seconds=KILL_TASK_SECONDS, queue=queue)
            next_task = time.monotonic() + KILL_TASK_SECONDS
        state = served.call("state")
        if due <= {row["id"] for row in state["rows"] if row["status"] == "sent"}:
            time.sleep(1.5)  # tasks poll each second: room for a late duplicate to show
            return served.call("state")
        time.sleep(1.0)
    return state


@dataclass
class KillVerdict:
    """What the SMTP server received against the due rows and the kills' in-flight rows."""

    lost: list[int]  # due, never accepted
    not_sent: list[int]  # due, not marked sent
    twice: dict[int, int]  # row: times accepted, for rows accepted more than once
    unexplained: list[int]  # accepted more than once without being in flight, accepted, at a kill
    expected_twice: list[int]  # in flight and accepted by the server when their worker died
    resent_after: list[float]  # seconds from a kill to the sending of its in-flight row

    @property
    def holds(self) -> bool:
        return not (self.lost or self.not_sent or self.unexplained) and all(n <= 2 for n in self.twice.values())


def kill_verdict(rounds: list[KillRound], due: set[int], smtp: RecordingSmtp, state: dict[str, Any]) -> KillVerdict:
    counts = Counter(row_id_of(delivery.message_id) for delivery in smtp.deliveries())
    rows = {row["id"]: row for row in state["rows"]}
    expected_twice = {row for result in rounds for row in result.accepted_before_kill}
    twice = {row: times for row, times in counts.items() if times > 1}
    return KillVerdict(
        lost=sorted(due - set(counts)),
        not_sent=sorted(row for row in due if rows.get(row, {}).get("status") != "sent"),
        twice=twice,
        unexplained=sorted(set(twice) - expected_twice),
        expected_twice=sorted(expected_twice),
        resent_after=[
            rows[row]["sent_at"] - result.killed_at
            for result in rounds
            for row in result.in_flight
            if rows.get(row, {}).get("sent_at")
        ],
    )


# Subprocess commands (run with the project's interpreter, cwd = project root) --------------


def _apply_settings_overrides() -> None:
    """Set the overrides on the settings module before Django reads it; forked cluster
    processes inherit them."""
    import importlib

    raw = os.environ.get(OVERRIDES_VARIABLE, "")
    if not raw:
        return
    module = importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings"))
    for name, value in json.loads(raw).items():
        current = getattr(module, name, None)
        setattr(module, name, {**current, **value} if isinstance(current, dict) and isinstance(value, dict) else value)


def _command_qcluster(options: dict[str, Any]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line([str(ROOT / "manage.py"), "qcluster"])


def _command_bookings(options: dict[str, Any]) -> dict[str, Any]:
    """A company with a contact person, an auto-confirmed offer and one slot `days_ahead`
    days ahead with room for every class; one school with one teacher per class. Each
    class books the slot through bookings.services.booking_create; with "write_messages" their
    messages are written before this returns."""
    import datetime as dt
    import secrets

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from bookings import services
    from bookings.messages import booking_subject_key
    from core.dates import school_year_of
    from notifications.models import OutgoingMessage
    from schools.models import SchoolClass, Teacher
    from tests import factories

    count = int(options["bookings"])
    tag = secrets.token_hex(3)
    with transaction.atomic():
        company = factories.CompanyFactory(name=f"Outbox Vind {tag} A/S", cvr=f"4{secrets.randbelow(10**7):07d}")
        host = factories.CompanyMemberFactory(
            company=company,
            user__username=f"host-{tag}",
            user__email=f"vaert-{tag}@example.dk",
            user__first_name="Åse",
            user__last_name="Østergård",
            user__password="!",
        )
        offer = factories.OfferFactory(company=company, contact=host, auto_confirm=True, title="Besøg på værftet")
        start = (timezone.now() + dt.timedelta(days=int(options.get("days_ahead", 30)))).replace(
            minute=0, second=0, microsecond=0
        )
        slot = factories.SlotFactory(
            offer=offer,
            start=start,
            end=start + dt.timedelta(hours=2),
            booking_deadline=start - dt.timedelta(days=2),
            capacity_classes=count,
            capacity_pupils=min(32000, 20 * count),
        )
        school = factories.SchoolFactory(
            name=f"Outbox Skole {tag}", institution_number=f"9{secrets.randbelow(10**5):05d}"
        )
        users = User.objects.bulk_create(
            User(
                username=f"teacher-{tag}-{index}",
                first_name="Søren",
                last_name=f"Lærer {index}",
                email=f"laerer-{tag}-{index}@example.dk",
                password="!",
            )
            for index in range(count)
        )
        Teacher.objects.bulk_create(Teacher(user=user, school=school) for user in users)
        classes = SchoolClass.objects.bulk_create(
            SchoolClass(
                school=school, name=f"8.{index}", grade=8, school_year=school_year_of(timezone.localdate()), pupils=20
            )
            for index in range(count)
        )
    booking_ids = [
        services.booking_create(actor=user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20).pk
        for user, school_class in zip(users, classes, strict=True)
    ]
    if not options["write_messages"]:
        return {"bookings": booking_ids, "slot": slot.pk, "due": []}
    writing = time.perf_counter()
    while services.bookings_announce_new():
        pass
    write_seconds = time.perf_counter() - writing
    due = OutgoingMessage.objects.filter(
        subject_key__in=[booking_subject_key(pk) for pk in booking_ids],
        status=OutgoingMessage.Status.PENDING,
        due_at__lte=timezone.now(),
    )
    return {
        "bookings": booking_ids,
        "slot": slot.pk,
        "due": sorted(due.values_list("id", flat=True)),
        "write_seconds": write_seconds,
    }


def _command_kick(options: dict[str, Any]) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    updated = Schedule.objects.filter(name=DELIVERY_SCHEDULE).update(next_run=timezone.now() - dt.timedelta(seconds=1))
    if updated != 1:
        raise RuntimeError(f"no schedule named {DELIVERY_SCHEDULE!r}")
    scheduler()
    return {"task": Schedule.objects.get(name=DELIVERY_SCHEDULE).task or ""}


def _command_enqueue(options: dict[str, Any]) -> dict[str, Any]:
    from django_q.tasks import async_task

    q_options: dict[str, Any] = {"group": "outbox-test"}
    if options.get("queue"):
        q_options["cluster"] = options["queue"]
    ids = [
        async_task(DELIVERY_TASK, run_seconds=float(options["run_seconds"]), q_options=dict(q_options))
        for _ in range(int(options["tasks"]))
    ]
    return {"tasks": ids}


def _command_state(options: dict[str, Any]) -> dict[str, Any]:
    """The outbox rows that are due now or were sent, and the delivery tasks' results."""
    from django.db.models import Count
    from django.utils import timezone
    from django_q.models import Task

    from notifications.models import OutgoingMessage

    now = timezone.now()
    due = OutgoingMessage.objects.filter(due_at__lte=now) | OutgoingMessage.objects.filter(sent_at__isnull=False)
    rows = [
        {
            "id": row.pk,
            "kind": row.kind,
            "status": row.status,
            "attempts": row.attempts,
            "claimed_at": row.claimed_at.timestamp() if row.claimed_at else None,
            "sent_at": row.sent_at.timestamp() if row.sent_at else None,
        }
        for row in due.order_by("id")
    ]
    by_status = dict(due.values_list("status").annotate(n=Count("id")).order_by())
    tasks = [
        {"result": task.result, "success": task.success, "cluster": task.cluster}
        for task in Task.objects.filter(func=DELIVERY_TASK).order_by("started")
    ]
    return {"now": now.timestamp(), "rows": rows, "by_status": by_status, "tasks": tasks}


def _command_reset(options: dict[str, Any]) -> dict[str, Any]:
    """Make the given rows pending and due again, as if never sent (for the benchmark)."""
    from django.utils import timezone

    from notifications.models import OutgoingMessage

    reset = OutgoingMessage.objects.filter(pk__in=options["ids"]).update(
        status=OutgoingMessage.Status.PENDING,
        due_at=timezone.now(),
        attempts=0,
        claimed_at=None,
        sent_at=None,
        last_error="",
        subject="",
    )
    return {"reset": reset}


def _command_deliver(options: dict[str, Any]) -> None:
    """A plain delivery worker for the benchmark: print "ready", wait for one line on stdin,
    then call notifications.delivery.deliver_due until nothing is due (bounded by `passes`),
    and print what it sent and when it started and finished (time.time())."""
    from notifications.delivery import deliver_due
    from notifications.models import OutgoingMessage
    from notifications.registry import message_source, split_subject_key

    # Warm up outside the measured time: database connection, templates, translations.
    first = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.PENDING).order_by("id").first()
    source = message_source(first.subject_key) if first is not None else None
    subject = source.load(split_subject_key(first.subject_key)[1]) if source is not None else None
    if subject is not None:
        source.render(first, subject)
    print(json.dumps({"ready": True}), flush=True)
    sys.stdin.readline()
    started, sent = time.time(), 0
    for _ in range(int(options.get("passes", 1000))):
        batch = deliver_due(limit=int(options.get("limit", 500)))
        sent += batch
        if batch == 0:
            break
    print(json.dumps({"sent": sent, "started": started, "finished": time.time()}), flush=True)


def _command_claims(options: dict[str, Any]) -> dict[str, Any]:
    """The rows claimed now ("sending"), with when each was claimed: what a worker killed at
    this moment was sending, and the claims of workers killed earlier that have not lapsed."""
    from notifications.models import OutgoingMessage

    sending = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.SENDING)
    return {"sending": {str(pk): claimed.timestamp() for pk, claimed in sending.values_list("id", "claimed_at")}}


def _command_hold_schedule(options: dict[str, Any]) -> dict[str, Any]:
    """Move the delivery schedule's next run a day on, so that only the caller's tasks deliver
    (one at a time, so a killed worker's claim is the only one)."""
    import datetime as dt

    from django.utils import timezone
    from django_q.models import Schedule

    held = Schedule.objects.filter(name=DELIVERY_SCHEDULE).update(next_run=timezone.now() + dt.timedelta(days=1))
    return {"held": held}


def _command_serve(options: dict[str, Any]) -> None:
    """Answer commands read from stdin, one JSON object {"command": …, "options": {…}} a line,
    each with one JSON line, until stdin ends: a caller that asks many times (a benchmark's
    rounds) pays Django's start-up once."""
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request["command"] not in _SERVED:
            raise ValueError(f"not served: {request['command']!r}")
        print(json.dumps(_COMMANDS[request["command"]](request.get("options", {}))), flush=True)


class Served:
    """A `serve` subprocess: call(command, **options) returns its JSON answer."""

    def __init__(self, database: LiveDatabase, **env: str) -> None:
        self.process = subprocess.Popen(
            [venv_python(), "-m", MODULE, "serve", "{}"],
            cwd=ROOT,
            env=database.env(**env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def call(self, command: str, **options: Any) -> Any:
        self.process.stdin.write(json.dumps({"command": command, "options": options}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the serve process ended (exit {self.process.poll()}) on {command!r}")
        return json.loads(line)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        kill_group(self.process)


_COMMANDS = {
    "qcluster": _command_qcluster,
    "bookings": _command_bookings,
    "kick": _command_kick,
    "enqueue": _command_enqueue,
    "state": _command_state,
    "reset": _command_reset,
    "deliver": _command_deliver,
    "claims": _command_claims,
    "hold_schedule": _command_hold_schedule,
    "serve": _command_serve,
}
_SERVED = {"kick", "enqueue", "state", "reset", "claims", "hold_schedule"}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in _COMMANDS:
        print(f"usage: python -m {MODULE} {{{'|'.join(_COMMANDS)}}} '<json options>'", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    _apply_settings_overrides()
    import django

    django.setup()
    result = _COMMANDS[argv[0]](json.loads(argv[1]))
    if result is not None:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
