"""The overview's charts (web.charts): inline SVG images with a text alternative, the numbers
written on them in the page's language, colours that keep their contrast, and North Jutland's
municipalities on the tile map roughly where they lie."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from core.models import Municipality
from overview.figures import Column, Table
from web import charts
from web.charts import NORTH_JUTLAND_TILES, chart, format_cell, spreadsheet_text


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def table(chart_kind: str, rows, row_keys=()) -> Table:
    return Table(
        key="t",
        title="Pupils <reached>",
        columns=(
            Column("name", "Name", "label"),
            Column("now", "This year", "count"),
            Column("before", "Last year", "count"),
        ),
        rows=tuple(rows),
        chart=chart_kind,
        chart_columns=("now", "before"),
        row_keys=tuple(row_keys),
    )


@pytest.mark.parametrize(
    ("value", "kind", "danish", "english"),
    [
        (1234567, "count", "1.234.567", "1,234,567"),
        (0.4567, "share", "46 %", "46 %"),
        (0.005, "share", "1 %", "1 %"),
        (4.25, "score", "4,3", "4.3"),
        (12.04, "number", "12,0", "12.0"),
        (None, "count", "–", "–"),
        ("8.A", "label", "8.A", "8.A"),
    ],
)
def test_cells_are_written_as_people_read_them_in_either_language(value, kind, danish, english):
    """Half rounds up (Django's own number_format would cut 45.67 % to 45 %)."""
    with translation.override("da"):
        assert format_cell(value, kind) == danish
    with translation.override("en"):
        assert format_cell(value, kind) == english


@pytest.mark.parametrize("language", ["da", "en"])
def test_numbers_are_written_exactly_as_djangos_number_format_writes_them(language):
    """The page's own number writing (separators looked up once a language) gives the same text
    as Django's number_format for whole, grouped, decimal, negative and rounded-to-zero numbers."""
    from decimal import ROUND_HALF_UP, Decimal

    from django.utils.formats import number_format

    values = [0, 1, 7, 12, 999, 1000, 1234, 99999, 123456, 1234567, 98765432, -5, -1234, -0.04, 0.05]
    values += [0.4567, 3.25, 4.95, 12.3456, 1234.56, 0.999, 1 / 3, 2 / 3, 100, 45.6]
    with translation.override(language):
        for value in values:
            for places in (0, 1):
                for grouping in (False, True):
                    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
                    expected = number_format(rounded, places, use_l10n=True, force_grouping=grouping)
                    assert charts._number(value, places, grouping=grouping) == expected, (value, places, grouping)


def test_spreadsheet_cells_keep_counts_whole_and_shares_with_a_decimal():
    with translation.override("da"):
        assert spreadsheet_text(1234, "count") == 1234
        assert spreadsheet_text(0.4567, "share") == "45,7 %"
        assert spreadsheet_text(None, "score") == ""


@pytest.mark.parametrize("kind", ["bars", "line", "grid"])
def test_every_chart_is_a_named_image_that_escapes_its_text(kind):
    rows = [("<b>Aalborg</b>", 10, 8), ("Rebild", 3, None)]
    with translation.override("en"):
        svg = str(chart(table(kind, rows, row_keys=(851, 840))))

    assert svg.startswith('<svg class="chart chart-') and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert "Its numbers are in the table below." in svg
    assert "<title>" in svg and "Pupils &lt;reached&gt;" in svg
    assert "<b>" not in svg and "<script" not in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_a_chart_of_no_rows_or_no_kind_is_not_drawn():
    assert chart(table("bars", [])) is None
    assert chart(table(None, [("Aalborg", 1, 2)])) is None


@pytest.mark.parametrize("kind", ["bars", "line"])
def test_a_chart_with_no_value_to_plot_is_not_drawn(kind):
    """Before this year's open day its survey has no answers: the chart was an empty frame of
    dashes; now only the table (with last year's numbers) is shown."""
    assert chart(table(kind, [("Deltager", None, None), ("Vært", None, None)])) is None
    assert chart(table(kind, [("Deltager", None, 0), ("Vært", None, None)])) is not None


def test_bars_write_each_value_at_its_bar_and_hatch_last_year():
    svg = str(chart(table("bars", [("Aalborg", 40, 20)])))

    assert re.search(r'<rect x="150" y="\d+" width="270.0" [^>]*fill="#0b4f8a"', svg)
    assert re.search(r'<rect x="150" y="\d+" width="135.0" [^>]*fill="url\(#hatch-1\)"', svg)
    assert ">40</text>" in svg and ">20</text>" in svg


def test_the_line_chart_draws_this_year_solid_and_last_year_dashed():
    rows = [(month, n, n + 1) for n, month in enumerate(["August", "September", "October"], start=1)]
    svg = str(chart(table("line", rows)))

    assert svg.count("<polyline") == 2
    assert 'stroke-dasharray="none"' in svg and 'stroke-dasharray="6 4"' in svg
    assert ">September</text>" in svg


def test_north_jutlands_eleven_municipalities_each_have_a_tile_of_their_own():
    north = dict(Municipality.objects.filter(region="Nordjylland").values_list("code", "name"))

    assert set(NORTH_JUTLAND_TILES) == set(north)
    assert {code: name for code, (name, _c, _r) in NORTH_JUTLAND_TILES.items()} == north
    places = [(column, row) for _name, column, row in NORTH_JUTLAND_TILES.values()]
    assert len(set(places)) == len(places)


pytestmark = pytest.mark.django_db


def test_the_tiles_keep_north_and_south_east_and_west():
    """A municipality whose seat lies clearly north (or east) of another's has its tile no lower
    (or no further left): the map reads like the region."""
    seats = {m.code: (m.latitude, m.longitude) for m in Municipality.objects.filter(code__in=NORTH_JUTLAND_TILES)}
    for one, (_n1, column1, row1) in NORTH_JUTLAND_TILES.items():
        for other, (_n2, column2, row2) in NORTH_JUTLAND_TILES.items():
            if seats[one][0] > seats[other][0] + 0.15:
                assert row1 <= row2, (one, other)
            if seats[one][1] > seats[other][1] + 0.3:
                assert column1 >= column2, (one, other)


def test_the_grid_puts_other_municipalities_in_a_row_below_and_outlines_the_rest():
    svg = str(chart(table("grid", [("Aalborg", 10, 8), ("Ballerup", 4, 4)], row_keys=(851, 151))))

    aalborg = re.search(r'<rect x="(\d+)" y="(\d+)"[^>]*/><text[^>]*>Aalborg</text>', svg)
    ballerup = re.search(r'<rect x="(\d+)" y="(\d+)"[^>]*/><text[^>]*>Ballerup</text>', svg)
    assert (int(aalborg.group(1)), int(aalborg.group(2))) == (
        2 * charts.TILE_STEP_X,
        charts.GRID_HEADING + 2 * charts.TILE_STEP_Y,
    )
    assert (int(ballerup.group(1)), int(ballerup.group(2))) == (0, charts.GRID_HEADING + 4 * charts.TILE_STEP_Y)
    assert svg.count('stroke-dasharray="4 3"') == 10  # the rest of North Jutland, outlined
    assert ">Læsø</text>" in svg


@pytest.mark.parametrize("share", [step / 20 for step in range(21)])
def test_a_tiles_number_keeps_its_contrast_at_every_shade(share):
    fill, ink = charts._tile_colour(share * 100, 100)

    assert contrast(fill, ink) >= 4.5


def test_the_series_colours_stand_out_from_white():
    for colour in charts.SERIES_COLOURS:
        assert contrast(colour, "#ffffff") >= 4.5


def test_a_line_chart_of_counts_marks_whole_numbers_on_its_axis():
    """With nothing yet (all zero) the axis reads 0, 1, 2, not 0, 1, 1."""
    svg = str(chart(table("line", [("August", 0, 0), ("September", 0, 0)])))

    ticks = re.findall(r'text-anchor="end" fill="#4a4a4a"[^>]*>([^<]+)</text>', svg)
    assert ticks[:3] == ["0", "1", "2"]


def test_a_long_row_name_is_shortened_to_fit_the_bars_label_column():
    """A school's long name is cut to what 144 units of 13 px text hold (about 19 characters,
    the last an ellipsis): at 22 characters the start of the name fell off the chart's left
    edge ("0. Klassecenter Fred…", "ech College Aalborg,…")."""
    names = ["10. Klassecenter Frederikshavn", "Tech College Aalborg, HTX", "Hjørring Gymnasium"]
    svg = str(chart(table("bars", [(name, 1, 0) for name in names])))

    drawn = re.findall(r'text-anchor="end"[^>]*>([^<]+)</text>', svg)
    assert drawn == ["10. Klassecenter F…", "Tech College Aalbo…", "Hjørring Gymnasium"]
