"""The consultant's workspace: what needs attention across their area, and the region-wide lists
of bookings, adoptions and plans with their filters and CSV export. A consultant for Thisted
sees Thisted's schools only; a consultant without an area sees the whole installation."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from adoptions.models import AdoptionRound, ClassWish, CompanyCapacity, MatchRun, PlanActivity, ProposedPair
from adoptions.services import adoption_create
from bookings import services
from bookings.models import Booking, BookingEvent, Offer
from core.dates import school_year_of
from core.models import Municipality, Sector
from notifications.models import OutgoingMessage
from schools.models import Grade
from tests import factories
from tests.dates import COPENHAGEN, ISO_DATE, today
from web.workspace import UNANSWERED_AFTER_DAYS

THISTED, AALBORG = 787, 851
_numbers = itertools.count(1)


def municipality(code: int) -> Municipality:
    return Municipality.objects.get(code=code)


@pytest.fixture
def thisted_consultant(db) -> factories.UserFactory:
    consultant = factories.UserFactory(username="thisted-konsulent", is_consultant=True)
    consultant.area.set([municipality(THISTED)])
    return consultant


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def school_in(code: int, **kwargs):
    return factories.SchoolFactory(municipality=municipality(code), **kwargs)


def class_in(code: int, *, school=None, **kwargs):
    return factories.SchoolClassFactory(school=school or school_in(code), **kwargs)


def request_from(school_class, *, days_ago: float, offer=None) -> Booking:
    """A request to a host who confirms by hand, made `days_ago` days ago."""
    teacher = factories.TeacherFactory(school=school_class.school)
    offer = offer or factories.OfferFactory(auto_confirm=False)
    slot = factories.SlotFactory(offer=offer)
    booking = services.booking_create(
        actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=school_class.pupils
    )
    assert booking.status == Booking.Status.REQUESTED
    moment = timezone.now() - dt.timedelta(days=days_ago)
    Booking.objects.filter(pk=booking.pk).update(created_at=moment)
    BookingEvent.objects.filter(booking=booking).update(at=moment)
    return booking


def failed_message(subject_key: str, **kwargs) -> OutgoingMessage:
    number = next(_numbers)
    fields = {
        "kind": "booking_confirmed",
        "subject_key": subject_key,
        "role": "teacher",
        "recipient_email": f"lærer{number}@example.dk",
        "due_at": timezone.now() - dt.timedelta(hours=1),
        "dedup_key": f"test:{number}",
        "status": OutgoingMessage.Status.FAILED,
        "last_error": "Connection refused",
        "attempts": 5,
    }
    return OutgoingMessage.objects.create(**(fields | kwargs))


def adopted(school_class, *, company=None, done: int = 0, booked: int = 0, planned: int = 0, target: int = 10):
    """An adoption of the class with a plan holding activities in each status."""
    adoption = adoption_create(school_class=school_class, company=company or factories.CompanyFactory())
    plan = adoption.plan
    plan.target_activities = target
    plan.save()
    for status, count in [("done", done), ("booked", booked), ("planned", planned)]:
        for number in range(count):
            PlanActivity.objects.create(plan=plan, title=f"{status} {number}", kind="company_visit", status=status)
    return adoption


def mid_school_year() -> dt.datetime:
    """1 February of the school year running today: half the year (184 of 365 days) has passed."""
    return dt.datetime(school_year_of(today()) + 1, 2, 1, 12, tzinfo=COPENHAGEN)


def section(page, heading_id: str) -> str:
    """The text of the home page's section with the heading `heading_id`."""
    html = page.content.decode()
    start = html.index(f'id="{heading_id}"')
    end = html.find("<section", start)
    return html[start : end if end != -1 else len(html)]


# The home page ------------------------------------------------------------------------------


def test_consultant_lands_on_the_workspace(consultant):
    response = browser_for(consultant).get("/")

    assert response.status_code == 302
    assert response["Location"] == "/workspace/"


def test_menu_leads_a_consultant_to_the_lists(consultant):
    html = browser_for(consultant).get("/workspace/").content.decode()

    for url in ("/workspace/bookings/", "/workspace/adoptions/", "/workspace/plans/"):
        assert f'href="{url}"' in html


