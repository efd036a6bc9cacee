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
(TEST_REDIS_URL; database 2 by default; a queue of this run's own, Q_CLUSTER_NAME) and
Q_WORKERS=2. The delivery schedule is held back
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
claim timeout is the installation's default unless --claim-timeout is given. The rounds are
tests/notifications/cluster_harness.py's `kill_round`, which the six-round live test
tests/notifications/test_delivery_sigkill.py shares.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _venv import use_project_interpreter

DEFAULT_POSTGRES_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6390/2"
DRAIN_TIMEOUT = 240.0


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
    queue = f"brobyg-sigkill-{os.getpid()}"  # a task list of this run's own on the broker

    started = time.perf_counter()
    print(
        f"machine: nproc {os.cpu_count()} (usable {len(os.sched_getaffinity(0))}), {platform.machine()} "
        f"{platform.system()} {platform.release()}, python {platform.python_version()}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="brobyg-sigkill-bench-"))
    database = cluster = served = None
    rounds: list = []
    # ALT_CLUSTERS: django-q2 requires the key when Q_CLUSTER_NAME names a queue of its own.
    overrides: dict = {"Q_CLUSTER": {"ALT_CLUSTERS": {}}}
    if args.claim_timeout is not None:
        overrides["OUTBOX_CLAIM_TIMEOUT_SECONDS"] = args.claim_timeout
    try:
        database = harness.fresh_database(args.backend, workdir)
        bookings = max(20, 3 * args.rounds)  # 2–3 messages go per round; the rest in the drain
        due = set(harness.make_bookings(database, bookings=bookings))
        served = harness.Served(database, REDIS_URL=args.redis_url)
        served.call("hold_schedule")
        with harness.RecordingSmtp(harness.RecordingHandler(delay=args.smtp_delay_ms / 1000)) as smtp:

            def new_cluster(number: int):
                made = harness.Cluster(
                    database,
                    smtp_port=smtp.port,
                    workers=2,
                    overrides=overrides,
                    name=f"cluster{number}",
                    queue=queue,
                    env={"REDIS_URL": args.redis_url},
                )
                made.start().wait_until_running()
                return made

            print(
                f"db: {database.server_version()}; broker: Redis {broker.info()['redis_version']} "
                f"({args.redis_url}); {len(due)} due invites; SMTP: aiosmtpd in this process, "
                f"{args.smtp_delay_ms:g} ms per DATA; claim timeout "
                f"{'the default' if args.claim_timeout is None else args.claim_timeout}; "
                f"setup {time.perf_counter() - started:.1f} s"
            )
            clusters = 1
            cluster = new_cluster(clusters)
            for number in range(1, args.rounds + 1):
                whole = args.new_cluster_every > 0 and number % args.new_cluster_every == 0
                result = harness.kill_round(
                    number, cluster=cluster, served=served, smtp=smtp, rng=rng, whole_cluster=whole
                )
                rounds.append(result)
                print(
                    f"round {number:3d}  killed {'the cluster' if whole else 'worker'} {result.pid} after "
                    f"{result.accepted_in_round} messages of the round; in flight {result.in_flight or '-'}"
                    f"{' (accepted by the server before the kill)' if result.accepted_before_kill else ''}",
                    flush=True,
                )
                if whole:
                    cluster.kill()
                    clusters += 1
                    cluster = new_cluster(clusters)
            rounds_done = time.perf_counter()
            state = harness.drain(served, due, timeout=DRAIN_TIMEOUT, queue=queue)
            drained = time.perf_counter() - rounds_done
            verdict = harness.kill_verdict(rounds, due, smtp, state)
            accepted = len(smtp.deliveries())
            distinct = len(smtp.counts())
            reincarnated = sum(
                path.read_text(errors="replace").count("reincarnated worker") for path in workdir.glob("cluster*.log")
            )
    finally:
        if cluster is not None:
            cluster.kill()
        if served is not None:
            served.close()
        broker.delete(f"django_q:{queue}:q")
        if database is not None:
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    workers = sum(not r.whole_cluster for r in rounds)
    print()
    print(
        f"rounds {len(rounds)}: {workers} workers killed (reincarnated by the sentinel: {reincarnated} logged), "
        f"{len(rounds) - workers} whole clusters killed and replaced"
    )
    print(
        f"kills with a message in flight: {sum(bool(r.in_flight) for r in rounds)}; of those, accepted by the "
        f"server before the kill: {len(verdict.expected_twice)}"
    )
    print(f"due {len(due)}, accepted by the server {accepted}, distinct {distinct}")
    print(f"lost (never accepted): {len(verdict.lost)} {verdict.lost or ''}")
    print(f"rows not marked sent: {len(verdict.not_sent)} {verdict.not_sent or ''}")
    print(
        f"sent twice: {len(verdict.twice)} {sorted(verdict.twice) or ''}; "
        f"more than twice: {sum(n > 2 for n in verdict.twice.values())}"
    )
    print(
        f"sent twice but not in flight and accepted at a kill: {len(verdict.unexplained)} {verdict.unexplained or ''}"
    )
    print(f"in flight and accepted at a kill, yet sent once: {len(set(verdict.expected_twice) - set(verdict.twice))}")
    if verdict.resent_after:
        print(
            f"in-flight messages sent again {min(verdict.resent_after):.1f}–{max(verdict.resent_after):.1f} s after "
            f"the kill (median {statistics.median(verdict.resent_after):.1f} s)"
        )
    print(f"drain after the last round {drained:.1f} s; total run {time.perf_counter() - started:.1f} s")
    print("HOLDS: nothing lost, nothing but in-flight messages sent twice" if verdict.holds else "DOES NOT HOLD")
    return 0 if verdict.holds else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
