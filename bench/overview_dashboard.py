"""The coordinator's dashboard on ten years of national history in PostgreSQL: 1,000,000 bookings
and adoption activities, then every section's figures for the whole country and for one region.

    .venv/bin/python bench/overview_dashboard.py [--activities 1000000] [--years 10]
        [--schools 2500] [--companies 3000] [--repeat 5] [--reuse [--refresh]] [--keep]

Makes the database `bench_overview` on TEST_POSTGRES_URL (an admin connection; default the CI
URL postgres://postgres:postgres@127.0.0.1:5432/postgres), migrates it and fills it in bulk with
generate_series (no row passes through Python): about 100 municipalities, --schools schools (one
teacher each), --companies companies with two offers each (most naming a business strength), 14
classes per school and school year (35,000 a year by default), a slot and a booking for 90 % of
--activities (all statuses, teacher visits among them), the school year's class adoptions of 30 %
of 8th–9th grade classes with annual plans, their activities (booked, and done at school: the
other 10 %), answered feedback on a third of what was held, and ten open days a year with hosts,
applicants and survey answers. It refreshes every year's summary table (overview.facts) and times
that, then runs each dashboard section's `section_tables` --repeat times for the whole country and
for Nordjylland, and prints the median and the slowest run beside a trivial query (SELECT 1)
measured in the same run, with the queries each section makes. Then it asks for the pages as a
browser would, through Django's test client signed in as a consultant with the whole country and
as one with Nordjylland as their area: every section's page, the annual report, the workbook of
the section with the largest table and that table's CSV, each beside /api/v1/ping/ in the same
run, with the SQL statements of each page (the same for both areas: they do not grow with the
data). Floor: every page under 1 s.
--reuse measures an existing database without rebuilding it (it migrates it, so new indexes are
there; --refresh also rebuilds and times its summary tables); --keep leaves it for another run
(by default it is dropped). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

from _venv import use_project_interpreter

DEFAULT_POSTGRES_URL = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
DATABASE = "bench_overview"
FLOOR_SECONDS = 1.0
CLASSES_PER_SCHOOL = 14  # grades 0-9 (A) and 6-9 (B)
EXTRA_MUNICIPALITIES = 86  # beside the 12 of the reference data: about Denmark's 98
BOOKED_SHARE = 0.9  # of --activities; the rest are adoption activities done at school
REGION = "Nordjylland"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=1_000_000, help="bookings and activities (default 1e6)")
    parser.add_argument("--years", type=int, default=10, help="school years of history (default 10)")
    parser.add_argument("--schools", type=int, default=2500, help="schools (default 2500)")
    parser.add_argument("--companies", type=int, default=3000, help="companies (default 3000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each section (default 5)")
    parser.add_argument("--reuse", action="store_true", help="measure the existing database, do not rebuild")
    parser.add_argument("--refresh", action="store_true", help="with --reuse: refresh and time every year again")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_POSTGRES_URL") or DEFAULT_POSTGRES_URL)
    args = parser.parse_args(argv)
    if not (1000 <= args.activities <= 5_000_000 and 2 <= args.years <= 30 and 1 <= args.repeat <= 50):
        parser.error("--activities 1000..5e6, --years 2..30, --repeat 1..50")
    if not (10 <= args.schools <= 20000 and 10 <= args.companies <= 20000):
        parser.error("--schools and --companies 10..20000")
    return args


def database_url(admin_url: str) -> str:
    parts = urlsplit(admin_url)
    return urlunsplit(parts._replace(path=f"/{DATABASE}"))


def admin_execute(admin_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def database_exists(admin_url: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is not None


def setup_django(url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=url,
        SECRET_KEY="bench-only",
        DEBUG="0",
        HTTPS="0",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SITE_URL="https://brobyg.example.dk",
    )
    for name in ("REDIS_URL", "EMAIL_URL", "CONN_MAX_AGE"):
        os.environ.pop(name, None)
    import django

    django.setup()


# The history, in bulk ----------------------------------------------------------------------------

# A stable pseudo-random number 0..99 of an integer, so the data is the same on every run.
HASH = "(({x})::bigint * 2654435761 %% 4294967296 %% 100)"


def _h(x: str) -> str:
    return HASH.format(x=x)


def build(args: argparse.Namespace, first_year: int) -> dict[str, int]:
    """Fill the migrated database; returns what it made."""
    from django.db import connection, transaction

    schools, companies, years = args.schools, args.companies, args.years
    offers = 2 * companies
    bookings = int(args.activities * BOOKED_SHARE)
    steps: list[tuple[str, str, dict]] = [
        (
            "municipalities",
            """INSERT INTO core_municipality (code, name, region, latitude, longitude)
               SELECT 300 + g, 'Kommune ' || g, 'Region ' || (g %% 4), 55 + (g %% 30) / 10.0, 8.5 + (g %% 40) / 10.0
               FROM generate_series(1, %(extra)s) g ON CONFLICT DO NOTHING""",
            {"extra": EXTRA_MUNICIPALITIES},
        ),
        (
            "users",
            """INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email,
                   is_staff, is_active, date_joined, language, phone, is_consultant)
               SELECT g, '!', false, 'bench' || g, 'Lærer', 'Bænk', '', false, true, now(), 'da', '', false
               FROM generate_series(1, %(schools)s) g""",
            {"schools": schools},
        ),
        (
            "companies",
            """INSERT INTO companies_company (id, created_at, updated_at, name, cvr, address, postcode, city,
                   description, website, email, phone, municipality_id, sector_id)
               SELECT g, now(), now(), 'Virksomhed ' || g, lpad((40000000 + g)::text, 8, '0'), 'Erhvervsvej 1',
                   '9000', 'By', '', '', '', '', m.codes[1 + g %% m.n], s.codes[1 + g %% s.n]
               FROM generate_series(1, %(companies)s) g,
                   (SELECT array_agg(code ORDER BY code) codes, count(*) n FROM core_municipality) m,
                   (SELECT array_agg(code ORDER BY code) codes, count(*) n FROM core_sector) s""",
            {"companies": companies},
        ),
        (
            "offers",
            """INSERT INTO bookings_offer (id, created_at, updated_at, kind, title, description, grade_min,
                   grade_max, location, meeting_point, practical_notes, duration_minutes,
                   default_capacity_classes, default_capacity_pupils, auto_confirm, waitlist_enabled,
                   booking_deadline_hours, cancellation_deadline_hours, allow_holidays, is_published,
                   company_id, reminder_days, is_private)
               SELECT g, now(), now(),
                   CASE WHEN g %% 10 = 0 THEN 'teacher_visit' WHEN g %% 2 = 0 THEN 'expert_visit'
                        ELSE 'company_visit' END,
                   'Tilbud ' || g, '', 0, 13, '', '', '', 120, 1, 30, true, true, 72, 48, false, true,
                   1 + (g - 1) %% %(companies)s, '', false
               FROM generate_series(1, %(offers)s) g""",
            {"offers": offers, "companies": companies},
        ),
        (
            "offer sectors",
            """INSERT INTO bookings_offer_sectors (offer_id, sector_id)
               SELECT g, s.codes[1 + g %% s.n] FROM generate_series(1, %(offers)s) g,
                   (SELECT array_agg(code ORDER BY code) codes, count(*) n FROM core_sector) s
               WHERE g %% 3 <> 0
               UNION ALL
               SELECT g, s.codes[1 + (g + 3) %% s.n] FROM generate_series(1, %(offers)s) g,
                   (SELECT array_agg(code ORDER BY code) codes, count(*) n FROM core_sector) s
               WHERE g %% 6 = 1""",
            {"offers": offers},
        ),
        (
            "schools",
            """INSERT INTO schools_school (id, created_at, updated_at, name, institution_number, kind, address,
                   postcode, city, municipality_id)
               SELECT g, now(), now(), 'Skole ' || g, lpad((100000 + g)::text, 6, '0'),
                   CASE g %% 20 WHEN 0 THEN 'gymnasium' WHEN 1 THEN 'erhvervsskole' WHEN 2 THEN '10-klasse'
                        ELSE 'folkeskole' END,
                   'Skolevej 1', '9000', 'By', m.codes[1 + g %% m.n]
               FROM generate_series(1, %(schools)s) g,
                   (SELECT array_agg(code ORDER BY code) codes, count(*) n FROM core_municipality) m""",
            {"schools": schools},
        ),
        (
            "teachers",
            """INSERT INTO schools_teacher (id, created_at, updated_at, school_id, user_id)
               SELECT g, now(), now(), g, g FROM generate_series(1, %(schools)s) g""",
            {"schools": schools},
        ),
        (
            "classes",
            # id = ((year index * schools) + school - 1) * 14 + k + 1; k 0-9 is grade k (A), 10-13
            # grade k - 4 (B); the same class a year on is 14 * schools further and a grade up.
            """INSERT INTO schools_schoolclass (id, created_at, updated_at, name, grade, school_year, pupils,
                   school_id, previous_id)
               SELECT id, now(), now(), grade || '.' || section, grade, %(first)s + y, 15 + id %% 14, s,
                   CASE WHEN y > 0 AND (k BETWEEN 1 AND 9 OR k BETWEEN 11 AND 13)
                        THEN id - %(schools)s * 14 - 1 END
               FROM (SELECT y, s, k, ((y * %(schools)s) + s - 1) * 14 + k + 1 AS id,
                            CASE WHEN k < 10 THEN k ELSE k - 4 END AS grade,
                            CASE WHEN k < 10 THEN 'A' ELSE 'B' END AS section
                     FROM generate_series(0, %(years)s - 1) y, generate_series(1, %(schools)s) s,
                          generate_series(0, 13) k) c""",
            {"first": first_year, "schools": schools, "years": years},
        ),
        (
            "booking plan",
            f"""CREATE TEMP TABLE bench_booking AS
               SELECT g::int AS g, %(first)s + y AS year, s, offer,
                   ((y * %(schools)s) + s - 1) * 14 + ((g * 31) %% 14)::int + 1 AS class_id,
                   make_timestamptz(%(first)s + y, 8, 20, 9, 0, 0, 'Europe/Copenhagen')
                       + ((g * 13) %% 320) * interval '1 day' AS start,
                   {_h("g")} AS h
               FROM (SELECT g, (g %% %(years)s)::int AS y, (1 + (g * 7919) %% %(schools)s)::int AS s,
                            (1 + (g * 104729) %% %(offers)s)::int AS offer
                     FROM generate_series(1::bigint, %(bookings)s) g) b""",
            {"first": first_year, "schools": schools, "years": years, "offers": offers, "bookings": bookings},
        ),
        (
            "slots",
            """INSERT INTO bookings_slot (id, created_at, updated_at, start, "end", booking_deadline,
                   capacity_classes, capacity_pupils, booked_classes, booked_pupils, status, offer_id)
               SELECT g, now(), now(), start, start + interval '2 hours', start - interval '1 day', 1, 60, 0, 0,
                   'open', offer
               FROM bench_booking""",
            {},
        ),
        (
            "bookings",
            """INSERT INTO bookings_booking (id, created_at, updated_at, pupils, adults, message, status,
                   booked_by_id, school_class_id, slot_id, messages_pending, messages_error, teacher_id)
               SELECT g, now(), now(), CASE WHEN offer %% 10 = 0 THEN 0 ELSE 15 + class_id %% 14 END, 1, '',
                   CASE WHEN h < 55 THEN 'completed' WHEN h < 70 THEN 'confirmed' WHEN h < 80 THEN 'cancelled'
                        WHEN h < 84 THEN 'no_show' WHEN h < 88 THEN 'declined' WHEN h < 94 THEN 'requested'
                        ELSE 'waitlisted' END,
                   s, CASE WHEN offer %% 10 = 0 THEN NULL ELSE class_id END, g, false, '',
                   CASE WHEN offer %% 10 = 0 THEN s END
               FROM bench_booking""",
            {},
        ),
        (
            "adoptions",
            """INSERT INTO adoptions_adoption (created_at, updated_at, school_year, status, company_id,
                   school_class_id)
               SELECT now(), now(), c.school_year,
                   CASE WHEN c.school_year = %(last)s THEN 'active' ELSE 'ended' END,
                   1 + c.id %% %(companies)s, c.id
               FROM schools_schoolclass c WHERE c.grade IN (8, 9) AND c.id %% 10 < 3""",
            {"last": first_year + years - 1, "companies": companies},
        ),
        (
            "annual plans",
            """INSERT INTO adoptions_annualplan (created_at, updated_at, target_activities, goals_note, adoption_id)
               SELECT now(), now(), 8 + id %% 3, '', id FROM adoptions_adoption""",
            {},
        ),
        (
            "booked adoption activities",
            """INSERT INTO adoptions_planactivity (created_at, updated_at, title, kind, starts_at, preparation,
                   description, follow_up, status, booking_id, plan_id)
               SELECT now(), now(), 'Besøg', 'company_visit', sl.start, '', '', '',
                   CASE WHEN b.status = 'completed' THEN 'done' ELSE 'booked' END, b.id, p.id
               FROM bookings_booking b JOIN bookings_slot sl ON sl.id = b.slot_id
               JOIN adoptions_adoption a ON a.school_class_id = b.school_class_id
               JOIN adoptions_annualplan p ON p.adoption_id = a.id""",
            {},
        ),
        (
            "adoption activities at school",
            """INSERT INTO adoptions_planactivity (created_at, updated_at, title, kind, planned_month, starts_at,
                   ends_at, preparation, description, follow_up, status, plan_id)
               SELECT now(), now(), 'Projekt', 'project', NULL, t, t + interval '3 hours', '', '', '', 'done', id
               FROM (SELECT p.id, make_timestamptz(a.school_year, 9, 3, 10, 0, 0, 'Europe/Copenhagen')
                                 + ((i * 61 + p.id) %% 300) * interval '1 day' AS t,
                            row_number() OVER (ORDER BY i, p.id) AS n
                     FROM adoptions_annualplan p JOIN adoptions_adoption a ON a.id = p.adoption_id,
                          generate_series(1, 12) i) x
               WHERE n <= %(at_school)s""",
            {"at_school": args.activities - bookings},
        ),
        (
            "feedback",
            f"""INSERT INTO overview_feedback (created_at, updated_at, respondent, link_nonce, token_hash, sent_at,
                   expires_at, answered_at, rating, goals_met, interest_before, interest_after, comment,
                   booking_id)
               SELECT now(), now(), 'teacher', '', '', now(), now(), now(), 1 + {_h("id")} %% 5,
                   (ARRAY['yes', 'partly', 'no', 'yes'])[1 + {_h("id + 1")} %% 4],
                   1 + {_h("id + 2")} %% 3, 2 + {_h("id + 3")} %% 4, '', id
               FROM bookings_booking WHERE status = 'completed' AND id %% 3 = 0
               UNION ALL
               SELECT now(), now(), 'host', '', '', now(), now(), now(), 2 + {_h("id")} %% 4, '', NULL, NULL, '', id
               FROM bookings_booking WHERE status = 'completed' AND id %% 4 = 0""",
            {},
        ),
        (
            "feedback on activities at school",
            f"""INSERT INTO overview_feedback (created_at, updated_at, respondent, link_nonce, token_hash, sent_at,
                   expires_at, answered_at, rating, goals_met, interest_before, interest_after, comment,
                   plan_activity_id)
               SELECT now(), now(), 'teacher', '', '', now(), now(), now(), 1 + {_h("id")} %% 5, 'yes',
                   1 + {_h("id + 2")} %% 3, 2 + {_h("id + 3")} %% 4, '', id
               FROM adoptions_planactivity WHERE booking_id IS NULL AND id %% 3 = 0""",
            {},
        ),
        (
            "open days",
            """INSERT INTO opendays_openday (created_at, updated_at, title, description, date, age_min, age_max,
                   gender_focus, applications_open, applications_close, preferences, weight_first_time,
                   weight_outlying, offer_hours, retention_days, status)
               SELECT now(), now(), 'Åben dag ' || y || '-' || d, '', make_date(y + 1, 4, 10 + d), 13, 19,
                   CASE WHEN d %% 3 = 0 THEN 'girls' ELSE '' END,
                   make_timestamptz(y + 1, 1, 10, 9, 0, 0, 'Europe/Copenhagen'),
                   make_timestamptz(y + 1, 3, 10, 9, 0, 0, 'Europe/Copenhagen'), 3, 1, 1, 48, 90, 'closed'
               FROM generate_series(%(first)s, %(last)s) y, generate_series(1, 10) d""",
            {"first": first_year, "last": first_year + years - 1},
        ),
        (
            "open days' areas",
            """INSERT INTO opendays_openday_municipalities (openday_id, municipality_id)
               SELECT o.id, m.codes[1 + (o.id * 7 + i) %% m.n]
               FROM opendays_openday o, generate_series(0, 9) i,
                   (SELECT array_agg(code ORDER BY code) codes, count(*) n FROM core_municipality) m
               ON CONFLICT DO NOTHING""",
            {},
        ),
        (
            "open-day hosts",
            """INSERT INTO opendays_host (created_at, updated_at, address, postcode, city, places, starts_at,
                   ends_at, programme, role_models_text, safety_notes, company_id, open_day_id)
               SELECT now(), now(), 'Erhvervsvej 1', '9000', 'By', 5 + (o.id + i) %% 10, '09:00', '14:00',
                   'Rundvisning', '', '', 1 + (o.id * 20 + i) %% %(companies)s, o.id
               FROM opendays_openday o, generate_series(1, 20) i""",
            {"companies": companies},
        ),
        (
            "open-day applications",
            f"""INSERT INTO opendays_application (created_at, updated_at, first_name, age, grade, email,
                   guardian_email, first_time, status, link_nonce, token_hash, guardian_token_hash, outcome,
                   attended, municipality_id, host_id, open_day_id)
               SELECT now(), now(), '', 15, 9, '', '', true,
                   CASE WHEN {_h("h.id + i")} < 90 THEN 'confirmed' ELSE 'expired' END, '', '', '',
                   CASE WHEN {_h("h.id + i")} < 80 THEN 'placed' WHEN {_h("h.id + i")} < 90 THEN 'waitlisted'
                        ELSE '' END,
                   CASE WHEN {_h("h.id + i")} < 70 THEN true WHEN {_h("h.id + i")} < 80 THEN false END,
                   (SELECT min(municipality_id) FROM opendays_openday_municipalities WHERE openday_id = h.open_day_id),
                   h.id, h.open_day_id
               FROM opendays_host h, generate_series(1, 8) i""",
            {},
        ),
        (
            "open-day survey",
            f"""INSERT INTO opendays_surveyresponse (created_at, updated_at, respondent, interest_before,
                   interest_after, rating, comment, application_id, open_day_id)
               SELECT now(), now(), 'participant', 1 + {_h("id")} %% 3, 2 + {_h("id + 1")} %% 4,
                   2 + {_h("id + 2")} %% 4, '', id, open_day_id
               FROM opendays_application WHERE attended AND id %% 2 = 0""",
            {},
        ),
        (
            "an adoption round marking outlying municipalities",
            """WITH r AS (
                   INSERT INTO adoptions_adoptionround (created_at, updated_at, title, school_year, status,
                       weight_outlying, weight_never_adopted, weight_grey_zone)
                   VALUES (now(), now(), 'Hele landet', %(last)s, 'closed', 200, 100, 300) RETURNING id)
               INSERT INTO adoptions_adoptionround_outlying_municipalities (adoptionround_id, municipality_id)
               SELECT r.id, code FROM r, core_municipality WHERE code IN (825, 773, 787) OR code %% 7 = 0""",
            {"last": first_year + years - 1},
        ),
    ]
    made: dict[str, int] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for name, sql, params in steps:
            started = time.perf_counter()
            # Only whole numbers of this script go into the SQL; formatted here, as a utility
            # statement (CREATE TABLE AS) takes no bound parameters.
            cursor.execute(sql % params)
            made[name] = cursor.rowcount
            print(f"  {name}: {cursor.rowcount:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        for table in (
            "accounts_user",
            "companies_company",
            "bookings_offer",
            "schools_school",
            "schools_teacher",
            "schools_schoolclass",
            "bookings_slot",
            "bookings_booking",
        ):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("DROP TABLE bench_booking")
    return made


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


# Measuring -----------------------------------------------------------------------------------------


def timed(function, repeat: int) -> tuple[float, float, int]:
    """Median and slowest of `repeat` runs after one warm-up, in seconds, and the queries of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        function()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), max(runs), len(queries)


