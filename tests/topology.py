"""Harness for the production topology on one machine: one PostgreSQL database, Redis, two
gunicorn app servers on different ports and two django-q2 clusters (`manage.py qcluster`) with
Redis as their broker, sending e-mail to a real SMTP server in the calling process.

    with Topology() as topology:                       # PostgreSQL at TEST_POSTGRES_URL, Redis at TEST_REDIS_URL
        world = topology.load_world(classes=24, slots=4, capacity_classes=4)
        replies = topology.send_everywhere([...])       # requests spread over both app servers at once
        topology.wait_until_delivered(timeout=90)
        state = topology.read_state()

It builds on tests/live.py (a fresh `brobyg_live_<random>` PostgreSQL database, gunicorn on a
free loopback port, the load helpers) and tests/notifications/cluster_harness.py (the
recording SMTP server and `qcluster` in its own process group). Every Django-side step runs
in a subprocess with the production settings module and an explicit environment in which
DATABASE_URL, REDIS_URL and EMAIL_URL are the same for every process, as on separate hosts.

The Redis database of TEST_REDIS_URL is the tests' own: it is emptied when a topology starts,
so that a task left on the broker by an earlier run cannot reach this run's workers. Run one
topology at a time per Redis database: the clusters of two would take each other's tasks from
the one queue (django-q2 names it after Q_CLUSTER["name"]).

The subprocess entry points live at the bottom (`python -m tests.topology world|state ...`).
Only loopback addresses are used. Every wait is bounded in count and in time.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import http.client
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests import live
from tests.notifications import cluster_harness as harness

MODULE = "tests.topology"
# Each app server: 2 gthread workers x 4 threads. Two of them keep 16 PostgreSQL connections
# open (CONN_MAX_AGE), the two clusters about a dozen: well inside a default max_connections
# of 100 that other test runs on the same server share (docs/deploy.md has the arithmetic).
SERVER_WORKERS = 2
SERVER_THREADS = 4
CLUSTER_WORKERS = 2


def unavailable_reason() -> str | None:
    """Why the topology cannot start here (for pytest.skip), or None: it needs PostgreSQL at
    TEST_POSTGRES_URL and Redis at TEST_REDIS_URL."""
    return live.postgres_unreachable_reason() or live.redis_unreachable_reason()


def redis_flush(url: str) -> None:
    """Empty the Redis database named by `url` (its number is the tests' own)."""
    import redis

    redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5).flushdb()


@dataclass
class TopologyDatabase(live.LiveDatabase):
    """A live database whose environment also carries what every host of the topology shares
    (REDIS_URL, EMAIL_URL), so servers, clusters and setup scripts all see the same."""

    shared: dict[str, str] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        return super().env(**{**self.shared, **extra})


# Mail ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One message the SMTP server accepted, with its envelope recipients and its text parts."""

    message_id: str
    recipients: tuple[str, ...]
    text: str


class CapturingHandler(harness.RecordingHandler):
    """The recording handler, also keeping each message's recipients and text (for the links
    in it: an open-day applicant's confirmation link is only ever in her e-mail)."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[Received] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        texts = [
            part.get_content()
            for part in message.walk()
            if part.get_content_maintype() == "text" and part.get_content_subtype() in ("plain", "html")
        ]
        with self.lock:
            self.received.append(Received(str(message["Message-ID"]), tuple(envelope.rcpt_tos), "\n".join(texts)))
        return answer


# HTTP: forms with a CSRF cookie, as a browser sends them ---------------------------------------

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _request(
    base_url: str, method: str, path: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[live.Reply, dict[str, str], str]:
    """One request on a fresh connection: the reply, its Set-Cookie values by name, and its text."""
    port = urllib.parse.urlsplit(base_url).port or 80
    connection = http.client.HTTPConnection(live.HOST, port, timeout=60)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = connection.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as error:
        return live.Reply(None, None, time.perf_counter() - started, f"{type(error).__name__}: {error}"), {}, ""
    finally:
        connection.close()
    cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    text = raw.decode(errors="replace")
    reply = live.Reply(
        response.status, {"location": response.headers.get("Location", "")}, time.perf_counter() - started
    )
    return reply, cookies, text


def submit_form(base_url: str, path: str, fields: dict[str, Any]) -> list[live.Reply]:
    """GET the page of a form, then POST `fields` with its CSRF token and cookie, as a browser
    does. Returns both replies (the POST's last); a POST is not sent if the GET failed."""
    page, cookies, text = _request(base_url, "GET", path)
    token = _CSRF_FIELD.search(text)
    if page.status != 200 or token is None or "csrftoken" not in cookies:
        return [page]
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token.group(1), **fields}).encode()
    posted, _, _ = _request(
        base_url,
        "POST",
        path,
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}"},
    )
    return [page, posted]


