"""The dashboard's figures, as tables that the pages chart, print and export.

Every figure is computed in the database (aggregations over the summary table of encounters, kept
current by a task), never by loading rows into Python. Each table puts the chosen school year
beside the previous one, so a page never shows a figure without the year before it.

The pages (web/) know nothing of how a figure is computed: they render a `Table` as a chart (its
`chart` kind, over its `chart_columns`), as an accessible HTML table under the chart, as CSV and as
Excel, and the annual report prints every section's tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from adoptions.models import AdoptionRound
from bookings.models import Offer
from companies.models import Company
from core.dates import school_year_label, school_year_of
from core.errors import DomainError
from core.models import Municipality, Sector
from opendays.models import Application, Host, OpenDay, SurveyResponse
from overview.models import (
    ActivityTotal,
    BookingTotal,
    ClassReach,
    FactsRefresh,
    FeedbackTotal,
    SectorReach,
)
from schools.models import Grade, School, SchoolClass

if TYPE_CHECKING:
    from accounts.models import User

ColumnKind = Literal["label", "count", "share", "score", "number"]
ChartKind = Literal["bars", "line", "grid"]


@dataclass(frozen=True)
class Scope:
    """What a dashboard shows: one school year (its first calendar year: 2026 is 2026/27) and the
    municipalities chosen within the user's area (None: the whole installation)."""

    school_year: int
    municipality_codes: tuple[int, ...] | None


@dataclass(frozen=True)
class Column:
    """One column of a table. `kind` says how a cell is shown: "label" text (the first column),
    "count" a whole number, "share" a fraction 0–1 shown as a percentage, "score" an average on
    the 1–5 scale with one decimal, "number" any other number with one decimal. Empty cells are
    None (no data), never 0 made up."""

    key: str
    label: str | Promise
    kind: ColumnKind


@dataclass(frozen=True)
class Table:
    """A table of figures. `key` names it in export addresses (a slug, unique on its section);
    `chart` says how the page draws it (None: a table only); `chart_columns` are the keys of the
    numeric columns the chart plots (typically this year's and last year's); on a "grid" chart
    the rows' first column is a municipality name and `row_keys` hold their municipality codes."""

    key: str
    title: str | Promise
    columns: tuple[Column, ...]
    rows: tuple[tuple[object, ...], ...]
    chart: ChartKind | None = None
    chart_columns: tuple[str, ...] = ()
    description: str | Promise = ""
    row_keys: tuple[object, ...] = field(default=())


@dataclass(frozen=True)
class Section:
    """One dashboard page: a title and the tables it shows for a scope."""

    key: str
    title: str | Promise
    tables: Callable[[Scope], list[Table]]


SECTION_KEYS = ("reach", "adoptions", "open_days", "effect", "attendance", "unreached")


# The figures ----------------------------------------------------------------------------------
#
# Each table is one or two aggregate queries over the summary tables (overview.models: ClassReach,
# one row per class and year, and the encounters' totals per municipality) or, for open days, the domain's
# own small tables, grouped by school year so the chosen year and the one before come back
# together: a section costs the same few queries whatever the area's size.

AALBORG = 851  # the region's city, beside which the outlying municipalities are shown
# The most rows a list of schools, companies or named classes holds (the largest first, or in
# order): a page stays readable and fast for the whole country; the area's totals are exact.
RANKED_ROWS = 100
NAMED_ROWS = 2000
NOT_ALLOWED = _("Only a consultant sees the overview.")
OUTSIDE_AREA = _("Choose municipalities within your area.")
NO_SUCH_YEAR = _("Choose a school year between 2000 and 2099.")
REACHED_DEFINITION = _(
    "A class is reached by a company visit, an expert visit or an adoption activity that was held, or "
    "that the host has confirmed (a request still awaiting the host, a waitlisted, declined or cancelled "
    "booking and a no-show do not count). Teacher visits bring no class."
)
ACTIVITY_DEFINITION = _(
    "Activities: bookings held or confirmed (the month of the visit) and adoption activities done "
    "without a booking (the month they started or were planned for)."
)


def _years(scope: Scope) -> tuple[int, int]:
    return scope.school_year, scope.school_year - 1


def _in_area(scope: Scope, path: str) -> Q:
    """The condition "in the scope's municipalities" on the municipality code at `path`."""
    return Q() if scope.municipality_codes is None else Q(**{f"{path}__in": scope.municipality_codes})


