"""Outbox delivery by real django-q2 clusters, over real SMTP, through crashes.

The live tests (marked `live`) run everything Django-side in subprocesses: a fresh SQLite file
(or PostgreSQL database) migrated by `manage.py migrate`, which also creates the delivery
schedule; bookings made through bookings.services by a setup script; and `manage.py qcluster`
in its own process group. The SMTP server (aiosmtpd) runs in the test process on a free
loopback port and records the Message-ID of every message it accepts; a Message-ID names
its outbox row, so "delivered exactly once" is "every due row's Message-ID accepted once".
See tests/notifications/cluster_harness.py.

    .venv/bin/pytest tests/notifications/test_delivery_cluster.py -m live -s

Two tests at the end need no process: they check a delivery pass against an in-process SMTP
server and the locmem backend.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from bookings import services
from bookings.messages import Kind
from notifications import tasks
from notifications.delivery import deliver_due
from notifications.models import OutgoingMessage
from tests import factories, live
from tests.notifications import cluster_harness as harness

Status = OutgoingMessage.Status
CLAIM_TIMEOUT_SECONDS = 3


# Live fixtures -----------------------------------------------------------------------------


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="brobyg-outbox-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _database(backend: str, workdir: Path) -> Iterator[live.LiveDatabase]:
    live.skip_unless_available(backend)
    database = harness.fresh_database(backend, workdir)
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def sqlite_database(workdir: Path) -> Iterator[live.LiveDatabase]:
    yield from _database("sqlite", workdir)


@pytest.fixture(params=live.BACKENDS)
def database(request: pytest.FixtureRequest, workdir: Path) -> Iterator[live.LiveDatabase]:
    yield from _database(request.param, workdir)


@pytest.fixture
def clusters() -> Iterator[list[harness.Cluster]]:
    """Clusters a test starts; each one's process group is killed at teardown."""
    started: list[harness.Cluster] = []
    yield started
    harness.kill_clusters(started)


def start_cluster(clusters: list[harness.Cluster], database, smtp, **options) -> harness.Cluster:
    cluster = harness.Cluster(
        database,
        smtp_port=smtp.port,
        # ALT_CLUSTERS: django-q2 requires the key when Q_CLUSTER_NAME names another queue
        overrides={
            "OUTBOX_CLAIM_TIMEOUT_SECONDS": CLAIM_TIMEOUT_SECONDS,
            "Q_CLUSTER": {"poll": 0.1, "ALT_CLUSTERS": {}},
        },
        name=f"cluster{len(clusters) + 1}",
        **options,
    )
    clusters.append(cluster)
    cluster.start().wait_until_running()
    return cluster


def logs(clusters: list[harness.Cluster]) -> str:
    return "\n".join(cluster.log_tail() for cluster in clusters)


def wait_until_all_sent(database, expected: set[int], *, timeout: float) -> dict:
    """Poll the outbox (in a subprocess) until every expected row is sent; bounded."""
    deadline = time.monotonic() + timeout
    state: dict = {}
    for _ in range(int(timeout / 0.5) + 1):
        state = harness.outbox_state(database)
        sent = {row["id"] for row in state["rows"] if row["status"] == Status.SENT}
        if expected <= sent or time.monotonic() > deadline:
            return state
        time.sleep(0.5)
    return state


def assert_each_delivered_once(smtp: harness.RecordingSmtp, due: list[int], clusters) -> None:
    counts = smtp.counts()
    delivered = {harness.row_id_of(message_id): times for message_id, times in counts.items()}
    missing = sorted(set(due) - set(delivered))
    duplicates = {row: times for row, times in delivered.items() if times > 1}
    unexpected = sorted(set(delivered) - set(due))
    assert (missing, duplicates, unexpected) == ([], {}, []), (
        f"missing {missing}, sent more than once {duplicates}, not due {unexpected}\n{logs(clusters)}"
    )


# Live tests --------------------------------------------------------------------------------


@pytest.mark.live
def test_schedule_delivers_due_messages_from_a_fresh_cluster(sqlite_database, clusters):
    """Nothing is kicked: the schedule made by the migration is picked up by the cluster's own
    scheduler (django-q2's sentinel runs it about 30 s after start, then every 30 s), and its
    task then polls the outbox every second, so a booking made while it runs is delivered
    within seconds. The bookings leave their messages to the task, as bookings through the
    API do."""
    harness.make_bookings(sqlite_database, bookings=10, write_messages=False)
    with harness.RecordingSmtp() as smtp:
        start_cluster(clusters, sqlite_database, smtp, workers=2)
        started = time.monotonic()
        assert smtp.wait_for_unique(20, timeout=45), f"only {len(smtp.counts())} of 20 after 45 s\n{logs(clusters)}"
        first_batch = time.monotonic() - started

        harness.make_bookings(sqlite_database, bookings=2, write_messages=False)
        booked = time.monotonic()
        assert smtp.wait_for_unique(24, timeout=10), f"booking made while running not delivered\n{logs(clusters)}"
        latency = time.monotonic() - booked

        due = [row["id"] for row in harness.outbox_state(sqlite_database)["rows"]]
        state = wait_until_all_sent(sqlite_database, set(due), timeout=10)
        assert_each_delivered_once(smtp, due, clusters)
    assert state["by_status"] == {Status.SENT: 24}, state["by_status"]
    print(f"first batch {first_batch:.1f} s after the cluster started; a new booking's invites {latency:.1f} s")


