"""The overview's charts, drawn on the server as inline SVG: no script, nothing fetched from
elsewhere, and the same picture on screen, on a phone and on paper.

A chart never stands alone: the page puts the table of its numbers under it, and the SVG is an
image with a text alternative that says so. Colour is never the only cue: last year's bars are
hatched, its line dashed with square markers, and every bar and tile has its number written on it.
Sizes are in the SVG's own units; the SVG scales to the width it gets (`viewBox`), so a chart
never makes a phone's page scroll sideways."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from overview.figures import Column, Table

# Two series with at least 3:1 contrast against white and each other's pattern to tell them apart.
SERIES_COLOURS = ("#0b4f8a", "#8a5a00", "#1d6b35")
INK, MUTED, LINE = "#1a1a1a", "#4a4a4a", "#c9d1d9"

# Where the 11 municipalities of North Jutland lie on a tile map (name, column, row), read from their
# seats' coordinates (shared/data/municipalities.csv): Hjørring and Frederikshavn in the north,
# Læsø out in the Kattegat, Thisted and Morsø in the west, Mariagerfjord in the south-east.
NORTH_JUTLAND_TILES: dict[int, tuple[str, int, int]] = {
    860: ("Hjørring", 2, 0),
    813: ("Frederikshavn", 3, 0),
    849: ("Jammerbugt", 1, 1),
    810: ("Brønderslev", 2, 1),
    825: ("Læsø", 4, 1),
    787: ("Thisted", 0, 2),
    851: ("Aalborg", 2, 2),
    773: ("Morsø", 0, 3),
    820: ("Vesthimmerland", 1, 3),
    840: ("Rebild", 2, 3),
    846: ("Mariagerfjord", 3, 3),
}
GRID_COLUMNS = 5


# Numbers as people read them -----------------------------------------------------------------


def _separators() -> tuple[str, str, int]:
    """The page's language's decimal separator, thousand separator and digits per group, looked
    up once a language: Django's number_format looks them up again for every number, which was
    most of the time a national annual report of 13,000 cells took to write out."""
    language = get_language() or settings.LANGUAGE_CODE
    found = _SEPARATORS.get(language)
    if found is None:
        found = _SEPARATORS[language] = (
            get_format("DECIMAL_SEPARATOR", use_l10n=True),
            get_format("THOUSAND_SEPARATOR", use_l10n=True),
            get_format("NUMBER_GROUPING", use_l10n=True),
        )
    return found


_SEPARATORS: dict[str, tuple[str, str, int]] = {}


def _number(value: object, places: int, *, grouping: bool = False) -> str:
    """A number rounded half up to `places` decimals in the page's language (Django's
    number_format cuts off the digits it does not show, so 45.6 % would read 45 %), written as
    number_format writes it (tests/web/test_overview_charts.py compares the two)."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    decimal_separator, thousand_separator, group = _separators()
    text = f"{abs(rounded) if rounded.is_zero() else rounded:f}"  # number_format writes -0 as 0
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _point, fraction = digits.partition(".")
    if (grouping or settings.USE_THOUSAND_SEPARATOR) and group > 0 and len(whole) > group:
        head = len(whole) % group or group
        whole = thousand_separator.join([whole[:head], *(whole[i : i + group] for i in range(head, len(whole), group))])
    return f"{sign}{whole}{decimal_separator}{fraction}" if fraction else f"{sign}{whole}"


def format_cell(value: object, kind: str) -> str:
    """A cell as the page shows it, in the page's language: a share as a percentage, a score or
    other number with one decimal, a count as a whole number; no data as a dash."""
    if value is None or value == "":
        return "–"
    if kind == "label":
        return str(value)
    if kind == "share":
        return f"{_number(float(value) * 100, 0)} %"
    if kind in ("score", "number"):
        return _number(value, 1)
    return _number(value, 0, grouping=True)


