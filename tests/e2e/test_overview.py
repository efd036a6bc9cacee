"""The consultant's overview in a real browser: the dashboard opens, a chart's numbers are read
from the table under it, the chooser narrows the scope, a table and a section download as CSV
and Excel with the page's numbers, and the annual report prints every section.

The figures are hand-made tables in place of overview.figures.SECTIONS (tests/web/
overview_tables.py) until the figures part is merged; then this test switches to real data.
Every page is checked with axe (no serious or critical findings) and, on a phone, for sideways
scrolling; with SCREENSHOTS=1 the pages are saved as docs/screenshots/overview-*.png."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from overview.figures import Column, Table
from tests.e2e.conftest import E2E_MARKS, MOBILE, login
from tests.e2e.test_opendays import look_at
from tests.web import overview_tables
from tests.web.overview_tables import AALBORG, BRONDERSLEV, HJORRING, shown_sections  # noqa: F401 (a fixture)

pytestmark = E2E_MARKS


@pytest.fixture
def consultant(transactional_db):
    from core.models import Municipality
    from tests import factories

    user = factories.UserFactory(username="konsulent", first_name="Karen", last_name="Kjær", is_consultant=True)
    user.area.set(Municipality.objects.filter(code__in=[AALBORG, BRONDERSLEV]))
    return user


def table_rows(page, table_id: str) -> list[list[str]]:
    rows = page.locator(f"table#{table_id} tr")
    return [[cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts()] for i in range(rows.count())]


def test_the_consultant_reads_a_chart_narrows_the_scope_and_downloads_its_table(page, site, shown, consultant):
    found: dict[str, list[str]] = {}
    login(page, site, consultant.username)
    page.locator("nav.site-nav a[href='/overview/']").click()
    page.wait_for_url("**/overview/")
    look_at(page, "overview-reach-1280", found)

    # The grid chart is an image with a name, and its numbers are in the table under it.
    grid = page.locator("#figure-reach-classes-by-municipality svg[role=img]")
    assert "Kort over kommunerne" in grid.get_attribute("aria-label")
    assert table_rows(page, "table-reach-classes-by-municipality")[:3] == [
        ["Municipality", "Classes", "Classes last year"],
        ["Aalborg", "1.234", "987"],
        ["Brønderslev", "56", "–"],
    ]

    # Only Aalborg: the scope reaches the figures and the download links.
    page.check(f"form.overview-chooser input[name=municipality][value='{AALBORG}']")
    with page.expect_navigation():
        page.locator("form.overview-chooser button[type=submit]").click()
    assert f"municipality={AALBORG}" in page.url
    assert shown.scopes[-1].municipality_codes == (AALBORG,)

    with page.expect_download() as download:
        page.locator("#figure-reach-classes-by-grade a[href*='classes-by-grade.csv']").click()
    text = download.value.path().read_bytes().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[:2] == [
        ["Grade", "Classes", "Classes last year", "Share of the grade"],
        ["7th grade", "41", "38", "45,6 %"],
    ]
    assert shown.scopes[-1].municipality_codes == (AALBORG,)

    with page.expect_download() as download:
        page.locator("a[href^='/overview/reach.xlsx']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert [sheet["A1"].value for sheet in workbook.worksheets][:2] == [
        "Classes reached by municipality",
        "Classes reached by grade",
    ]
    assert [cell.value for cell in workbook.worksheets[1][4]] == ["7th grade", 41, 38, 0.456]

    # Another section, through the tabs, keeps the scope.
    page.locator("nav.section-tabs a[href^='/overview/effect/']").click()
    page.wait_for_url("**/overview/effect/**")
    assert f"municipality={AALBORG}" in page.url
    assert table_rows(page, "table-effect-scores")[1] == ["Teachers", "4,3", "3,9", "81 %", "48"]
    look_at(page, "overview-effect-1280", found)

    # The annual report: every section, no menu when printed.
    page.locator("a[href^='/overview/annual-report/']").click()
    page.wait_for_url("**/overview/annual-report/**")
    assert page.locator("section.report-section").count() == 6
    look_at(page, "overview-report-1280", found)
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("form.overview-chooser").is_visible()
    # On A4, each section starts a page of its own.
    pdf = page.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 6
    assert re.search(rb"/MediaBox \[0 0 59[456]\.?\d* 84[12]", pdf), "not A4"
    page.emulate_media(media="screen")

    # A municipality outside the area is refused with a message, not figures.
    page.goto(f"{site}/overview/reach/?municipality={HJORRING}")
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("table.figures").count() == 0

    assert found == {}


def test_the_overview_on_a_phone(new_page, site, shown, consultant):
    """At 390 px the page does not scroll sideways: charts shrink, wide tables scroll in their box."""
    found: dict[str, list[str]] = {}
    page = new_page(MOBILE)
    login(page, site, consultant.username)
    for path, name in [
        ("/overview/", "overview-reach-390"),
        ("/overview/effect/", "overview-effect-390"),
        ("/overview/annual-report/", "overview-report-390"),
    ]:
        page.goto(f"{site}{path}")
        assert page.locator("table.figures").count() >= 1
        look_at(page, name, found)

    assert found == {}


def test_a_chart_on_a_phone_keeps_its_labels_readable(new_page, site, shown, consultant):
    """At 390 px a chart's words are drawn at least 11 px high (shrunk to the screen they were
    7–9 px, too small to read); a chart wider than the screen scrolls in its own box."""
    page = new_page(MOBILE)
    login(page, site, consultant.username)
    page.goto(f"{site}/overview/")
    heights = page.eval_on_selector_all(
        "svg.chart text", "texts => texts.map(text => text.getBoundingClientRect().height)"
    )
    assert heights
    assert min(heights) >= 11
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


# The real adoption table's columns, in Danish as the page shows them.
ADOPTED_BY_GRADE = Table(
    key="adopted-by-grade",
    title="Klasser adopteret, efter klassetrin",
    columns=(
        Column("grade", "Klassetrin", "label"),
        Column("classes", "Klasser 2026/27", "count"),
        Column("adopted", "Adopteret 2026/27", "count"),
        Column("share", "Andel adopteret 2026/27", "share"),
        Column("classes_before", "Klasser 2025/26", "count"),
        Column("adopted_before", "Adopteret 2025/26", "count"),
        Column("share_before", "Andel adopteret 2025/26", "share"),
    ),
    rows=(("8. klasse", 26, 6, 0.23, 26, 8, 0.31), ("8.–9. klasse", 52, 6, 0.12, 52, 11, 0.21)),
)


def test_every_figure_table_fits_a_desktop_page(page, site, shown, consultant, monkeypatch):
    """At 1280 px each table shows all its columns, last year's among them, without scrolling in
    its box: its headings wrap between words (on one line each, a table of seven columns ran
    past the page's edge and hid last year's share)."""
    monkeypatch.setitem(overview_tables.TABLES, "adoptions", [ADOPTED_BY_GRADE])
    login(page, site, consultant.username)
    for path in ["/overview/", "/overview/adoptions/", "/overview/effect/", "/overview/annual-report/"]:
        page.goto(f"{site}{path}")
        hidden = page.eval_on_selector_all(
            ".figure .table-wrap",
            "boxes => boxes.filter(box => box.scrollWidth > box.clientWidth).map(box => box.parentElement.id)",
        )
        assert hidden == [], path