@pytest.mark.live
def test_messages_claimed_by_a_killed_cluster_are_sent_once_after_the_claim_times_out(database, clusters):
    """SIGKILL the whole cluster while it is in the middle of a batch, then restart it.

    The SMTP server stalls the 15th message at RCPT TO, before its DATA: the content of that
    message has not been transferred, so it cannot have been delivered. Once the worker is
    stuck there (its row claimed, "sending"), the cluster's process group is killed; 14
    messages are sent and marked, 1 is claimed and unsent, 25 are pending. The restarted
    cluster sends the 25 at once and the claimed one after OUTBOX_CLAIM_TIMEOUT_SECONDS
    (3 s here), so each of the 40 arrives exactly once.

    Had the kill come after the server answered DATA with 250 but before the row was marked
    sent, that message would legitimately arrive twice (with the same Message-ID): no sender
    can close that gap (see notifications/delivery.py). Stalling before DATA keeps this test
    out of it, so its count is exact."""
    blocked_at = 15
    due = harness.make_bookings(database, bookings=20)
    assert len(due) == 40
    handler = harness.RecordingHandler(block_at_rcpt=blocked_at)
    with harness.RecordingSmtp(handler) as smtp:
        first = start_cluster(clusters, database, smtp, workers=1)
        harness.kick_schedule(database)
        assert handler.blocked.wait(timeout=30), f"the cluster never reached message {blocked_at}\n{logs(clusters)}"
        first.kill()
        handler.release.set()

        state = harness.outbox_state(database)
        by_status = {status: [row for row in state["rows"] if row["status"] == status] for status in Status.values}
        assert (len(by_status["sent"]), len(by_status["sending"]), len(by_status["pending"])) == (
            blocked_at - 1,
            1,
            40 - blocked_at,
        ), f"{state['by_status']}\n{logs(clusters)}"
        stuck = by_status["sending"][0]
        assert len(smtp.counts()) == blocked_at - 1

        start_cluster(clusters, database, smtp, workers=1)
        harness.kick_schedule(database)
        assert smtp.wait_for_unique(40, timeout=30), f"only {len(smtp.counts())} of 40 arrived\n{logs(clusters)}"
        state = wait_until_all_sent(database, set(due), timeout=10)
        time.sleep(1.5)  # the task polls each second: room for a duplicate to show up

        assert_each_delivered_once(smtp, due, clusters)
        assert len(smtp.deliveries()) == 40
    rows = {row["id"]: row for row in state["rows"]}
    assert state["by_status"] == {Status.SENT: 40}, state["by_status"]
    resent = rows[stuck["id"]]
    assert resent["attempts"] == 2, resent
    assert resent["sent_at"] - stuck["claimed_at"] >= CLAIM_TIMEOUT_SECONDS, (stuck, resent)
    assert all(row["attempts"] == 1 for row_id, row in rows.items() if row_id != stuck["id"])


@pytest.mark.live
def test_two_clusters_at_once_deliver_each_message_exactly_once(database, clusters):
    """Two clusters of two workers each, each running two delivery tasks at the same time over
    the same 120 due messages: every claim is contested, and each message still goes out
    once. Each cluster listens on a queue of its own (Q_CLUSTER_NAME) and gets its tasks
    there; on one shared queue the first cluster's pusher may take every task and the other
    would idle. The SMTP server takes 20 ms per message so that the senders overlap."""
    due = harness.make_bookings(database, bookings=60)
    assert len(due) == 120
    queues = ["brobyg-a", "brobyg-b"]
    with harness.RecordingSmtp(harness.RecordingHandler(delay=0.02)) as smtp:
        for queue in queues:
            start_cluster(clusters, database, smtp, workers=2, queue=queue)
        for queue in queues:
            harness.enqueue_delivery(database, tasks=2, run_seconds=4, queue=queue)
        assert smtp.wait_for_unique(120, timeout=30), f"only {len(smtp.counts())} of 120\n{logs(clusters)}"
        state = wait_until_all_sent(database, set(due), timeout=10)
        time.sleep(1.5)
        assert_each_delivered_once(smtp, due, clusters)
        assert len(smtp.deliveries()) == 120
        overlap = smtp.max_overlapping_connections()
        for _ in range(40):  # the tasks record their results when their 4 s are over
            state = harness.outbox_state(database)
            if len(state["tasks"]) >= 4:
                break
            time.sleep(0.5)
    assert state["by_status"] == {Status.SENT: 120}, state["by_status"]
    per_cluster = {queue: [t["result"] for t in state["tasks"] if t["cluster"] == queue] for queue in queues}
    assert all(task["success"] for task in state["tasks"]), state["tasks"]
    assert sum(sum(results) for results in per_cluster.values()) == 120, per_cluster
    assert all(sum(results) > 0 for results in per_cluster.values()), f"a cluster sent nothing: {per_cluster}"
    assert overlap >= 2, f"the senders never overlapped (max {overlap} connection at a time)"
    print(f"up to {overlap} connections at once; messages per task and cluster {per_cluster}")


