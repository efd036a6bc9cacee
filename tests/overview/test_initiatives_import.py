"""The initiative import: each kind of line gets its outcome and reasons, a bad file saves
nothing, and the report's 70 initiatives import cleanly, once."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import translation

from core.errors import DomainError
from overview.models import Initiative
from overview.services import initiatives_import
from overview.services.initiatives import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, SHIPPED_CSV
from tests import factories
from tests.dates import today

pytestmark = pytest.mark.django_db

HEADER = "name,owner,geography,region,target_groups,kind,stem_focus,description,started,ended,lessons,contact,url\n"


def imported(text: str, *, encoding: str = "utf-8"):
    return initiatives_import(actor=None, file=text.encode(encoding))


def refusal(report, line: int) -> dict[str, str]:
    [refused] = [entry for entry in report.refused if entry.line == line]
    return dict(refused.problems)


def test_the_shipped_report_imports_70_initiatives_cleanly():
    """Every line of the report's appendix B is imported, national and regional alike."""
    with open(SHIPPED_CSV, "rb") as file:
        report = initiatives_import(actor=None, file=file)

    assert len(report.imported) == 70
    assert not report.refused and not report.updated and not report.unchanged
    assert Initiative.objects.count() == 70
    assert Initiative.objects.filter(geography="regional", region="Nordjylland").count() == 28
    assert Initiative.objects.filter(geography="national", region="").count() == 42
    big_bang = Initiative.objects.get(name="Big Bang")
    assert big_bang.owner.startswith("Et samarbejde mellem Astra, Center for undervisningsmidler,")