def spreadsheet_text(value: object, kind: str) -> object:
    """A cell for a CSV file in the page's language: numbers without grouping (a spreadsheet
    reads "1.234" as a decimal), shares as a percentage; no data is an empty cell."""
    if value is None:
        return ""
    if kind == "label":
        return str(value)
    if kind == "share":
        return f"{_number(float(value) * 100, 1)} %"
    if kind in ("score", "number"):
        return _number(value, 1)
    return int(value)


# Reading a table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    label: str
    kind: str
    values: tuple[float | None, ...]


def _html(template: str, *args: object) -> str:
    """SVG markup: text arguments escaped, numbers formatted by the template ("{:.1f}")."""
    return template.format(*(escape(arg) if isinstance(arg, str) else arg for arg in args))


def _column_index(table: Table) -> dict[str, int]:
    return {column.key: index for index, column in enumerate(table.columns)}


def _series(table: Table) -> list[Series]:
    """The columns the chart plots, in order; a key the table does not have is left out."""
    index = _column_index(table)
    found = []
    for key in table.chart_columns:
        if key not in index:
            continue
        column: Column = table.columns[index[key]]
        values = tuple(None if row[index[key]] is None else float(row[index[key]]) for row in table.rows)
        found.append(Series(str(column.label), column.kind, values))
    return found


def _labels(table: Table) -> list[str]:
    return [str(row[0]) if row and row[0] is not None else "" for row in table.rows]


def _top(values: Iterable[float | None]) -> float:
    present = [value for value in values if value is not None]
    return max(present) if present and max(present) > 0 else 1.0


def _svg(*, width: int, height: int, label: str, body: Iterable[str], chart: str) -> SafeString:
    """The outer SVG: an image whose name says what it shows and where its numbers are. Its
    width in pixels is its natural size, which a phone keeps so that its words stay readable."""
    opening = _html(
        '<svg class="chart chart-{}" role="img" aria-label="{}" width="{}" viewBox="0 0 {} {}" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg"><title>{}</title>',
        chart,
        label,
        width,
        width,
        height,
        label,
    )
    return mark_safe(opening + "".join(body) + "</svg>")


def _patterns() -> str:
    """Hatching for the second series and for tiles with no data."""
    return _html(
        "<defs>"
        '<pattern id="hatch-1" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#f3e6cc"/><rect width="3" height="6" fill="{}"/></pattern>'
        '<pattern id="hatch-2" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#d8eadd"/><circle cx="3" cy="3" r="2" fill="{}"/></pattern>'
        '<pattern id="hatch-none" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="8" height="8" fill="#ffffff"/><rect width="1" height="8" fill="{}"/></pattern>'
        "</defs>",
        SERIES_COLOURS[1],
        SERIES_COLOURS[2],
        LINE,
    )


def _fill(series_index: int) -> str:
    return SERIES_COLOURS[0] if series_index == 0 else f"url(#hatch-{min(series_index, 2)})"


def _legend(series: Sequence[Series], *, y: int, line: bool = False) -> list[str]:
    """One swatch per series with its label, in a row above the chart."""
    parts, x = [], 0
    for index, one in enumerate(series):
        if line:
            dash = "none" if index == 0 else "6 4"
            parts.append(
                _html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3" stroke-dasharray="{}"/>',
                    x,
                    y + 7,
                    x + 22,
                    y + 7,
                    SERIES_COLOURS[index % 3],
                    dash,
                )
            )
        else:
            parts.append(
                _html(
                    '<rect x="{}" y="{}" width="22" height="14" fill="{}" stroke="{}"/>',
                    x,
                    y,
                    _fill(index),
                    SERIES_COLOURS[index % 3],
                )
            )
        parts.append(
            _html(
                '<text x="{}" y="{}" font-size="13" fill="{}" font-family="system-ui, sans-serif">{}</text>',
                x + 28,
                y + 12,
                INK,
                one.label,
            )
        )
        x += 40 + 8 * len(one.label)
    return parts


# Bars ----------------------------------------------------------------------------------------

BAR_WIDTH, BAR_LABELS, BAR_VALUES, BAR_HEIGHT, BAR_GAP = 480, 150, 60, 14, 10
# What the label column (BAR_LABELS less its margin) holds of 13 px text, about 7.5 units a
# character: a longer name would run off the chart's left edge.
BAR_LABEL_CHARACTERS = 19


