"""The catalogue of STEM initiatives: the consultant creates, changes and deletes them, and imports
many at once from a CSV file (the report's 70 to begin with).

Decisions worth knowing:
- Names are unique regardless of case: an import matches an existing initiative by its name
  that way, so "coding pirates" in a file updates "Coding Pirates" rather than adding a twin.
- An import changes only the columns the file has: re-importing the report's three columns
  keeps the descriptions, periods and lessons the consultant has written since. A blank cell in
  a column the file has clears that value (required ones are refused instead).
- Each line is all or nothing (every field is checked before the line is written), and the whole
  import is one transaction: a problem with the file itself (size, encoding, columns) saves
  nothing at all.
- Files come from Excel as often as from anywhere: UTF-8 with or without a byte-order mark, and
  comma or semicolon separated (Danish Excel writes semicolons). A file that is not UTF-8 is read
  as Windows-1252, what Danish Excel's plain "CSV" writes.

Every refusal is a DomainError with a stable code and the field it concerns."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from core.errors import DomainError
from core.validators import validate_date_in_range
from overview.models import Initiative, TargetGroup

NOT_ALLOWED_CODE = "not_allowed"
# The report's 70 initiatives (its appendix B), shipped with the project.
SHIPPED_CSV = Path(__file__).resolve().parents[1] / "data" / "initiatives.csv"
MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 2_000

NOT_ALLOWED = _("Only a consultant can change the initiative catalogue.")
REQUIRED = _("This is required.")
TOO_LONG = _("This can be at most %(max)s characters.")
NAME_TAKEN = _("Another initiative already has this name.")
GEOGRAPHY_INVALID = _("Write national (landsdækkende) or regional, or the name of a region such as Nordjylland.")
REGION_NATIONAL = _("A national initiative has no region.")
TARGET_GROUP_UNKNOWN = _("Unknown target group: %(value)s.")
KIND_INVALID = _("Write inspiration, course, development project or competition.")
DATE_INVALID = _("Write the date as YYYY-MM-DD or DD-MM-YYYY.")
ENDS_BEFORE_START = _("An initiative cannot end before it starts.")
NULL_CHARACTER = _("Null characters are not allowed.")
URL_INVALID = _("Write a web address such as https://example.dk.")
FILE_TOO_BIG = _("The file is larger than %(max)s bytes; split it into smaller files.")
FILE_TOO_MANY_ROWS = _("The file has more than %(max)s lines; split it into smaller files.")
FILE_EMPTY = _("The file is empty: the first line must name the columns.")
FILE_UNREADABLE = _("The file cannot be read as CSV: %(reason)s.")
FILE_NOT_CSV = _(
    "The file is not a CSV file but perhaps an Excel workbook: in Excel, choose Save as, "
    "CSV (semicolon separated), and upload that file."
)
# How workbooks begin: a zip archive (.xlsx, .ods) or an OLE2 compound file (.xls).
WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
FILE_COLUMNS_MISSING = _("The file lacks the columns: %(columns)s.")
FILE_COLUMNS_UNKNOWN = _("The file has columns the catalogue does not know: %(columns)s.")
FILE_COLUMN_TWICE = _("The column %(column)s appears twice.")
NAME_TWICE = _("The name appears already on line %(line)s of the file.")
ROW_CONFLICT = _("The line conflicts with another initiative.")
CELLS_TOO_MANY = _(
    "The line has more cells than the first line has columns: a cell that holds a comma or a semicolon "
    "must be in quotes."
)
# The key under which a row of a file names its last column when the line had cells beyond it.
EXTRA_CELLS = "\x00extra"

# Words for a geography, in Danish and English, lower case. A region's name also means regional.
NATIONAL_WORDS = {"national", "nationalt", "nationwide", "landsdækkende", "landsdaekkende", "hele landet"}
REGIONAL_WORDS = {"regional", "regionalt", "region"}
REGIONS = ["Nordjylland", "Midtjylland", "Syddanmark", "Sjælland", "Hovedstaden"]

# The columns of an import file, with the Danish headings Danish users write.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "navn"),
    "owner": ("owner", "ejer"),
    "geography": ("geography", "geografi", "geografisk forankring"),
    "region": ("region",),
    "target_groups": ("target_groups", "target groups", "målgrupper", "målgruppe"),
    "kind": ("kind", "type", "art"),
    "stem_focus": ("stem_focus", "stem focus", "stem-fokus", "stem fokus"),
    "description": ("description", "beskrivelse"),
    "started": ("started", "start", "started_on", "startet"),
    "ended": ("ended", "end", "ended_on", "slut", "sluttet"),
    "lessons": ("lessons", "what it learnt", "erfaringer", "læring"),
    "contact": ("contact", "kontakt"),
    "url": ("url", "link"),
}
REQUIRED_COLUMNS = ("name", "owner", "geography")
# A column of the file and the model's field it fills, where the names differ.
FIELD_OF = {"started": "started_on", "ended": "ended_on"}
TEXT_FIELDS = ("name", "owner", "region", "stem_focus", "description", "lessons", "contact")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


class Outcome:
    IMPORTED = "imported"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(frozen=True)
class ImportLine:
    """What became of one line of the file; `problems` are (column, message) for a refused line."""

    line: int
    name: str
    outcome: str
    problems: tuple[tuple[str, str], ...] = ()


@dataclass
class ImportReport:
    """Every line of an import in file order, and what became of it."""

    lines: list[ImportLine] = field(default_factory=list)

    def _of(self, outcome: str) -> list[ImportLine]:
        return [line for line in self.lines if line.outcome == outcome]

    @property
    def imported(self) -> list[ImportLine]:
        return self._of(Outcome.IMPORTED)

    @property
    def updated(self) -> list[ImportLine]:
        return self._of(Outcome.UPDATED)

    @property
    def unchanged(self) -> list[ImportLine]:
        return self._of(Outcome.UNCHANGED)

    @property
    def refused(self) -> list[ImportLine]:
        return self._of(Outcome.REFUSED)


# Permission ---------------------------------------------------------------------------------


def can_edit_initiatives(user: User | None) -> bool:
    """The consultant (or an administrator) keeps the catalogue; None is the installation itself
    (a management command, the demo loader)."""
    return user is None or (user.is_authenticated and user.sees_everything)


def _check_actor(actor: User | None) -> None:
    if not can_edit_initiatives(actor):
        raise DomainError(NOT_ALLOWED, code=NOT_ALLOWED_CODE)


# Values -------------------------------------------------------------------------------------


class _Problems(Exception):
    """Every problem found in one initiative's values, by field."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