def test_importing_the_report_twice_changes_nothing_the_second_time():
    with open(SHIPPED_CSV, "rb") as file:
        initiatives_import(actor=None, file=file)
    before = list(Initiative.objects.order_by("pk").values_list("pk", "updated_at"))

    with open(SHIPPED_CSV, "rb") as file:
        again = initiatives_import(actor=None, file=file)

    assert len(again.unchanged) == 70
    assert not again.imported and not again.updated and not again.refused
    assert list(Initiative.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_the_command_imports_the_shipped_file_and_prints_the_report(capsys):
    call_command("import_initiatives")

    out = capsys.readouterr().out
    assert "imported: 70" in out and "refused: 0" in out


def test_the_command_reports_a_bad_file_without_saving(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("navn;farve\nA;rød\n", encoding="utf-8")

    with pytest.raises(Exception, match="farve"):
        call_command("import_initiatives", str(path))
    assert not Initiative.objects.exists()


def test_every_column_is_read_with_danish_words():
    start = today() - dt.timedelta(days=400)
    end = today() - dt.timedelta(days=30)
    text = HEADER + (
        f'Robotlab,"Aalborg Kommune, UCN",Nordjylland,,Grundskole;Lærere,Kursus,Robotter,Byg robotter.,'
        f"{start:%d-%m-%Y},{end.isoformat()},Eleverne ville mere.,lab@aalborg.dk,www.robotlab.dk\n"
    )

    report = imported(text)

    assert [entry.name for entry in report.imported] == ["Robotlab"], report.lines
    robotlab = Initiative.objects.get(name="Robotlab")
    assert robotlab.owner == "Aalborg Kommune, UCN"
    assert (robotlab.geography, robotlab.region) == ("regional", "Nordjylland")
    assert set(robotlab.target_groups.values_list("code", flat=True)) == {"primary_school", "teachers"}
    assert robotlab.kind == "course"
    assert (robotlab.started_on, robotlab.ended_on) == (start, end)
    assert robotlab.lessons == "Eleverne ville mere."
    assert robotlab.url == "https://www.robotlab.dk"


def test_semicolons_a_byte_order_mark_and_danish_headings_are_understood():
    text = "\ufeffNavn;Ejer;Geografi;Målgrupper;Type\nKodeklub;Coding Pirates, Aalborg;landsdækkende;teachers|Ledige;Competition\n"

    report = imported(text)

    assert len(report.imported) == 1
    club = Initiative.objects.get()
    assert (club.owner, club.geography, club.kind) == ("Coding Pirates, Aalborg", "national", "competition")
    assert set(club.target_groups.values_list("code", flat=True)) == {"teachers", "unemployed"}


def test_a_windows_1252_file_from_danish_excel_keeps_its_letters():
    report = imported("navn;ejer;geografi\nÆblelab;Ålborg Ø;Nordjylland\n", encoding="cp1252")

    assert [entry.name for entry in report.imported] == ["Æblelab"]
    assert Initiative.objects.get().owner == "Ålborg Ø"


def test_an_existing_name_in_other_case_is_updated_and_columns_the_file_lacks_are_kept():
    known = factories_initiative(name="Coding Pirates", owner="Gammel ejer", description="Skrevet af konsulenten.")

    report = imported("name,owner,geography\ncoding pirates,Coding Pirates,Landsdækkende\n")

    assert [entry.outcome for entry in report.lines] == ["updated"]
    known.refresh_from_db()
    assert known.owner == "Coding Pirates"
    assert known.description == "Skrevet af konsulenten."


def test_a_line_with_problems_is_refused_whole_with_a_reason_per_column():
    factories_initiative(name="Findes", owner="Ejer")
    text = HEADER + (
        ",,Månen,,Astronauter,Fest,,,31-02-2020,,,,ikke en adresse\n"
        "Ny,Ejer,national,Nordjylland,,,,,2024-05-01,2024-01-01,,,\n"
        "Findes,Ny ejer,regional,,,,,,,,,,\n"
        "Lang," + "x" * 501 + ",national,,,,,,,,,,\n"
    )

    report = imported(text)

    first = refusal(report, 2)
    assert set(first) == {"name", "owner", "geography", "target_groups", "kind", "started", "url"}
    assert "Astronauter" in first["target_groups"]
    assert set(refusal(report, 3)) == {"region", "ended"}
    assert list(refusal(report, 5)) == ["owner"] and "500" in refusal(report, 5)["owner"]
    assert [entry.outcome for entry in report.lines] == ["refused", "refused", "updated", "refused"]
    assert set(Initiative.objects.values_list("name", flat=True)) == {"Findes"}


def test_a_refused_address_is_named_by_its_column():
    report = imported("name,owner,geography,url\nA,B,national,javascript:alert(1)\n")

    assert set(refusal(report, 2)) == {"url"}


def test_a_name_twice_in_the_file_refuses_the_second_line():
    report = imported("name,owner,geography\nTo,Ejer,national\nTO,Anden,regional\n")

    assert [entry.outcome for entry in report.lines] == ["imported", "refused"]
    assert " 2 " in refusal(report, 3)["name"]
    assert Initiative.objects.get().owner == "Ejer"


def test_line_numbers_count_lines_inside_quoted_cells():
    report = imported('name,owner,geography\nA,"to\nlinjer",national\nB,,national\n')

    assert list(refusal(report, 4)) == ["owner"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "empty"),
        (b"name,owner\nA,B\n", "geography"),
        (b"name,owner,geography,colour\nA,B,national,red\n", "colour"),
        (b"name,navn,owner,geography\n", "twice"),
        (b"x" * (MAX_IMPORT_BYTES + 1), "larger"),
        (("name,owner,geography\n" + "A,B,national\n" * (MAX_IMPORT_ROWS + 1)).encode(), "more than"),
        (b'name,owner,geography\n"A' + b"x" * 200_000 + b'",B,national\n', "CSV"),
    ],
    ids=["empty", "missing", "unknown", "twice", "too-big", "too-many-rows", "too-long-cell"],
)
def test_a_bad_file_is_refused_whole_and_saves_nothing(content, says):
    with translation.override("en"), pytest.raises(DomainError, match=says) as refused:
        initiatives_import(actor=None, file=content)

    assert refused.value.code == "import_file"
    assert not Initiative.objects.exists()


def test_a_later_file_error_undoes_the_lines_before_it():
    """Too many lines is found after the first lines were read: nothing is saved even so."""
    content = ("name,owner,geography\n" + "".join(f"N{n},B,national\n" for n in range(MAX_IMPORT_ROWS + 1))).encode()

    with pytest.raises(DomainError):
        initiatives_import(actor=None, file=content)

    assert not Initiative.objects.exists()