def _summary(scope: Scope, model: type[Model]) -> QuerySet:
    """The scope's rows of the summary table `model` of the chosen and the previous school year."""
    return model.objects.filter(school_year__in=_years(scope)).filter(_in_area(scope, "municipality_code"))


def _year_column(key: str, label: str | Promise, kind: ColumnKind, year: int) -> Column:
    return Column(key, format_lazy("{} {}", label, school_year_label(year)), kind)


def _pair(key: str, label: str | Promise, kind: ColumnKind, scope: Scope) -> tuple[Column, Column]:
    """The column for the chosen year and the same for the previous one (key + "_previous")."""
    this, last = _years(scope)
    return _year_column(key, label, kind, this), _year_column(f"{key}_previous", label, kind, last)


def _share(part: float | None, whole: float | None) -> float | None:
    return None if not whole or part is None else part / whole


def _mean(total: float | None, count: int | None) -> float | None:
    return None if not count or total is None else total / count


def _school_year_of_date(path: str) -> Case:
    """The school year of the date at `path`, in SQL: its year, less one before August."""
    return Case(
        When(**{f"{path}__month__gte": 8}, then=ExtractYear(path)),
        default=ExtractYear(path) - 1,
        output_field=IntegerField(),
    )


def _classes(scope: Scope) -> QuerySet[ClassReach]:
    """The scope's classes of the chosen and the previous school year, as the summary holds them."""
    return ClassReach.objects.filter(school_year__in=_years(scope)).filter(_in_area(scope, "municipality_code"))


def _reached_by(scope: Scope, by: str) -> dict[tuple[int, object], tuple[int, int]]:
    """Classes reached and their pupils by school year and a column of the class: (year,
    value) → (classes, pupils), a class's pupils the most of one of its encounters."""
    return {
        (row["school_year"], row[by]): (row["classes"], row["pupils"])
        for row in _classes(scope)
        .filter(encounters__gt=0)
        .values("school_year", by)
        .annotate(classes=Count("id"), pupils=Sum("reached_pupils"))
        .order_by()
    }


def _sectors_reached(scope: Scope) -> dict[tuple[int, str], tuple[int, int]]:
    """Classes reached and their pupils by school year and the company's sector: (year, sector)
    → (classes, pupils). A class counts once per sector, with its largest encounter's pupils."""
    return {
        (row["school_year"], row["company_sector"]): (row["classes"], row["pupils"])
        for row in _summary(scope, SectorReach)
        .values("school_year", "company_sector")
        .annotate(classes=Sum("classes"), pupils=Sum("pupils"))
        .order_by()
    }


def _reach_table(
    scope: Scope,
    *,
    key: str,
    title: str | Promise,
    first: str | Promise,
    rows: list[tuple[object, str | Promise]],
    reached: dict[tuple[int, object], tuple[int, int]],
    chart: ChartKind = "bars",
) -> Table:
    """Classes and pupils reached for each (value, label) of `rows`, this year beside last."""
    this, last = _years(scope)
    empty = (None, None)
    return Table(
        key=key,
        title=title,
        columns=(
            Column("label", first, "label"),
            *_pair("classes", _("Classes reached"), "count", scope),
            *_pair("pupils", _("Pupils reached"), "count", scope),
        ),
        rows=tuple(
            (
                label,
                reached.get((this, value), empty)[0],
                reached.get((last, value), empty)[0],
                reached.get((this, value), empty)[1],
                reached.get((last, value), empty)[1],
            )
            for value, label in rows
        ),
        chart=chart,
        chart_columns=("classes", "classes_previous"),
        description=REACHED_DEFINITION,
        row_keys=tuple(value for value, _label in rows) if chart == "grid" else (),
    )


def _municipalities(scope: Scope) -> list[tuple[int, str]]:
    return list(Municipality.objects.filter(_in_area(scope, "code")).order_by("name").values_list("code", "name"))


def _sectors() -> list[tuple[str, str]]:
    return [(sector.code, sector.name) for sector in Sector.objects.order_by("name_da")]


def reach_by_municipality(scope: Scope) -> Table:
    return _reach_table(
        scope,
        key="municipalities",
        title=_("Classes and pupils reached, by municipality"),
        first=_("Municipality"),
        rows=_municipalities(scope),
        reached=_reached_by(scope, "municipality_code"),
        chart="grid",
    )


