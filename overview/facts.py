"""The dashboard's summary table (Encounter), rebuilt a school year at a time inside the database.

Each refresh replaces a year's rows with one INSERT … SELECT per source, built from ORM querysets
(compiled, never evaluated): no row passes through Python, so a year of a national installation
refreshes in seconds. Figures then group this one table without joins."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from adoptions.models import Adoption, PlanActivity
from bookings.models import Booking, Offer, Slot
from core.dates import school_year_of
from overview.models import (
    ActivityTotal,
    BookingTotal,
    ClassReach,
    Encounter,
    FactsRefresh,
    FeedbackTotal,
    SectorReach,
)
from schools.models import SchoolClass

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# How often the schedule made by migration 0003 recomputes the figures; the dashboard says so,
# as an answer or an attendance mark reaches the figures only then.
REFRESH_MINUTES = 15
# What a source query selects, in the summary table's column order.
COLUMNS = (
    "school_year",
    "month",
    "kind",
    "is_adoption",
    "status",
    "booking_id",
    "plan_activity_id",
    "adoption_id",
    "class_id",
    "grade",
    "pupils",
    "school_id",
    "school_kind",
    "municipality_code",
    "company_id",
    "company_sector",
    "strength",
    "teacher_rating",
    "host_rating",
    "goals_met",
    "interest_before",
    "interest_after",
)


def school_year_bounds(school_year: int) -> tuple[dt.datetime, dt.datetime]:
    """1 August of `school_year` to 1 August a year on, midnight in Copenhagen."""
    return (
        dt.datetime(school_year, 8, 1, tzinfo=COPENHAGEN),
        dt.datetime(school_year + 1, 8, 1, tzinfo=COPENHAGEN),
    )


def _answered(respondent: str) -> FilteredRelation:
    """The activity's answered feedback from `respondent` (at most one: a unique constraint)."""
    return FilteredRelation(
        "feedback", condition=Q(feedback__respondent=respondent, feedback__answered_at__isnull=False)
    )


def _feedback_columns() -> dict[str, object]:
    return {
        "teacher_rating": F("teacher_answer__rating"),
        "host_rating": F("host_answer__rating"),
        "goals_met": Coalesce(F("teacher_answer__goals_met"), Value(""), output_field=CharField()),
        "interest_before": F("teacher_answer__interest_before"),
        "interest_after": F("teacher_answer__interest_after"),
    }


def _month(expression: object) -> TruncMonth:
    """The first day of the month, in Copenhagen, of a moment."""
    return TruncMonth(TruncDate(expression, tzinfo=COPENHAGEN))


def _text(path: str, fallback: str) -> Coalesce:
    return Coalesce(F(path), F(fallback), Value(""), output_field=CharField())