def api(base_url: str, method: str, path: str, token: str, body: dict[str, Any] | None = None) -> live.Reply:
    return live.request_once(base_url, live.Request(method, path, body, token))


# The topology --------------------------------------------------------------------------------


@dataclass(frozen=True)
class World:
    """What `load_world` made (ids and tokens), see `_command_world`."""

    bookings: live.Scenario  # auto-confirmed offer with a waitlist, several slots
    requests: live.Scenario  # an offer whose bookings wait for the host, one slot
    plan: int
    plan_teacher_token: str
    open_day: int
    open_day_hosts: list[int]
    municipality: int
    activity_times: dict[str, str]  # starts_at and ends_at on a school day, for booking an activity


def _scenario(data: dict[str, Any], options: dict[str, Any]) -> live.Scenario:
    return live.Scenario(
        offer=data["offer"],
        slots=data["slots"],
        capacity_classes=options["capacity_classes"],
        capacity_pupils=options["capacity_pupils"],
        waitlist=options["waitlist"],
        classes=[(entry["id"], entry["token"]) for entry in data["classes"]],
        host_token=data["host_token"],
    )


class Topology:
    """PostgreSQL database + Redis + `servers` gunicorn instances + `clusters` django-q2
    clusters + an SMTP server, as a context manager; everything is stopped, the database
    dropped and the work directory removed at exit."""

    def __init__(
        self,
        *,
        servers: int = 2,
        clusters: int = 2,
        server_workers: int = SERVER_WORKERS,
        server_threads: int = SERVER_THREADS,
        cluster_workers: int = CLUSTER_WORKERS,
        admin_url: str | None = None,
        redis_url: str | None = None,
    ) -> None:
        self.server_count, self.cluster_count = servers, clusters
        self.server_workers, self.server_threads, self.cluster_workers = server_workers, server_threads, cluster_workers
        self.admin_url = admin_url
        self.redis_url = redis_url or live.redis_url()
        self.workdir: Path | None = None
        self.database: TopologyDatabase | None = None
        self.smtp: harness.RecordingSmtp | None = None
        self.servers: list[live.LiveServer] = []
        self.clusters: list[harness.Cluster] = []
        self._cluster_serial = 0

    # Start and stop ------------------------------------------------------------------------

    def __enter__(self) -> Topology:
        if not self.redis_url:
            raise RuntimeError(f"{live.REDIS_URL_VARIABLE} is not set")
        self.workdir = Path(tempfile.mkdtemp(prefix="brobyg-topology-"))
        try:
            redis_flush(self.redis_url)
            self.smtp = harness.RecordingSmtp(CapturingHandler()).start()
            database = TopologyDatabase.create("postgresql", self.workdir, admin_url=self.admin_url)
            assert isinstance(database, TopologyDatabase)
            self.database = database
            database.shared = {"REDIS_URL": self.redis_url, "EMAIL_URL": self.smtp.url}
            live.run_checked(
                [live.venv_python(), "manage.py", "migrate", "--noinput", "-v", "0"], env=database.env(), timeout=300
            )
            # Clusters first: their sentinels run the schedules 30 s after they start, which
            # overlaps with starting the servers and loading the data.
            self.start_clusters()
            for _ in range(self.server_count):
                self.servers.append(
                    live.LiveServer(database, workers=self.server_workers, threads=self.server_threads).start()
                )
            for cluster in self.clusters:
                cluster.wait_until_running()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        try:
            self.stop_clusters()
            for server in self.servers:
                server.stop()
            if self.smtp is not None:
                self.smtp.stop()
        finally:
            try:
                if self.database is not None:
                    self.database.drop()
            finally:
                if self.workdir is not None:
                    shutil.rmtree(self.workdir, ignore_errors=True)

    def start_clusters(self) -> list[harness.Cluster]:
        """Start `clusters` new qcluster processes (each in its own process group)."""
        assert self.database is not None and self.smtp is not None
        for _ in range(self.cluster_count):
            self._cluster_serial += 1
            self.clusters.append(
                harness.Cluster(
                    self.database,
                    smtp_port=self.smtp.port,
                    workers=self.cluster_workers,
                    name=f"qcluster-{self._cluster_serial}",
                ).start()
            )
        return self.clusters

    def stop_clusters(self) -> None:
        """SIGKILL every cluster's process group: what a host that dies does to its tasks."""
        clusters, self.clusters = self.clusters, []
        harness.kill_clusters(clusters)

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    def tasks_run(self) -> dict[str, int]:
        """How many tasks each running cluster has started, from its log (django-q2 logs
        "processing" for each): both clusters take work from the one Redis queue."""
        return {cluster.name: cluster.log_text().count(" processing ") for cluster in self.clusters}

    def logs(self) -> str:
        parts = [server.log_tail(3000) for server in self.servers]
        parts += [cluster.log_tail(3000) for cluster in self.clusters]
        return "\n".join(parts)

    # Data ----------------------------------------------------------------------------------

    def run(self, command: str, arguments: dict[str, Any], *, timeout: float = 180) -> Any:
        assert self.database is not None
        return _run(self.database, command, arguments, timeout=timeout)

    def load_world(
        self, *, classes: int, slots: int, capacity_classes: int, request_classes: int = 6, request_capacity: int = 4
    ) -> World:
        bookings_options = {
            "classes": classes,
            "capacity_classes": capacity_classes,
            "capacity_pupils": 30000,
            "waitlist": True,
            "auto_confirm": True,
            "slots": slots,
        }
        requests_options = {
            "classes": request_classes,
            "capacity_classes": request_capacity,
            "capacity_pupils": 30000,
            "waitlist": False,
            "auto_confirm": False,
            "slots": 1,
        }
        data = self.run("world", {"bookings": bookings_options, "requests": requests_options})
        return World(
            bookings=_scenario(data["bookings"], bookings_options),
            requests=_scenario(data["requests"], requests_options),
            plan=data["plan"],
            plan_teacher_token=data["plan_teacher_token"],
            open_day=data["open_day"],
            open_day_hosts=data["open_day_hosts"],
            municipality=data["municipality"],
            activity_times=data["activity_times"],
        )

    def load_scenario(self, **options: Any) -> live.Scenario:
        """tests/live.py's scenario (one offer, its slots, one teacher and token per class) in
        this topology's database; options as for `live.LiveStack.load_scenario`."""
        assert self.database is not None
        options = {"capacity_pupils": 30000, "auto_confirm": True, "slots": 1, **options}
        return _scenario(live.run_json(self.database, "scenario", options), options)

    def read_state(self, database: live.LiveDatabase | None = None) -> dict[str, Any]:
        """The state of this topology's database, or of `database` (a restored copy, say)."""
        database = database or self.database
        assert database is not None
        return _run(database, "state", {})

    def dump_and_restore(self) -> TopologyDatabase:
        """Back the database up with `pg_dump --format=custom` and restore the dump with
        `pg_restore` into a new, empty database, as docs/deploy.md says; the caller drops it."""
        assert self.database is not None and self.workdir is not None
        dump = self.workdir / "brobyg.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", self.database.url], check=True, timeout=120)
        restored = TopologyDatabase.create("postgresql", self.workdir, admin_url=self.admin_url)
        assert isinstance(restored, TopologyDatabase)
        try:
            subprocess.run(
                ["pg_restore", "--no-owner", f"--dbname={restored.url}", str(dump)],
                check=True,
                timeout=120,
                capture_output=True,
            )
        except BaseException:
            restored.drop()
            raise
        return restored

    # Load ----------------------------------------------------------------------------------

    def send_everywhere(self, actions: Sequence[Callable[[str], list[live.Reply] | live.Reply]]) -> list[live.Reply]:
        """Run every action at once, the i-th against app server i mod n, each in a thread of
        its own released together by a barrier. An action takes a base URL and returns its
        reply or replies; all replies are returned, in action order."""
        urls = self.urls
        barrier = threading.Barrier(len(actions), timeout=30)

        def one(index: int) -> list[live.Reply]:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
            result = actions[index](urls[index % len(urls)])
            return result if isinstance(result, list) else [result]

        with ThreadPoolExecutor(max_workers=len(actions)) as pool:
            return [reply for replies in pool.map(one, range(len(actions)), timeout=300) for reply in replies]

    # Mail ----------------------------------------------------------------------------------

    def received(self) -> list[Received]:
        assert self.smtp is not None
        handler = self.smtp.handler
        assert isinstance(handler, CapturingHandler)
        with handler.lock:
            return list(handler.received)

    def wait_for_mail(self, predicate: Callable[[list[Received]], bool], *, timeout: float) -> list[Received]:
        deadline = time.monotonic() + timeout
        for _ in range(int(timeout / 0.25) + 1):
            received = self.received()
            if predicate(received) or time.monotonic() > deadline:
                return received
            time.sleep(0.25)
        return self.received()

    def wait_until_delivered(self, *, timeout: float) -> dict[str, Any]:
        """Poll the database until nothing is due and unsent (no booking waiting for its
        messages to be written, no due row pending or being sent) and the SMTP server has a
        receipt for every row marked sent; returns the last state read."""
        deadline = time.monotonic() + timeout
        state: dict[str, Any] = {}
        for _ in range(int(timeout) + 1):
            state = self.read_state()
            outbox = state["outbox"]
            receipts = {row_id for row_id in self.receipt_rows() if row_id is not None}
            settled = outbox["due_unsent"] == 0 and state["bookings_awaiting_messages"] == 0
            if settled and set(outbox["sent_ids"]) <= receipts:
                return state
            if time.monotonic() > deadline:
                break
            time.sleep(1.0)
        return state

    def receipt_rows(self) -> list[int | None]:
        """The outbox row of every receipt (one entry per receipt, repeats included)."""
        return [harness.row_id_of(received.message_id) for received in self.received()]


