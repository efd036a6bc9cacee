"""Open-day matching at ten times IGEday 2018: 18,000 confirmed applicants with five ranked
host preferences each and 900 hosts, from the database to stored placements.

    .venv/bin/python bench/openday_matching.py [--applicants 18000] [--hosts 900] [--repeat 3]

Runs in-process on a fresh SQLite file database (production settings module, DEBUG off), made
in a temporary directory and removed afterwards. It bulk-creates the companies, one open day
over every municipality (some outlying), the hosts (8-30 places, a few for 15 and up), and the
applications: confirmed, ages 13-19, half first-timers, five preferences each drawn with a
popularity skew (some hosts are everyone's first choice, as at the real day). Then, --repeat
times, it measures opendays.services.runs.run_execute on a queued run: reading, solving, the
greedy baseline, the report and storing one Placement per applicant (target: under 5 s),
with the solver's own time beside it. It prints the figures and the report of the optimum
beside the greedy baseline. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _venv import setup_django_on_fresh_sqlite, use_project_interpreter

TARGET_SECONDS = 5.0
PREFERENCES = 5


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=18000, help="confirmed applicants (default 18000)")
    parser.add_argument("--hosts", type=int, default=900, help="hosts (default 900)")
    parser.add_argument("--repeat", type=int, default=3, help="runs to measure (default 3)")
    parser.add_argument("--seed", type=int, default=2027, help="seed of the generated data (default 2027)")
    args = parser.parse_args(argv)
    if not (10 <= args.applicants <= 100000 and PREFERENCES <= args.hosts <= 5000 and 1 <= args.repeat <= 20):
        parser.error(f"--applicants 10..100000, --hosts {PREFERENCES}..5000, --repeat 1..20")
    return args


def load(applicants: int, hosts: int, seed: int):
    """The open day and everything its matching reads; returns the day."""
    from django.db import transaction
    from django.utils import timezone

    from companies.models import Company
    from core.models import Municipality, Sector
    from opendays.models import Application, Host, OpenDay, Preference

    rng = random.Random(seed)
    municipalities = list(Municipality.objects.order_by("code"))
    sectors = list(Sector.objects.values_list("code", flat=True))
    now = timezone.now()
    with transaction.atomic():
        companies = Company.objects.bulk_create(
            Company(
                name=f"Virksomhed {number}",
                cvr=f"{40000000 + number:08d}",
                sector_id=rng.choice(sectors),
                municipality=(seat := rng.choice(municipalities)),
                address="Erhvervsvej 1",
                postcode="9000",
                city=seat.name,
            )
            for number in range(hosts)
        )
        day = OpenDay.objects.create(
            title="Pigedag i teknik",
            date=timezone.localdate() + dt.timedelta(days=60),
            applications_open=now - dt.timedelta(days=30),
            applications_close=now - dt.timedelta(days=1),
            preferences=PREFERENCES,
            status=OpenDay.Status.MATCHING,
        )
        day.municipalities.set(municipalities)
        day.outlying_municipalities.set(municipalities[::7])
        made_hosts = Host.objects.bulk_create(
            Host(
                open_day=day,
                company=company,
                places=rng.randint(8, 30),
                starts_at=dt.time(9, 0),
                ends_at=dt.time(14, 0),
                programme="Rundvisning, værksted og frokost med ingeniører",
                age_min=15 if number % 20 == 0 else None,
                address=company.address,
                postcode=company.postcode,
                city=company.city,
            )
            for number, company in enumerate(companies)
        )
        # A popularity skew: host n is wished about 1/(1 + n/50) as often as the most popular.
        weights = [1 / (1 + number / 50) for number in range(len(made_hosts))]
        applications = Application.objects.bulk_create(
            (
                Application(
                    open_day=day,
                    first_name=f"Pige{number}",
                    age=rng.randint(13, 19),
                    municipality=rng.choice(municipalities),
                    email=f"pige{number}@example.dk",
                    first_time=rng.random() < 0.5,
                    status=Application.Status.CONFIRMED,
                    confirmed_at=now - dt.timedelta(days=2),
                )
                for number in range(applicants)
            ),
            batch_size=2000,
        )
        preferences = []
        for application in applications:
            chosen: list = []
            while len(chosen) < PREFERENCES:
                host = rng.choices(made_hosts, weights=weights)[0]
                if host not in chosen:
                    chosen.append(host)
            preferences += [
                Preference(application=application, host=host, rank=rank) for rank, host in enumerate(chosen, start=1)
            ]
        Preference.objects.bulk_create(preferences, batch_size=5000)
    return day


def main() -> None:
    use_project_interpreter(__file__)
    args = parse_args(sys.argv[1:])
    workdir = Path(tempfile.mkdtemp(prefix="brobyg-opendays-"))
    try:
        setup_django_on_fresh_sqlite(workdir, "opendays.sqlite3")
        from django.db import connection

        from opendays.models import Host, MatchRun, Placement, Preference
        from opendays.services.runs import match_input_for, run_execute

        print(
            f"machine: {os.cpu_count()} cores, {platform.machine()}, python {platform.python_version()}, "
            f"SQLite {connection.Database.sqlite_version}"
        )
        started = time.perf_counter()
        day = load(args.applicants, args.hosts, args.seed)
        places = sum(Host.objects.filter(open_day=day).values_list("places", flat=True))
        print(
            f"data: {args.applicants} applicants with {Preference.objects.count()} preferences, "
            f"{args.hosts} hosts with {places} places (built in {time.perf_counter() - started:.1f} s)"
        )
        totals, solvers, reads = [], [], []
        for number in range(args.repeat):
            read_started = time.perf_counter()
            match_input_for(day, seed=number)
            reads.append(time.perf_counter() - read_started)
            run = MatchRun.objects.create(open_day=day, seed=number)
            run = run_execute(run_id=run.pk)
            if run.status != MatchRun.Status.DONE:
                print(f"run {number + 1}: {run.status}: {run.error}")
                return
            totals.append(run.total_seconds)
            solvers.append(run.solver_seconds)
            stored = Placement.objects.filter(run=run).count()
            print(
                f"run {number + 1}: database to stored placements {run.total_seconds:.2f} s "
                f"(solver {run.solver_seconds:.3f} s; reading alone {reads[-1]:.2f} s); {stored} placements stored"
            )
        verdict = "under" if max(totals) < TARGET_SECONDS else "OVER"
        print(
            f"median: total {statistics.median(totals):.2f} s, solver {statistics.median(solvers):.3f} s, "
            f"reading {statistics.median(reads):.2f} s; worst total {max(totals):.2f} s "
            f"({verdict} the {TARGET_SECONDS:.0f} s target)"
        )
        optimal, greedy = run.report["optimal"], run.report["greedy"]
        for label, key in [
            ("placed", "placed"),
            ("placed share", "placed_share"),
            ("first choice share", "first_choice_share"),
            ("top-3 share", "top3_share"),
            ("fill rate", "fill_rate"),
        ]:
            print(f"  {label:<18} optimal {optimal[key]!s:>8}   greedy {greedy[key]!s:>8}")
        for key in ("first_time", "outlying", "none"):
            print(
                f"  priority {key:<10} optimal {optimal['priorities'][key]['share']!s:>8}   "
                f"greedy {greedy['priorities'][key]['share']!s:>8}"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