def test_open_round_shows_capacities_wishes_and_its_latest_run(thisted_consultant):
    adoption_round = AdoptionRound.objects.create(title="Thy 2027", school_year=school_year_of(today()) + 1)
    adoption_round.municipalities.set([municipality(THISTED)])
    for classes in (2, 3):
        CompanyCapacity.objects.create(round=adoption_round, company=factories.CompanyFactory(), classes=classes)
    ClassWish.objects.create(round=adoption_round, school_class=class_in(THISTED))
    MatchRun.objects.create(round=adoption_round, status=MatchRun.Status.DONE)
    running = MatchRun.objects.create(round=adoption_round, status=MatchRun.Status.RUNNING)
    closed = AdoptionRound.objects.create(title="Lukket runde", school_year=2020, status="closed")
    closed.municipalities.set([municipality(THISTED)])
    elsewhere = AdoptionRound.objects.create(title="Aalborg-runde", school_year=school_year_of(today()) + 1)
    elsewhere.municipalities.set([municipality(AALBORG)])

    rounds = section(browser_for(thisted_consultant).get("/workspace/"), "rounds-heading")

    assert "Thy 2027" in rounds
    assert "2 virksomheder, 5 klasser" in rounds
    assert "1 klasse" in rounds
    with translation.override("da"):  # the latest run, not the one before it
        assert f">Matchkørsel {running.pk} · {MatchRun.Status.RUNNING.label}<" in rounds
    assert "Lukket runde" not in rounds
    assert "Aalborg-runde" not in rounds


def test_no_open_round_says_so(thisted_consultant):
    rounds = section(browser_for(thisted_consultant).get("/workspace/"), "rounds-heading")

    assert "Ingen adoptionsrunde er åben." in rounds


def test_request_unanswered_for_days_appears_and_a_fresh_or_answered_one_does_not(thisted_consultant):
    old = request_from(class_in(THISTED), days_ago=UNANSWERED_AFTER_DAYS + 1)
    fresh = request_from(class_in(THISTED), days_ago=UNANSWERED_AFTER_DAYS - 1)
    answered = request_from(class_in(THISTED), days_ago=UNANSWERED_AFTER_DAYS + 2)
    services.booking_confirm(booking=answered, actor=thisted_consultant)
    elsewhere = request_from(class_in(AALBORG), days_ago=UNANSWERED_AFTER_DAYS + 5)

    requests = section(browser_for(thisted_consultant).get("/workspace/"), "unanswered-heading")

    assert f'id="request-{old.pk}"' in requests
    assert f'href="/bookings/{old.pk}/"' in requests  # where the consultant can confirm or decline
    for booking in (fresh, answered, elsewhere):
        assert f'id="request-{booking.pk}"' not in requests


def test_a_request_counts_from_when_it_left_the_waitlist(thisted_consultant):
    """A booking promoted from the waitlist yesterday gives the host fresh days to answer."""
    booking = request_from(class_in(THISTED), days_ago=10)
    BookingEvent.objects.create(
        booking=booking, action="promoted", from_status="waitlisted", to_status="requested"
    )  # now

    requests = section(browser_for(thisted_consultant).get("/workspace/"), "unanswered-heading")

    assert f'id="request-{booking.pk}"' not in requests


def test_classes_without_a_company_encounter_are_named_with_their_school(thisted_consultant):
    school = school_in(THISTED, name="Hanstholm Skole")
    lonely = class_in(THISTED, school=school, name="7.A")
    cancelled = class_in(THISTED, school=school, name="7.B")
    booking = request_from(cancelled, days_ago=1)
    services.booking_cancel(booking=booking, actor=booking.booked_by)
    visited = class_in(THISTED, school=school, name="7.C")
    request_from(visited, days_ago=1)
    adopted_class = class_in(THISTED, school=school, name="8.A")
    adopted(adopted_class)
    last_year = class_in(THISTED, school=school, name="6.A", school_year=school_year_of(today()) - 1)
    elsewhere = class_in(AALBORG, name="7.Z")

    classes = section(browser_for(thisted_consultant).get("/workspace/"), "classes-heading")

    assert f'id="class-{lonely.pk}"' in classes
    assert "Hanstholm Skole" in classes
    assert f'href="/classes/{lonely.pk}/"' in classes
    assert f'id="class-{cancelled.pk}"' in classes  # a cancelled booking brought no encounter
    for school_class in (visited, adopted_class, last_year, elsewhere):
        assert f'id="class-{school_class.pk}"' not in classes