def _run(database: live.LiveDatabase, command: str, arguments: dict[str, Any], *, timeout: float = 180) -> Any:
    """Run one of this module's subprocess commands on `database`; the JSON it prints last."""
    stdout = live.run_checked(
        [live.venv_python(), "-m", MODULE, command, json.dumps(arguments)], env=database.env(), timeout=timeout
    )
    return json.loads(stdout.strip().splitlines()[-1])


def delivery_problems(state: dict[str, Any], receipts: Sequence[int | None]) -> list[str]:
    """Everything wrong with delivery: every due row sent exactly once, nothing else received."""
    outbox, problems = state["outbox"], []
    counts = Counter(receipts)
    sent = set(outbox["sent_ids"])
    if outbox["due_unsent"]:
        problems.append(f"{outbox['due_unsent']} due messages not sent (by status {outbox['by_status']})")
    if state["bookings_awaiting_messages"]:
        problems.append(f"{state['bookings_awaiting_messages']} bookings whose messages were never written")
    if outbox["by_status"].get("failed"):
        problems.append(f"{outbox['by_status']['failed']} messages failed")
    if missing := sorted(sent - set(counts)):
        problems.append(f"{len(missing)} rows marked sent never arrived, e.g. {missing[:5]}")
    if twice := sorted(row for row, count in counts.items() if count > 1):
        problems.append(f"{len(twice)} messages arrived more than once, e.g. {twice[:5]}")
    if strangers := sorted(str(row) for row in counts if row is None or row not in sent):
        problems.append(f"{len(strangers)} receipts of rows not marked sent, e.g. {strangers[:5]}")
    return problems


