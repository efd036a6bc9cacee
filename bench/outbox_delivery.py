"""Outbox delivery throughput over real SMTP, with one delivery worker and with two.

    .venv/bin/python bench/outbox_delivery.py [--messages N] [--backend sqlite|postgresql]
        [--smtp-delay-ms D] [--rounds R]

Makes a fresh database (migrated in a subprocess, as the live tests do; see
tests/notifications/cluster_harness.py), books N/2 classes onto one slot through
bookings.services, writes their messages as the delivery pass does and times that (each
booking has two due invites, teacher and host, so every message is a real invite rendered
from its booking, with its calendar part), and starts an aiosmtpd
server in this process that counts what it accepts by Message-ID. Then, for 1 and for 2
workers, every round makes the N invites pending again, starts that many processes that each
call notifications.delivery.deliver_due until nothing is due (the loop the django-q2 task
runs), releases them together once they are warmed up, and times from release until the last
worker is done. Two workers contest every claim: each message is claimed by one of them with
a conditional UPDATE.

Prints messages/s for each worker count (best of R rounds), the 2-worker/1-worker ratio and
the machine (CPUs, Python, database). Nothing is asserted but that every message arrived
exactly once. The SMTP server shares the machine's CPUs with the workers; --smtp-delay-ms
makes it answer DATA after D ms, like a remote relay, which shows how the workers overlap
waits. PostgreSQL uses TEST_POSTGRES_URL (default: the CI URL).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _venv import ROOT, use_project_interpreter

DEFAULT_POSTGRES_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
WORKER_TIMEOUT = 300.0


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=600, help="due invites to deliver per round (default 600)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--smtp-delay-ms", type=float, default=0.0, help="SMTP server's delay per message")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per worker count (default 3); the best is shown")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    if not 2 <= args.messages <= 20000 or args.messages % 2:
        parser.error("--messages must be an even number between 2 and 20000 (two invites per booking)")
    if not 1 <= args.rounds <= 10:
        parser.error("--rounds must be between 1 and 10")
    return args


def run_round(database, harness, smtp, due: list[int], workers: int) -> dict:
    """Reset the invites to pending, run `workers` delivery processes released together, and
    return the figures of the round."""
    harness.run_command(database, "reset", {"ids": due})
    before = len(smtp.deliveries())
    env = database.env(EMAIL_URL=smtp.url)
    processes = [
        subprocess.Popen(
            [harness.venv_python(), "-m", harness.MODULE, "deliver", json.dumps({"limit": 500})],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        for _ in range(workers)
    ]
    try:
        for process in processes:
            line = process.stdout.readline()  # {"ready": true} once warmed up
            if '"ready"' not in line:
                raise RuntimeError(f"worker did not start: {line!r}\n{process.stderr.read()[-3000:]}")
        released = time.time()
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        results = []
        for process in processes:
            out, err = process.communicate(timeout=WORKER_TIMEOUT)
            if process.returncode != 0:
                raise RuntimeError(f"worker exited with {process.returncode}\n{err[-3000:]}")
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for process in processes:
            if process.poll() is None:  # only after an error
                harness.kill_group(process)
    finished = max(result["finished"] for result in results)
    deliveries = smtp.deliveries()[before:]
    elapsed = finished - released
    return {
        "workers": workers,
        "elapsed": elapsed,
        "rate": len(due) / elapsed if elapsed > 0 else 0.0,
        "per_worker": [result["sent"] for result in results],
        "accepted": len(deliveries),
        "unique": len({delivery.message_id for delivery in deliveries}),
    }


def main(argv: list[str]) -> int:
    use_project_interpreter(__file__)
    from tests import live
    from tests.notifications import cluster_harness as harness

    args = parse_args(argv)
    if args.backend == "postgresql":
        os.environ["TEST_POSTGRES_URL"] = args.postgres_url
        if reason := live.postgres_unreachable_reason(args.postgres_url):
            print(reason, file=sys.stderr)
            return 2

    started = time.perf_counter()
    print(
        f"machine: nproc {os.cpu_count()} (usable {len(os.sched_getaffinity(0))}), {platform.machine()} "
        f"{platform.system()} {platform.release()}, python {platform.python_version()}"
    )
    workdir = Path(tempfile.mkdtemp(prefix="brobyg-outbox-bench-"))
    database = None
    try:
        database = harness.fresh_database(args.backend, workdir)
        made = harness.run_command(database, "bookings", {"bookings": args.messages // 2, "write_messages": True})
        due, write_seconds = made["due"], made["write_seconds"]
        handler = harness.RecordingHandler(delay=args.smtp_delay_ms / 1000)
        with harness.RecordingSmtp(handler) as smtp:
            print(
                f"db: {database.server_version()}; {len(due)} due invites (real bookings, calendar parts); "
                f"SMTP: aiosmtpd in this process, {args.smtp_delay_ms:g} ms per message; "
                f"setup {time.perf_counter() - started:.1f} s"
            )
            print(
                f"written   the messages of {len(made['bookings'])} new bookings (2 invites + 4 reminders each) "
                f"in {write_seconds:.2f} s: {len(made['bookings']) / write_seconds:.0f} bookings/s "
                "(what a delivery pass does before it sends)"
            )
            best: dict[int, dict] = {}
            for round_number in range(1, args.rounds + 1):
                for workers in (1, 2):
                    figures = run_round(database, harness, smtp, due, workers)
                    exact = figures["accepted"] == figures["unique"] == len(due)
                    print(
                        f"round {round_number}  {workers} worker{'s' if workers > 1 else ' '} "
                        f"{figures['rate']:8.1f} msg/s   {len(due)} in {figures['elapsed']:.2f} s   "
                        f"per worker {figures['per_worker']}   "
                        f"{'each once' if exact else 'NOT EXACTLY ONCE: ' + str(figures)}"
                    )
                    if workers not in best or figures["rate"] > best[workers]["rate"]:
                        best[workers] = figures
    finally:
        if database is not None:
            database.drop()
        shutil.rmtree(workdir, ignore_errors=True)

    one, two = best[1]["rate"], best[2]["rate"]
    print(f"best      1 worker  {one:8.1f} msg/s   ({1000 / one if one else 0:.2f} ms per message)")
    print(f"best      2 workers {two:8.1f} msg/s   ({1000 / two if two else 0:.2f} ms per message)")
    print(f"ratio     2 workers / 1 worker = {two / one if one else 0:.2f}")
    print(f"total run {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