def trivial_query() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


# The pages, as a consultant's browser asks for them -------------------------------------------------


def consultant(username: str, area: tuple[int, ...] | None):
    """A consultant with the whole country (no area) or the given municipalities as their area."""
    from accounts.models import User

    user, _ = User.objects.get_or_create(username=username, defaults={"is_consultant": True})
    user.area.set(area or ())
    return user


def timed_get(client, url: str, repeat: int) -> tuple[float, float, int, int]:
    """Median and slowest of `repeat` GETs after one warm-up, in seconds, the queries of the
    warm-up and the size of the answer; an answer other than 200 stops the benchmark."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()  # as each request does: the capture counts from an empty log
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    statements = len(queries)  # now: the capture reads the connection's log, which the next request empties
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code}")
    size = len(response.content)
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        len(client.get(url).content)  # a streamed answer is made only as it is read
        runs.append(time.perf_counter() - started)
    return statistics.median(runs), max(runs), statements, size


def largest_table(this_year: int) -> tuple[str, str, int]:
    """The section and key of the national table with the most rows (the one whose CSV is timed)."""
    from overview.figures import SECTION_KEYS, Scope, section_tables

    scope = Scope(this_year, None)
    return max(
        ((key, table.key, len(table.rows)) for key in SECTION_KEYS for table in section_tables(scope, key)),
        key=lambda found: found[2],
    )


def measure_pages(this_year: int, region: tuple[int, ...], repeat: int) -> float:
    """Time every dashboard page, the annual report, a workbook and the largest CSV through
    Django's test client for a national and a regional consultant; returns the slowest run."""
    from django.test import Client
    from django.urls import reverse

    from overview.figures import SECTION_KEYS

    section, table, rows = largest_table(this_year)
    pages = [(key, reverse("overview-section", args=[key])) for key in SECTION_KEYS]
    pages += [
        ("annual report", reverse("overview-report")),
        (f"{section}.xlsx", reverse("overview-section-xlsx", args=[section])),
        (f"{table}.csv", reverse("overview-table-csv", args=[section, table])),
    ]
    print(f"\npages through Django's test client (the CSV: {section}/{table}, {rows:,} rows nationally)")
    print(f"{'page':<22} {'consultant':<12} {'median':>9} {'slowest':>9} {'queries':>8} {'size':>9} {'× ping':>7}")
    worst = 0.0
    counts: dict[str, list[int]] = {}
    for name, area in (("Denmark", None), (REGION, region)):
        client = Client()
        client.force_login(consultant(f"bench-konsulent-{name.lower()}", area))
        ping_median, ping_max, _, _ = timed_get(client, "/api/v1/ping/", max(repeat, 20))
        print(f"{'ping':<22} {name:<12} {ping_median * 1000:>7.1f}ms {ping_max * 1000:>7.1f}ms")
        for page, url in pages:
            median, slowest, queries, size = timed_get(client, url, repeat)
            worst = max(worst, slowest)
            counts.setdefault(page, []).append(queries)
            print(
                f"{page:<22} {name:<12} {median * 1000:>7.0f}ms {slowest * 1000:>7.0f}ms {queries:>8} "
                f"{size / 1024:>7.0f}kB {median / ping_median:>7,.0f}"
            )
    # A regional consultant's scope is named on the page and on each sheet (one lookup of the
    # area's names each); beyond that, nine times the data in scope must add no statement.
    extra = {page: max(seen) - min(seen) for page, seen in counts.items()}
    print(
        "statements per page, the region's beside the country's: "
        + ", ".join(f"{page} +{n}" for page, n in extra.items())
        + " (the area's names, once a page or sheet)"
    )
    return worst