def slot_problems(state: dict[str, Any]) -> list[str]:
    """Every slot within its capacity, and its counters equal to the bookings holding a place."""
    problems = []
    for slot in state["slots"]:
        if slot["booked_classes"] > slot["capacity_classes"] or slot["booked_pupils"] > slot["capacity_pupils"]:
            problems.append(f"slot {slot['id']} over capacity: {slot}")
        if (slot["booked_classes"], slot["booked_pupils"]) != (slot["holding_classes"], slot["holding_pupils"]):
            problems.append(f"slot {slot['id']} counters disagree with its bookings: {slot}")
    if state["max_active_per_class_and_slot"] > 1:
        problems.append("a class holds more than one active booking on one slot")
    return problems


def server_errors(replies: Sequence[live.Reply]) -> list[str]:
    return [
        f"{reply.status or reply.error} {str(reply.body)[:200]}"
        for reply in replies
        if reply.status is None or reply.status >= 500
    ]


# Subprocess commands (run with the project's interpreter, cwd = project root) --------------


def _command_world(options: dict[str, Any]) -> dict[str, Any]:
    """Two live scenarios (tests/live.py): an auto-confirmed offer with a waitlist and one whose
    bookings wait for the host; the first scenario's company adopts an extra class of its
    school (an annual plan its teacher edits); an open day taking applications, with three hosts."""
    from django.db import transaction

    from adoptions.services import adoption_create
    from bookings.models import Offer
    from core.models import Municipality
    from schools.models import SchoolClass
    from tests.dates import at, school_day
    from tests.opendays.conftest_applications import make_host, make_open_day

    bookings_options = dict(options["bookings"])
    bookings_options["classes"] = int(bookings_options["classes"]) + 1  # the last class is adopted
    bookings = live._command_scenario(bookings_options)
    adopted = bookings["classes"].pop()
    requests = live._command_scenario(dict(options["requests"]))
    with transaction.atomic():
        school_class = SchoolClass.objects.select_related("school").get(pk=adopted["id"])
        company = Offer.objects.get(pk=bookings["offer"]).company
        adoption = adoption_create(school_class=school_class, company=company)
        open_day = make_open_day()
        hosts = [make_host(open_day) for _ in range(3)]
    return {
        "bookings": bookings,
        "requests": requests,
        "plan": adoption.plan.pk,
        "plan_teacher_token": adopted["token"],
        "open_day": open_day.pk,
        "open_day_hosts": [host.pk for host in hosts],
        "municipality": Municipality.objects.get(code=851).pk,
        "activity_times": {
            "starts_at": at(school_day(weekday=2), 9).isoformat(),
            "ends_at": at(school_day(weekday=2), 11).isoformat(),
        },
    }


