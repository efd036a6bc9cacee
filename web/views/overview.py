"""The consultant's overview: the dashboard (one page per section), its tables as CSV and Excel,
and the annual report to print. Thin: the figures are overview.figures' `Table`s, which these
pages chart (web.charts), show as accessible tables and export without knowing how any figure is
computed.

Every page and download takes its scope from the same GET parameters, `year` (a school year's
first calendar year) and `municipality` (repeated; within the consultant's area), so a download
holds exactly what the page showed. Parameters that are not valid give a message on a page, and
400 on a download, never figures that were not asked for."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.dates import school_year_label, school_year_of
from core.errors import DomainError
from core.models import Municipality
from overview import figures
from overview.facts import REFRESH_MINUTES
from overview.figures import Scope, Table
from web.charts import chart, format_cell, spreadsheet_text
from web.exports import Sheet, csv_response, xlsx_response
from web.views.people import consultant_required

# What each section is for, printed above its tables in the annual report and on its page.
SECTION_TEXTS = {
    "reach": gettext_lazy(
        "Classes and pupils who met a company this school year, by municipality, grade, school kind and sector; "
        "activities per month, the share in the region's eight business strengths, and the outlying "
        "municipalities beside Aalborg."
    ),
    "adoptions": gettext_lazy(
        "How many 8th and 9th grade classes are adopted by a company, and how many activities each adopted class "
        "has held against its target."
    ),
    "open_days": gettext_lazy("Open-day places offered and filled, and how many girls the open days reached."),
    "effect": gettext_lazy(
        "What teachers and hosts answered after each activity: how it went, whether it met its learning goals, "
        "and the pupils' interest before and after; and what the open days' participants answered."
    ),
    "attendance": gettext_lazy("Bookings that ended in a no-show or a cancellation, by school and by company."),
    "unreached": gettext_lazy(
        "Classes with no company encounter this school year, named so that you can get in touch with their schools."
    ),
}


# The chooser ---------------------------------------------------------------------------------


def area_municipalities(user: User):
    """The municipalities a consultant may choose from: their area, or all of them."""
    codes = user.area_municipality_codes()
    rows = Municipality.objects.order_by("name")
    return rows if codes is None else rows.filter(code__in=codes)


def school_years(today_year: int) -> list[int]:
    """The school years with figures, and always the current one; the newest first."""
    return sorted({today_year, *figures.school_years_available()}, reverse=True)


class ScopeForm(forms.Form):
    """A school year and, optionally, some of the area's municipalities (none: the whole area)."""

    year = forms.TypedChoiceField(label=gettext_lazy("School year"), coerce=int, required=False)
    municipality = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Municipalities"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None chosen: your whole area."),
    )

    def __init__(self, *args, user: User, current_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current_year = current_year
        self.fields["year"].choices = [(year, school_year_label(year)) for year in school_years(current_year)]
        self.fields["year"].initial = current_year
        self.fields["municipality"].choices = [(m.code, m.name) for m in area_municipalities(user)]
        self.fields["municipality"].error_messages["invalid_choice"] = _(
            "%(value)s is not a municipality in your area."
        )

    def chosen_year(self) -> int:
        return self.cleaned_data.get("year") or self.current_year


@dataclass
class Chosen:
    """What the page shows: the form (bound or not), the scope (None: the choice was refused, so
    nothing is shown) and the query string that gives every link and download the same scope."""

    form: ScopeForm
    scope: Scope | None
    query: str
    error: str = ""


# A refusal names the value refused; one of 100,000 characters is cut, not echoed whole.
MAX_ERROR_CHARS = 300


def chosen_scope(request: HttpRequest) -> Chosen:
    """The scope of the request's GET parameters. A refusal (a value that is not a choice, or
    figures' own refusal of a municipality outside the area) leaves no scope and says why."""
    current_year = school_year_of(timezone.localdate())
    bound = any(name in request.GET for name in ("year", "municipality"))
    form = ScopeForm(request.GET if bound else None, user=request.user, current_year=current_year)
    if bound and not form.is_valid():
        messages = [str(error) for errors in form.errors.values() for error in errors]
        return Chosen(form, None, "", Truncator(" ".join(messages)).chars(MAX_ERROR_CHARS))
    year = form.chosen_year() if bound else current_year
    codes = tuple(form.cleaned_data.get("municipality") or ()) if bound else ()
    try:
        scope = figures.scope_for(request.user, school_year=year, municipality_codes=codes or None)
    except DomainError as refusal:
        return Chosen(form, None, "", str(refusal.message))
    query = urlencode({"year": year, "municipality": list(codes)}, doseq=True)
    return Chosen(form, scope, query)


def scope_text(scope: Scope) -> str:
    """The scope in words: "2026/27 · Aalborg, Brønderslev" (or the whole area)."""
    if scope.municipality_codes is None:
        where = _("the whole installation")
    else:
        names = Municipality.objects.filter(code__in=scope.municipality_codes).order_by("name")
        where = ", ".join(names.values_list("name", flat=True))
    return f"{school_year_label(scope.school_year)} · {where}"


# Tables as the page shows them ---------------------------------------------------------------


@dataclass
class Cell:
    text: str
    numeric: bool


@dataclass
class Figure:
    """A table ready for a page: its chart, its header, its rows as text and its downloads."""

    key: str
    anchor: str
    title: str
    description: str
    chart: SafeString | None
    chart_kind: str
    headers: list[str]
    rows: list[list[Cell]]
    csv_url: str
    xlsx_url: str

    @property
    def body(self) -> SafeString:
        """The table's rows as HTML: made here rather than by a template loop over every cell,
        which took a third of a second for the 2,000 named classes of a national page."""
        return mark_safe("\n".join(_row_html(row) for row in self.rows))


def _row_html(row: list[Cell]) -> str:
    """A row heading (th scope=row) for a first cell that is not a number, numbers right-aligned."""
    cells = []
    for index, cell in enumerate(row):
        text = conditional_escape(cell.text)
        if index == 0 and not cell.numeric:
            cells.append(f'<th scope="row">{text}</th>')
        elif cell.numeric:
            cells.append(f'<td class="num">{text}</td>')
        else:
            cells.append(f"<td>{text}</td>")
    return f"<tr>{''.join(cells)}</tr>"


def _figure(section: str, table: Table, query: str) -> Figure:
    kinds = [column.kind for column in table.columns]
    rows = [
        [Cell(format_cell(value, kind), kind != "label") for value, kind in zip(row, kinds, strict=False)]
        for row in table.rows
    ]
    suffix = f"?{query}" if query else ""
    return Figure(
        key=table.key,
        anchor=f"{section}-{table.key}",
        title=str(table.title),
        description=str(table.description),
        chart=chart(table),
        chart_kind=table.chart or "",
        headers=[str(column.label) for column in table.columns],
        rows=rows,
        csv_url=reverse("overview-table-csv", args=[section, table.key]) + suffix,
        xlsx_url=reverse("overview-table-xlsx", args=[section, table.key]) + suffix,
    )


def _section(key: str) -> figures.Section:
    section = figures.SECTIONS.get(key)
    if section is None:
        raise Http404
    return section


def _tables(scope: Scope, key: str) -> list[Table]:
    """A section's tables for the scope; a section that does not exist is not found."""
    _section(key)
    return list(figures.section_tables(scope, key))


def _sections_nav(current: str, query: str) -> list[dict]:
    suffix = f"?{query}" if query else ""
    return [
        {
            "key": key,
            "title": str(section.title),
            "url": reverse("overview-section", args=[key]) + suffix,
            "current": key == current,
        }
        for key, section in figures.SECTIONS.items()
    ]


def _as_of(scope: Scope | None):
    return figures.facts_as_of(scope.school_year) if scope else None


# Pages ---------------------------------------------------------------------------------------


@consultant_required
def overview_home(request: HttpRequest) -> HttpResponse:
    """The dashboard opens on its first section."""
    return section_page(request, next(iter(figures.SECTIONS)))


@consultant_required
def section_page(request: HttpRequest, section: str) -> HttpResponse:
    """One section of the dashboard for the chosen school year and municipalities."""
    current = _section(section)
    chosen = chosen_scope(request)
    tables = _tables(chosen.scope, section) if chosen.scope else []
    suffix = f"?{chosen.query}" if chosen.query else ""
    context = {
        "chosen": chosen,
        "section": current,
        "section_key": section,
        "section_text": SECTION_TEXTS.get(section, ""),
        "sections": _sections_nav(section, chosen.query),
        "figures": [_figure(section, table, chosen.query) for table in tables],
        "scope_text": scope_text(chosen.scope) if chosen.scope else "",
        "as_of": _as_of(chosen.scope),
        "refresh_minutes": REFRESH_MINUTES,
        "workbook_url": reverse("overview-section-xlsx", args=[section]) + suffix,
        "report_url": reverse("overview-report") + suffix,
    }
    return render(request, "web/overview/section.html", context)


@consultant_required
def annual_report(request: HttpRequest) -> HttpResponse:
    """Every section's tables and charts for a school year and scope, made to be printed."""
    chosen = chosen_scope(request)
    sections = []
    if chosen.scope:
        for key, section in figures.SECTIONS.items():
            tables = _tables(chosen.scope, key)
            sections.append(
                {
                    "key": key,
                    "title": str(section.title),
                    "text": SECTION_TEXTS.get(key, ""),
                    "figures": [_figure(key, table, chosen.query) for table in tables],
                }
            )
    context = {
        "chosen": chosen,
        "sections": sections,
        "scope_text": scope_text(chosen.scope) if chosen.scope else "",
        "year_label": school_year_label(chosen.scope.school_year) if chosen.scope else "",
        "as_of": _as_of(chosen.scope),
    }
    return render(request, "web/overview/report.html", context)


# Downloads -----------------------------------------------------------------------------------


def _refused(chosen: Chosen) -> HttpResponse:
    return HttpResponseBadRequest(chosen.error or _("This choice cannot be shown."), content_type="text/plain")


def _table(scope: Scope, section: str, key: str) -> Table:
    for table in _tables(scope, section):
        if table.key == key:
            return table
    raise Http404


def _filename(scope: Scope, *parts: str, extension: str) -> str:
    return "-".join([*parts, school_year_label(scope.school_year).replace("/", "-")]) + f".{extension}"


def _sheet(table: Table, scope: Scope) -> Sheet:
    return Sheet(
        title=str(table.title),
        subtitle=scope_text(scope),
        columns=tuple((str(column.label), column.kind) for column in table.columns),
        rows=tuple(tuple(row) for row in table.rows),
    )


@consultant_required
def table_csv(request: HttpRequest, section: str, table: str) -> HttpResponse:
    """One table as CSV, with the page's scope."""
    _section(section)
    chosen = chosen_scope(request)
    if chosen.scope is None:
        return _refused(chosen)
    found = _table(chosen.scope, section, table)
    kinds = [column.kind for column in found.columns]
    rows = ([spreadsheet_text(value, kind) for value, kind in zip(row, kinds, strict=False)] for row in found.rows)
    header = [str(column.label) for column in found.columns]
    return csv_response(_filename(chosen.scope, section, table, extension="csv"), header, rows)


@consultant_required
def table_xlsx(request: HttpRequest, section: str, table: str) -> HttpResponse:
    """One table as an Excel workbook, with the page's scope."""
    _section(section)
    chosen = chosen_scope(request)
    if chosen.scope is None:
        return _refused(chosen)
    found = _table(chosen.scope, section, table)
    return xlsx_response(_filename(chosen.scope, section, table, extension="xlsx"), [_sheet(found, chosen.scope)])


@consultant_required
def section_xlsx(request: HttpRequest, section: str) -> HttpResponse:
    """A whole section as one workbook, a sheet per table, with the page's scope."""
    _section(section)
    chosen = chosen_scope(request)
    if chosen.scope is None:
        return _refused(chosen)
    sheets = [_sheet(table, chosen.scope) for table in _tables(chosen.scope, section)]
    return xlsx_response(_filename(chosen.scope, section, extension="xlsx"), sheets)


urlpatterns: list[URLPattern] = [
    path("overview/", overview_home, name="overview"),
    path("overview/annual-report/", annual_report, name="overview-report"),
    path("overview/<slug:section>/", section_page, name="overview-section"),
    path("overview/<slug:section>.xlsx", section_xlsx, name="overview-section-xlsx"),
    path("overview/<slug:section>/<slug:table>.csv", table_csv, name="overview-table-csv"),
    path("overview/<slug:section>/<slug:table>.xlsx", table_xlsx, name="overview-table-xlsx"),
]
