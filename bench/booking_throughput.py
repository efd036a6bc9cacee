"""Booking throughput against a real server, compared with the cheapest DRF endpoint.

    .venv/bin/python bench/booking_throughput.py [--backend sqlite|postgresql]
        [--requests N] [--concurrency C] [--threads T] [--slots K]

Starts gunicorn (2 gthread workers) on a fresh database, exactly as the live tests do
(tests/live.py), then in one run:
  1. GET /api/v1/ping/ N times through C keep-alive connections: the floor of what the stack
     (gunicorn, Django middleware, DRF) costs per request;
  2. POST /api/v1/bookings/ N times the same way, every request a different class (its own
     teacher and token) booking a slot with room for all of them (spread over K slots;
     K=1, the default, is the hot-slot worst case: every booking updates the same row);
  3. the SQL statements of one booking creation, counted in a subprocess with
     CaptureQueriesContext around Django's test client (token lookup to serialized answer).
It prints requests/s, the booking/ping ratio (target >= 0.33), p50/p99 latencies and the
query count (target <= 10). The load generator runs on the same machine and shares its CPUs
with the server, so absolute rates are lower than on a dedicated box; the ratio is the figure
to watch. Nothing is asserted. PostgreSQL uses TEST_POSTGRES_URL (default: the CI URL
postgres://postgres:postgres@127.0.0.1:5432/postgres) to create and drop its database.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

from _venv import use_project_interpreter

DEFAULT_POSTGRES_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
RATIO_FLOOR = 0.33
QUERY_CEILING = 10
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--requests", type=int, default=2000, help="requests per phase (default 2000)")
    parser.add_argument("--concurrency", type=int, default=16, help="client connections (default 16)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="gunicorn threads per worker (default 1: on SQLite, which admits one writer at a time, "
        "more threads only add GIL and lock contention)",
    )
    parser.add_argument("--slots", type=int, default=1, help="spread the bookings over K slots (default 1)")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 30000:
        parser.error("--requests must be between 1 and 30000 (slot capacities are small integers)")
    if not 1 <= args.concurrency <= 500:
        parser.error("--concurrency must be between 1 and 500")
    if not 1 <= args.slots <= args.requests:
        parser.error("--slots must be between 1 and --requests")
    return args


def phase_line(name: str, replies, elapsed: float, ok_status: int, live) -> tuple[float, str]:
    summary = live.summarize(replies)
    ok = sum(1 for reply in replies if reply.status == ok_status)
    rate = ok / elapsed if elapsed > 0 else 0.0
    errors = len(replies) - ok
    line = (
        f"{name:<9} {rate:8.1f} req/s   p50 {summary['p50_ms']:7.1f} ms   p99 {summary['p99_ms']:7.1f} ms"
        f"   {ok} x {ok_status} in {elapsed:.2f} s"
    )
    if errors:
        line += f"   OTHER ANSWERS: {summary['outcomes']}"
    return rate, line


def main(argv: list[str]) -> int:
    use_project_interpreter(__file__)
    from tests import live

    args = parse_args(argv)
    admin_url = args.postgres_url if args.backend == "postgresql" else None
    if admin_url and (reason := live.postgres_unreachable_reason(admin_url)):
        print(reason.replace("TEST_POSTGRES_URL", admin_url), file=sys.stderr)
        return 2

    warmup = min(args.requests, 2 * args.concurrency)
    total_classes = warmup + args.requests
    print(
        f"machine: nproc {os.cpu_count()} (usable {len(os.sched_getaffinity(0))}), "
        f"{platform.machine()} {platform.system()} {platform.release()}, python {platform.python_version()}"
    )
    started = time.perf_counter()
    with live.LiveStack(args.backend, threads=args.threads, admin_url=admin_url) as stack:
        assert stack.server is not None and stack.database is not None
        per_slot = -(-total_classes // args.slots)
        scenario = stack.load_scenario(
            capacity_classes=per_slot,
            capacity_pupils=min(32000, per_slot),
            classes=total_classes,
            waitlist=False,
            slots=args.slots,
        )
        print(
            f"db: {stack.database.server_version()}; server: gunicorn 2 workers x {args.threads} threads (gthread); "
            f"client: {args.concurrency} keep-alive connections, {args.requests} requests per phase "
            f"(+{warmup} warm-up); bookings over {args.slots} slot(s); setup {time.perf_counter() - started:.1f} s"
        )
        url = stack.server.url

        ping = live.Request("GET", "/api/v1/ping/")
        live.send_stream(url, [ping] * warmup, concurrency=args.concurrency)
        ping_replies, ping_elapsed = live.send_stream(url, [ping] * args.requests, concurrency=args.concurrency)

        def booking(index: int) -> live.Request:
            return live.booking_request(scenario, index, slot=scenario.slots[index % args.slots], pupils=1)

        live.send_stream(url, [booking(i) for i in range(warmup)], concurrency=args.concurrency)
        booking_replies, booking_elapsed = live.send_stream(
            url, [booking(i) for i in range(warmup, total_classes)], concurrency=args.concurrency
        )
        state = stack.read_state(scenario.slots)
        queries = stack.query_count()

    ping_rate, ping_text = phase_line("ping", ping_replies, ping_elapsed, 200, live)
    booking_rate, booking_text = phase_line("booking", booking_replies, booking_elapsed, 201, live)
    ratio = booking_rate / ping_rate if ping_rate else 0.0
    statements = queries["steady"]["sql"]
    data_statements = [sql for sql in statements if not sql.upper().startswith(TRANSACTION_CONTROL)]
    print(ping_text)
    print(booking_text)
    print(
        f"ratio     booking/ping = {ratio:.2f}   (floor >= {RATIO_FLOOR}: {'ok' if ratio >= RATIO_FLOOR else 'BELOW'})"
    )
    print(
        f"queries   {len(statements)} SQL statements per booking creation, {len(data_statements)} without "
        f"BEGIN/COMMIT (ceiling <= {QUERY_CEILING}: {'ok' if len(statements) <= QUERY_CEILING else 'ABOVE'}; "
        f"first booking of a process: {queries['first']['queries']})"
    )
    for number, sql in enumerate(statements, 1):
        print(f"          {number:2}. {sql[:110]}{'...' if len(sql) > 110 else ''}")
    consistent = state["booked_classes"] == state["holding_place"] == state["bookings"].get("confirmed", 0)
    print(
        f"check     database: {state['bookings']}, slot counters {state['booked_classes']} "
        f"({'consistent' if consistent else 'INCONSISTENT'}); total run {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
