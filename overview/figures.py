"""The dashboard's figures, as tables that the pages chart, print and export.

Every figure is computed in the database (aggregations over the summary table of encounters, kept
current by a task), never by loading rows into Python. Each table puts the chosen school year
beside the previous one, so a page never shows a figure without the year before it.

The pages (web/) know nothing of how a figure is computed: they render a `Table` as a chart (its
`chart` kind, over its `chart_columns`), as an accessible HTML table under the chart, as CSV and as
Excel, and the annual report prints every section's tables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from django.utils.functional import Promise

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


# --- Placeholders (branch ov-pages) ----------------------------------------------------------
# Stand-ins for the functions the figures part provides (issue 12, "Where parts meet"), so that
# the pages import and run before it is merged. The merge replaces this whole block; the pages'
# tests supply tables by monkeypatching SECTIONS.


def _no_tables(scope: Scope) -> list[Table]:
    return []


SECTIONS: dict[str, Section] = {
    key: Section(key=key, title=key.replace("_", " ").capitalize(), tables=_no_tables) for key in SECTION_KEYS
}


def section_tables(scope: Scope, key: str) -> list[Table]:
    return SECTIONS[key].tables(scope)


def scope_for(user, *, school_year: int, municipality_codes) -> Scope:
    area = user.area_municipality_codes()
    codes = tuple(municipality_codes or ()) or (tuple(area) if area is not None else None)
    return Scope(school_year=school_year, municipality_codes=codes)


def school_years_available() -> list[int]:
    return []


def facts_as_of(school_year: int):
    return None


# --- End of placeholders ---------------------------------------------------------------------
