"""The consultant's overview pages: every section, the annual report and the downloads render
any figures' `Table` (hand-made here, in place of overview.figures.SECTIONS) for the chosen
school year and municipalities of the consultant's area; other people are turned away, and no
GET parameter gives a 500."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import openpyxl
import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone, translation

from core.dates import school_year_label, school_year_of
from overview import figures
from overview.figures import Column, Table
from tests import factories
from tests.adoptions.round_fixtures import consultant_for
from tests.web.overview_tables import (  # noqa: F401 (a fixture)
    AALBORG,
    BRONDERSLEV,
    HJORRING,
    REACH_BY_GRADE,
    REACH_BY_MUNICIPALITY,
    shown_sections,
)
from web.views import overview as overview_views

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return school_year_of(timezone.localdate())


@pytest.fixture
def consultant():
    """A consultant for Aalborg and Brønderslev."""
    return consultant_for("konsulent-nord", AALBORG, BRONDERSLEV)


def signed_in(user, language: str = "da") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def table_cells(html: str, table_id: str) -> list[list[str]]:
    """The text of the cells of the HTML table with this id, row by row."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, flags=re.S)
    assert match, f"no table {table_id}"
    rows = re.findall(r"<tr>(.*?)</tr>", match.group(0), flags=re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)] for row in rows
    ]


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# Pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", figures.SECTION_KEYS)
def test_every_section_renders_for_the_consultant(shown, consultant, key):
    """Each section is a page of its own with the section tabs, the chooser and its tables."""
    response = signed_in(consultant).get(f"/overview/{key}/")

    assert response.status_code == 200
    html = response.content.decode()
    for section in figures.SECTIONS.values():
        assert f'href="/overview/{section.key}/?year={this_year()}"' in html
    assert f'<a href="/overview/{key}/?year={this_year()}" aria-current="page">Section {key}</a>' in html
    assert '<form method="get" action="/overview/' + key in html


def test_the_dashboard_opens_on_its_first_section(shown, consultant):
    response = signed_in(consultant).get("/overview/")

    assert response.status_code == 200
    assert 'id="table-reach-classes-by-municipality"' in response.content.decode()


def test_a_tables_numbers_are_in_its_html_table_formatted_in_the_pages_language(shown, consultant):
    """Counts grouped, shares as whole percentages, scores with one decimal, no data as a dash;
    row headings are th scope=row, column headings th scope=col, under a caption."""
    danish = signed_in(consultant, "da").get("/overview/reach/").content.decode()
    english = signed_in(consultant, "en").get("/overview/reach/").content.decode()
    effect = signed_in(consultant, "da").get("/overview/effect/").content.decode()

    assert table_cells(danish, "table-reach-classes-by-municipality") == [
        ["Municipality", "Classes", "Classes last year"],
        ["Aalborg", "1.234", "987"],
        ["Brønderslev", "56", "–"],
        ["Ballerup", "7", "3"],
    ]
    assert table_cells(english, "table-reach-classes-by-municipality")[1] == ["Aalborg", "1,234", "987"]
    assert table_cells(danish, "table-reach-classes-by-grade")[1:3] == [
        ["7th grade", "41", "38", "46 %"],
        ["8th grade", "63", "59", "50 %"],
    ]
    assert table_cells(effect, "table-effect-scores")[1] == ["Teachers", "4,3", "3,9", "81 %", "48"]
    assert table_cells(english, "table-reach-classes-by-grade")[3] == ["9th grade", "12", "20", "–"]
    assert (
        '<caption class="visually-hidden" id="figure-reach-classes-by-grade-caption">Classes reached by grade</caption>'
        in danish
    )
    assert '<th scope="row">Aalborg</th>' in danish
    assert '<th scope="col">Municipality</th>' in danish


def test_every_chart_is_an_svg_image_with_a_text_alternative(shown, consultant):
    """Grid, bars and line charts are inline SVG images named for their table; the grid writes
    each municipality's number in its tile."""
    html = signed_in(consultant, "en").get("/overview/reach/").content.decode()

    svgs = re.findall(r"<svg[^>]*>", html)
    assert len(svgs) == 3
    assert all('role="img"' in svg and 'aria-label="' in svg for svg in svgs)
    assert "chart-grid" in svgs[0] and "chart-bars" in svgs[1] and "chart-line" in svgs[2]
    assert 'aria-label="Map of the municipalities: Classes reached by municipality.' in svgs[0]
    grid = html[html.index("chart-grid") : html.index("</svg>")]
    assert ">Aalborg</text>" in grid and ">1,234</text>" in grid and ">Ballerup</text>" in grid
    assert "<script" not in html.split("<main", 1)[1]


