"""The consultant's overview in a real browser, on real figures: the small region of
tests/overview/region.py is built through the factories and services and both school years'
figures are refreshed; the dashboard opens, the municipalities' grid chart is read from the table
under it, the chooser changes year and municipality, a table downloads as CSV and a section as
Excel with the page's numbers, and the annual report prints every section.

Every page is checked with axe (no serious or critical findings) and, on a phone, for sideways
scrolling; with SCREENSHOTS=1 the pages are saved as docs/screenshots/overview-*.png."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest

from core.dates import school_year_label
from tests.e2e.conftest import DESKTOP, E2E_MARKS, MOBILE, login
from tests.e2e.test_opendays import look_at

pytestmark = E2E_MARKS

AALBORG, THISTED, HJORRING = 851, 787, 860


@pytest.fixture
def region(transactional_db):
    """The region (consultant «konsulent», area Aalborg and Thisted), both years refreshed."""
    from tests.overview.region import build_region

    return build_region()


def table_rows(page, table_id: str) -> list[list[str]]:
    rows = page.locator(f"table#{table_id} tr")
    return [[cell.strip() for cell in rows.nth(i).locator("th, td").all_inner_texts()] for i in range(rows.count())]


def headers(year: int) -> list[str]:
    """The reach tables' number columns: classes and pupils, the chosen year beside the one before."""
    this, last = school_year_label(year), school_year_label(year - 1)
    return [f"Klasser nået {this}", f"Klasser nået {last}", f"Elever nået {this}", f"Elever nået {last}"]


def choose(page, *, year: int | None = None, municipalities: tuple[int, ...] = ()) -> None:
    """The chooser: a school year and some municipalities (the others unticked), then Show."""
    chooser = page.locator("form.overview-chooser")
    if year is not None:
        chooser.locator("select[name=year]").select_option(str(year))
    boxes = chooser.locator("input[name=municipality]")
    for i in range(boxes.count()):
        box = boxes.nth(i)
        box.set_checked(int(box.get_attribute("value")) in municipalities)
    with page.expect_navigation():
        chooser.locator("button[type=submit]").click()


def cut_off(page) -> list[str]:
    """What a desktop would not show whole: figure tables of up to nine columns wider than their
    box (their last columns behind a scroll; wider tables, such as the feedback's thirteen
    columns, scroll in their box by design), a chart whose legend touches the description
    above it, and names in the municipalities' grid wider than their tile."""
    return page.evaluate(
        """() => [
            ...[...document.querySelectorAll('.table-wrap:has(table.figures)')]
                .filter(box => box.querySelectorAll('thead th').length <= 9)
                .filter(box => box.scrollWidth > box.clientWidth + 1)
                .map(box => 'table ' + box.querySelector('table').id),
            ...[...document.querySelectorAll('.figure > p.meta + .chart-box')]
                .filter(box => box.getBoundingClientRect().top - box.previousElementSibling.getBoundingClientRect().bottom < 8)
                .map(box => 'chart against its description ' + box.closest('.figure').id),
            ...[...document.querySelectorAll('svg.chart-grid g')].flatMap(tile => {
                const rect = tile.querySelector('rect'), name = tile.querySelector('text');
                if (!rect || !name) return [];
                const inner = rect.getBBox(), text = name.getBBox();
                return text.x < inner.x + 4 || text.x + text.width > inner.x + inner.width - 4
                    ? ['tile ' + name.textContent] : [];
            }),
        ]"""
    )