def reach_by_grade(scope: Scope) -> Table:
    reached = _reached_by(scope, "grade")
    grades = sorted({grade for _year, grade in reached})
    return _reach_table(
        scope,
        key="grades",
        title=_("Classes and pupils reached, by grade"),
        first=_("Grade"),
        rows=[(grade, Grade(grade).label) for grade in grades],
        reached=reached,
    )


def reach_by_school_kind(scope: Scope) -> Table:
    return _reach_table(
        scope,
        key="school-kinds",
        title=_("Classes and pupils reached, by kind of school"),
        first=_("Kind of school"),
        rows=list(School.Kind.choices),
        reached=_reached_by(scope, "school_kind"),
    )


def reach_by_sector(scope: Scope) -> Table:
    table = _reach_table(
        scope,
        key="sectors",
        title=_("Classes and pupils reached, by the company's sector"),
        first=_("Sector"),
        rows=_sectors(),
        reached=_sectors_reached(scope),
    )
    note = _("A class that met companies of several sectors counts in each.")
    return replace(table, description=format_lazy("{} {}", REACHED_DEFINITION, note))


ActivityCounts = dict[tuple[int, "dt.date | None", str], int]


def activity_counts(scope: Scope) -> ActivityCounts:
    """The counted activities by school year, month and business strength: one scan of the
    encounters serves both the months' and the strengths' table."""
    return {
        (row["school_year"], row["month"], row["strength"]): row["n"]
        for row in _summary(scope, ActivityTotal)
        .values("school_year", "month", "strength")
        .annotate(n=Sum("activities"))
        .order_by()
    }


def activities_by_month(scope: Scope, counted: ActivityCounts | None = None) -> Table:
    this, last = _years(scope)
    counts: dict[tuple[int, int], int] = {}
    for (year, month, _strength), n in (activity_counts(scope) if counted is None else counted).items():
        if month is not None:
            counts[(year, month.month)] = counts.get((year, month.month), 0) + n
    months = (8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7)
    return Table(
        key="months",
        title=_("Activities per month"),
        columns=(Column("month", _("Month"), "label"), *_pair("activities", _("Activities"), "count", scope)),
        rows=tuple((MONTHS[month], counts.get((this, month), 0), counts.get((last, month), 0)) for month in months),
        chart="line",
        chart_columns=("activities", "activities_previous"),
        description=ACTIVITY_DEFINITION,
    )


def activities_in_strengths(scope: Scope, counted: ActivityCounts | None = None) -> Table:
    this, last = _years(scope)
    counts: dict[tuple[int, str], int] = {}
    for (year, _month, strength), n in (activity_counts(scope) if counted is None else counted).items():
        counts[(year, strength)] = counts.get((year, strength), 0) + n
    totals = {year: sum(n for (y, _s), n in counts.items() if y == year) for year in (this, last)}
    in_any = {year: totals[year] - counts.get((year, ""), 0) for year in (this, last)}

    def row(label: str | Promise, this_n: int, last_n: int) -> tuple[object, ...]:
        return (label, this_n, _share(this_n, totals[this]), last_n, _share(last_n, totals[last]))

    return Table(
        key="strengths",
        title=_("Activities in the region's eight business strengths"),
        columns=(
            Column("strength", _("Business strength"), "label"),
            _year_column("activities", _("Activities"), "count", this),
            _year_column("share", _("Share"), "share", this),
            _year_column("activities_previous", _("Activities"), "count", last),
            _year_column("share_previous", _("Share"), "share", last),
        ),
        rows=(
            row(_("Any of the eight"), in_any[this], in_any[last]),
            *(row(name, counts.get((this, code), 0), counts.get((last, code), 0)) for code, name in _sectors()),
        ),
        chart="bars",
        chart_columns=("share", "share_previous"),
        description=format_lazy(
            "{} {}",
            ACTIVITY_DEFINITION,
            _(
                "An activity is in a business strength when its offer names a sector (the first by code "
                "if several); an adoption activity without a booking takes the adopting company's sector."
            ),
        ),
    )


