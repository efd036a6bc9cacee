"""Files for spreadsheets: CSV (safe cells, the Danish list separator, names in the page's language)
and Excel workbooks where numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe, so it shows as
    text; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_response(filename: str, header: Iterable[object], rows: Iterable[Iterable[object]]) -> HttpResponse:
    """A download for Excel: UTF-8 with a byte order mark and semicolons (the Danish list separator)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([spreadsheet_safe(str(title)) for title in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return response


# Excel workbooks ---------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# How a column's numbers look in Excel; the cells themselves hold the numbers (a share as its
# fraction, so that Excel calculates with it as a percentage).
XLSX_NUMBER_FORMATS = {"count": "#,##0", "share": "0.0%", "score": "0.0", "number": "0.0"}
# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_NAME_FORBIDDEN = str.maketrans({character: " " for character in "[]:*?/\\"})


@dataclass(frozen=True)
class Sheet:
    """One table for a workbook: its title (printed above it), a line saying what it covers, the
    columns as (header, kind) and the rows of raw values."""

    title: str
    subtitle: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[object, ...], ...]


def _sheet_name(title: str, taken: set[str]) -> str:
    name = title.translate(SHEET_NAME_FORBIDDEN).strip()[:31] or "Sheet"
    unique, number = name, 2
    while unique.lower() in taken:
        suffix = f" ({number})"
        unique, number = name[: 31 - len(suffix)] + suffix, number + 1
    taken.add(unique.lower())
    return unique


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """A workbook with one sheet per table: the title in bold, the subtitle, a header row, then
    the rows; numbers stay numbers with the column's number format, text is made formula-safe."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_name(sheet.title, taken))
        worksheet.append([sheet.title])
        worksheet["A1"].font = Font(bold=True, size=14)
        worksheet.append([sheet.subtitle])
        worksheet.append([header for header, _kind in sheet.columns])
        for cell in worksheet[3]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            worksheet.append(
                [_xlsx_value(value, kind) for value, (_header, kind) in zip(row, sheet.columns, strict=False)]
            )
        for index, (header, kind) in enumerate(sheet.columns, start=1):
            letter = worksheet.cell(row=3, column=index).column_letter
            worksheet.column_dimensions[letter].width = max(12, min(len(header) + 2, 40))
            if kind in XLSX_NUMBER_FORMATS:
                for (cell,) in worksheet.iter_rows(min_row=4, min_col=index, max_col=index):
                    cell.number_format = XLSX_NUMBER_FORMATS[kind]
        worksheet.freeze_panes = "A4"
    if not workbook.worksheets:
        workbook.create_sheet("Sheet")
    stream = io.BytesIO()
    workbook.save(stream)
    response = HttpResponse(stream.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _xlsx_value(value: object, kind: str) -> object:
    if value is None:
        return None
    if kind == "label" or isinstance(value, str):
        return spreadsheet_safe(str(value))
    if kind == "count":
        return int(value)
    return float(value)