def test_the_page_says_when_the_figures_were_computed_in_copenhagen_time(shown, consultant, monkeypatch):
    """01:30 UTC on the night clocks go forward is 03:30 in Copenhagen."""
    moment = dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(figures, "facts_as_of", lambda school_year: moment)

    danish = signed_in(consultant, "da").get("/overview/reach/").content.decode()
    report = signed_in(consultant, "en").get("/overview/annual-report/").content.decode()

    assert "Tal pr. 29. marts 2026 03:30" in danish
    assert "Figures as of 29 March 2026, 03:30" in report


def test_the_page_says_that_answers_and_attendance_show_after_the_next_recomputation(shown, consultant):
    """A feedback answer or an attendance mark reaches the figures only when they are next
    recomputed (a schedule); the consultant who just saw one given is told so, not left wondering."""
    danish = signed_in(consultant, "da").get("/overview/reach/").content.decode()
    english = signed_in(consultant, "en").get("/overview/effect/").content.decode()

    assert "Tallene genberegnes hvert 15. minut" in danish
    assert "The figures are recomputed every 15 minutes" in english


def test_the_page_says_when_there_are_no_figures_yet(shown, consultant):
    html = signed_in(consultant, "da").get("/overview/reach/").content.decode()

    assert "Tallene er ikke beregnet endnu." in html


def test_a_consultant_of_the_whole_region_reads_all_municipalities_as_the_scope(shown):
    """In Danish the scope is "alle kommuner", as on the consultant's workspace (it read "hele
    installationen", a word for the software, not for a place)."""
    everywhere = factories.UserFactory(username="konsulent-alle", is_consultant=True)

    html = signed_in(everywhere, "da").get("/overview/reach/").content.decode()

    assert " · alle kommuner" in html
    assert "installation" not in html


def test_the_chosen_scope_reaches_the_figures_and_every_download_link(shown, consultant):
    year = this_year()

    html = signed_in(consultant).get(f"/overview/reach/?year={year}&municipality={AALBORG}").content.decode()

    assert shown.scopes[-1].school_year == year
    assert shown.scopes[-1].municipality_codes == (AALBORG,)
    assert f'href="/overview/reach/classes-by-grade.csv?year={year}&amp;municipality={AALBORG}"' in html
    assert f'href="/overview/reach/classes-by-grade.xlsx?year={year}&amp;municipality={AALBORG}"' in html
    assert f'href="/overview/reach.xlsx?year={year}&amp;municipality={AALBORG}"' in html
    assert f'href="/overview/annual-report/?year={year}&amp;municipality={AALBORG}"' in html


def test_the_chooser_offers_only_the_consultants_area(shown, consultant):
    html = signed_in(consultant).get("/overview/reach/").content.decode()

    assert f'value="{AALBORG}"' in html and f'value="{BRONDERSLEV}"' in html
    assert f'value="{HJORRING}"' not in html
    assert f'<option value="{this_year()}" selected>{school_year_label(this_year())}</option>' in html


def test_a_municipality_outside_the_area_is_refused_with_a_message_and_no_figures(shown, consultant):
    response = signed_in(consultant, "en").get(f"/overview/reach/?municipality={HJORRING}")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This choice cannot be shown" in html and f"{HJORRING} is not a municipality in your area." in html
    assert "table-reach" not in html
    assert shown.scopes == []


@pytest.mark.parametrize("suffix", ["reach/classes-by-grade.csv", "reach/classes-by-grade.xlsx", "reach.xlsx"])
def test_downloads_refuse_a_municipality_outside_the_area(shown, consultant, suffix):
    response = signed_in(consultant).get(f"/overview/{suffix}?municipality={HJORRING}")

    assert response.status_code == 400
    assert shown.scopes == []


def test_figures_refusal_of_a_scope_is_a_message(shown, consultant, monkeypatch):
    """scope_for's own refusal (a DomainError) is shown like a refused choice."""
    from core.errors import DomainError

    def refuse(user, *, school_year, municipality_codes):
        raise DomainError("Not in your area.", code="overview_outside_area")

    monkeypatch.setattr(figures, "scope_for", refuse)

    response = signed_in(consultant).get(f"/overview/reach/?municipality={AALBORG}")

    assert response.status_code == 200
    assert "Not in your area." in response.content.decode()
    assert signed_in(consultant).get(f"/overview/reach.xlsx?municipality={AALBORG}").status_code == 400


GARBAGE = [
    "year=abc",
    "year=",
    "year=99999999999999999999999",
    "year=-1",
    "year=2026&year=x",
    "municipality=x",
    "municipality=",
    "municipality=-5",
    "municipality=99999999999999999999",
    "municipality=%00",
    "year=%F0%9F%92%A9&municipality=%27%3B--",
]