def _max_length(name: str) -> int:
    return Initiative._meta.get_field(name).max_length


def geography_of(text: str) -> tuple[str, str] | None:
    """(geography, region implied by the word) for a Danish or English word, or None."""
    word = " ".join(text.split()).casefold()
    if word in NATIONAL_WORDS:
        return Initiative.Geography.NATIONAL, ""
    if word in REGIONAL_WORDS or word in {choice.casefold() for choice in Initiative.Geography.values}:
        return Initiative.Geography.REGIONAL, ""
    for region in REGIONS:
        if word in {region.casefold(), f"region {region}".casefold()}:
            return Initiative.Geography.REGIONAL, region
    return None


def _labels_in_both_languages(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Each choice by its value and its label in English and Danish, case-folded."""
    found: dict[str, str] = {}
    for value, label in choices:
        found[value.casefold()] = value
        for language in ("en", "da"):
            with translation.override(language):
                found[str(label).casefold()] = value
    return found


def kind_of(text: str) -> str | None:
    """A kind from its code or its English or Danish label; "" for none; None if unknown."""
    word = " ".join(text.split()).casefold()
    if not word:
        return ""
    return _labels_in_both_languages(Initiative.Kind.choices).get(word)


def target_groups_of(text: str) -> list[TargetGroup]:
    """Target groups written as codes or Danish or English names, separated by ";", "|" or ","
    (no group's name holds one; a Danish list is written with commas)."""
    known: dict[str, TargetGroup] = {}
    for group in TargetGroup.objects.all():
        for key in (group.code, group.name_da, group.name_en):
            known[key.casefold()] = group
    groups: list[TargetGroup] = []
    for part in re.split(r"[;|,]", text):
        word = " ".join(part.split()).casefold()
        if not word:
            continue
        if word not in known:
            raise _Problems({"target_groups": str(TARGET_GROUP_UNKNOWN % {"value": part.strip()})})
        if known[word] not in groups:
            groups.append(known[word])
    return groups


def date_of(text: str) -> dt.date | None:
    """A date written the ISO way or the Danish way; None for blank. Raises ValueError."""
    text = text.strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _checked(values: dict[str, Any], *, initiative: Initiative | None) -> dict[str, Any]:
    """The values of an initiative checked together (start and end, geography and region, the
    name against the others); raises _Problems naming every field that is wrong."""
    problems: dict[str, str] = {}
    if "name" in values:
        values["name"] = " ".join((values["name"] or "").split())
    for name in (*TEXT_FIELDS, "url"):
        if name in values:
            values[name] = (values[name] or "").strip()
            if "\x00" in values[name]:
                # PostgreSQL cannot store it, and no one means it.
                problems[name] = str(NULL_CHARACTER)
            elif len(values[name]) > _max_length(name):
                problems[name] = str(TOO_LONG % {"max": _max_length(name)})
    for name in ("name", "owner"):
        if name in values and not values[name]:
            problems[name] = str(REQUIRED)
    if "geography" in values and values["geography"] not in Initiative.Geography.values:
        problems["geography"] = str(GEOGRAPHY_INVALID)
    if "kind" in values and (values["kind"] or "") not in ("", *Initiative.Kind.values):
        problems["kind"] = str(KIND_INVALID)
    if values.get("url") and "url" not in problems:
        values["url"] = _url(values["url"], problems)
    for name in ("started_on", "ended_on"):
        if values.get(name) is not None:
            try:
                validate_date_in_range(values[name])
            except ValidationError as error:
                problems[name] = error.messages[0]
    merged = {
        name: values[name] if name in values else getattr(initiative, name, None)
        for name in ("geography", "region", "started_on", "ended_on")
    }
    if merged["geography"] == Initiative.Geography.NATIONAL and merged["region"]:
        problems.setdefault("region", str(REGION_NATIONAL))
    if merged["started_on"] and merged["ended_on"] and merged["ended_on"] < merged["started_on"]:
        problems.setdefault("ended_on", str(ENDS_BEFORE_START))
    if values.get("name") and "name" not in problems:
        others = Initiative.objects.filter(name__iexact=values["name"])
        if initiative is not None:
            others = others.exclude(pk=initiative.pk)
        if others.exists():
            problems["name"] = str(NAME_TAKEN)
    if problems:
        raise _Problems(problems)
    return values


def _url(text: str, problems: dict[str, str]) -> str:
    """A web address; one written without its scheme (www.example.dk) gets https://."""
    text = text.strip()
    if not text:
        return ""
    if "://" not in text:
        text = f"https://{text}"
    if len(text) > _max_length("url"):
        problems["url"] = str(TOO_LONG % {"max": _max_length("url")})
        return text
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        problems["url"] = str(URL_INVALID)
    return text


def _refusal(problems: dict[str, str]) -> DomainError:
    """The first problem as the refusal (a form shows one per submit; the import shows them all)."""
    name, message = next(iter(problems.items()))
    return DomainError(message, code=f"invalid_{name}", field=name)


def _write(initiative: Initiative, values: dict[str, Any]) -> bool:
    """Set the values on the initiative and save it; True if anything changed."""
    groups = values.pop("target_groups", None)
    changed = initiative.pk is None
    for name, value in values.items():
        if getattr(initiative, name) != value:
            setattr(initiative, name, value)
            changed = True
    if changed:
        initiative.save()
    if groups is not None and {group.pk for group in groups} != set(
        initiative.target_groups.values_list("pk", flat=True)
    ):
        initiative.target_groups.set(groups)
        changed = True
    return changed


# One at a time ---------------------------------------------------------------------------------


@transaction.atomic
@audited("overview.initiative.create")
def initiative_create(
    *,
    actor: User | None,
    name: str,
    owner: str,
    geography: str,
    region: str = "",
    target_groups: Iterable[TargetGroup] = (),
    kind: str = "",
    stem_focus: str = "",
    description: str = "",
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    lessons: str = "",
    contact: str = "",
    url: str = "",
) -> Initiative:
    """Add an initiative to the catalogue."""
    _check_actor(actor)
    values = {
        "name": name,
        "owner": owner,
        "geography": geography,
        "region": region,
        "kind": kind,
        "stem_focus": stem_focus,
        "description": description,
        "started_on": started_on,
        "ended_on": ended_on,
        "lessons": lessons,
        "contact": contact,
        "url": url,
    }
    try:
        values = _checked(values, initiative=None)
    except _Problems as problems:
        raise _refusal(problems.problems) from None
    initiative = Initiative()
    _write(initiative, values | {"target_groups": list(target_groups)})
    return initiative


@transaction.atomic
@audited("overview.initiative.update", target="initiative", fields=True)
def initiative_update(*, actor: User | None, initiative: Initiative, **changes: Any) -> Initiative:
    """Change an initiative; fields left out keep their value. `target_groups` replaces them all."""
    _check_actor(actor)
    allowed = {*TEXT_FIELDS, "geography", "kind", "started_on", "ended_on", "url", "target_groups"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"initiative_update() got unexpected fields: {sorted(unknown)}")
    initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
    groups = changes.pop("target_groups", None)
    try:
        values = _checked(dict(changes), initiative=initiative)
    except _Problems as problems:
        raise _refusal(problems.problems) from None
    if groups is not None:
        values["target_groups"] = list(groups)
    _write(initiative, values)
    return initiative


@transaction.atomic
@audited("overview.initiative.delete", target="initiative")
def initiative_delete(*, actor: User | None, initiative: Initiative) -> None:
    """Remove an initiative from the catalogue. An ended one is better kept with what it learnt;
    deleting is for mistakes and duplicates."""
    _check_actor(actor)
    Initiative.objects.filter(pk=initiative.pk).delete()


# Import ---------------------------------------------------------------------------------------


def _file_error(message, **params: object) -> DomainError:
    return DomainError(message % params if params else message, code="import_file", field="file")


def _decoded(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise _file_error(FILE_TOO_BIG, max=MAX_IMPORT_BYTES)
    if data.startswith(WORKBOOK_SIGNATURES):
        # Read as text, a workbook's bytes would come back as "unknown columns" of garbage.
        raise _file_error(FILE_NOT_CSV)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _column_names(header: list[str]) -> list[str]:
    """The catalogue's name of each column of the file, from its English or Danish heading."""
    heading_of = {heading: column for column, headings in COLUMNS.items() for heading in headings}
    names: list[str] = []
    unknown: list[str] = []
    for heading in header:
        word = " ".join(heading.split()).casefold()
        column = heading_of.get(word) or heading_of.get(word.replace("-", "_"))
        if column is None:
            unknown.append(heading.strip() or "?")
        elif column in names:
            raise _file_error(FILE_COLUMN_TWICE, column=heading.strip())
        names.append(column or "")
    if unknown:
        raise _file_error(FILE_COLUMNS_UNKNOWN, columns=", ".join(unknown))
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise _file_error(FILE_COLUMNS_MISSING, columns=", ".join(missing))
    return names


def _rows_of_file(file: IO[bytes] | bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by column) for each record of the file; raises for a bad file."""
    data = file if isinstance(file, bytes) else file.read(MAX_IMPORT_BYTES + 1)
    text = _decoded(data)
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise _file_error(FILE_EMPTY)
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        columns = _column_names(next(reader))
        rows: list[tuple[int, dict[str, str]]] = []
        start = reader.line_num + 1
        for record in reader:
            if any(cell.strip() for cell in record):
                if len(rows) >= MAX_IMPORT_ROWS:
                    raise _file_error(FILE_TOO_MANY_ROWS, max=MAX_IMPORT_ROWS)
                cells = [*record, *[""] * (len(columns) - len(record))]
                row = dict(zip(columns, cells, strict=False))
                if any(cell.strip() for cell in record[len(columns) :]):
                    # An unquoted separator in a cell: the cells no longer line up with their columns.
                    row[EXTRA_CELLS] = columns[-1]
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as error:
        raise _file_error(FILE_UNREADABLE, reason=str(error)) from None
    return iter(rows)


def _rows_given(rows: Iterable[Mapping[str, str]]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows already parsed, numbered as lines of a file under a header line."""
    given = list(rows)
    if len(given) > MAX_IMPORT_ROWS:
        raise _file_error(FILE_TOO_MANY_ROWS, max=MAX_IMPORT_ROWS)
    if given:
        _column_names(list(given[0].keys()))
    heading_of = {heading: column for column, headings in COLUMNS.items() for heading in headings}
    for number, row in enumerate(given, start=2):
        yield number, {heading_of.get(" ".join(key.split()).casefold(), key): value for key, value in row.items()}


def _values_of_row(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The model's values from a row's cells (only the columns the file has), and the problems of
    cells that say nothing the catalogue knows."""
    problems: dict[str, str] = {}
    # Name and owner always: a row without them is refused, not saved without them.
    values: dict[str, Any] = {
        "name": " ".join((row.get("name") or "").split()),
        "owner": row.get("owner") or "",
    }
    for column in ("region", "stem_focus", "description", "lessons", "contact", "url"):
        if column in row:
            values[column] = row[column] or ""
    geography = geography_of(row.get("geography") or "")
    if geography is None:
        problems["geography"] = str(GEOGRAPHY_INVALID)
    else:
        values["geography"] = geography[0]
        if geography[1] and not (row.get("region") or "").strip():
            values["region"] = geography[1]
        elif geography[0] == Initiative.Geography.NATIONAL and "region" not in row:
            values["region"] = ""
    if "kind" in row:
        kind = kind_of(row["kind"] or "")
        if kind is None:
            problems["kind"] = str(KIND_INVALID)
        else:
            values["kind"] = kind
    if "target_groups" in row:
        try:
            values["target_groups"] = target_groups_of(row["target_groups"] or "")
        except _Problems as error:
            problems |= error.problems
    for column in ("started", "ended"):
        if column in row:
            try:
                values[FIELD_OF[column]] = date_of(row[column] or "")
            except ValueError:
                problems[column] = str(DATE_INVALID)
    if EXTRA_CELLS in row:
        # Said last, over any problem of the column's own: the misplaced cells are the cause.
        problems[row[EXTRA_CELLS]] = str(CELLS_TOO_MANY)
    return values, problems


COLUMN_OF = {value: key for key, value in FIELD_OF.items()}


def _import_row(row: dict[str, str], existing: Initiative | None) -> str:
    """Import one row, all or nothing; raises _Problems with the file's column names."""
    values, problems = _values_of_row(row)
    groups = values.pop("target_groups", None)
    try:
        values = _checked(values, initiative=existing)
    except _Problems as error:
        problems = {COLUMN_OF.get(name, name): message for name, message in error.problems.items()} | problems
    if problems:
        raise _Problems(problems)
    if groups is not None:
        values["target_groups"] = groups
    initiative = existing or Initiative()
    try:
        with transaction.atomic():
            changed = _write(initiative, values)
    except IntegrityError:
        raise _Problems({"name": str(ROW_CONFLICT)}) from None
    if existing is None:
        return Outcome.IMPORTED
    return Outcome.UPDATED if changed else Outcome.UNCHANGED


@transaction.atomic
@audited("overview.initiative.import")
def initiatives_import(
    *,
    actor: User | None,
    rows: Iterable[Mapping[str, str]] | None = None,
    file: IO[bytes] | bytes | None = None,
) -> ImportReport:
    """Import initiatives from a CSV file (or rows already parsed, keyed by column): new names are
    imported, known ones (by name, regardless of case) updated or left unchanged, and lines with
    problems refused with a reason per column. A problem with the file itself refuses it whole."""
    _check_actor(actor)
    if (rows is None) == (file is None):
        raise TypeError("initiatives_import() takes rows or a file")
    numbered = _rows_of_file(file) if file is not None else _rows_given(rows)
    report = ImportReport()
    seen: dict[str, int] = {}
    for line, row in numbered:
        name = " ".join((row.get("name") or "").split())
        key = name.casefold()
        try:
            if key and key in seen:
                raise _Problems({"name": str(NAME_TWICE % {"line": seen[key]})})
            if "\x00" in name:  # PostgreSQL cannot even compare it: refused before any lookup
                raise _Problems({"name": str(NULL_CHARACTER)})
            existing = Initiative.objects.filter(name__iexact=name).first() if name else None
            outcome = _import_row(row, existing)
        except _Problems as error:
            report.lines.append(ImportLine(line, name, Outcome.REFUSED, tuple(error.problems.items())))
        else:
            report.lines.append(ImportLine(line, name, outcome))
        if key:
            seen.setdefault(key, line)
    return report