# Delivery passes, in process ---------------------------------------------------------------


@pytest.fixture
def due_invites(teacher, host, school, offer) -> list[int]:
    """Twelve invites due now: six confirmed bookings, teacher and host each."""
    slot = factories.SlotFactory(offer=offer, capacity_classes=6, capacity_pupils=120)
    for _ in range(6):
        school_class = factories.SchoolClassFactory(school=school, grade=8, pupils=20)
        services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    services.bookings_announce_new()
    return list(OutgoingMessage.objects.filter(kind=Kind.INVITE).values_list("pk", flat=True))


def test_a_dropped_connection_costs_one_message_not_the_rest_of_the_pass(due_invites, settings):
    """Mail servers limit messages per connection and drop idle or long connections. The
    server here answers MAIL with 421 after five messages on a connection (smtplib then
    closes it). The refused message is retried later; the rest of the pass must go on over
    a new connection instead of failing, one by one, on the closed one."""
    handler = harness.RecordingHandler(max_per_connection=5)
    with harness.RecordingSmtp(handler) as smtp:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = live.HOST, smtp.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5

        sent = deliver_due()

    unsent = OutgoingMessage.objects.filter(pk__in=due_invites).exclude(status=Status.SENT)
    errors = list(unsent.values_list("last_error", flat=True))
    assert sent == len(smtp.counts()) == len(due_invites) - handler.refused, errors
    assert handler.refused == 2
    assert all("SMTPSenderRefused" in error for error in errors), errors


def test_delivery_task_stops_claiming_when_its_time_is_up(due_invites, monkeypatch):
    """The schedule's task polls for tasks.claim_seconds() (45) and django-q2 kills a task
    after Q_CLUSTER["timeout"] (60). A pass over a big batch (an open day's invites, a slow mail
    server) that starts near the end must stop claiming at the end of the task's time, or the
    worker is killed mid-send: that row stays "sending" for the claim timeout and may go out
    twice. Here each send takes 0.1 s and the task has 0.3 s for 12 messages."""
    backend = type(mail.get_connection())
    original = backend.send_messages

    def slow_send(self, messages):
        time.sleep(0.1)
        return original(self, messages)

    monkeypatch.setattr(backend, "send_messages", slow_send)
    started = time.monotonic()
    sent = tasks.deliver_due_messages(run_seconds=0.3)
    elapsed = time.monotonic() - started

    assert 1 <= sent < len(due_invites)
    assert elapsed < 0.3 + 0.5, f"the task ran {elapsed:.2f} s for a 0.3 s window"
    unsent = OutgoingMessage.objects.filter(pk__in=due_invites).exclude(status=Status.SENT)
    assert set(unsent.values_list("status", "attempts")) == {(Status.PENDING, 0)}


@pytest.mark.parametrize(("timeout_setting", "released"), [(None, False), (5, True), (20, False)])
def test_claim_timeout_is_read_from_the_setting_at_call_time(timeout_setting, released, due_invites, settings):
    """A row claimed 10 s ago by a worker that died: with the default claim timeout (300 s) it
    stays claimed; with OUTBOX_CLAIM_TIMEOUT_SECONDS=5 the next pass releases and sends it."""
    if timeout_setting is not None:
        settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = timeout_setting
    elif hasattr(settings, "OUTBOX_CLAIM_TIMEOUT_SECONDS"):
        del settings.OUTBOX_CLAIM_TIMEOUT_SECONDS
    stuck = due_invites[0]
    OutgoingMessage.objects.filter(pk=stuck).update(
        status=Status.SENDING, attempts=1, claimed_at=timezone.now() - dt.timedelta(seconds=10)
    )

    deliver_due()

    row = OutgoingMessage.objects.get(pk=stuck)
    assert (row.status, row.attempts) == ((Status.SENT, 2) if released else (Status.SENDING, 1))
    assert OutgoingMessage.objects.filter(pk__in=due_invites, status=Status.SENT).count() == len(due_invites) - (
        0 if released else 1
    )
