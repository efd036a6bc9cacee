"""Every dashboard figure on the small region of conftest.py, against values worked out by hand
(the working is in each test). Columns run: this year, last year, for each figure."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from overview.figures import SECTION_KEYS, SECTIONS, Scope, Table, section_tables
from overview.services import facts_refresh
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def table(region, section: str, key: str, codes: tuple[int, ...] | None = None) -> Table:
    found = {t.key: t for t in section_tables(Scope(region.this, codes), section)}
    return found[key]


def rows_by_label(t: Table) -> dict[str, tuple]:
    return {str(row[0]): row[1:] for row in t.rows}


def column_keys(t: Table) -> list[str]:
    return [column.key for column in t.columns]


def test_every_section_is_listed_in_order_and_every_table_is_well_formed(region):
    """SECTIONS has the interface's keys in order; each table's rows fit its columns, its
    chart columns are numeric columns of its own, and its keys are unique slugs."""
    assert tuple(SECTIONS) == SECTION_KEYS
    for key in SECTION_KEYS:
        tables = section_tables(Scope(region.this, None), key)
        assert tables and len({t.key for t in tables}) == len(tables)
        for t in tables:
            assert t.key.replace("-", "").isalnum()
            kinds = {column.key: column.kind for column in t.columns}
            assert all(len(row) == len(t.columns) for row in t.rows), t.key
            assert all(kinds[name] != "label" for name in t.chart_columns), t.key
            assert str(t.description), t.key
            if t.chart == "grid":
                assert len(t.row_keys) == len(t.rows)


def test_classes_and_pupils_reached_by_municipality(region):
    """Reached Y: a8 (b1 held, b2 confirmed: its largest booking 20 pupils) and a9 (the project
    done without a booking: the class's 25) → Aalborg 2 classes, 45 pupils; t8 (cancelled) and h1
    (requested) are not reached. P: a8p (b7 held, 22) → Aalborg 1, 22. Grid keys are the codes."""
    t = table(region, "reach", "municipalities")
    assert t.chart == "grid"
    assert column_keys(t) == ["label", "classes", "classes_previous", "pupils", "pupils_previous"]
    rows = rows_by_label(t)
    assert rows["Aalborg"] == (2, 1, 45, 22)
    assert rows["Thisted"] == (None, None, None, None)
    assert rows["Hjørring"] == (None, None, None, None)
    assert dict(zip(t.row_keys, (str(row[0]) for row in t.rows), strict=True))[851] == "Aalborg"


def test_classes_and_pupils_reached_by_grade_and_school_kind(region):
    """By grade Y: 8th a8 (20), 9th a9 (25); P: 8th a8p (22). By kind: folkeskole Y 2 / 45,
    P 1 / 22; the gymnasium's h1 only requested."""
    assert rows_by_label(table(region, "reach", "grades")) == {
        "8th grade": (1, 1, 20, 22),
        "9th grade": (1, None, 25, None),
    }
    kinds = rows_by_label(table(region, "reach", "school-kinds"))
    assert kinds["Primary and lower secondary school (folkeskole)"] == (2, 1, 45, 22)
    assert kinds["Upper secondary school (gymnasium)"] == (None, None, None, None)


def test_classes_reached_by_sector_count_a_class_in_each_sector_it_met(region):
    """Energy Y: a8 through b1 (20); food Y: a8 through b2 (18) and a9 through Fødevarer's
    adoption project (25) = 2 classes, 43 pupils. P: energy a8p (22)."""
    rows = rows_by_label(table(region, "reach", "sectors"))
    assert rows["Energy technology"] == (1, 1, 20, 22)
    assert rows["Food"] == (2, None, 43, None)
    assert rows["ICT"] == (None, None, None, None)


def test_activities_per_month(region):
    """Held or confirmed, teacher visits included. Y: September b1, b6; October b2; January
    the project. P: March b7. Rows run August to July."""
    t = table(region, "reach", "months")
    assert t.chart == "line"
    rows = [row[1:] for row in t.rows]
    assert [str(row[0]) for row in t.rows][:2] == ["August", "September"]
    assert rows == [(0, 0), (2, 0), (1, 0), (0, 0), (0, 0), (1, 0), (0, 0), (0, 1), (0, 0), (0, 0), (0, 0), (0, 0)]


def test_share_of_activities_in_the_business_strengths(region):
    """Y counts b1 (offer names energy), b2 and b6 (offers name none), the project (Fødevarer's
    sector, food): 2 of 4 in a strength, energy 1/4, food 1/4. P: b7 (energy) 1 of 1."""
    rows = rows_by_label(table(region, "reach", "strengths"))
    assert rows["Any of the eight"] == (2, 0.5, 1, 1.0)
    assert rows["Energy technology"] == (1, 0.25, 1, 1.0)
    assert rows["Food"] == (1, 0.25, 0, 0.0)
    assert rows["ICT"] == (0, 0.0, 0, 0.0)


def test_outlying_municipalities_beside_aalborg(region):
    """Thisted is marked outlying by a round. Y: Aalborg a8, a9 both reached (1.0); Thisted t8
    not (0 of 1); other: Hjørring h1 not (0 of 1). P: Aalborg a8p reached; Thisted t7p not;
    no other classes."""
    rows = rows_by_label(table(region, "reach", "outlying"))
    assert rows["Aalborg"] == (2, 2, 1.0, 1, 1, 1.0)
    assert rows["Outlying municipalities"] == (1, 0, 0.0, 1, 0, 0.0)
    assert rows["Other municipalities"] == (1, 0, 0.0, None, None, None)


def test_the_outlying_table_names_them_as_the_rounds_and_open_days_do_in_danish(region):
    """Danish calls them «udkantskommuner» where a consultant marks them (rounds, open days);
    the overview's title, description and row say the same word."""
    with translation.override("da"):
        t = table(region, "reach", "outlying")
        words = f"{t.title} {t.description} {' '.join(str(row[0]) for row in t.rows)}".lower()
    assert "udkantskommuner" in words
    assert "yderkommune" not in words


def test_share_of_8th_and_9th_grade_classes_adopted(region):
    """Y: 8th a8, t8 (none adopted), 9th a9 (adopted) → 1 of 3. P: 8th a8p adopted, no 9th
    grade (share empty, not 0); t7p is 7th grade and not counted."""
    rows = rows_by_label(table(region, "adoptions", "adopted"))
    assert rows["8th grade"] == (2, 0, 0.0, 1, 1, 1.0)
    assert rows["9th grade"] == (1, 1, 1.0, 0, 0, None)
    assert rows["8th–9th grade"] == (3, 1, pytest.approx(1 / 3), 1, 1, 1.0)


def test_activities_per_adopted_class_against_the_target(region):
    """Y: a9's adoption, one project done of a target of 10 → 1 per class, 0.1 of target. P:
    a8p's adoption, b7 booked through it and held → the same. The idea does not count."""
    t = table(region, "adoptions", "plans")
    assert str(t.rows[0][0]) == f"{region.this}/{(region.this + 1) % 100:02d}"
    assert t.rows[0][1:] == (1, 1, 1.0, 10.0, 0.1, 0)
    assert t.rows[1][1:] == (1, 1, 1.0, 10.0, 0.1, 0)


def test_open_day_places_filled_and_girls_reached(region):
    """Y (girls' day): 2 hosts, 5 + 3 = 8 places; 4 applicants (the expired one left out); 3
    placed (3/8 filled), 2 attended; all of them girls. P: 1 host of 4, 2 placed (0.5), 1
    attended, a day for everyone: no girls counted."""
    t = table(region, "open_days", "places")
    assert t.rows[0][1:] == (1, 2, 8, 4, 3, 0.375, 2, 3, 2)
    assert t.rows[1][1:] == (1, 1, 4, 2, 2, 0.5, 1, 0, 0)


def test_feedback_scores_and_interest_by_kind(region):
    """Answered feedback only (b2's unanswered request is left out). Company visits Y: b1,
    teacher 4, host 5, goals yes (1.0), interest 2 → 4. Adoption activities Y: the project,
    teacher 2, goals partly (0.0 yes), 3 → 3; P: b7, teacher 3, nothing else. All Y: 2
    answers, teacher (4 + 2) / 2 = 3, host 5, goals 1 of 2, before 2.5, after 3.5."""
    t = table(region, "effect", "feedback")
    assert column_keys(t)[1:5] == ["answers", "answers_previous", "teacher_rating", "teacher_rating_previous"]
    rows = rows_by_label(t)
    assert list(rows) == ["Company visit", "Expert visit", "Teacher visit", "Adoption activity", "All activities"]
    assert rows["Company visit"] == (1, 0, 4.0, None, 5.0, None, 1.0, None, 2.0, None, 4.0, None)
    assert rows["Expert visit"] == (0, 0, None, None, None, None, None, None, None, None, None, None)
    assert rows["Adoption activity"] == (1, 1, 2.0, 3.0, None, None, 0.0, None, 3.0, None, 3.0, None)
    assert rows["All activities"] == (2, 1, 3.0, 3.0, 5.0, None, 0.5, None, 2.5, None, 3.5, None)


def test_open_day_survey_beside_the_feedback(region):
    """Participants Y: ratings 4, 5 → 4.5; interest 2, 3 → 2.5 before, 4, 5 → 4.5 after; P one
    answer 3, 1 → 2. Hosts Y: one rating 3, no interest asked."""
    rows = rows_by_label(table(region, "effect", "open-day-survey"))
    assert rows["Participant"] == (2, 1, 4.5, 3.0, 2.5, 1.0, 4.5, 2.0)
    assert rows["Host"] == (1, None, 3.0, None, None, None, None, None)


def test_no_shows_and_cancellations_by_school_and_company(region):
    """By school, Y: Aalborg Skole b1, b2, b3 (no-show) and P b7; Thisted Skole b4 (cancelled)
    and b6 (its teacher's visit), P b8. Hjørring (only a request) is not listed. Equal this
    year, so by name. By company, Y: Energi b1, b4 (cancelled), b5, b6, P b7; Fødevarer b2, b3
    (no-show), P b8. The adoption project is no booking."""
    schools = table(region, "attendance", "schools")
    assert column_keys(schools) == [
        "name",
        *("bookings", "bookings_previous", "no_shows", "no_shows_previous", "cancelled", "cancelled_previous"),
    ]
    assert schools.rows == (("Aalborg Skole", 3, 1, 1, 0, 0, 0), ("Thisted Skole", 2, 1, 0, 0, 1, 0))
    companies = table(region, "attendance", "companies")
    assert companies.rows == (("Energi A/S", 4, 1, 0, 0, 1, 0), ("Fødevarer A/S", 2, 1, 1, 0, 0, 0))


def test_classes_with_no_company_encounter_are_named(region):
    """Y: h1 (only a request) and t8 (cancelled) are not reached; t8 was t7p last year, whose
    one booking was declined (0 encounters); h1 has no previous class (empty)."""
    t = table(region, "unreached", "classes")
    assert t.rows == (
        ("Hjørring", "Hjørring Gymnasium", "1.x", "1st year upper secondary", None),
        ("Thisted", "Thisted Skole", "8.T", "8th grade", 0),
    )
    by_municipality = rows_by_label(table(region, "unreached", "municipalities"))
    assert by_municipality["Aalborg"] == (0, 0.0, 0, 0.0)
    assert by_municipality["Thisted"] == (1, 1.0, 1, 1.0)
    assert by_municipality["Hjørring"] == (1, 1.0, None, None)


def test_scope_limits_every_figure_to_the_chosen_municipalities(region):
    """Thisted alone: nothing reached, t8 the one unreached class, the Thisted teacher's
    cancelled booking and visit its school's only attendance row, last year's Thisted open day
    only; no Aalborg figures anywhere."""
    thisted = (787,)
    assert [str(row[0]) for row in table(region, "reach", "municipalities", thisted).rows] == ["Thisted"]
    assert rows_by_label(table(region, "reach", "grades", thisted)) == {}
    assert [row[2] for row in table(region, "unreached", "classes", thisted).rows] == ["8.T"]
    assert [row[0] for row in table(region, "attendance", "schools", thisted).rows] == ["Thisted Skole"]
    assert table(region, "attendance", "companies", thisted).rows == (("Energi A/S", 2, 0, 0, 0, 1, 0),)
    places = table(region, "open_days", "places", thisted)
    assert places.rows[0][1:4] == (0, 0, 0) and places.rows[1][1:4] == (1, 1, 4)
    outlying = rows_by_label(table(region, "reach", "outlying", thisted))
    assert outlying["Aalborg"] == (None, None, None, None, None, None)
    assert outlying["Outlying municipalities"] == (1, 0, 0.0, 1, 0, 0.0)
    adopted = rows_by_label(table(region, "adoptions", "adopted", thisted))
    assert adopted["8th–9th grade"] == (1, 0, 0.0, 0, 0, None)


def test_the_previous_year_column_reads_the_year_before_the_chosen_one(region):
    """Choosing P puts P first and P-1 (no history) beside it: Aalborg 1 class, 22 pupils."""
    t = {x.key: x for x in section_tables(Scope(region.last, None), "reach")}["municipalities"]
    assert rows_by_label(t)["Aalborg"] == (1, None, 22, None)
    assert str(t.columns[1].label).endswith(f"{region.last}/{(region.last + 1) % 100:02d}")


def test_refresh_is_idempotent_and_picks_up_changes(region):
    """A second refresh makes the same rows (7 encounters, 4 classes); once h1's request is
    confirmed and refreshed, h1 is reached and no longer unreached."""
    from overview.models import ClassReach, Encounter

    def rows() -> list[tuple]:
        return sorted(Encounter.objects.filter(school_year=region.this).values_list("booking_id", "status"), key=str)

    before = rows()
    assert facts_refresh(school_year=region.this) == len(before) == 7
    assert rows() == before
    assert sorted(ClassReach.objects.filter(school_year=region.this).values_list("class_id", "encounters")) == sorted(
        [(c.pk, n) for c, n in ((region.classes["a8"], 2), (region.classes["a9"], 1), (region.classes["t8"], 0))]
        + [(region.classes["h1"].pk, 0)]
    )
    booking = region.bookings["b5"]
    booking.status = "confirmed"
    booking.save(update_fields=["status"])
    assert [row[2] for row in table(region, "unreached", "classes").rows] == ["1.x", "8.T"]
    facts_refresh(school_year=region.this)
    assert [row[2] for row in table(region, "unreached", "classes").rows] == ["8.T"]
    assert rows_by_label(table(region, "reach", "municipalities"))["Hjørring"] == (1, None, 30, None)


def test_the_encounters_totals_agree_with_the_encounters_after_a_refresh(region):
    """After a refresh (a second one too: it replaces the year's totals, never adds to them), each
    total of the year equals the same count or sum worked out in Python from the year's
    encounters: the counted activities per municipality, month and strength; the feedback's
    counts and sums per municipality and kind; each school's and each company's bookings,
    no-shows and cancellations; the classes reached per sector and their pupils."""
    from collections import Counter, defaultdict

    from overview.models import ActivityTotal, BookingTotal, Encounter, FeedbackTotal, SectorReach

    facts_refresh(school_year=region.this)
    year = region.this
    encounters = list(Encounter.objects.filter(school_year=year))
    assert encounters

    reached = [e for e in encounters if e.status in Encounter.REACHED]
    assert Counter(
        {
            (row.municipality_code, row.month, row.strength): row.activities
            for row in ActivityTotal.objects.filter(school_year=year)
        }
    ) == Counter((e.municipality_code, e.month, e.strength) for e in reached)

    feedback = defaultdict(lambda: [0] * 10)
    for e in encounters:
        sums = feedback[(e.municipality_code, e.kind, e.is_adoption)]
        for i, value in enumerate((e.teacher_rating, e.host_rating, e.interest_before, e.interest_after)):
            if value is not None:
                sums[2 * i] += 1
                sums[2 * i + 1] += value
        sums[8] += e.goals_met != ""
        sums[9] += e.goals_met == "yes"
    fields = ("answers", "teacher_sum", "host_n", "host_sum", "before_n", "before_sum", "after_n", "after_sum")
    assert {
        (row["municipality_code"], row["kind"], row["is_adoption"]): [row[f] or 0 for f in fields]
        + [row["goals_n"], row["goals_yes"]]
        for row in FeedbackTotal.objects.filter(school_year=year).values()
    } == dict(feedback)
    assert sum(row[0] for row in feedback.values()) > 0

    for by in ("school_id", "company_id"):
        booked = [e for e in encounters if e.booking_id is not None and getattr(e, by) is not None]
        expected = Counter()
        for e in booked:
            key = (e.municipality_code, getattr(e, by))
            expected[(*key, "bookings")] += 1
            expected[(*key, "no_shows")] += e.status == Encounter.Status.NO_SHOW
            expected[(*key, "cancelled")] += e.status == Encounter.Status.CANCELLED
        found = Counter()
        for row in BookingTotal.objects.filter(school_year=year, **{f"{by}__isnull": False}).values():
            for total in ("bookings", "no_shows", "cancelled"):
                found[(row["municipality_code"], row[by], total)] = row[total]
        assert +found == +expected and expected, by

    per_class: dict[tuple, int] = {}
    for e in reached:
        if e.class_id is not None:
            key = (e.municipality_code, e.company_sector, e.class_id)
            per_class[key] = max(per_class.get(key, 0), e.pupils)
    classes, pupils = Counter(), Counter()
    for (code, sector, _class), most in per_class.items():
        classes[(code, sector)] += 1
        pupils[(code, sector)] += most
    assert {
        (row.municipality_code, row.company_sector): (row.classes, row.pupils)
        for row in SectorReach.objects.filter(school_year=year)
    } == {key: (classes[key], pupils[key]) for key in classes}


def _queries(scope: Scope, key: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        section_tables(scope, key)
    return len(queries)


def test_query_count_of_every_section_does_not_grow_with_the_data(region):
    """Each section runs a fixed handful of queries; more schools, classes and bookings add none."""
    scope = Scope(region.this, None)
    counts = {key: _queries(scope, key) for key in SECTION_KEYS}
    assert max(counts.values()) <= 12, counts
    for number in range(5):
        school = factories.SchoolFactory(name=f"Ny Skole {number}")
        factories.SchoolClassFactory(school=school, school_year=region.this)
    facts_refresh(school_year=region.this)
    assert {key: _queries(scope, key) for key in SECTION_KEYS} == counts


def _page_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_query_count_of_every_page_and_download_does_not_grow_with_the_data(region, consultant):
    """The pages, the annual report and the downloads make as many statements with five more
    schools and their unreached classes (rows of the named list) as before: nothing is looked up
    row by row while a table is shown, charted or written out."""
    client = Client()
    client.force_login(consultant)
    urls = [f"/overview/{key}/" for key in SECTION_KEYS] + [
        "/overview/annual-report/",
        "/overview/unreached.xlsx",
        "/overview/unreached/classes.csv",
    ]
    counts = {url: _page_queries(client, url) for url in urls}
    named = len(client.get("/overview/unreached/classes.csv").content.splitlines())
    for number in range(5):
        school = factories.SchoolFactory(name=f"Ny Skole {number}")
        factories.SchoolClassFactory(school=school, school_year=region.this)
    facts_refresh(school_year=region.this)

    assert len(client.get("/overview/unreached/classes.csv").content.splitlines()) == named + 5
    assert {url: _page_queries(client, url) for url in urls} == counts