def _outlying_codes() -> QuerySet:
    """The municipalities a consultant has marked outlying in any adoption round or open day."""
    return Municipality.objects.filter(
        Q(pk__in=AdoptionRound.outlying_municipalities.through.objects.values("municipality_id"))
        | Q(pk__in=OpenDay.outlying_municipalities.through.objects.values("municipality_id"))
    ).values("pk")


def outlying_beside_aalborg(scope: Scope) -> Table:
    this, last = _years(scope)
    group = Case(
        When(municipality_code=AALBORG, then=Value("aalborg")),
        When(municipality_code__in=_outlying_codes(), then=Value("outlying")),
        default=Value("other"),
        output_field=CharField(),
    )
    found = {
        (row["school_year"], row["group"]): (row["classes"], row["reached"])
        for row in _classes(scope)
        .values("school_year", group=group)
        .annotate(classes=Count("id"), reached=Count("id", filter=Q(encounters__gt=0)))
        .order_by()
    }
    groups = (
        ("aalborg", _("Aalborg")),
        ("outlying", _("Outlying municipalities")),
        ("other", _("Other municipalities")),
    )

    def cells(year: int, key: str) -> tuple[object, ...]:
        classes, reached = found.get((year, key), (None, None))
        return classes, reached, _share(reached, classes)

    return Table(
        key="outlying",
        title=_("Outlying municipalities beside Aalborg"),
        columns=(
            Column("area", _("Area"), "label"),
            _year_column("classes", _("Classes"), "count", this),
            _year_column("reached", _("Classes reached"), "count", this),
            _year_column("share", _("Share reached"), "share", this),
            _year_column("classes_previous", _("Classes"), "count", last),
            _year_column("reached_previous", _("Classes reached"), "count", last),
            _year_column("share_previous", _("Share reached"), "share", last),
        ),
        rows=tuple((label, *cells(this, key), *cells(last, key)) for key, label in groups),
        chart="bars",
        chart_columns=("share", "share_previous"),
        description=format_lazy(
            "{} {}",
            REACHED_DEFINITION,
            _("Outlying municipalities are those marked outlying in any adoption round or open day."),
        ),
    )


def reach_tables(scope: Scope) -> list[Table]:
    counted = activity_counts(scope)
    return [
        reach_by_municipality(scope),
        reach_by_grade(scope),
        reach_by_school_kind(scope),
        reach_by_sector(scope),
        activities_by_month(scope, counted),
        activities_in_strengths(scope, counted),
        outlying_beside_aalborg(scope),
    ]


# Adoptions ------------------------------------------------------------------------------------

ADOPTION_GRADES = (8, 9)


def adopted_share(scope: Scope) -> Table:
    this, last = _years(scope)
    found = {
        (row["school_year"], row["grade"]): (row["classes"], row["adopted"])
        for row in _classes(scope)
        .filter(grade__in=ADOPTION_GRADES)
        .values("school_year", "grade")
        .annotate(classes=Count("id"), adopted=Count("id", filter=Q(adopted=True)))
        .order_by()
    }

    def cells(year: int, grades: tuple[int, ...]) -> tuple[object, ...]:
        classes = sum(found.get((year, grade), (0, 0))[0] for grade in grades)
        adopted_n = sum(found.get((year, grade), (0, 0))[1] for grade in grades)
        return classes, adopted_n, _share(adopted_n, classes)

    rows = [(Grade(grade).label, (grade,)) for grade in ADOPTION_GRADES] + [(_("8th–9th grade"), ADOPTION_GRADES)]
    return Table(
        key="adopted",
        title=_("Share of 8th–9th grade classes adopted"),
        columns=(
            Column("grade", _("Grade"), "label"),
            _year_column("classes", _("Classes"), "count", this),
            _year_column("adopted", _("Adopted"), "count", this),
            _year_column("share", _("Share adopted"), "share", this),
            _year_column("classes_previous", _("Classes"), "count", last),
            _year_column("adopted_previous", _("Adopted"), "count", last),
            _year_column("share_previous", _("Share adopted"), "share", last),
        ),
        rows=tuple((label, *cells(this, grades), *cells(last, grades)) for label, grades in rows),
        chart="bars",
        chart_columns=("share", "share_previous"),
        description=_("A class is adopted in a school year when a company adopts it for that year (any status)."),
    )