def main() -> None:
    use_project_interpreter(__file__)
    args = parse_args(sys.argv[1:])
    url = database_url(args.postgres_url)
    rebuild = not (args.reuse and database_exists(args.postgres_url))
    if rebuild:
        admin_execute(args.postgres_url, f"DROP DATABASE IF EXISTS {DATABASE}", f"CREATE DATABASE {DATABASE}")
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from core.dates import school_year_label, school_year_of
    from core.models import Municipality
    from overview.facts import facts_refresh
    from overview.figures import SECTION_KEYS, Scope, section_tables
    from overview.models import Encounter

    this_year = school_year_of(timezone.localdate())
    first_year = this_year - args.years + 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, python {platform.python_version()}, "
        f"PostgreSQL {version}"
    )
    try:
        if rebuild:
            started = time.perf_counter()
            call_command("migrate", verbosity=0, interactive=False)
            print(f"migrated in {time.perf_counter() - started:.1f} s; building history:", flush=True)
            started = time.perf_counter()
            build(args, first_year)
            analyze()
            print(f"built in {time.perf_counter() - started:.1f} s", flush=True)
        else:
            call_command("migrate", verbosity=0, interactive=False)
        if rebuild or args.refresh:
            refreshes = []
            for year in range(first_year, this_year + 1):
                began = time.perf_counter()
                rows = facts_refresh(school_year=year)
                refreshes.append(time.perf_counter() - began)
                print(
                    f"  refreshed {school_year_label(year)}: {rows:,} encounters in {refreshes[-1]:.1f} s", flush=True
                )
            analyze()
            print(
                f"refresh of one school year: median {statistics.median(refreshes):.2f} s, "
                f"slowest {max(refreshes):.2f} s (the schedule refreshes two every 15 minutes)"
            )
        region = tuple(Municipality.objects.filter(region=REGION).values_list("code", flat=True))
        print(
            f"history: {Encounter.objects.count():,} encounters over {args.years} school years, "
            f"{Municipality.objects.count()} municipalities; region {REGION}: {len(region)} municipalities"
        )
        floor_median, floor_max, _ = timed(trivial_query, max(args.repeat, 20))
        print(f"trivial query (SELECT 1): median {floor_median * 1000:.2f} ms, slowest {floor_max * 1000:.2f} ms")
        print(f"\n{'section':<12} {'scope':<12} {'median':>9} {'slowest':>9} {'queries':>8} {'× SELECT 1':>11}")
        worst = 0.0
        for key in SECTION_KEYS:
            for name, codes in (("Denmark", None), (REGION, region)):
                scope = Scope(this_year, codes)
                median, slowest, queries = timed(lambda scope=scope, key=key: section_tables(scope, key), args.repeat)
                worst = max(worst, slowest)
                print(
                    f"{key:<12} {name:<12} {median * 1000:>7.0f}ms {slowest * 1000:>7.0f}ms {queries:>8} "
                    f"{median / floor_median:>11,.0f}"
                )
        verdict = "under" if worst < FLOOR_SECONDS else "OVER"
        print(f"\nslowest section run: {worst * 1000:.0f} ms, {verdict} the floor of {FLOOR_SECONDS * 1000:.0f} ms")
        worst_page = measure_pages(this_year, region, args.repeat)
        verdict = "under" if worst_page < FLOOR_SECONDS else "OVER"
        print(f"slowest page run: {worst_page * 1000:.0f} ms, {verdict} the floor of {FLOOR_SECONDS * 1000:.0f} ms")
    finally:
        connection.close()
        if not args.keep:
            admin_execute(args.postgres_url, f"DROP DATABASE IF EXISTS {DATABASE}")


if __name__ == "__main__":
    main()