@pytest.mark.parametrize("query", GARBAGE)
@pytest.mark.parametrize(
    "page", ["/overview/", "/overview/reach/", "/overview/annual-report/", "/overview/reach/classes-by-grade.csv"]
)
def test_garbage_in_the_get_parameters_gives_no_500(shown, consultant, page, query):
    response = signed_in(consultant).get(f"{page}?{query}")

    assert response.status_code in (200, 400)


def test_unknown_sections_and_tables_are_not_found(shown, consultant):
    client = signed_in(consultant)

    assert client.get("/overview/nothing/").status_code == 404
    assert client.get("/overview/nothing.xlsx").status_code == 404
    assert client.get("/overview/reach/nothing.csv").status_code == 404
    assert client.get("/overview/reach/nothing.xlsx").status_code == 404


@pytest.mark.parametrize("role", ["teacher", "host", "plain"])
def test_other_people_are_turned_away_from_every_overview_page(shown, role, teacher, host):
    user = {"teacher": teacher.user, "host": host.user, "plain": factories.UserFactory()}[role]
    client = signed_in(user)
    for page in OVERVIEW_PAGES:
        assert client.get(page).status_code == 404, page
    assert shown.scopes == []


OVERVIEW_PAGES = [
    "/overview/",
    "/overview/effect/",
    "/overview/annual-report/",
    "/overview/reach/classes-by-grade.csv",
    "/overview/reach/classes-by-grade.xlsx",
    "/overview/reach.xlsx",
]


def test_anonymous_visitors_are_sent_to_sign_in(shown):
    for page in OVERVIEW_PAGES:
        response = Client().get(page)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), page


# Downloads ---------------------------------------------------------------------------------


def test_a_table_as_csv_has_its_numbers_in_the_pages_language(shown, consultant):
    """Semicolons, a byte order mark, no grouping in numbers, shares as percentages, a cell that
    would run as a formula made into text."""
    response = signed_in(consultant, "da").get("/overview/reach/classes-by-grade.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        f"reach-classes-by-grade-{school_year_label(this_year()).replace('/', '-')}.csv"
        in response["Content-Disposition"]
    )
    assert csv_rows(response) == [
        ["Grade", "Classes", "Classes last year", "Share of the grade"],
        ["7th grade", "41", "38", "45,6 %"],
        ["8th grade", "63", "59", "50,0 %"],
        ["9th grade", "12", "20", ""],
    ]
    effect = csv_rows(signed_in(consultant, "en").get("/overview/effect/scores.csv"))
    assert effect[1] == ["Teachers", "4.3", "3.9", "81.3 %", "48"]
    assert effect[2][0] == "'=cmd|' /C calc'!A0"
    big = csv_rows(signed_in(consultant, "da").get("/overview/reach/classes-by-municipality.csv"))
    assert big[1] == ["Aalborg", "1234", "987"]


def test_a_table_as_excel_keeps_numbers_as_numbers_and_shares_as_percentages(shown, consultant):
    response = signed_in(consultant).get(f"/overview/reach/classes-by-grade.xlsx?municipality={AALBORG}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet["A1"].value == REACH_BY_GRADE.title
    assert sheet["A2"].value == f"{school_year_label(this_year())} · Aalborg"
    assert [cell.value for cell in sheet[3]] == ["Grade", "Classes", "Classes last year", "Share of the grade"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)] == [
        ["7th grade", 41, 38, 0.456],
        ["8th grade", 63, 59, 0.5],
        ["9th grade", 12, 20, None],
    ]
    assert sheet["D4"].number_format == "0.0%"
    assert sheet["B4"].number_format == "#,##0"


def test_a_section_as_one_workbook_has_a_sheet_per_table(shown, consultant):
    response = signed_in(consultant).get("/overview/reach.xlsx")

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [sheet["A1"].value for sheet in workbook.worksheets] == [
        "Classes reached by municipality",
        "Classes reached by grade",
        "Encounters by month",
    ]
    municipalities = workbook.worksheets[0]
    assert [cell.value for cell in municipalities[4]] == ["Aalborg", 1234, 987]
    assert municipalities["C5"].value is None
    effect = openpyxl.load_workbook(io.BytesIO(signed_in(consultant).get("/overview/effect.xlsx").content))
    assert effect.worksheets[0]["A5"].value == "'=cmd|' /C calc'!A0"
    assert effect.worksheets[0]["B4"].number_format == "0.0"


def test_an_empty_section_downloads_an_empty_workbook(shown, consultant):
    response = signed_in(consultant).get("/overview/unreached.xlsx")

    assert response.status_code == 200
    assert len(openpyxl.load_workbook(io.BytesIO(response.content)).worksheets) == 1