def plan_progress(scope: Scope) -> Table:
    this, last = _years(scope)
    found = {
        row["school_year"]: row
        for row in _classes(scope)
        .filter(adopted=True)
        .values("school_year")
        .annotate(
            classes=Count("id"),
            activities=Sum("adoption_activities"),
            target_mean=Avg("target_activities"),
            at_target=Count("id", filter=Q(adoption_activities__gte=F("target_activities"))),
        )
        .order_by()
    }

    def row(year: int) -> tuple[object, ...]:
        figures = found.get(year)
        if figures is None:
            return (school_year_label(year), 0, 0, None, None, None, 0)
        per_class = _share(figures["activities"], figures["classes"])
        return (
            school_year_label(year),
            figures["classes"],
            figures["activities"],
            per_class,
            figures["target_mean"],
            _share(per_class, figures["target_mean"]),
            figures["at_target"],
        )

    return Table(
        key="plans",
        title=_("Activities per adopted class against the annual plan's target"),
        columns=(
            Column("year", _("School year"), "label"),
            Column("classes", _("Adopted classes"), "count"),
            Column("activities", _("Activities"), "count"),
            Column("per_class", _("Activities per class"), "number"),
            Column("target", _("Target per class"), "number"),
            Column("share", _("Share of target"), "share"),
            Column("at_target", _("Classes at their target"), "count"),
        ),
        rows=(row(this), row(last)),
        chart="bars",
        chart_columns=("per_class", "target"),
        description=format_lazy(
            "{} {}",
            _("Adoption activities held or confirmed (booked, or done without a booking) per adopted class."),
            _("The target is the annual plan's; a class without a plan has none."),
        ),
    )


def adoption_tables(scope: Scope) -> list[Table]:
    return [adopted_share(scope), plan_progress(scope)]


# Open days ------------------------------------------------------------------------------------


def _open_days(scope: Scope) -> QuerySet[OpenDay]:
    """The open days of the two school years whose area touches the scope."""
    this, last = _years(scope)
    days = OpenDay.objects.filter(date__gte=dt.date(last, 8, 1), date__lt=dt.date(this + 1, 8, 1))
    if scope.municipality_codes is not None:
        days = days.filter(
            Exists(
                OpenDay.municipalities.through.objects.filter(
                    openday_id=OuterRef("pk"), municipality_id__in=scope.municipality_codes
                )
            )
        )
    return days


def open_day_places(scope: Scope) -> Table:
    this, last = _years(scope)
    days = _open_days(scope)
    hosts = {
        row["year"]: row
        for row in Host.objects.filter(open_day__in=days)
        .values(year=_school_year_of_date("open_day__date"))
        .annotate(days=Count("open_day", distinct=True), hosts=Count("id"), places=Sum("places"))
        .order_by()
    }
    placed = Q(outcome=Application.Outcome.PLACED, status=Application.Status.CONFIRMED)
    girls = Q(open_day__gender_focus=OpenDay.GenderFocus.GIRLS)
    pupils = {
        row["year"]: row
        for row in Application.objects.filter(open_day__in=days)
        .values(year=_school_year_of_date("open_day__date"))
        .annotate(
            applied=Count("id", filter=~Q(status=Application.Status.EXPIRED)),
            placed=Count("id", filter=placed),
            came=Count("id", filter=Q(attended=True)),
            girls_placed=Count("id", filter=placed & girls),
            girls_attended=Count("id", filter=Q(attended=True) & girls),
        )
        .order_by()
    }

    def row(year: int) -> tuple[object, ...]:
        day = hosts.get(year, {})
        came = pupils.get(year, {})
        return (
            school_year_label(year),
            day.get("days", 0),
            day.get("hosts", 0),
            day.get("places", 0),
            came.get("applied", 0),
            came.get("placed", 0),
            _share(came.get("placed"), day.get("places")),
            came.get("came", 0),
            came.get("girls_placed", 0),
            came.get("girls_attended", 0),
        )

    return Table(
        key="places",
        title=_("Open-day places filled and girls reached"),
        columns=(
            Column("year", _("School year"), "label"),
            Column("days", _("Open days"), "count"),
            Column("hosts", _("Hosts"), "count"),
            Column("places", _("Places"), "count"),
            Column("applied", _("Applicants"), "count"),
            Column("placed", _("Placed"), "count"),
            Column("filled", _("Share of places filled"), "share"),
            Column("attended", _("Attended"), "count"),
            Column("girls_placed", _("Girls placed"), "count"),
            Column("girls_attended", _("Girls who attended"), "count"),
        ),
        rows=(row(this), row(last)),
        chart="bars",
        chart_columns=("places", "placed", "attended"),
        description=_(
            "Open days of the school year whose area includes a chosen municipality. Placed: applicants "
            "placed with a host who did not withdraw. Girls: the placed and attending pupils of days with a "
            "girls' gender focus (an application records no gender). Applicants leave out applications "
            "that expired unconfirmed."
        ),
    )