def test_rows_already_parsed_are_imported_like_a_file():
    report = initiatives_import(actor=None, rows=[{"navn": "A", "ejer": "B", "geografi": "Region Nordjylland"}])

    assert [entry.outcome for entry in report.lines] == ["imported"]
    assert Initiative.objects.get().region == "Nordjylland"


@pytest.mark.parametrize("role", ["teacher", "host"])
def test_only_a_consultant_imports(role, teacher, host):
    user = {"teacher": teacher.user, "host": host.user}[role]

    with pytest.raises(DomainError) as refused:
        initiatives_import(actor=user, file=b"name,owner,geography\nA,B,national\n")

    assert refused.value.code == "not_allowed"
    assert not Initiative.objects.exists()


def test_a_consultant_imports(consultant):
    report = initiatives_import(actor=consultant, file=b"name,owner,geography\nA,B,national\n")

    assert len(report.imported) == 1


def factories_initiative(**values) -> Initiative:
    return Initiative.objects.create(**({"geography": "national"} | values))


def test_factories_user_is_not_a_consultant():
    """The refusals above rely on an ordinary user not seeing everything."""
    assert not factories.UserFactory().sees_everything


def test_a_null_character_is_refused_not_stored():
    """PostgreSQL cannot store one in text; the line is refused naming its column."""
    report = imported("name,owner,geography,description\nA,B,national,x\x00y\n")

    assert list(refusal(report, 2)) == ["description"]
    assert not Initiative.objects.exists()


def test_a_null_character_in_a_name_is_refused_before_the_name_is_looked_up():
    """PostgreSQL cannot even compare such a name with the existing ones (the lookup raised and
    the import page answered 500); the line is refused naming its column, the next one imports."""
    report = imported("name,owner,geography\nA\x00,B,national\nC,D,national\n")

    assert list(refusal(report, 2)) == ["name"]
    assert list(Initiative.objects.values_list("name", flat=True)) == ["C"]


def test_a_line_is_all_or_nothing_even_when_only_its_target_groups_are_wrong():
    known = factories_initiative(name="Kendt", owner="Gammel")

    report = imported("name,owner,geography,target_groups\nKendt,Ny,national,Lærere;Marsboere\n")

    assert set(refusal(report, 2)) == {"target_groups"}
    known.refresh_from_db()
    assert known.owner == "Gammel" and not known.target_groups.exists()


def test_a_line_with_more_cells_than_columns_is_refused_not_cut_short():
    """An unquoted separator inside a cell (Grundskole;Lærere in a semicolon file) gives the line
    more cells than the first line has columns: the line is refused and says so, instead of
    being imported without the cells that did not fit."""
    report = imported("navn;ejer;geografi;målgrupper\nA;B;national;Grundskole;Lærere\nC;D;national;Grundskole\n")

    assert list(refusal(report, 2)) == ["target_groups"]
    assert [entry.name for entry in report.imported] == ["C"]
    assert not Initiative.objects.filter(name="A").exists()


def test_target_groups_may_be_separated_by_commas():
    """Danes list with commas: "Grundskole, Lærere" names two target groups."""
    report = imported('navn;ejer;geografi;målgrupper\nA;B;national;"Grundskole, Lærere"\n')

    assert not report.refused
    assert set(Initiative.objects.get(name="A").target_groups.values_list("code", flat=True)) == {
        "primary_school",
        "teachers",
    }


def test_an_excel_workbook_is_refused_with_a_hint_to_save_it_as_csv():
    """An .xlsx uploaded by mistake was reported as unknown columns made of binary garbage."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["name", "owner", "geography"])
    workbook.active.append(["A", "B", "national"])
    data = io.BytesIO()
    workbook.save(data)

    with translation.override("en"), pytest.raises(DomainError, match="not a CSV file") as refused:
        initiatives_import(actor=None, file=data.getvalue())

    assert refused.value.code == "import_file"
    assert "PK" not in refused.value.message