# The annual report -------------------------------------------------------------------------


def test_the_annual_report_prints_every_section_with_its_text_tables_and_charts(shown, consultant):
    year = this_year()
    response = signed_in(consultant, "en").get(f"/overview/annual-report/?year={year}")

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Annual report {school_year_label(year)}" in html
    for key in figures.SECTION_KEYS:
        assert f'id="section-{key}"' in html
    assert html.count('class="report-section"') == len(figures.SECTION_KEYS)
    assert "Classes and pupils who met a company" in html
    assert table_cells(html, "table-effect-scores")[1] == ["Teachers", "4.3", "3.9", "81 %", "48"]
    assert html.count("<svg") == 3
    assert ".csv" not in html


# Menu and workspace ------------------------------------------------------------------------


def test_the_consultants_menu_and_workspace_lead_to_the_overview(shown, consultant, teacher):
    workspace = signed_in(consultant, "en").get("/workspace/").content.decode()
    overview = signed_in(consultant, "en").get("/overview/effect/").content.decode()

    assert workspace.count('href="/overview/"') == 2  # the menu and the workspace's button
    assert '<a href="/overview/" aria-current="page">Overview</a>' in overview
    assert 'href="/overview/"' not in signed_in(teacher.user).get("/").content.decode()


@pytest.mark.django_db
def test_each_sections_text_names_what_its_own_tables_hold():
    """The business strengths' share is a table of the reach section, so the reach page's text
    mentions it and the effect page's (feedback and the open days' survey) does not."""
    from django.utils import translation

    from web.views.overview import SECTION_TEXTS

    strengths = {key for key, table in _tables_by_section().items() if "strengths" in table}
    assert strengths == {"reach"}
    with translation.override("en"):
        assert "business strengths" in str(SECTION_TEXTS["reach"])
        assert "business strengths" not in str(SECTION_TEXTS["effect"])
        assert "open days' participants" in str(SECTION_TEXTS["effect"])


def _tables_by_section() -> dict[str, str]:
    """The keys of each real section's tables on an empty database, joined."""
    scope = figures.Scope(school_year=this_year(), municipality_codes=None)
    return {key: " ".join(t.key for t in figures.section_tables(scope, key)) for key in figures.SECTION_KEYS}


# The rows' markup ----------------------------------------------------------------------------

# The template loop that rendered a table's rows before they were made in Python (too slow for
# the 2,000 named classes of a national page); the markup must not change.
FORMER_ROWS = Template(
    "{% for row in figure.rows %}<tr>{% for cell in row %}{% if forloop.first and not cell.numeric %}"
    '<th scope="row">{{ cell.text }}</th>{% else %}<td{% if cell.numeric %} class="num"{% endif %}>'
    "{{ cell.text }}</td>{% endif %}{% endfor %}</tr>{% endfor %}"
)


def test_a_tables_rows_have_the_markup_the_template_gave_with_every_text_escaped():
    """Row headings th scope=row, numbers td class=num, other labels plain td, no data a dash;
    a name with markup in it is escaped, never rendered."""
    table = Table(
        key="classes",
        title="Classes",
        columns=(
            Column("school", "School", "label"),
            Column("class", "Class", "label"),
            Column("classes", "Classes", "count"),
            Column("share", "Share", "share"),
        ),
        rows=(('<b>Skole</b> & "Co"', "8.A", 1234, 0.5), ("Øster Skole", "<i>9.x</i>", None, None)),
    )
    with translation.override("da"):
        figure = overview_views._figure("unreached", table, "year=2026")

    rows = re.sub(r">\s+<", "><", str(figure.body))
    assert rows == FORMER_ROWS.render(Context({"figure": figure}))
    assert rows.startswith('<tr><th scope="row">&lt;b&gt;Skole&lt;/b&gt; &amp; &quot;Co&quot;</th><td>8.A</td>')
    assert '<td class="num">1.234</td><td class="num">50 %</td></tr>' in rows
    assert '<td>&lt;i&gt;9.x&lt;/i&gt;</td><td class="num">–</td>' in rows


@pytest.mark.parametrize("suffix", ["reach/", "reach/classes-by-grade.csv"])
def test_a_refused_value_of_100000_characters_is_not_echoed_whole(shown, consultant, suffix):
    """The message names what was refused, cut short: neither the page nor the download's 400
    repeats a 100,000-character value."""
    response = signed_in(consultant).get(f"/overview/{suffix}", {"municipality": "x" * 100_000})

    assert response.status_code in (200, 400)
    # A page keeps its own address once, for the language switch to come back to.
    echoes_of_the_address = 1 if response.status_code == 200 else 0
    assert response.content.count(b"x" * 60_000) == echoes_of_the_address