def bars(table: Table) -> SafeString:
    """Grouped horizontal bars: one group per row, one bar per plotted column (this year, last
    year), the number written at the end of each bar. Horizontal, so long names fit on a phone."""
    series, labels = _series(table), _labels(table)
    top = _top(value for one in series for value in one.values)
    span = BAR_WIDTH - BAR_LABELS - BAR_VALUES
    group = BAR_HEIGHT * max(len(series), 1) + BAR_GAP
    parts = [_patterns(), *_legend(series, y=0)]
    y = 26
    for row, label in enumerate(labels):
        parts.append(
            _html(
                '<text x="{}" y="{}" font-size="13" text-anchor="end" fill="{}" font-family="system-ui, sans-serif">{}</text>',
                BAR_LABELS - 6,
                y + group / 2,
                INK,
                _shorten(label, BAR_LABEL_CHARACTERS),
            )
        )
        for index, one in enumerate(series):
            value = one.values[row]
            length = 0 if value is None else max(span * value / top, 1)
            top_y = y + index * BAR_HEIGHT
            parts.append(
                _html(
                    '<rect x="{}" y="{}" width="{:.1f}" height="{}" fill="{}" stroke="{}"/>',
                    BAR_LABELS,
                    top_y,
                    length,
                    BAR_HEIGHT - 2,
                    _fill(index),
                    SERIES_COLOURS[index % 3],
                )
            )
            parts.append(
                _html(
                    '<text x="{:.1f}" y="{}" font-size="12" fill="{}" font-family="system-ui, sans-serif">{}</text>',
                    BAR_LABELS + length + 4,
                    top_y + BAR_HEIGHT - 3,
                    INK,
                    format_cell(value, one.kind),
                )
            )
        y += group
    parts.append(_html('<line x1="{}" y1="22" x2="{}" y2="{}" stroke="{}"/>', BAR_LABELS, BAR_LABELS, y, MUTED))
    label = _("Bar chart: %(title)s. Its numbers are in the table below.") % {"title": table.title}
    return _svg(width=BAR_WIDTH, height=y + 4, label=label, body=parts, chart="bars")


# Lines ---------------------------------------------------------------------------------------

LINE_WIDTH, LINE_HEIGHT, LINE_LEFT, LINE_TOP, LINE_BOTTOM = 480, 260, 48, 30, 40


