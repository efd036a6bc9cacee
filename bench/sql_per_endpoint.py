"""SQL statements per request for every list endpoint of the API, at two page sizes.

    .venv/bin/python bench/sql_per_endpoint.py [--small 10] [--large 100] [--keep]

Loads the demo (`manage.py load_demo`: 456 bookings, 411 slots, 363 classes, 173 open-day
applications, 110 plan activities, …) into a fresh SQLite database in a temporary directory,
then asks every list endpoint of the router (/api/v1/<prefix>/) as each demo role that
signs in to the API (the consultant, who sees the whole region, a teacher and a host) with
`?page_size=<small>` and `?page_size=<large>`, through Django's test client with a token, and
counts the SQL statements of each answer from the token lookup to the serialized page. A
list whose count grows with the page (an N+1) is flagged. Nothing is asserted: the
per-domain tests assert the same for the lists they cover; this prints the whole table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _venv import setup_django_on_fresh_sqlite, use_project_interpreter

ROLES = ("konsulent", "laerer", "vaert")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10, help="the small page size (default 10)")
    parser.add_argument("--large", type=int, default=100, help="the large page size (default 100)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and say where")
    return parser.parse_args(argv)


def list_prefixes() -> list[str]:
    """The router's prefixes whose viewset lists (has a `list` action)."""
    from config.urls import router

    return sorted(prefix for prefix, viewset, _ in router.registry if hasattr(viewset, "list"))


def measure(client, url: str, page_size: int) -> tuple[int, int, int]:
    """Status, rows on the page and SQL statements of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": page_size})
    rows = 0
    if response.status_code == 200:
        body = response.json()
        rows = len(body["results"]) if isinstance(body, dict) and "results" in body else len(body)
    return response.status_code, rows, len(queries.captured_queries)


def main(argv: list[str]) -> int:
    use_project_interpreter(__file__)
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="brobyg-sql-per-endpoint-"))
    started = time.perf_counter()
    setup_django_on_fresh_sqlite(workdir, "endpoints.sqlite3")
    from django.core.management import call_command
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    call_command("load_demo", stdout=open(workdir / "load_demo.txt", "w"))  # noqa: SIM115 (closed at exit)
    print(f"demo loaded in {time.perf_counter() - started:.1f} s; page sizes {args.small} and {args.large}")
    print(f"{'endpoint':<34} {'role':<10} {'rows':>9} {'statements':>11}  growth")
    grown = 0
    for prefix in list_prefixes():
        url = f"/api/v1/{prefix}/"
        for username in ROLES:
            user = User.objects.get(username=username)
            token, _ = Token.objects.get_or_create(user=user)
            client = Client(headers={"authorization": f"Token {token.key}"})
            measure(client, url, args.small)  # warms per-process caches (content types, translations)
            small_status, small_rows, small = measure(client, url, args.small)
            large_status, large_rows, large = measure(client, url, args.large)
            if small_status != 200 or large_status != 200:
                print(f"{url:<34} {username:<10} {'':>9} {'':>11}  answered {small_status}/{large_status}")
                continue
            growth = "constant" if small == large else f"GROWS by {large - small}"
            grown += small != large
            print(f"{url:<34} {username:<10} {small_rows:>4}/{large_rows:<4} {small:>5}/{large:<5}  {growth}")
    print(f"{grown} list(s) whose statements grow with the page; total run {time.perf_counter() - started:.1f} s")
    if args.keep:
        print(f"kept: {workdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