def test_plans_behind_the_share_of_the_year_passed_appear(thisted_consultant):
    """Half the year has passed, so a plan with target 10 needs 5 activities done or booked."""
    behind = adopted(class_in(THISTED), done=2, booked=2, planned=5)
    on_track = adopted(class_in(THISTED), done=2, booked=3)
    small_target = adopted(class_in(THISTED), done=1, target=2)
    elsewhere = adopted(class_in(AALBORG))

    with time_machine.travel(mid_school_year(), tick=False):
        plans = section(browser_for(thisted_consultant).get("/workspace/"), "plans-heading")

    assert f'id="plan-{behind.plan.pk}"' in plans
    assert "2 gennemført, 2 booket af 10" in plans
    for adoption in (on_track, small_target, elsewhere):
        assert f'id="plan-{adoption.plan.pk}"' not in plans


def test_no_plan_is_behind_on_the_first_day_of_the_school_year(thisted_consultant):
    adoption = adopted(class_in(THISTED))

    with time_machine.travel(dt.datetime(school_year_of(today()), 8, 1, 12, tzinfo=COPENHAGEN), tick=False):
        plans = section(browser_for(thisted_consultant).get("/workspace/"), "plans-heading")

    assert f'id="plan-{adoption.plan.pk}"' not in plans


def test_failed_messages_about_the_area_appear_and_others_do_not(thisted_consultant, consultant):
    here = request_from(class_in(THISTED), days_ago=0)
    there = request_from(class_in(AALBORG), days_ago=0)
    mine = failed_message(f"booking:{here.pk}")
    theirs = failed_message(f"booking:{there.pk}")
    unknown = failed_message("something:1")
    sent = failed_message(f"booking:{here.pk}", status=OutgoingMessage.Status.SENT)

    area_view = section(browser_for(thisted_consultant).get("/workspace/"), "messages-heading")
    whole_view = section(browser_for(consultant).get("/workspace/"), "messages-heading")

    assert f'id="message-{mine.pk}"' in area_view
    assert "Connection refused" in area_view
    for message in (theirs, unknown, sent):
        assert f'id="message-{message.pk}"' not in area_view
    for message in (mine, theirs, unknown):
        assert f'id="message-{message.pk}"' in whole_view
    assert f'id="message-{sent.pk}"' not in whole_view


def test_a_failed_message_to_the_teacher_of_an_unplaced_class_shows_in_the_classs_area(thisted_consultant):
    """The e-mail telling a teacher their class was not adopted is about the run's outcome for
    the class: the consultant whose area holds the school sees it fail, another does not."""
    run = MatchRun.objects.create(round=factories.AdoptionRoundFactory(), status=MatchRun.Status.ACCEPTED)
    here, there = (
        ProposedPair.objects.create(run=run, school_class=class_in(code), basis=ProposedPair.Basis.UNPLACED)
        for code in (THISTED, AALBORG)
    )
    mine, theirs = failed_message(f"unplaced:{here.pk}"), failed_message(f"unplaced:{there.pk}")

    area_view = section(browser_for(thisted_consultant).get("/workspace/"), "messages-heading")

    assert f'id="message-{mine.pk}"' in area_view
    assert f'id="message-{theirs.pk}"' not in area_view


def test_sending_failed_messages_again_retries_only_the_areas(thisted_consultant):
    here = request_from(class_in(THISTED), days_ago=0)
    there = request_from(class_in(AALBORG), days_ago=0)
    mine = failed_message(f"booking:{here.pk}")
    theirs = failed_message(f"booking:{there.pk}")

    response = browser_for(thisted_consultant).post("/workspace/messages/retry/")

    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.attempts) == (OutgoingMessage.Status.PENDING, 0)
    assert theirs.status == OutgoingMessage.Status.FAILED


def test_administrator_gets_a_link_to_the_outbox(db):
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    failed_message("something:1")

    messages = section(browser_for(admin).get("/workspace/"), "messages-heading")

    assert "/admin/notifications/outgoingmessage/?status__exact=failed" in messages


def test_quiet_area_says_nothing_needs_attention(thisted_consultant):
    html = browser_for(thisted_consultant).get("/workspace/").content.decode()

    assert "Alle forespørgsler er besvaret i tide." in html
    assert "Ingen årsplan er bagud." in html
    assert "Ingen beskeder er fejlet." in html


def _home_world(size: int) -> None:
    """`size` rows of every attention item in Thisted."""
    adoption_round = AdoptionRound.objects.create(title=f"Runde {size}", school_year=school_year_of(today()) + 1)
    adoption_round.municipalities.set([municipality(THISTED)])
    for _ in range(size):
        school_class = class_in(THISTED)
        class_in(THISTED)
        booking = request_from(school_class, days_ago=UNANSWERED_AFTER_DAYS + 1)
        failed_message(f"booking:{booking.pk}")
        adopted(class_in(THISTED), done=1)
        MatchRun.objects.create(round=adoption_round)
        CompanyCapacity.objects.create(round=adoption_round, company=factories.CompanyFactory(), classes=2)


