"""Booking creation on PostgreSQL in one data-modifying statement against a statement per step,
measured in one process, interleaved, beside the ping endpoint.

    .venv/bin/python bench/booking_round_trips.py [--rounds 20] [--batch 25] [--slots 1] [--no-flush]

Makes a fresh PostgreSQL database at TEST_POSTGRES_URL (default: the CI URL), migrates it,
loads the live tests' scenario (one offer, one teacher and token per class) and then, round
after round, sends through Django's test client with a token (the whole request: middleware,
DRF, authentication, the service, the serialized answer) `batch` pings, `batch` bookings by
the one-statement path (`booking_sql.place_booking`, what PostgreSQL runs) and `batch`
bookings by the statement-per-step path (what SQLite runs: conflict check, claim, three
inserts, each a statement), in a rotating order. One client, one request at a time: this
measures what each request costs, round trips included, not throughput; and because the
three kinds are interleaved, a shared machine's load falls on all of them alike, which
bench/booking_throughput.py (one kind after the other) cannot promise. Prints the median
and quartiles per kind and the ping/booking ratio of medians. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _venv import use_project_interpreter

DEFAULT_POSTGRES_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="rounds of each kind (default 20)")
    parser.add_argument("--batch", type=int, default=25, help="requests of each kind per round (default 25)")
    parser.add_argument("--slots", type=int, default=1, help="spread the bookings over K slots (default 1)")
    parser.add_argument(
        "--no-flush",
        action="store_true",
        help="measurement only: commits on the bench's database do not wait for the WAL flush "
        "(synchronous_commit off), to show what the flush costs a booking",
    )
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL)
    return parser.parse_args(argv)


def quartiles(values: list[float]) -> tuple[float, float, float]:
    first, median, third = statistics.quantiles(values, n=4)
    return first, median, third


def main(argv: list[str]) -> int:
    use_project_interpreter(__file__)
    args = parse_args(argv)
    from tests import live

    if reason := live.postgres_unreachable_reason(args.postgres_url):
        print(reason, file=sys.stderr)
        return 2
    database = live.LiveDatabase.create("postgresql", Path(tempfile.mkdtemp()), admin_url=args.postgres_url)
    if args.no_flush:
        import psycopg

        with psycopg.connect(args.postgres_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{database.name}" SET synchronous_commit = off')
    try:
        return measure(args, database, live)
    finally:
        database.drop()


def measure(args: argparse.Namespace, database, live) -> int:
    os.environ.update(database.env(ALLOWED_HOSTS="testserver"))
    os.environ.pop("REDIS_URL", None)
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # static files are not served here
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bookings.services import capacity

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    per_kind = args.rounds * args.batch + 1
    scenario = live._command_scenario(
        {
            "classes": 2 * per_kind,
            "capacity_classes": 2 * per_kind,
            "capacity_pupils": min(32000, 2 * per_kind),
            "waitlist": False,
            "auto_confirm": True,
            "slots": args.slots,
        }
    )
    flush = "commits do not wait for the WAL flush" if args.no_flush else "commits wait for the WAL flush"
    print(f"db: {database.server_version()} ({flush}); setup {time.perf_counter() - started:.1f} s")
    classes = iter(scenario["classes"])
    one_statement = capacity.claims_in_one_statement
    client = Client()  # one client: each new one would build the middleware again

    def booking(path: str) -> float:
        entry = next(classes)
        capacity.claims_in_one_statement = one_statement if path == "one statement" else lambda: False
        slot = scenario["slots"][entry["id"] % len(scenario["slots"])]
        began = time.perf_counter()
        response = client.post(
            "/api/v1/bookings/",
            {"slot": slot, "school_class": entry["id"], "pupils": 1},
            content_type="application/json",
            headers={"authorization": f"Token {entry['token']}"},
        )
        elapsed = time.perf_counter() - began
        assert response.status_code == 201, response.content
        return elapsed

    def ping(_: str) -> float:
        began = time.perf_counter()
        response = client.get("/api/v1/ping/")
        elapsed = time.perf_counter() - began
        assert response.status_code == 200
        return elapsed

    kinds = {"ping": ping, "one statement": booking, "statement per step": booking}
    for name in ("one statement", "statement per step"):  # warm each path (prepared statements, caches)
        with CaptureQueriesContext(connection) as queries:
            booking(name)
        data = [q["sql"] for q in queries if not q["sql"].upper().startswith(TRANSACTION_CONTROL)]
        print(f"{name:<19} {len(queries.captured_queries)} statements ({len(data)} without BEGIN/COMMIT)")
    for _ in range(10):
        ping("ping")
    times: dict[str, list[float]] = {name: [] for name in kinds}
    order = list(kinds)
    for round_number in range(args.rounds):
        for name in order[round_number % 3 :] + order[: round_number % 3]:
            times[name] += [kinds[name](name) for _ in range(args.batch)]
    capacity.claims_in_one_statement = one_statement
    medians = {}
    for name, values in times.items():
        low, median, high = quartiles(values)
        medians[name] = median
        print(
            f"{name:<19} median {median * 1000:6.2f} ms   quartiles {low * 1000:6.2f}-{high * 1000:6.2f} ms   "
            f"({len(values)} requests)"
        )
    for name in ("one statement", "statement per step"):
        print(f"ratio     ping/booking ({name}) = {medians['ping'] / medians[name]:.2f}")
    print(f"total run {time.perf_counter() - started:.1f} s, load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
