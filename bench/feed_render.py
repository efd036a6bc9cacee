"""Calendar feed rendering: a company feed of 1,000 and of 10,000 bookings.

    .venv/bin/python bench/feed_render.py [--sizes 1000,10000] [--repeat N] [--profile] [--sql]

Runs in-process on a fresh SQLite file database (production settings module, DEBUG off,
local-memory cache), made in a temporary directory and removed afterwards. For each size it
bulk-creates a company with one contact person, a few published offers, slots, schools,
teachers and classes, and that many bookings (mostly confirmed, some requested, some recently
cancelled after they had been confirmed), then through Django's test client measures:

  cold   the first render: empty cache, ETag query + booking query + building the calendar;
  warm   the same URL again: ETag query, body from the cache;
  304    revalidation with If-None-Match: ETag query only, no body;

and, in the same run, the baseline GET /api/v1/ping/ (the cheapest DRF answer) with the ratios
to it. It prints milliseconds (median of --repeat runs, and the best), events/s, body size and
the SQL statements per request (--sql lists those of a cold request). --profile prints the top
of a cProfile of one cold render of the largest size. Nothing is asserted; the figures are
for reading.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _venv import setup_django_on_fresh_sqlite, use_project_interpreter


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000", help="bookings per company feed (default 1000,10000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    parser.add_argument("--profile", action="store_true", help="cProfile one cold render of the largest feed")
    parser.add_argument("--sql", action="store_true", help="print the SQL statements of a cold request")
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    if not args.sizes or not all(1 <= size <= 50000 for size in args.sizes):
        parser.error("--sizes must be numbers between 1 and 50000")
    if not 1 <= args.repeat <= 100:
        parser.error("--repeat must be between 1 and 100")
    return args


CLASSES_PER_SLOT = 10
OFFERS = 5


def load_company(size: int, serial: int) -> dict:
    """A company whose feed holds `size` bookings: size/10 slots over OFFERS offers, each slot
    booked by 10 classes of 10 schools (so no class has two bookings on one slot). Every 20th
    booking is a request (TENTATIVE), every 25th was confirmed and then cancelled yesterday
    (STATUS:CANCELLED, kept for FEED_KEEP_CANCELLED_DAYS). Returns the feed's token."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from bookings.models import Booking, Offer, Slot
    from companies.models import Company, CompanyMember
    from core.models import Municipality, Sector
    from notifications.models import CalendarFeed
    from notifications.services import calendar_subscription_issue
    from schools.models import School, SchoolClass, Teacher

    now = timezone.now()
    tag = f"b{serial}"
    with transaction.atomic():
        company = Company.objects.create(
            name=f"Nordjysk Vindkraft {tag} A/S",
            cvr=f"{41000000 + serial:08d}",
            sector=Sector.objects.get(code="energy"),
            municipality=Municipality.objects.get(code=851),
            address="Havnegade 12",
            postcode="9000",
            city="Aalborg",
            phone="98 12 34 56",
        )
        host_user = User.objects.create(
            username=f"{tag}-vært",
            first_name="Søren",
            last_name="Ærø",
            email=f"{tag}-host@example.dk",
            phone="20 30 40 50",
            password="!",
        )
        contact = CompanyMember.objects.create(company=company, user=host_user)
        offers = [
            Offer.objects.create(
                company=company,
                kind=Offer.Kind.COMPANY_VISIT,
                title=f"Besøg på vindmøllefabrikken {number} – møllevinger, æ ø å",
                description="Se hvordan en vindmøllevinge bliver støbt; tag sikkerhedssko på, og spis frokost først.\n"
                "Vi viser også kontrolrummet, hvor møllerne overvåges døgnet rundt.",
                meeting_point="Porten ved hal 3",
                practical_notes="Sikkerhedssko og lange bukser. Ingen foto i hal 2.",
                contact=contact,
                is_published=True,
                auto_confirm=True,
            )
            for number in range(OFFERS)
        ]
        slot_count = -(-size // CLASSES_PER_SLOT)
        start = (now + dt.timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
        slots = Slot.objects.bulk_create(
            Slot(
                offer=offers[number % OFFERS],
                start=start + dt.timedelta(hours=3 * number),
                end=start + dt.timedelta(hours=3 * number + 2),
                booking_deadline=start + dt.timedelta(hours=3 * number - 48),
                capacity_classes=CLASSES_PER_SLOT,
                capacity_pupils=CLASSES_PER_SLOT * 30,
                booked_classes=0,
                booked_pupils=0,
            )
            for number in range(slot_count)
        )
        schools = School.objects.bulk_create(
            School(
                name=f"Vestbjerg Skole {tag}-{number}",
                institution_number=f"{(700000 + serial * 100 + number) % 1000000:06d}",
                kind=School.Kind.FOLKESKOLE,
                municipality_id=851,
                address="Skolevej 1",
                postcode="9380",
                city="Vestbjerg",
            )
            for number in range(CLASSES_PER_SLOT)
        )
        teachers = User.objects.bulk_create(
            User(username=f"{tag}-lærer{number}", first_name="Åse", last_name=f"Lærer {number}", password="!")
            for number in range(CLASSES_PER_SLOT)
        )
        Teacher.objects.bulk_create(
            Teacher(user=user, school=school) for user, school in zip(teachers, schools, strict=True)
        )
        classes = SchoolClass.objects.bulk_create(
            SchoolClass(school=school, name=f"8.{chr(65 + number)}", grade=8, school_year=2026, pupils=24)
            for number, school in enumerate(schools)
        )
        bookings = []
        for number in range(size):
            slot, seat = slots[number // CLASSES_PER_SLOT], number % CLASSES_PER_SLOT
            if number % 25 == 0:
                status, sequence, updated = Booking.Status.CANCELLED, 1, now - dt.timedelta(days=1)
            elif number % 20 == 0:
                status, sequence, updated = Booking.Status.REQUESTED, None, now
            else:
                status, sequence, updated = Booking.Status.CONFIRMED, 0, now
            bookings.append(
                Booking(
                    slot=slot,
                    school_class=classes[seat],
                    booked_by=teachers[seat],
                    pupils=24,
                    adults=2,
                    status=status,
                    invite_sequence=sequence,
                    created_at=now - dt.timedelta(days=2),
                    updated_at=updated,
                )
            )
        # auto_now would overwrite updated_at on bulk_create; write the rows, then set it.
        created = Booking.objects.bulk_create(bookings, batch_size=2000)
        cancelled = [booking.pk for booking in created if booking.status == Booking.Status.CANCELLED]
        Booking.objects.filter(pk__in=cancelled).update(updated_at=now - dt.timedelta(days=1))
        feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.COMPANY, company=company)
        token = calendar_subscription_issue(feed=feed, holder=host_user)  # the contact person's address
    return {"token": token, "offer": offers[0].pk}


def timed(function, repeat: int) -> tuple[float, float, object]:
    """Median and best wall time in ms of `repeat` calls; the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times), result


def main(argv: list[str]) -> int:
    use_project_interpreter(__file__)
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="brobyg-feed-bench-"))
    try:
        return run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def run(args: argparse.Namespace, workdir: Path) -> int:
    started = time.perf_counter()
    setup_django_on_fresh_sqlite(workdir, "feeds.sqlite3")
    import icalendar
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    print(
        f"machine: nproc {os.cpu_count()}, {platform.machine()} {platform.system()} {platform.release()}, "
        f"python {platform.python_version()}, icalendar {icalendar.__version__}; "
        f"db: SQLite file, in-process Django test client, local-memory cache"
    )
    client = Client()
    client.get("/api/v1/ping/")
    ping_median, ping_best, _ = timed(lambda: client.get("/api/v1/ping/"), max(50, args.repeat * 10))
    print(f"baseline  GET /api/v1/ping/   median {ping_median:7.2f} ms   best {ping_best:7.2f} ms")

    feeds = {size: load_company(size, serial) for serial, size in enumerate(args.sizes, 1)}
    print(f"setup     {', '.join(f'{size} bookings' for size in args.sizes)} in {time.perf_counter() - started:.1f} s")

    for size, fixture in feeds.items():
        url = f"/calendar/{fixture['token']}.ics"

        def cold(url=url):
            cache.clear()
            return client.get(url)

        cold_median, cold_best, response = timed(cold, args.repeat)
        assert response.status_code == 200, response.status_code
        body, etag = response.content, response["ETag"]
        events = body.count(b"BEGIN:VEVENT")
        # CaptureQueriesContext reads connection.queries lazily and the next request empties
        # it: keep the statements as each context ends.
        with CaptureQueriesContext(connection) as captured:
            cold()
        cold_queries = list(captured.captured_queries)
        warm_median, warm_best, warm = timed(lambda url=url: client.get(url), max(10, args.repeat * 4))
        assert warm.status_code == 200 and warm.content.count(b"BEGIN:VEVENT") == events
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        warm_queries = list(captured.captured_queries)
        revalidate = lambda url=url, etag=etag: client.get(url, headers={"if-none-match": etag})  # noqa: E731
        not_modified_median, not_modified_best, not_modified = timed(revalidate, max(10, args.repeat * 4))
        assert not_modified.status_code == 304 and not not_modified.content
        with CaptureQueriesContext(connection) as captured:
            revalidate()
        not_modified_queries = list(captured.captured_queries)

        print(
            f"\n{size} bookings: {events} VEVENTs, {len(body) / 1024:.0f} KiB, "
            f"{body.count(b'STATUS:CANCELLED')} cancelled, {body.count(b'STATUS:TENTATIVE')} tentative"
        )
        for name, median, best, queries in (
            ("cold", cold_median, cold_best, cold_queries),
            ("warm", warm_median, warm_best, warm_queries),
            ("304", not_modified_median, not_modified_best, not_modified_queries),
        ):
            rate = f"{events / (median / 1000):10.0f} events/s" if name != "304" else " " * 19
            print(
                f"  {name:<5} median {median:8.2f} ms   best {best:8.2f} ms   {rate}   "
                f"{median / ping_median:7.1f} x ping   {len(queries)} SQL"
            )
        if args.sql:
            for number, query in enumerate(cold_queries, 1):
                print(f"    {number}. {query['time']} s  {query['sql'][:150]}...")

    if args.profile:
        import cProfile
        import pstats

        url = f"/calendar/{feeds[max(feeds)]['token']}.ics"
        cache.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(url)
        profiler.disable()
        print(f"\nprofile of one cold render of {max(feeds)} bookings (top 25 by cumulative time):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)
    print(f"\ntotal run {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
