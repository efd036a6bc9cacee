"""A rush: 200 classes book the same 30-class slot at the same moment, through HTTP.

    .venv/bin/python bench/booking_rush.py [--backend sqlite|postgresql|both] [--rounds R]

Starts gunicorn (2 workers) on a fresh database the way the live tests do (tests/live.py),
releases 200 booking requests together with a barrier and reads the outcome back from the
database. Prints, per backend and round: how many bookings hold the slot (must be exactly
30), waitlisted, server errors (must be 0), and p50/p99/max latency (floor: p99 under 1 s).
A ping rush of the same size in the same run is the baseline. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys

from _venv import use_project_interpreter

CAPACITY, CLASSES = 30, 200


def main() -> None:
    use_project_interpreter(__file__)
    from tests import live

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=16, help="gunicorn threads per worker (default 16)")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; rush of {CLASSES} on {CAPACITY} places")
    for backend in backends:
        reason = live.postgres_unreachable_reason() if backend == "postgresql" else None
        if reason:
            print(f"{backend}: skipped ({reason})")
            continue
        with live.LiveStack(backend, threads=args.threads) as stack:
            print(f"{backend}: {stack.database.server_version()}, gunicorn 2 workers x {args.threads} threads")
            for round_number in range(1, args.rounds + 1):
                ping = live.summarize(
                    live.send_together(stack.server.url, [live.Request("GET", "/api/v1/ping/")] * CLASSES)
                )
                scenario = stack.load_scenario(capacity_classes=CAPACITY, classes=CLASSES, waitlist=True)
                replies = live.send_together(
                    stack.server.url, [live.booking_request(scenario, index) for index in range(CLASSES)]
                )
                summary, state = live.summarize(replies), stack.read_state(scenario.slot)
                print(
                    f"  round {round_number}: holding {state['holding_place']} (slot counter {state['booked_classes']}), "
                    f"waitlisted {state['bookings'].get('waitlisted', 0)}, errors {summary['server_errors'] + summary['connection_errors']}; "
                    f"booking p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms, max {summary['max_ms']} ms; "
                    f"ping rush p99 {ping['p99_ms']} ms"
                )


if __name__ == "__main__":
    main()