def downloaded_csv(page, link) -> list[list[str]]:
    with page.expect_download() as download:
        link.click()
    text = download.value.path().read_bytes().decode("utf-8")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_the_consultant_reads_the_real_figures_changes_the_scope_and_downloads_them(page, site, region):
    """Reached this year (worked out in region.py): Aalborg 2 classes (8.B by the held visit,
    9.A by the project done without a booking) and 45 pupils (20 + 25); last year 1 class, 22
    pupils (8.A's held visit). Thisted's 8.T was only cancelled: nothing. Hjørring lies outside
    the consultant's area, so it is not in the table and is refused when asked for."""
    found: dict[str, list[str]] = {}
    login(page, site, region.consultant.username)
    page.locator("nav.site-nav a[href='/overview/']").click()
    page.wait_for_url("**/overview/")
    look_at(page, "overview-reach-1280", found)
    assert cut_off(page) == []

    # The grid chart is an image with a name, and its numbers are in the table under it.
    grid = page.locator("#figure-reach-municipalities svg[role=img]")
    assert "Kort over kommunerne" in grid.get_attribute("aria-label")
    assert table_rows(page, "table-reach-municipalities") == [
        ["Kommune", *headers(region.this)],
        ["Aalborg", "2", "1", "45", "22"],
        ["Thisted", "–", "–", "–", "–"],
    ]

    # Last school year: 8.A's 1 class and 22 pupils, and nothing the year before that.
    choose(page, year=region.last)
    assert f"year={region.last}" in page.url
    assert table_rows(page, "table-reach-municipalities")[1] == ["Aalborg", "1", "–", "22", "–"]

    # This year, only Thisted: its 8.T met no company, so it is named among the unreached.
    choose(page, year=region.this, municipalities=(THISTED,))
    assert f"municipality={THISTED}" in page.url
    assert [row[0] for row in table_rows(page, "table-reach-municipalities")[1:]] == ["Thisted"]

    # Only Aalborg: by grade, 8th 1 class (20 pupils) against last year's 1 (22).
    choose(page, year=region.this, municipalities=(AALBORG,))
    rows = downloaded_csv(page, page.locator("#figure-reach-grades a[href*='/grades.csv']"))
    assert rows[0][1:] == headers(region.this)
    assert ["8. klasse", "1", "1", "20", "22"] in rows

    # The whole section as one workbook: the municipalities' sheet has Aalborg's numbers.
    with page.expect_download() as download:
        page.locator("a[href^='/overview/reach.xlsx']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet_rows = [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]
    assert ["Aalborg", 2, 1, 45, 22] in sheet_rows

    # The other sections, through the tabs, keep the scope.
    for section, name in [
        ("adoptions", "overview-adoptions-1280"),
        ("open_days", "overview-open-days-1280"),
        ("effect", "overview-effect-1280"),
        ("attendance", "overview-attendance-1280"),
        ("unreached", "overview-unreached-1280"),
    ]:
        page.locator(f"nav.section-tabs a[href^='/overview/{section}/']").click()
        page.wait_for_url(f"**/overview/{section}/**")
        assert f"municipality={AALBORG}" in page.url
        assert page.locator("table.figures").count() >= 1
        assert cut_off(page) == [], section
        look_at(page, name, found)

    # The annual report: every section, no menu when printed.
    page.locator("a[href^='/overview/annual-report/']").click()
    page.wait_for_url("**/overview/annual-report/**")
    assert page.locator("section.report-section").count() == 6
    assert table_rows(page, "table-reach-municipalities")[1] == ["Aalborg", "2", "1", "45", "22"]
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


def test_the_overview_on_a_phone(new_page, site, region):
    """At 390 px the page does not scroll sideways: charts and wide tables scroll in their box."""
    found: dict[str, list[str]] = {}
    page = new_page(MOBILE)
    login(page, site, region.consultant.username)
    for path, name in [
        ("/overview/", "overview-reach-390"),
        ("/overview/effect/", "overview-effect-390"),
        ("/overview/annual-report/", "overview-report-390"),
    ]:
        page.goto(f"{site}{path}")
        assert page.locator("table.figures").count() >= 1
        look_at(page, name, found)

    assert found == {}


def test_a_chart_on_a_phone_keeps_its_labels_readable(new_page, site, region):
    """At 390 px a chart's words are drawn at least 11 px high (shrunk to the screen they were
    7–9 px, too small to read); a chart wider than the screen scrolls in its own box."""
    page = new_page(MOBILE)
    login(page, site, region.consultant.username)
    page.goto(f"{site}/overview/")
    heights = page.eval_on_selector_all(
        "svg.chart text", "texts => texts.map(text => text.getBoundingClientRect().height)"
    )
    assert heights
    assert min(heights) >= 11
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_public_initiative_catalogue_holds_the_reports_seventy(new_page, site, transactional_db):
    """The shipped catalogue of the report, imported as the consultant would: anyone sees the 70
    initiatives, on a desktop and on a phone."""
    from overview.services import initiatives_import
    from overview.services.initiatives import SHIPPED_CSV

    with open(SHIPPED_CSV, "rb") as file:
        initiatives_import(actor=None, file=file)
    found: dict[str, list[str]] = {}
    for viewport, name in [(DESKTOP, "initiatives-1280"), (MOBILE, "initiatives-390")]:
        page = new_page(viewport)
        page.goto(f"{site}/initiatives/")
        assert page.locator("main [role=status]").inner_text().strip() == "70 initiativer"
        look_at(page, name, found)

    assert found == {}