def bookings_source(school_year: int) -> QuerySet:
    """One row per booking whose slot starts in the school year, whatever its status. A teacher
    visit has no class: its school is the teacher's and it brings no pupils. Its business
    strength is the first sector (by code) its offer names, or none."""
    start, end = school_year_bounds(school_year)
    first_sector = (
        Offer.sectors.through.objects.filter(offer_id=OuterRef("slot__offer_id"))
        .order_by("sector_id")
        .values("sector_id")[:1]
    )
    columns = {
        "school_year": Value(school_year, output_field=IntegerField()),
        "month": _month("slot__start"),
        "kind": F("slot__offer__kind"),
        "is_adoption": Case(
            When(plan_activity__isnull=False, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        "status": Case(
            When(status=Booking.Status.COMPLETED, then=Value(Encounter.Status.HELD.value)),
            default=F("status"),
            output_field=CharField(),
        ),
        "booking_id": F("id"),
        "plan_activity_id": F("plan_activity__id"),
        "adoption_id": F("plan_activity__plan__adoption_id"),
        "class_id": F("school_class_id"),
        "grade": F("school_class__grade"),
        "pupils": F("pupils"),
        "school_id": Coalesce(F("school_class__school_id"), F("teacher__school_id")),
        "school_kind": _text("school_class__school__kind", "teacher__school__kind"),
        "municipality_code": Coalesce(
            F("school_class__school__municipality_id"), F("teacher__school__municipality_id")
        ),
        "company_id": F("slot__offer__company_id"),
        "company_sector": F("slot__offer__company__sector_id"),
        "strength": Coalesce(Subquery(first_sector), Value(""), output_field=CharField()),
        **_feedback_columns(),
    }
    return (
        Booking.objects.filter(slot__start__gte=start, slot__start__lt=end)
        .annotate(teacher_answer=_answered("teacher"), host_answer=_answered("host"))
        .order_by()
        .values(**{f"f_{name}": columns[name] for name in COLUMNS})
    )


def activities_source(school_year: int) -> QuerySet:
    """One row per adoption activity of the school year's plans done without a booking (at
    school): held, in the month it started or was planned for. It has no offer, so its business
    strength is the adopting company's sector, the one its private offers would name."""
    columns = {
        "school_year": Value(school_year, output_field=IntegerField()),
        "month": Coalesce(_month("starts_at"), TruncMonth("planned_month")),
        "kind": F("kind"),
        "is_adoption": Value(True, output_field=BooleanField()),
        "status": Value(Encounter.Status.HELD.value, output_field=CharField()),
        "booking_id": Value(None, output_field=IntegerField()),
        "plan_activity_id": F("id"),
        "adoption_id": F("plan__adoption_id"),
        "class_id": F("plan__adoption__school_class_id"),
        "grade": F("plan__adoption__school_class__grade"),
        "pupils": F("plan__adoption__school_class__pupils"),
        "school_id": F("plan__adoption__school_class__school_id"),
        "school_kind": F("plan__adoption__school_class__school__kind"),
        "municipality_code": F("plan__adoption__school_class__school__municipality_id"),
        "company_id": F("plan__adoption__company_id"),
        "company_sector": F("plan__adoption__company__sector_id"),
        "strength": F("plan__adoption__company__sector_id"),
        **_feedback_columns(),
    }
    return (
        PlanActivity.objects.filter(
            status=PlanActivity.Status.DONE, booking__isnull=True, plan__adoption__school_year=school_year
        )
        .annotate(teacher_answer=_answered("teacher"), host_answer=_answered("host"))
        .order_by()
        .values(**{f"f_{name}": columns[name] for name in COLUMNS})
    )


CLASS_COLUMNS = (
    "school_year",
    "class_id",
    "grade",
    "pupils",
    "school_id",
    "school_kind",
    "municipality_code",
    "encounters",
    "reached_pupils",
    "adopted",
    "adoption_activities",
    "target_activities",
)


def classes_source(school_year: int) -> QuerySet:
    """One row per class of the school year, with what its encounters of the year (already
    rebuilt) came to: how many held or confirmed, the most pupils of one, how many of them were
    adoption activities, and its adoption and the annual plan's target, if adopted."""
    reached = Encounter.objects.filter(
        class_id=OuterRef("pk"), school_year=school_year, status__in=Encounter.REACHED
    ).order_by()

    def per_class(encounters: QuerySet, aggregate: object) -> Coalesce:
        return Coalesce(Subquery(encounters.values("class_id").annotate(v=aggregate).values("v")), 0)

    adoption = Adoption.objects.filter(school_class=OuterRef("pk"), school_year=school_year).order_by("-id")
    columns = {
        "school_year": Value(school_year, output_field=IntegerField()),
        "class_id": F("id"),
        "grade": F("grade"),
        "pupils": F("pupils"),
        "school_id": F("school_id"),
        "school_kind": F("school__kind"),
        "municipality_code": F("school__municipality_id"),
        "encounters": per_class(reached, Count("id")),
        "reached_pupils": per_class(reached, Max("pupils")),
        "adopted": Exists(adoption),
        "adoption_activities": per_class(reached.filter(is_adoption=True), Count("id")),
        "target_activities": Subquery(adoption.values("plan__target_activities")[:1]),
    }
    return (
        SchoolClass.objects.filter(school_year=school_year)
        .order_by()
        .values(**{f"f_{name}": columns[name] for name in CLASS_COLUMNS})
    )


def _grouped(school_year: int, by: tuple[str, ...], totals: dict[str, object], **where: object) -> QuerySet:
    """The school year's encounters (those matching `where`) grouped by the columns `by`, with
    the aggregates `totals`, as a source for _insert_from (names prefixed f_)."""
    return (
        Encounter.objects.filter(school_year=school_year, **where)
        .values(**{f"f_{name}": F(name) for name in by})
        .annotate(**{f"f_{name}": total for name, total in totals.items()})
        .order_by()
    )


def _attendance() -> dict[str, object]:
    """All bookings, the no-shows and the cancellations."""
    return {
        "bookings": Count("id"),
        "no_shows": Count("id", filter=Q(status=Encounter.Status.NO_SHOW)),
        "cancelled": Count("id", filter=Q(status=Encounter.Status.CANCELLED)),
    }


def activity_totals_source(school_year: int) -> QuerySet:
    """The counted activities per municipality, month and business strength."""
    return _grouped(
        school_year,
        ("school_year", "municipality_code", "month", "strength"),
        {"activities": Count("id")},
        status__in=Encounter.REACHED,
    )


def feedback_totals_source(school_year: int) -> QuerySet:
    """The answered feedback's counts and sums per municipality and kind of activity."""
    return _grouped(
        school_year,
        ("school_year", "municipality_code", "kind", "is_adoption"),
        {
            "answers": Count("teacher_rating"),
            "teacher_sum": Sum("teacher_rating"),
            "host_n": Count("host_rating"),
            "host_sum": Sum("host_rating"),
            "goals_n": Count("id", filter=~Q(goals_met="")),
            "goals_yes": Count("id", filter=Q(goals_met="yes")),
            "before_n": Count("interest_before"),
            "before_sum": Sum("interest_before"),
            "after_n": Count("interest_after"),
            "after_sum": Sum("interest_after"),
        },
    )


def booking_totals_sources(school_year: int) -> list[QuerySet]:
    """Each school's bookings, then each company's bookings per municipality of the schools."""
    return [
        _grouped(school_year, ("school_year", "municipality_code", by), _attendance(), **where)
        for by, where in (
            ("school_id", {"booking_id__isnull": False, "school_id__isnull": False}),
            ("company_id", {"booking_id__isnull": False, "company_id__isnull": False}),
        )
    ]


SECTOR_COLUMNS = ("school_year", "municipality_code", "company_sector", "classes", "pupils")


def _sector_reach_insert(school_year: int) -> None:
    """The classes reached per municipality and company sector, and their pupils: the reached
    encounters grouped per class first (its largest encounter's pupils), then again, in one
    INSERT … SELECT over a derived table."""
    per_class = (
        Encounter.objects.filter(school_year=school_year, status__in=Encounter.REACHED, class_id__isnull=False)
        .values("municipality_code", "company_sector", "class_id")
        .annotate(class_pupils=Max("pupils"))
        .order_by()
    )
    sql, params = per_class.query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(SectorReach._meta.db_table)
    names = ", ".join(quote(SectorReach._meta.get_field(name).column) for name in SECTOR_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT %s, municipality_code, company_sector, COUNT(*), "
            f"SUM(class_pupils) FROM ({sql}) reached GROUP BY municipality_code, company_sector",
            (school_year, *params),
        )


def _insert_from(
    queryset: QuerySet, *, into: type[Model] = Encounter, columns: tuple[str, ...] | None = COLUMNS
) -> int:
    """INSERT INTO the summary table `into` the rows `queryset` selects; the number of rows.
    `columns` None: the columns the query selects, named f_<column>, in its order."""
    compiler = queryset.query.get_compiler(using=queryset.db)
    compiler.setup_query()
    selected = [alias for _, _, alias in compiler.select]
    if columns is None:
        columns = tuple(alias.removeprefix("f_") for alias in selected)
    assert selected == [f"f_{name}" for name in columns], selected  # the SELECT's order is the INSERT's
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(into._meta.db_table)
    names = ", ".join(connection.ops.quote_name(into._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        return cursor.rowcount


def _analyze(model: type[Model]) -> None:
    """Let PostgreSQL's planner know the table just changed by a year's worth of rows: on a first
    refresh of every year the statistics would otherwise still say "empty", and the per-class
    lookups of the next step, planned as scans, take minutes instead of seconds (ANALYZE samples
    a bounded number of rows, and counts this transaction's own)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


TOTALS = (ActivityTotal, FeedbackTotal, SectorReach, BookingTotal)


def _totals_insert(school_year: int) -> None:
    """The encounters' totals of the school year (its encounters already rebuilt)."""
    _insert_from(activity_totals_source(school_year), into=ActivityTotal, columns=None)
    _insert_from(feedback_totals_source(school_year), into=FeedbackTotal, columns=None)
    for source in booking_totals_sources(school_year):
        _insert_from(source, into=BookingTotal, columns=None)
    _sector_reach_insert(school_year)


def facts_refresh(*, school_year: int) -> int:
    """Rebuild the school year's encounters from bookings and adoption plans, then its classes'
    summary and the encounters' totals from those encounters, in one transaction (a reader sees the old rows or the new, never half); returns the rows made.
    Refreshes of the same year queue behind one another on the year's FactsRefresh row."""
    started = time.perf_counter()
    FactsRefresh.objects.get_or_create(school_year=school_year, defaults={"refreshed_at": timezone.now()})
    with transaction.atomic():
        FactsRefresh.objects.select_for_update().get(school_year=school_year)
        Encounter.objects.filter(school_year=school_year).delete()
        for summary in (ClassReach, *TOTALS):
            summary.objects.filter(school_year=school_year).delete()
        rows = _insert_from(bookings_source(school_year)) + _insert_from(activities_source(school_year))
        _analyze(Encounter)
        _insert_from(classes_source(school_year), into=ClassReach, columns=CLASS_COLUMNS)
        _analyze(ClassReach)
        _totals_insert(school_year)
        FactsRefresh.objects.filter(school_year=school_year).update(
            refreshed_at=timezone.now(), rows=rows, seconds=time.perf_counter() - started
        )
    return rows


def years_with_history() -> list[int]:
    """Every school year from the first slot or adoption on to the current one."""
    current = school_year_of(timezone.localdate())
    first_slot = Slot.objects.order_by("start").values_list("start", flat=True).first()
    first_adoption = Adoption.objects.order_by("school_year").values_list("school_year", flat=True).first()
    first = min(
        [current]
        + ([school_year_of(timezone.localtime(first_slot).date())] if first_slot else [])
        + ([first_adoption] if first_adoption else [])
    )
    return list(range(first, current + 1))


def facts_refresh_recent() -> int:
    """Refresh the current and the previous school year (what changes from day to day: late
    attendance marks and feedback land in the year just past); the schedule's task."""
    current = school_year_of(timezone.localdate())
    return sum(facts_refresh(school_year=year) for year in (current - 1, current))
