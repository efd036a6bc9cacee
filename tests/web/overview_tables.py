"""Hand-made tables for the unit tests of the overview's pages and the permission matrix: a few
`Table`s in two sections, put in place of overview.figures.SECTIONS. The pages must show, chart
and export any Table without knowing its figure, and these tables hold what a real figure rarely
does (four-digit numbers, an empty cell, a label that is a spreadsheet formula), and record every
scope the pages ask for. The e2e tests read real figures (tests/overview/region.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from overview import figures
from overview.figures import Column, Scope, Section, Table

AALBORG, BRONDERSLEV, HJORRING, BALLERUP = 851, 810, 860, 151

REACH_BY_MUNICIPALITY = Table(
    key="classes-by-municipality",
    title="Classes reached by municipality",
    columns=(
        Column("municipality", "Municipality", "label"),
        Column("classes", "Classes", "count"),
        Column("classes_before", "Classes last year", "count"),
    ),
    rows=(("Aalborg", 1234, 987), ("Brønderslev", 56, None), ("Ballerup", 7, 3)),
    chart="grid",
    chart_columns=("classes", "classes_before"),
    row_keys=(AALBORG, BRONDERSLEV, BALLERUP),
    description="Classes with at least one company encounter.",
)
REACH_BY_GRADE = Table(
    key="classes-by-grade",
    title="Classes reached by grade",
    columns=(
        Column("grade", "Grade", "label"),
        Column("classes", "Classes", "count"),
        Column("classes_before", "Classes last year", "count"),
        Column("share", "Share of the grade", "share"),
    ),
    rows=(("7th grade", 41, 38, 0.456), ("8th grade", 63, 59, 0.5), ("9th grade", 12, 20, None)),
    chart="bars",
    chart_columns=("classes", "classes_before"),
)
REACH_BY_MONTH = Table(
    key="encounters-by-month",
    title="Encounters by month",
    columns=(
        Column("month", "Month", "label"),
        Column("encounters", "Encounters", "count"),
        Column("encounters_before", "Encounters last year", "count"),
    ),
    rows=(("August", 3, 2), ("September", 17, 11), ("October", 9, 14), ("November", 22, 19)),
    chart="line",
    chart_columns=("encounters", "encounters_before"),
)
EFFECT_SCORES = Table(
    key="scores",
    title="Feedback scores",
    columns=(
        Column("respondent", "Respondent", "label"),
        Column("score", "Average score", "score"),
        Column("score_before", "Average score last year", "score"),
        Column("goals_met", "Learning goals met", "share"),
        Column("answers", "Answers", "count"),
    ),
    rows=(("Teachers", 4.26, 3.9, 0.8125, 48), ("=cmd|' /C calc'!A0", 3.5, None, 0.25, 4)),
)
TABLES = {"reach": [REACH_BY_MUNICIPALITY, REACH_BY_GRADE, REACH_BY_MONTH], "effect": [EFFECT_SCORES]}


@dataclass
class ShownSections:
    """The sections in place, and every scope the pages asked for, in order."""

    scopes: list[Scope] = field(default_factory=list)

    def tables_of(self, key: str):
        def tables(scope: Scope) -> list[Table]:
            self.scopes.append(scope)
            return list(TABLES.get(key, []))

        return tables


@pytest.fixture(name="shown")
def shown_sections(monkeypatch) -> ShownSections:
    """overview.figures.SECTIONS with the hand-made tables (reach and effect; the rest empty)."""
    sections = ShownSections()
    patched = {
        key: Section(key=key, title=f"Section {key}", tables=sections.tables_of(key)) for key in figures.SECTION_KEYS
    }
    monkeypatch.setattr(figures, "SECTIONS", patched)
    return sections
