"""Booking throughput, latency and the rush through the production topology: two app servers.

    .venv/bin/python bench/topology_booking.py [--requests N] [--concurrency C] [--slots K]
        [--rush R] [--rush-capacity P] [--threads T]

Starts the topology of tests/topology.py on this machine: a fresh PostgreSQL database on
TEST_POSTGRES_URL, Redis at TEST_REDIS_URL (cache and django-q2 broker; its database is
emptied), two gunicorn servers (2 gthread workers x T threads each) and two django-q2 clusters
delivering e-mail to an SMTP server in this process. Then, in one run:
  1. GET /api/v1/ping/ N times through C keep-alive connections, half of them to each server:
     the floor of what the stack (gunicorn, Django middleware, DRF) costs per request;
  2. POST /api/v1/bookings/ N times the same way, every request a different class (its own
     teacher and token) booking one of K slots with room for all of them;
  3. the rush: R teachers book the same popular slot (P places, no waitlist) at the same moment,
     half through each server, released together, as when a sought-after offer opens.
It prints requests/s, median and 99th-percentile latency for ping and booking, the
booking/ping ratio, and for the rush the answers, how many places were taken, whether the
slot's counters equal its bookings, and its latencies. The clusters run all along, as in
production: they write and send the new bookings' invites while the load runs. The load
generator shares the machine's CPUs with everything else, so the ratio is the figure to watch.
Nothing is asserted.

TEST_POSTGRES_URL defaults to postgres://postgres:postgres@127.0.0.1:5432/postgres and
TEST_REDIS_URL to redis://127.0.0.1:6390/0 (the CI's).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import threading
import time

from _venv import use_project_interpreter

DEFAULT_POSTGRES_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6390/0"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per phase (default 1000)")
    parser.add_argument("--concurrency", type=int, default=16, help="client connections, over both servers (16)")
    parser.add_argument("--slots", type=int, default=10, help="slots the throughput bookings spread over (10)")
    parser.add_argument("--rush", type=int, default=300, help="teachers in the rush (default 300)")
    parser.add_argument("--rush-capacity", type=int, default=30, help="places on the rushed slot (default 30)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (default 4)")
    args = parser.parse_args(argv)
    if not 1 <= args.requests <= 20000:
        parser.error("--requests must be between 1 and 20000")
    if not 2 <= args.concurrency <= 400 or args.concurrency % 2:
        parser.error("--concurrency must be an even number between 2 and 400 (half to each server)")
    if not 1 <= args.slots <= args.requests:
        parser.error("--slots must be between 1 and --requests")
    if not 1 <= args.rush_capacity <= args.rush <= 1000:
        parser.error("--rush must be between --rush-capacity and 1000")
    return args


def stream_both(live, urls: list[str], requests: list, concurrency: int) -> tuple[list, float]:
    """Send the requests alternately to each server, each through concurrency/len(urls)
    keep-alive connections, all servers at once. Returns every reply and the wall time."""
    shares = [requests[index :: len(urls)] for index in range(len(urls))]
    results: list = [None] * len(urls)

    def run(index: int) -> None:
        results[index] = live.send_stream(urls[index], shares[index], concurrency=concurrency // len(urls))

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(urls))]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3600)
    elapsed = time.perf_counter() - started
    return [reply for replies, _ in results for reply in replies], elapsed


def together_both(live, urls: list[str], requests: list) -> list:
    """The rush: every request at once, alternately to each server, released together."""
    shares = [requests[index :: len(urls)] for index in range(len(urls))]
    results: list = [None] * len(urls)

    def run(index: int) -> None:
        results[index] = live.send_together(urls[index], shares[index])

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return [reply for replies in results for reply in replies]


def phase_line(live, name: str, replies: list, elapsed: float, ok_status: int) -> tuple[float, str]:
    summary = live.summarize(replies)
    ok = sum(1 for reply in replies if reply.status == ok_status)
    rate = ok / elapsed if elapsed > 0 else 0.0
    line = (
        f"{name:<9} {rate:8.1f} req/s   median {summary['p50_ms']:7.1f} ms   p99 {summary['p99_ms']:7.1f} ms"
        f"   {ok} x {ok_status} in {elapsed:.2f} s"
    )
    if ok != len(replies):
        line += f"   OTHER ANSWERS: {summary['outcomes']}"
    return rate, line


def main(argv: list[str]) -> int:
    use_project_interpreter(__file__)
    from tests import live
    from tests.topology import Topology, slot_problems

    args = parse_args(argv)
    os.environ.setdefault("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    os.environ.setdefault("TEST_REDIS_URL", DEFAULT_REDIS_URL)
    if reason := live.postgres_unreachable_reason() or live.redis_unreachable_reason():
        print(reason, file=sys.stderr)
        return 2

    warmup = min(args.requests, 2 * args.concurrency)
    print(
        f"machine: nproc {os.cpu_count()} (usable {len(os.sched_getaffinity(0))}), "
        f"{platform.machine()} {platform.system()} {platform.release()}, python {platform.python_version()}"
    )
    started = time.perf_counter()
    with Topology(server_threads=args.threads) as topology:
        assert topology.database is not None
        per_slot = -(-(warmup + args.requests) // args.slots)
        scenario = topology.load_scenario(
            capacity_classes=per_slot,
            capacity_pupils=min(32000, per_slot),
            classes=warmup + args.requests,
            waitlist=False,
            slots=args.slots,
        )
        rush = topology.load_scenario(capacity_classes=args.rush_capacity, classes=args.rush, waitlist=False)
        urls = topology.urls
        print(
            f"db: {topology.database.server_version()}; redis {topology.redis_url}; "
            f"{len(urls)} servers x gunicorn 2 workers x {args.threads} threads (gthread); 2 qclusters x 2 workers; "
            f"client: {args.concurrency} keep-alive connections ({args.concurrency // len(urls)} per server), "
            f"{args.requests} requests per phase (+{warmup} warm-up); bookings over {args.slots} slots; "
            f"setup {time.perf_counter() - started:.1f} s"
        )

        ping = live.Request("GET", "/api/v1/ping/")
        stream_both(live, urls, [ping] * warmup, args.concurrency)
        ping_replies, ping_elapsed = stream_both(live, urls, [ping] * args.requests, args.concurrency)

        def booking(index: int) -> live.Request:
            return live.booking_request(scenario, index, slot=scenario.slots[index % args.slots], pupils=1)

        stream_both(live, urls, [booking(i) for i in range(warmup)], args.concurrency)
        booking_replies, booking_elapsed = stream_both(
            live, urls, [booking(i) for i in range(warmup, warmup + args.requests)], args.concurrency
        )

        rush_replies = together_both(live, urls, [live.booking_request(rush, i) for i in range(args.rush)])
        state = topology.read_state()

    ping_rate, ping_text = phase_line(live, "ping", ping_replies, ping_elapsed, 200)
    booking_rate, booking_text = phase_line(live, "booking", booking_replies, booking_elapsed, 201)
    print(ping_text)
    print(booking_text)
    print(f"ratio     booking/ping = {booking_rate / ping_rate if ping_rate else 0.0:.2f}")

    rush_summary = live.summarize(rush_replies)
    rushed = next(slot for slot in state["slots"] if slot["id"] == rush.slot)
    errors = rush_summary["server_errors"] + rush_summary["connection_errors"]
    exact = rushed["booked_classes"] == rushed["holding_classes"] == args.rush_capacity
    print(
        f"rush      {args.rush} teachers, one slot of {args.rush_capacity} places, half through each server: "
        f"answers {rush_summary['outcomes']}; errors {errors}; places taken {rushed['booked_classes']} "
        f"({'exactly capacity' if exact else 'NOT CAPACITY'}); median {rush_summary['p50_ms']} ms, "
        f"p99 {rush_summary['p99_ms']} ms, max {rush_summary['max_ms']} ms"
    )
    problems = slot_problems(state)
    print(
        f"check     every slot: {problems or 'counters equal bookings, none over capacity'}; "
        f"total run {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
