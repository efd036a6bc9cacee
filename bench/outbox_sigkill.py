"""Outbox delivery through SIGKILLed django-q2 workers: nothing lost, only the in-flight message twice.

    .venv/bin/python bench/outbox_sigkill.py [--rounds 50] [--backend postgresql|sqlite]
        [--smtp-delay-ms 20] [--new-cluster-every 10] [--claim-timeout S]

With the Redis broker a task is gone once a worker has taken it: a worker killed in the
middle of the delivery task loses the task, and what it had claimed stays claimed. The outbox
makes that harmless: the rows are in the database, the broker only carries wake-ups, a claim
lapses OUTBOX_CLAIM_TIMEOUT_SECONDS after its worker stopped renewing it, and the next task
sends what is left. This shows it.

Setup: a fresh PostgreSQL database (or SQLite file) migrated as in production, bookings made
through bookings.services whose invites fill the outbox (two a booking, real invites with
calendar parts), an aiosmtpd server in this process that records every Message-ID it accepts
(a Message-ID names its outbox row), and `manage.py qcluster` with REDIS_URL as its broker
(TEST_REDIS_URL; database 2 by default) and Q_WORKERS=2. The delivery schedule is held back
a day: this script plays its part, putting one delivery task on the broker per round, so one
worker sends at a time and the row it had claimed when it died is known exactly.

Each round: one delivery task is enqueued; once the SMTP server has accepted 1–4 messages
of the round, and after a random 0–(2 × delay) ms more so the kill lands anywhere in a send
(before DATA, during it, between the server's 250 and the row being marked sent, between
messages), the worker holding the SMTP connection is found through /proc and killed with
SIGKILL. django-q2's sentinel starts a new worker in its place; every --new-cluster-every
rounds the whole cluster is killed instead and a new one started. The row left "sending" is
the round's in-flight message; it was accepted by the server before the kill or not.

After the rounds, tasks are enqueued until every due message is sent (the last in-flight
one waits for its claim to lapse). Prints each round and the totals: messages due and
accepted, lost (must be 0), sent twice, and whether the twice-sent ones are exactly the
in-flight messages the server had already accepted when their worker died (must be). The
claim timeout is the installation's default unless --claim-timeout is given.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from _venv import use_project_interpreter

DEFAULT_POSTGRES_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6390/2"
TASK_SECONDS = 40.0  # each enqueued task polls the outbox this long (within Q_CLUSTER timeout 60)
ROUND_TIMEOUT = 60.0
DRAIN_TIMEOUT = 240.0


@dataclass
class Round:
    number: int
    whole_cluster: bool
    pid: int | None = None
    accepted_in_round: int = 0
    killed_at: float = 0.0  # time.time()
    in_flight: list[int] = field(default_factory=list)
    accepted_before_kill: list[int] = field(default_factory=list)  # of in_flight


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="kills (default 50)")
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--smtp-delay-ms", type=float, default=20.0, help="SMTP server's delay per DATA (default 20)")
    parser.add_argument("--new-cluster-every", type=int, default=10, help="kill the whole cluster every N rounds")
    parser.add_argument("--claim-timeout", type=float, default=None, help="OUTBOX_CLAIM_TIMEOUT_SECONDS override")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL)
    parser.add_argument("--redis-url", default=os.environ.get("TEST_REDIS_URL") or DEFAULT_REDIS_URL)
    args = parser.parse_args(argv)
    if not 1 <= args.rounds <= 500:
        parser.error("--rounds must be between 1 and 500")
    return args


# Finding the worker that is sending ---------------------------------------------------------


def _socket_inodes_to(port: int) -> set[str]:
    """Inodes of established TCP connections whose remote end is loopback `port`."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                if remote_port == port and fields[3] == "01":  # 01: ESTABLISHED
                    inodes.add(fields[9])
    return inodes


def sending_pids(pgid: int, smtp_port: int) -> list[int]:
    """Processes of the cluster's process group holding a connection to the SMTP server: the
    worker running the delivery task, in the middle of a pass."""
    inodes = _socket_inodes_to(smtp_port)
    if not inodes:
        return []
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        try:
            if os.getpgid(pid) != pgid:
                continue
            links = {os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")}
        except OSError:  # gone, or not ours
            continue
        if any(f"socket:[{inode}]" in links for inode in inodes):
            found.append(pid)
    return found


# The run -------------------------------------------------------------------------------------


def wait_until(predicate, *, timeout: float, step: float = 0.005) -> bool:
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / step) + 1):
        if predicate():
            return True
        if time.monotonic() > deadline:
            break
        time.sleep(step)
    return predicate()