def _command_state(options: dict[str, Any]) -> dict[str, Any]:
    """Slots with their counters beside what their bookings hold; the outbox; the open-day
    applications and plan activities by status."""
    from django.db.models import Count, IntegerField, Q, Sum, Value
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from adoptions.models import PlanActivity
    from bookings.models import Booking, Slot
    from notifications.models import OutgoingMessage
    from opendays.models import Application

    holding = Q(bookings__status__in=Booking.HOLDING_PLACE)
    slots = (
        Slot.objects.annotate(
            holding_classes=Count("bookings", filter=holding),
            holding_pupils=Coalesce(Sum("bookings__pupils", filter=holding), Value(0), output_field=IntegerField()),
        )
        .order_by("id")
        .values(
            "id",
            "capacity_classes",
            "capacity_pupils",
            "booked_classes",
            "booked_pupils",
            "holding_classes",
            "holding_pupils",
        )
    )
    active_per_class = (
        Booking.objects.filter(status__in=Booking.ACTIVE, school_class__isnull=False)
        .values("slot_id", "school_class_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("n", flat=True)
    )
    Status = OutgoingMessage.Status
    now = timezone.now()
    return {
        "slots": list(slots),
        "max_active_per_class_and_slot": max(active_per_class, default=0),
        "bookings": dict(Booking.objects.values_list("status").annotate(n=Count("id")).order_by()),
        "bookings_awaiting_messages": Booking.objects.filter(messages_pending=True).count(),
        "outbox": {
            "by_status": dict(OutgoingMessage.objects.values_list("status").annotate(n=Count("id")).order_by()),
            "by_kind_sent": dict(
                OutgoingMessage.objects.filter(status=Status.SENT)
                .values_list("kind")
                .annotate(n=Count("id"))
                .order_by()
            ),
            "due_unsent": OutgoingMessage.objects.filter(
                status__in=(Status.PENDING, Status.SENDING), due_at__lte=now
            ).count(),
            "sent_ids": list(OutgoingMessage.objects.filter(status=Status.SENT).values_list("id", flat=True)),
        },
        "applications": dict(Application.objects.values_list("status").annotate(n=Count("id")).order_by()),
        "activities": dict(PlanActivity.objects.values_list("status").annotate(n=Count("id")).order_by()),
        "activity_bookings": Booking.objects.filter(plan_activity__isnull=False).count(),
    }


_COMMANDS = {"world": _command_world, "state": _command_state}


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] not in _COMMANDS:
        print(f"usage: python -m {MODULE} {{{'|'.join(_COMMANDS)}}} '<json options>'", file=sys.stderr)
        return 2
    live._setup_django()
    print(json.dumps(_COMMANDS[argv[0]](json.loads(argv[1]))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