def open_day_tables(scope: Scope) -> list[Table]:
    return [open_day_places(scope)]


# Effect ---------------------------------------------------------------------------------------


def _kind_labels() -> dict[str, str | Promise]:
    return {**dict(Offer.Kind.choices), "adoption": _("Adoption activity")}


# FeedbackTotal's counts and sums, each summed over the municipalities and kinds a cell covers.
FEEDBACK_SUMS = ("answers", "teacher_sum", "host_n", "host_sum", "goals_n", "goals_yes")
FEEDBACK_SUMS += ("before_n", "before_sum", "after_n", "after_sum")


def feedback_by_kind(scope: Scope) -> Table:
    this, last = _years(scope)
    kind = Case(When(is_adoption=True, then=Value("adoption")), default=F("kind"), output_field=CharField())
    sums = {}
    for row in (
        _summary(scope, FeedbackTotal)
        .values("school_year", group=kind)
        .annotate(**{name: Sum(name) for name in FEEDBACK_SUMS})
        .order_by()
    ):
        sums[(row["school_year"], row["group"])] = row

    def total(year: int, kinds: list[str]) -> dict[str, int]:
        found = [sums[(year, name)] for name in kinds if (year, name) in sums]
        return {field: sum(row[field] or 0 for row in found) for field in FEEDBACK_SUMS}

    def cells(year: int, kinds: list[str]) -> dict[str, object]:
        t = total(year, kinds)
        return {
            "answers": t["answers"],
            "teacher": _mean(t["teacher_sum"], t["answers"]),
            "host": _mean(t["host_sum"], t["host_n"]),
            "goals": _share(t["goals_yes"], t["goals_n"]),
            "before": _mean(t["before_sum"], t["before_n"]),
            "after": _mean(t["after_sum"], t["after_n"]),
        }

    labels = _kind_labels()
    kinds = [name for name in labels if any((year, name) in sums for year in (this, last))]
    kinds += sorted({name for _year, name in sums} - set(kinds))
    keys = ("answers", "teacher", "host", "goals", "before", "after")
    rows = []
    for label, group in [(labels.get(name, name), [name]) for name in kinds] + [(_("All activities"), kinds)]:
        now, before = cells(this, group), cells(last, group)
        rows.append((label, *(value for key in keys for value in (now[key], before[key]))))
    return Table(
        key="feedback",
        title=_("Feedback scores and the pupils' interest before and after, by kind of activity"),
        columns=(
            Column("kind", _("Kind of activity"), "label"),
            *_pair("answers", _("Teachers' answers"), "count", scope),
            *_pair("teacher_rating", _("Teachers' rating"), "score", scope),
            *_pair("host_rating", _("Hosts' rating"), "score", scope),
            *_pair("goals_met", _("Met the learning goals"), "share", scope),
            *_pair("interest_before", _("Interest before"), "score", scope),
            *_pair("interest_after", _("Interest after"), "score", scope),
        ),
        rows=tuple(rows),
        chart="bars",
        chart_columns=("interest_before", "interest_after"),
        description=_(
            "Answered feedback on activities of the school year, on a scale of 1 to 5. Interest before and "
            "after is the teacher's judgement of the pupils'. Met the learning goals: the share of teachers "
            "who answered yes (partly and no are the rest)."
        ),
    )