def run_round(number: int, *, whole_cluster: bool, cluster, served, smtp, harness, rng, delay: float) -> Round:
    result = Round(number, whole_cluster)
    before = len(smtp.deliveries())
    left_claimed = served.call("claims")["sending"]  # by workers killed in earlier rounds
    served.call("enqueue", tasks=1, run_seconds=TASK_SECONDS)
    target = before + rng.randint(1, 4)
    if not wait_until(lambda: len(smtp.deliveries()) >= target, timeout=ROUND_TIMEOUT):
        raise RuntimeError(f"round {number}: nothing delivered within {ROUND_TIMEOUT} s\n{cluster.log_tail()}")
    time.sleep(rng.uniform(0, 2 * delay))
    pgid = cluster.process.pid
    pids: list[int] = []
    wait_until(lambda: bool(pids.extend(sending_pids(pgid, smtp.port)) or pids), timeout=10, step=0.002)
    if not pids:
        raise RuntimeError(f"round {number}: no worker holds an SMTP connection\n{cluster.log_tail()}")
    result.pid = pids[0]
    if whole_cluster:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    else:
        os.kill(result.pid, signal.SIGKILL)
    result.killed_at = time.time()
    time.sleep(0.2)  # the server finishes a DATA whose client just died, or drops it
    claimed = served.call("claims")["sending"]
    result.in_flight = sorted(int(row) for row, at in claimed.items() if left_claimed.get(row) != at)
    accepted = {harness.row_id_of(delivery.message_id) for delivery in smtp.deliveries()}
    result.accepted_before_kill = [row for row in result.in_flight if row in accepted]
    result.accepted_in_round = len(smtp.deliveries()) - before
    return result