def _queries(browser: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def test_home_reads_in_the_same_few_queries_however_many_rows(thisted_consultant):
    with time_machine.travel(mid_school_year(), tick=False):
        browser = browser_for(thisted_consultant)
        _home_world(1)
        few = _queries(browser, "/workspace/")
        _home_world(4)
        many = _queries(browser, "/workspace/")

    assert many == few


# The lists ----------------------------------------------------------------------------------


@pytest.fixture
def region(db):
    """A booking, an adoption and its plan in Thisted and in Aalborg, each told apart by its
    school, company, sector, grade, status and date."""
    tourism = Sector.objects.exclude(code="energy").first()
    made = {}
    for code, grade, sector, days in [(THISTED, 7, "energy", 10), (AALBORG, 9, tourism.code, 40)]:
        school = school_in(code, name=f"Skole {code}")
        company = factories.CompanyFactory(name=f"Firma {code}", sector=Sector.objects.get(code=sector))
        school_class = class_in(code, school=school, grade=grade, name=f"{grade}.X")
        offer = factories.OfferFactory(company=company, auto_confirm=False, title=f"Besøg {code}")
        teacher = factories.TeacherFactory(school=school)
        slot = factories.SlotFactory(offer=offer, start=timezone.now() + dt.timedelta(days=days))
        booking = services.booking_create(
            actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20
        )
        adoption = adopted(class_in(code, school=school, grade=grade, name=f"{grade}.Y"), company=company, done=1)
        made[code] = {"booking": booking, "adoption": adoption, "school": school, "company": company}
    return made


def listed(response, kind: str) -> set[int]:
    """The ids in a list's CSV export."""
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return {int(row[0]) for row in rows[1:]}


LISTS = {
    "bookings": ("/workspace/bookings/", lambda made: made["booking"].pk),
    "adoptions": ("/workspace/adoptions/", lambda made: made["adoption"].pk),
    "plans": ("/workspace/plans/", lambda made: made["adoption"].plan.pk),
}


@pytest.mark.parametrize("kind", LISTS)
def test_list_is_scoped_to_the_area(region, thisted_consultant, consultant, kind):
    url, pk = LISTS[kind]

    assert listed(browser_for(thisted_consultant).get(url, {"format": "csv"}), kind) == {pk(region[THISTED])}
    assert listed(browser_for(consultant).get(url, {"format": "csv"}), kind) == {
        pk(region[THISTED]),
        pk(region[AALBORG]),
    }


def _filters(made: dict, kind: str) -> list[dict]:
    """Filters that each pick Aalborg's row out of both."""
    year = school_year_of(today())
    filters = [
        {"municipality": AALBORG},
        {"school": made["school"].pk},
        {"company": made["company"].pk},
        {"sector": made["company"].sector_id},
        {"grade": 9},
    ]
    if kind == "bookings":
        filters.append({"date_from": (today() + dt.timedelta(days=30)).isoformat()})
    return [*filters, {"municipality": AALBORG, "date_from": f"{year}-08-01", "date_to": f"{year + 1}-07-31"}]


@pytest.mark.parametrize("kind", LISTS)
def test_each_filter_narrows_the_list(region, consultant, kind):
    url, pk = LISTS[kind]
    browser = browser_for(consultant)

    for query in _filters(region[AALBORG], kind):
        assert listed(browser.get(url, query | {"format": "csv"}), kind) == {pk(region[AALBORG])}, query


def test_bookings_filter_by_status_and_date_to(region, consultant):
    thisted_booking = region[THISTED]["booking"]
    Booking.objects.filter(pk=thisted_booking.pk).update(status=Booking.Status.CONFIRMED)
    browser = browser_for(consultant)

    assert listed(browser.get("/workspace/bookings/", {"status": "confirmed", "format": "csv"}), "") == {
        thisted_booking.pk
    }
    date_to = (today() + dt.timedelta(days=20)).isoformat()
    assert listed(browser.get("/workspace/bookings/", {"date_to": date_to, "format": "csv"}), "") == {
        thisted_booking.pk
    }


def test_adoptions_filter_by_status_and_school_year(region, consultant):
    ended = region[AALBORG]["adoption"]
    ended.status = "ended"
    ended.school_year = school_year_of(today()) - 1
    ended.save()
    browser = browser_for(consultant)

    assert listed(browser.get("/workspace/adoptions/", {"status": "ended", "format": "csv"}), "") == {ended.pk}
    last_year = f"{school_year_of(today())}-07-31"  # still the school year before this one
    assert listed(browser.get("/workspace/adoptions/", {"date_to": last_year, "format": "csv"}), "") == {ended.pk}


def test_plans_filter_by_progress(region, consultant):
    with time_machine.travel(mid_school_year(), tick=False):
        browser = browser_for(consultant)
        behind = listed(browser.get("/workspace/plans/", {"status": "behind", "format": "csv"}), "")
        on_track = listed(browser.get("/workspace/plans/", {"status": "on_track", "format": "csv"}), "")

    assert behind == {region[THISTED]["adoption"].plan.pk, region[AALBORG]["adoption"].plan.pk}
    assert on_track == set()


def test_bookings_csv_names_everything_and_neutralises_formulas(region, consultant):
    booking = region[THISTED]["booking"]
    Offer.objects.filter(pk=booking.slot.offer_id).update(title='=HYPERLINK("http://evil")')

    response = browser_for(consultant).get("/workspace/bookings/", {"municipality": THISTED, "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="bookinger-' in response["Content-Disposition"]
    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header[:3] == ["Booking", "Status", "Besøg"]
    assert row[0] == str(booking.pk)
    assert row[1] == "Afventer værten"
    assert row[3] == '\'=HYPERLINK("http://evil")'
    assert row[4:9] == ["Firma 787", "Energiteknologi", "Skole 787", "Thisted", "7.X"]


def test_plans_csv_shows_progress_against_the_target(region, consultant):
    with time_machine.travel(mid_school_year(), tick=False):
        response = browser_for(consultant).get("/workspace/plans/", {"municipality": THISTED, "format": "csv"})

    header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    figures = dict(zip(header, row, strict=True))
    assert (
        figures["Mål"],
        figures["Aktiviteter gennemført"],
        figures["Nødvendigt nu"],
        figures["Fremdrift mod målet"],
    ) == (
        "10",
        "1",
        "5",
        "Bagud",
    )


@pytest.mark.parametrize("kind", LISTS)
def test_list_page_shows_rows_and_a_csv_link(region, consultant, kind):
    url, _pk = LISTS[kind]

    response = browser_for(consultant).get(url, {"municipality": THISTED})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Skole 787, Thisted" in html
    assert "Skole 851, Aalborg" not in html
    assert f'href="?municipality={THISTED}&amp;format=csv"' in html


GARBAGE = ["", "abc", "-1", "0", "99999999999999999999", "2027-13-45", "9999-12-31", "1999-12-31", "\x00", "😀" * 300]
FILTER_NAMES = ["municipality", "school", "company", "sector", "grade", "status", "date_from", "date_to", "page"]


@pytest.mark.parametrize("kind", LISTS)
def test_garbage_in_every_filter_never_gives_500(region, consultant, kind):
    url, _pk = LISTS[kind]
    browser = browser_for(consultant)

    for value in GARBAGE:
        for name in FILTER_NAMES:
            for extra in ({}, {"format": "csv"}):
                response = browser.get(url, {name: value} | extra)
                assert response.status_code == 200, (name, value, extra)


def test_garbage_filter_shows_its_error_and_no_rows(region, consultant):
    response = browser_for(consultant).get("/workspace/bookings/", {"date_from": "9999-12-31", "format": "csv"})

    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")  # no export of rows not asked for
    assert "errorlist" in html
    assert "Skole 787, Thisted" not in html


def _list_world(size: int) -> None:
    for _ in range(size):
        school_class = class_in(THISTED)
        request_from(school_class, days_ago=1)
        request_from(factories.SchoolClassFactory(school=school_class.school), days_ago=1)
        adopted(class_in(THISTED), done=1, booked=1)


@pytest.mark.parametrize("kind", LISTS)
def test_lists_read_in_the_same_few_queries_however_many_rows(thisted_consultant, kind):
    url, _pk = LISTS[kind]
    browser = browser_for(thisted_consultant)
    _list_world(1)
    few = _queries(browser, url)
    _list_world(4)
    many = _queries(browser, url)

    assert many == few


def test_pages_read_in_danish_without_iso_dates(region, consultant):
    request_from(class_in(THISTED), days_ago=UNANSWERED_AFTER_DAYS + 1)
    browser = browser_for(consultant)

    for url in ["/workspace/", *(url for url, _pk in LISTS.values())]:
        html = browser.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S))
        assert not ISO_DATE.findall(text), url
    assert "Arbejdsrum" in browser.get("/workspace/", HTTP_ACCEPT_LANGUAGE="da").content.decode()


def test_pages_read_in_english(region, consultant):
    browser = browser_for(consultant)
    browser.cookies["django_language"] = "en"

    home = browser.get("/workspace/").content.decode()
    plans = browser.get("/workspace/plans/").content.decode()

    assert "Classes with no company encounter this school year" in home
    assert "Download as CSV" in plans


def test_rows_link_to_the_round_run_and_plan_pages(thisted_consultant):
    """An open round links to its page and its latest run's, a plan behind target to its plan."""
    adoption_round = AdoptionRound.objects.create(title="Thy 2027", school_year=school_year_of(today()) + 1)
    adoption_round.municipalities.set([municipality(THISTED)])
    run = MatchRun.objects.create(round=adoption_round, status=MatchRun.Status.DONE)
    behind = adopted(class_in(THISTED), done=1)
    with time_machine.travel(mid_school_year(), tick=False):
        browser = browser_for(thisted_consultant)
        home = browser.get("/workspace/").content.decode()
        adoptions = browser.get("/workspace/adoptions/").content.decode()

    assert f'href="/rounds/{adoption_round.pk}/"' in home
    assert f'href="/runs/{run.pk}/"' in home
    assert f'href="/plans/{behind.plan.pk}/"' in home
    assert f'href="/plans/{behind.plan.pk}/"' in adoptions


def test_home_names_the_consultants_area(thisted_consultant, consultant):
    assert "Dit område: Thisted" in browser_for(thisted_consultant).get("/workspace/").content.decode()
    assert "Dit område: alle kommuner" in browser_for(consultant).get("/workspace/").content.decode()


def test_a_long_item_names_its_first_rows_and_counts_the_rest(thisted_consultant, monkeypatch):
    monkeypatch.setattr("web.workspace.ROWS_SHOWN", 1)
    class_in(THISTED)
    class_in(THISTED)

    classes = section(browser_for(thisted_consultant).get("/workspace/"), "classes-heading")

    assert classes.count('class="card"') == 1
    assert '<span class="tag">2</span>' in classes
    assert "Og 1 mere." in classes


def test_more_classes_without_an_encounter_link_to_all_of_them(thisted_consultant, monkeypatch):
    """Past the rows the home page names, "And N more." links to the home page listing every such class."""
    monkeypatch.setattr("web.workspace.ROWS_SHOWN", 2)
    lonely = [class_in(THISTED) for _ in range(3)]
    browser = browser_for(thisted_consultant)

    classes = section(browser.get("/workspace/"), "classes-heading")
    everything = section(browser.get("/workspace/?all=classes"), "classes-heading")

    assert "Og 1 mere." in classes
    assert 'href="?all=classes#classes-heading"' in classes
    assert all(f'id="class-{school_class.pk}"' in everything for school_class in lonely)
    assert "Og 1 mere." not in everything


def test_more_failed_messages_link_an_administrator_to_the_outbox(db, monkeypatch):
    """Past the failed messages the home page names, "And N more." links an administrator to all of them."""
    monkeypatch.setattr("web.workspace.ROWS_SHOWN", 1)
    admin = factories.UserFactory(username="admin", is_superuser=True, is_staff=True)
    failed_message("something:1")
    failed_message("something:2")

    messages = section(browser_for(admin).get("/workspace/"), "messages-heading")

    more = messages[messages.index("Og 1 mere.") :]
    assert more.split("</p>")[0].count("/admin/notifications/outgoingmessage/?status__exact=failed") == 1


def _grade_choices(response) -> list[str]:
    return [value for value, _label in response.context["filter"].form.fields["grade"].choices if value != ""]


@pytest.mark.parametrize("url", ["/workspace/adoptions/", "/workspace/plans/"])
def test_adoption_and_plan_lists_offer_only_the_grades_a_class_is_adopted_in(consultant, url):
    """Adoptions are made in 8th grade and continue into 9th, so their lists filter by those two only."""
    response = browser_for(consultant).get(url)

    assert _grade_choices(response) == [8, 9]


def test_bookings_list_offers_every_grade(consultant):
    """Any class may book a visit, so the bookings list filters by every grade."""
    response = browser_for(consultant).get("/workspace/bookings/")

    assert len(_grade_choices(response)) == len(Grade.choices)
