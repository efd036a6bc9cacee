"""Outbox delivery through django-q2 workers SIGKILLed in the middle of it, with the Redis
broker, on PostgreSQL: nothing is lost and only a message in flight at a kill, which the mail
server had already accepted, goes out twice.

With the Redis broker a task is gone once a worker has taken it, so a killed worker loses its
delivery task; the rows are in the database, though, and the claim its worker held lapses
after OUTBOX_CLAIM_TIMEOUT_SECONDS (3 s here). The bench/outbox_sigkill.py benchmark runs the
same rounds 50 times with the installation's claim timeout and prints the figures; this
test runs six, the last killing the whole cluster, so that `make test` keeps the property.

    TEST_REDIS_URL=redis://127.0.0.1:6390/0 .venv/bin/pytest tests/notifications/test_delivery_sigkill.py -m live
"""

from __future__ import annotations

import random
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import live
from tests.notifications import cluster_harness as harness

ROUNDS = 6
CLAIM_TIMEOUT_SECONDS = 3


@pytest.fixture
def postgres(tmp_path_factory) -> Iterator[live.LiveDatabase]:
    live.skip_unless_available("postgresql")
    if reason := live.redis_unreachable_reason():
        pytest.skip(reason)
    workdir = Path(tempfile.mkdtemp(prefix="brobyg-sigkill-"))
    database = harness.fresh_database("postgresql", workdir)
    try:
        yield database
    finally:
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.live
def test_workers_killed_mid_delivery_lose_nothing_and_double_only_an_accepted_in_flight_message(postgres):
    queue = f"brobyg-sigkill-{secrets.token_hex(4)}"
    due = set(harness.make_bookings(postgres, bookings=15))
    served = harness.Served(postgres, REDIS_URL=live.redis_url())
    clusters: list[harness.Cluster] = []
    rounds: list[harness.KillRound] = []
    rng = random.Random(13)
    try:
        served.call("hold_schedule")
        with harness.RecordingSmtp(harness.RecordingHandler(delay=0.02)) as smtp:

            def new_cluster() -> harness.Cluster:
                cluster = harness.Cluster(
                    postgres,
                    smtp_port=smtp.port,
                    workers=2,
                    overrides={
                        "OUTBOX_CLAIM_TIMEOUT_SECONDS": CLAIM_TIMEOUT_SECONDS,
                        "Q_CLUSTER": {"ALT_CLUSTERS": {}},
                    },
                    name=f"cluster{len(clusters) + 1}",
                    queue=queue,
                    env={"REDIS_URL": live.redis_url()},
                )
                clusters.append(cluster)
                cluster.start().wait_until_running()
                return cluster

            cluster = new_cluster()
            for number in range(1, ROUNDS + 1):
                whole = number == ROUNDS
                rounds.append(
                    harness.kill_round(number, cluster=cluster, served=served, smtp=smtp, rng=rng, whole_cluster=whole)
                )
                if whole:
                    cluster.kill()
                    cluster = new_cluster()
            state = harness.drain(served, due, timeout=90, queue=queue)
            verdict = harness.kill_verdict(rounds, due, smtp, state)
            logs = "\n".join(cluster.log_tail() for cluster in clusters)
    finally:
        harness.kill_clusters(clusters)
        served.close()

    assert all(result.pid for result in rounds)
    assert any(result.in_flight for result in rounds), f"no kill caught a message in flight: {rounds}"
    assert (verdict.lost, verdict.not_sent, verdict.unexplained) == ([], [], []), f"{verdict}\n{logs}"
    assert set(verdict.twice) == set(verdict.expected_twice), verdict
    assert all(times == 2 for times in verdict.twice.values()), verdict
    # A claim lapses a claim timeout after its last renewal, which came at most a third of it
    # before the kill: an in-flight message sent again sooner was taken from a live claim.
    assert min(verdict.resent_after) >= CLAIM_TIMEOUT_SECONDS * 2 / 3 - 0.5, verdict