def drain(served, smtp, due: set[int], harness) -> dict:
    """Enqueue delivery tasks until every due row is sent; bounded by DRAIN_TIMEOUT."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    state: dict = {}
    next_task = 0.0
    while time.monotonic() < deadline:
        if time.monotonic() >= next_task:
            served.call("enqueue", tasks=1, run_seconds=TASK_SECONDS)
            next_task = time.monotonic() + TASK_SECONDS
        state = served.call("state")
        sent = {row["id"] for row in state["rows"] if row["status"] == "sent"}
        if due <= sent:
            time.sleep(1.5)  # tasks poll each second: room for a late duplicate to show
            return served.call("state")
        time.sleep(1.0)
    return state


def main(argv: list[str]) -> int:
    use_project_interpreter(__file__)
    from tests import live
    from tests.notifications import cluster_harness as harness

    args = parse_args(argv)
    rng = random.Random(args.seed)
    if args.backend == "postgresql":
        os.environ["TEST_POSTGRES_URL"] = args.postgres_url
        if reason := live.postgres_unreachable_reason(args.postgres_url):
            print(reason, file=sys.stderr)
            return 2
    if reason := live.redis_unreachable_reason(args.redis_url):
        print(reason, file=sys.stderr)
        return 2
    import redis

    broker = redis.Redis.from_url(args.redis_url)
    broker.delete("django_q:brobyg:q")  # what an earlier run that was stopped left on this database

    started = time.perf_counter()
    print(
        f"machine: nproc {os.cpu_count()} (usable {len(os.sched_getaffinity(0))}), {platform.machine()} "
        f"{platform.system()} {platform.release()}, python {platform.python_version()}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="brobyg-sigkill-bench-"))
    database = cluster = served = None
    rounds: list[Round] = []
    overrides: dict = {}
    if args.claim_timeout is not None:
        overrides["OUTBOX_CLAIM_TIMEOUT_SECONDS"] = args.claim_timeout
    try:
        database = harness.fresh_database(args.backend, workdir)
        bookings = max(20, 3 * args.rounds)  # ~2.5 messages go per round; the rest in the drain
        due = set(harness.make_bookings(database, bookings=bookings))
        served = harness.Served(database, REDIS_URL=args.redis_url)
        served.call("hold_schedule")
        delay = args.smtp_delay_ms / 1000
        with harness.RecordingSmtp(harness.RecordingHandler(delay=delay)) as smtp:

            def new_cluster(number: int):
                made = harness.Cluster(
                    database,
                    smtp_port=smtp.port,
                    workers=2,
                    overrides=overrides,
                    name=f"cluster{number}",
                    env={"REDIS_URL": args.redis_url},
                )
                made.start().wait_until_running()
                return made

            print(
                f"db: {database.server_version()}; broker: Redis {broker.info()['redis_version']} "
                f"({args.redis_url}); {len(due)} due invites; SMTP: aiosmtpd in this process, "
                f"{args.smtp_delay_ms:g} ms per DATA; claim timeout "
                f"{args.claim_timeout if args.claim_timeout is not None else 'the default'}; "
                f"setup {time.perf_counter() - started:.1f} s"
            )
            clusters = 1
            cluster = new_cluster(clusters)
            for number in range(1, args.rounds + 1):
                whole = args.new_cluster_every > 0 and number % args.new_cluster_every == 0
                result = run_round(
                    number,
                    whole_cluster=whole,
                    cluster=cluster,
                    served=served,
                    smtp=smtp,
                    harness=harness,
                    rng=rng,
                    delay=delay,
                )
                rounds.append(result)
                print(
                    f"round {number:3d}  killed {'the cluster' if whole else 'worker'} {result.pid} after "
                    f"{result.accepted_in_round} messages; in flight {result.in_flight or '-'}"
                    f"{' (accepted by the server before the kill)' if result.accepted_before_kill else ''}",
                    flush=True,
                )
                if whole:
                    cluster.kill()
                    clusters += 1
                    cluster = new_cluster(clusters)
            killed_rounds_done = time.perf_counter()
            state = drain(served, smtp, due, harness)
            drained = time.perf_counter() - killed_rounds_done
            counts = Counter(harness.row_id_of(delivery.message_id) for delivery in smtp.deliveries())
            reincarnated = sum(
                log.count("reincarnated worker")
                for log in (path.read_text(errors="replace") for path in workdir.glob("cluster*.log"))
            )
    finally:
        if cluster is not None:
            cluster.kill()
        if served is not None:
            served.close()
        broker.delete("django_q:brobyg:q")
        if database is not None:
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    rows = {row["id"]: row for row in state["rows"]}
    expected_twice = {row for result in rounds for row in result.accepted_before_kill}
    lost = sorted(due - set(counts))
    twice = {row: times for row, times in counts.items() if times > 1}
    unexplained = sorted(set(twice) - expected_twice)
    not_doubled = sorted(expected_twice - set(twice))
    not_sent = sorted(row for row in due if rows.get(row, {}).get("status") != "sent")
    kills = {result.killed_at: result.in_flight for result in rounds}
    resent_after = [
        rows[row]["sent_at"] - killed_at
        for killed_at, flight in kills.items()
        for row in flight
        if rows.get(row, {}).get("sent_at")
    ]

    print()
    print(
        f"rounds {len(rounds)}: {sum(not r.whole_cluster for r in rounds)} workers killed (reincarnated by the "
        f"sentinel: {reincarnated} logged), {sum(r.whole_cluster for r in rounds)} whole clusters killed and "
        "replaced"
    )
    print(
        f"kills with a message in flight: {sum(bool(r.in_flight) for r in rounds)}; of those, accepted by the "
        f"server before the kill: {len(expected_twice)}"
    )
    print(f"due {len(due)}, accepted by the server {sum(counts.values())}, distinct {len(counts)}")
    print(f"lost (never accepted): {len(lost)} {lost or ''}")
    print(f"rows not marked sent: {len(not_sent)} {not_sent or ''}")
    print(f"sent twice: {len(twice)} {sorted(twice) or ''}; more than twice: {sum(t > 2 for t in twice.values())}")
    print(f"sent twice but not in flight when a worker died: {len(unexplained)} {unexplained or ''}")
    print(f"in flight, accepted before the kill, yet sent once: {len(not_doubled)} {not_doubled or ''}")
    if resent_after:
        print(
            f"in-flight messages sent again {min(resent_after):.1f}–{max(resent_after):.1f} s after the kill "
            f"(median {statistics.median(resent_after):.1f} s)"
        )
    print(f"drain after the last round {drained:.1f} s; total run {time.perf_counter() - started:.1f} s")
    holds = not lost and not not_sent and not unexplained and all(t <= 2 for t in twice.values())
    print("HOLDS: nothing lost, nothing but an in-flight message sent twice" if holds else "DOES NOT HOLD")
    return 0 if holds else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