def open_day_survey(scope: Scope) -> Table:
    this, last = _years(scope)
    found = {
        (row["year"], row["respondent"]): row
        for row in SurveyResponse.objects.filter(open_day__in=_open_days(scope))
        .values("respondent", year=_school_year_of_date("open_day__date"))
        .annotate(
            responses=Count("id"),
            rating=Avg("rating"),
            before=Avg("interest_before"),
            after=Avg("interest_after"),
        )
        .order_by()
    }
    keys = ("responses", "rating", "before", "after")
    rows = []
    for respondent, label in SurveyResponse.Respondent.choices:
        now, before = found.get((this, respondent), {}), found.get((last, respondent), {})
        rows.append((label, *(value for key in keys for value in (now.get(key), before.get(key)))))
    return Table(
        key="open-day-survey",
        title=_("The open days' survey"),
        columns=(
            Column("respondent", _("Respondent"), "label"),
            *_pair("responses", _("Responses"), "count", scope),
            *_pair("rating", _("How the day went"), "score", scope),
            *_pair("interest_before", _("Interest before"), "score", scope),
            *_pair("interest_after", _("Interest after"), "score", scope),
        ),
        rows=tuple(rows),
        chart="bars",
        chart_columns=("interest_before", "interest_after"),
        description=_(
            "Participants' and hosts' answers after the open days of the school year (scale 1 to 5); "
            "interest is the participant's own, in a technical education."
        ),
    )


def effect_tables(scope: Scope) -> list[Table]:
    return [feedback_by_kind(scope), open_day_survey(scope)]


# Attendance -----------------------------------------------------------------------------------


def _attendance_table(scope: Scope, *, by: str, model: type, key: str, title, first) -> Table:
    this, last = _years(scope)

    def of(year: int, total: str) -> Coalesce:
        return Coalesce(Sum(total, filter=Q(school_year=year)), 0)

    # Named apart from BookingTotal's columns, which they sum.
    totals = ("bookings", "no_shows", "cancelled")
    found = (
        _summary(scope, BookingTotal)
        .filter(**{f"{by}__isnull": False})
        .values(by)
        .annotate(**{f"{total}_now": of(this, total) for total in totals})
        .annotate(**{f"{total}_before": of(last, total) for total in totals})
        .filter(Q(no_shows_now__gt=0) | Q(cancelled_now__gt=0) | Q(no_shows_before__gt=0) | Q(cancelled_before__gt=0))
        .annotate(name=Subquery(model.objects.filter(pk=OuterRef(by)).values("name")[:1]))
        .order_by(
            (F("no_shows_now") + F("cancelled_now")).desc(),
            (F("no_shows_before") + F("cancelled_before")).desc(),
            "name",
        )[:RANKED_ROWS]
    )
    return Table(
        key=key,
        title=title,
        columns=(
            Column("name", first, "label"),
            *_pair("bookings", _("Bookings"), "count", scope),
            *_pair("no_shows", _("No-shows"), "count", scope),
            *_pair("cancelled", _("Cancellations"), "count", scope),
        ),
        rows=tuple(
            (row["name"], *(row[f"{total}_{year}"] for total in totals for year in ("now", "before"))) for row in found
        ),
        chart="bars",
        chart_columns=("no_shows", "cancelled"),
        description=format_lazy(
            _(
                "Bookings of the school year with a no-show or a cancellation (by anyone), this year or last; "
                "at most the {rows} with the most this year."
            ),
            rows=RANKED_ROWS,
        ),
    )


def attendance_tables(scope: Scope) -> list[Table]:
    return [
        _attendance_table(
            scope,
            by="school_id",
            model=School,
            key="schools",
            title=_("No-shows and cancellations by school"),
            first=_("School"),
        ),
        _attendance_table(
            scope,
            by="company_id",
            model=Company,
            key="companies",
            title=_("No-shows and cancellations by company"),
            first=_("Company"),
        ),
    ]


# Unreached ------------------------------------------------------------------------------------


def unreached_by_municipality(scope: Scope) -> Table:
    this, last = _years(scope)
    found = {
        (row["school_year"], row["municipality_code"]): (row["classes"], row["unreached"])
        for row in _classes(scope)
        .values("school_year", "municipality_code")
        .annotate(classes=Count("id"), unreached=Count("id", filter=Q(encounters=0)))
        .order_by()
    }
    municipalities = _municipalities(scope)

    def cells(year: int, code: int) -> tuple[object, ...]:
        classes, unreached = found.get((year, code), (None, None))
        return unreached, _share(unreached, classes)

    return Table(
        key="municipalities",
        title=_("Classes with no company encounter, by municipality"),
        columns=(
            Column("municipality", _("Municipality"), "label"),
            _year_column("classes", _("Classes not reached"), "count", this),
            _year_column("share", _("Share not reached"), "share", this),
            _year_column("classes_previous", _("Classes not reached"), "count", last),
            _year_column("share_previous", _("Share not reached"), "share", last),
        ),
        rows=tuple((name, *cells(this, code), *cells(last, code)) for code, name in municipalities),
        chart="grid",
        chart_columns=("share", "share_previous"),
        description=REACHED_DEFINITION,
        row_keys=tuple(code for code, _name in municipalities),
    )