def line(table: Table) -> SafeString:
    """Lines over the rows (months, in order): this year solid with round markers, last year
    dashed with square ones; the highest value and zero marked on the axis."""
    series, labels = _series(table), _labels(table)
    kind = series[0].kind if series else "count"
    top = _top(value for one in series for value in one.values)
    if kind == "count":
        top = 2 * math.ceil(top / 2)  # whole numbers at the axis' top and middle
    plot_width = LINE_WIDTH - LINE_LEFT - 10
    plot_height = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM
    step = plot_width / max(len(labels) - 1, 1)
    baseline = LINE_TOP + plot_height
    parts = [*_legend(series, y=0, line=True)]
    for fraction in (0, 0.5, 1):
        y = baseline - plot_height * fraction
        parts.append(
            _html('<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="{}"/>', LINE_LEFT, y, LINE_WIDTH - 10, y, LINE)
        )
        parts.append(
            _html(
                '<text x="{}" y="{:.1f}" font-size="12" text-anchor="end" fill="{}" font-family="system-ui, sans-serif">{}</text>',
                LINE_LEFT - 4,
                y + 4,
                MUTED,
                format_cell(top * fraction, kind),
            )
        )
    every = max(1, -(-len(labels) // 6))  # at most about six labels under the axis
    # Months cut to their first three letters when full names would run into each other.
    room = step * every
    for index, label in enumerate(labels):
        if index % every == 0:
            anchor = "start" if index == 0 else "end" if index == len(labels) - 1 else "middle"
            parts.append(
                _html(
                    '<text x="{:.1f}" y="{}" font-size="12" text-anchor="{}" fill="{}" '
                    'font-family="system-ui, sans-serif">{}</text>',
                    LINE_LEFT + index * step,
                    baseline + 18,
                    anchor,
                    MUTED,
                    label[:3] if room < 72 else _shorten(label, 10),
                )
            )
    for number, one in enumerate(series):
        colour = SERIES_COLOURS[number % 3]
        points = [
            (LINE_LEFT + index * step, baseline - plot_height * value / top)
            for index, value in enumerate(one.values)
            if value is not None
        ]
        dash = "none" if number == 0 else "6 4"
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            _html(
                '<polyline points="{}" fill="none" stroke="{}" stroke-width="3" stroke-dasharray="{}"/>',
                path,
                colour,
                dash,
            )
        )
        for x, y in points:
            if number == 0:
                parts.append(_html('<circle cx="{:.1f}" cy="{:.1f}" r="4" fill="{}"/>', x, y, colour))
            else:
                parts.append(
                    _html('<rect x="{:.1f}" y="{:.1f}" width="8" height="8" fill="{}"/>', x - 4, y - 4, colour)
                )
    label = _("Line chart: %(title)s. Its numbers are in the table below.") % {"title": table.title}
    return _svg(width=LINE_WIDTH, height=LINE_HEIGHT, label=label, body=parts, chart="line")


# The municipalities' grid --------------------------------------------------------------------

TILE_WIDTH, TILE_HEIGHT, TILE_GAP = 94, 64, 4
TILE_STEP_X, TILE_STEP_Y = TILE_WIDTH + TILE_GAP, TILE_HEIGHT + TILE_GAP
GRID_HEADING = 24  # room for the line saying what the shades mean


def _luminance(colour: str) -> float:
    """WCAG relative luminance of "#rrggbb"."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _tile_colour(value: float | None, top: float) -> tuple[str, str]:
    """Fill and text colour: from pale to the brand's dark blue by the value's share of the
    highest; the text white or dark, whichever stands out more from that fill (at least 4.5:1
    all along the scale)."""
    if value is None:
        return "url(#hatch-none)", INK
    share = max(0.0, min(value / top, 1.0))
    # Mid-blues leave neither white nor dark text 4.5:1, so the scale jumps over them: the lower
    # half runs up to 60 % of the way to the dark blue, the upper half from 76 %.
    step = share / 0.5 * 0.6 if share < 0.5 else 0.76 + (share - 0.5) / 0.5 * 0.24
    pale, dark = (232, 240, 248), (11, 79, 138)
    fill = "#{:02x}{:02x}{:02x}".format(*(round(pale[i] + (dark[i] - pale[i]) * step) for i in range(3)))
    lightness = _luminance(fill)
    on_white = 1.05 / (lightness + 0.05)
    on_ink = (lightness + 0.05) / (_luminance(INK) + 0.05)
    return fill, ("#ffffff" if on_white > on_ink else INK)


def _tile_places(codes: Sequence[object]) -> list[tuple[int, int]]:
    """Each row's tile: North Jutland's where they lie, any other municipality in rows below
    (or from the top when the table has none of North Jutland's)."""
    places, others = [], 0
    on_map = any(code in NORTH_JUTLAND_TILES for code in codes)
    extra_row = 1 + max(row for _name, _column, row in NORTH_JUTLAND_TILES.values()) if on_map else 0
    for code in codes:
        if code in NORTH_JUTLAND_TILES:
            _name, column, row = NORTH_JUTLAND_TILES[code]
            places.append((column, row))
        else:
            places.append((others % GRID_COLUMNS, extra_row + others // GRID_COLUMNS))
            others += 1
    return places


# A tile's name may be this many characters at full size; a system sans-serif's letters average
# about 0.6 em, and the name keeps a few pixels from the tile's edges.
TILE_NAME_ROOM = TILE_WIDTH - 10


def _name_size(name: str, size: int) -> float:
    """The font size at which `name` fits its tile: `size`, or smaller for a long name
    ("Vesthimmerland" touched both edges at 12 px)."""
    fits = TILE_NAME_ROOM / (0.6 * max(len(name), 1))
    return round(min(size, fits), 1)


def _tile(x: float, y: float, *, fill: str, ink: str, name: str, number: str) -> str:
    return _html(
        '<g><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{}" stroke="{}"/>'
        '<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}" font-family="system-ui, sans-serif">{}</text>'
        '<text x="{}" y="{}" font-size="18" font-weight="700" text-anchor="middle" fill="{}" '
        'font-family="system-ui, sans-serif">{}</text></g>',
        x,
        y,
        TILE_WIDTH,
        TILE_HEIGHT,
        fill,
        MUTED,
        x + TILE_WIDTH / 2,
        y + 22,
        _name_size(name, 12),
        ink,
        _shorten(name, 16),
        x + TILE_WIDTH / 2,
        y + 48,
        ink,
        number,
    )


def _ghost_tile(x: float, y: float, name: str) -> str:
    """A North Jutland municipality the table does not cover: an outline with its name, so the
    map keeps its shape."""
    return _html(
        '<g><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="#ffffff" stroke="{}" stroke-dasharray="4 3"/>'
        '<text x="{}" y="{}" font-size="{}" text-anchor="middle" fill="{}" font-family="system-ui, sans-serif">{}</text></g>',
        x,
        y,
        TILE_WIDTH,
        TILE_HEIGHT,
        MUTED,
        x + TILE_WIDTH / 2,
        y + TILE_HEIGHT / 2 + 4,
        _name_size(name, 11),
        MUTED,
        _shorten(name, 16),
    )


def grid(table: Table) -> SafeString:
    """A map-like grid of the municipalities: one tile each, darker for a higher value of the
    first plotted column, the municipality's name and number written in it."""
    series, labels = _series(table), _labels(table)
    codes = list(table.row_keys) if len(table.row_keys) == len(labels) else [None] * len(labels)
    values = series[0].values if series else tuple(None for _label in labels)
    kind = series[0].kind if series else "count"
    top = _top(values)
    places = _tile_places(codes)
    heading = GRID_HEADING
    parts = [_patterns()]
    if series:
        key = _("%(column)s: the darker the tile, the higher the number") % {"column": series[0].label}
        parts.append(
            _html('<text x="0" y="14" font-size="13" fill="{}" font-family="system-ui, sans-serif">{}</text>', INK, key)
        )
    if any(code in NORTH_JUTLAND_TILES for code in codes):
        for code, (name, column, row) in NORTH_JUTLAND_TILES.items():
            if code not in codes:
                parts.append(_ghost_tile(column * TILE_STEP_X, heading + row * TILE_STEP_Y, name))
    for (column, row), label, value in zip(places, labels, values, strict=True):
        fill, ink = _tile_colour(value, top)
        parts.append(
            _tile(
                column * TILE_STEP_X,
                heading + row * TILE_STEP_Y,
                fill=fill,
                ink=ink,
                name=label,
                number=format_cell(value, kind),
            )
        )
    rows = 1 + max((row for _column, row in places), default=0)
    if any(code in NORTH_JUTLAND_TILES for code in codes):
        rows = max(rows, 1 + max(row for _name, _column, row in NORTH_JUTLAND_TILES.values()))
    label = _("Map of the municipalities: %(title)s. Its numbers are in the table below.") % {"title": table.title}
    return _svg(
        width=GRID_COLUMNS * TILE_STEP_X,
        height=heading + rows * TILE_STEP_Y,
        label=label,
        body=parts,
        chart="grid",
    )


CHARTS = {"bars": bars, "line": line, "grid": grid}


def chart(table: Table) -> SafeString | None:
    """The table's chart as SVG, or None when it has none, no rows, or not one value to plot
    (an empty frame says nothing the table under it does not)."""
    draw = CHARTS.get(table.chart or "")
    if draw is None or not table.rows:
        return None
    if all(value is None for series in _series(table) for value in series.values):
        return None
    return draw(table)


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