def unreached_classes(scope: Scope) -> Table:
    this, last = _years(scope)
    last_year = ClassReach.objects.filter(class_id=OuterRef("previous_id"), school_year=last).values("encounters")
    unreached = _classes(scope).filter(school_year=this, encounters=0).values("class_id")
    classes = (
        SchoolClass.objects.filter(pk__in=unreached)
        .annotate(last_year=Subquery(last_year[:1]))
        .order_by("school__municipality__name", "school__name", "grade", "name")
        .values_list("school__municipality__name", "school__name", "name", "grade", "last_year")[:NAMED_ROWS]
    )
    return Table(
        key="classes",
        title=_("Classes with no company encounter this school year"),
        columns=(
            Column("municipality", _("Municipality"), "label"),
            Column("school", _("School"), "label"),
            Column("class", _("Class"), "label"),
            Column("grade", _("Grade"), "label"),
            _year_column("encounters_previous", _("Encounters of the class"), "count", last),
        ),
        rows=tuple(
            (municipality, school, name, Grade(grade).label, previous)
            for municipality, school, name, grade, previous in classes
        ),
        description=format_lazy(
            "{} {}",
            REACHED_DEFINITION,
            format_lazy(
                _(
                    "Every class of the school year, all grades; the last column counts the same class's "
                    "encounters the year before (empty when it was not in Brobyg then). At most {rows} classes."
                ),
                rows=NAMED_ROWS,
            ),
        ),
    )


def unreached_tables(scope: Scope) -> list[Table]:
    return [unreached_by_municipality(scope), unreached_classes(scope)]


# The interface the pages use ------------------------------------------------------------------

SECTIONS: dict[str, Section] = {
    "reach": Section("reach", _("Reach"), reach_tables),
    "adoptions": Section("adoptions", _("Class adoptions"), adoption_tables),
    "open_days": Section("open_days", _("Open days"), open_day_tables),
    "effect": Section("effect", _("Effect"), effect_tables),
    "attendance": Section("attendance", _("Attendance"), attendance_tables),
    "unreached": Section("unreached", _("Classes not reached"), unreached_tables),
}


def section_tables(scope: Scope, key: str) -> list[Table]:
    """The tables of the section `key` (one of SECTION_KEYS) for `scope`."""
    return SECTIONS[key].tables(scope)


def scope_for(user: User, *, school_year: int, municipality_codes: Iterable[int] | None) -> Scope:
    """What `user` may see: the school year, and the chosen municipalities (none chosen: the
    whole of the user's area). Refuses anyone but a consultant or an administrator, and any
    municipality outside the user's area."""
    if not user.sees_everything:
        raise DomainError(NOT_ALLOWED, code="overview_not_allowed")
    if not 2000 <= school_year <= 2099:
        raise DomainError(NO_SUCH_YEAR, code="no_such_school_year", field="school_year")
    area = user.area_municipality_codes()
    chosen = tuple(sorted(set(municipality_codes))) if municipality_codes else None
    if chosen is None:
        return Scope(school_year=school_year, municipality_codes=None if area is None else tuple(sorted(area)))
    if area is not None and not set(chosen) <= set(area):
        raise DomainError(OUTSIDE_AREA, code="outside_area", field="municipality")
    return Scope(school_year=school_year, municipality_codes=chosen)


def school_years_available() -> list[int]:
    """The school years with figures, newest first; the current school year always."""
    years = set(FactsRefresh.objects.filter(rows__gt=0).values_list("school_year", flat=True))
    return sorted(years | {school_year_of(timezone.localdate())}, reverse=True)


def facts_as_of(school_year: int) -> dt.datetime | None:
    """When the school year's figures were last refreshed; None if never."""
    return FactsRefresh.objects.filter(school_year=school_year).values_list("refreshed_at", flat=True).first()
