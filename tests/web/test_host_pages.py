"""The company host's pages: home, offers, slots, series, cancelling, answers and CSV export."""

import csv
import datetime as dt
import io
from urllib.parse import unquote

import pytest
from dateutil.easter import easter
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from bookings import services
from bookings.models import Booking, Offer, Slot
from core.dates import holiday_name
from core.models import Sector, Subject
from tests import factories


@pytest.fixture
def host_web(host) -> Client:
    client = Client()
    client.force_login(host.user)
    return client


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def offer_data(**overrides) -> dict:
    data = {
        "kind": Offer.Kind.COMPANY_VISIT,
        "title": "Besøg på værftet i Ålborg",
        "description": "Se skibe blive bygget.",
        "subjects": [Subject.objects.order_by("code").first().pk],
        "sectors": [Sector.objects.get(code="energy").pk],
        "grade_min": 7,
        "grade_max": 9,
        "location": "",
        "meeting_point": "Porten",
        "practical_notes": "Sikkerhedssko",
        "duration_minutes": 120,
        "default_capacity_classes": 1,
        "default_capacity_pupils": 28,
        "waitlist_enabled": "on",
        "booking_deadline_hours": 72,
        "cancellation_deadline_hours": 48,
        "reminder_days": "7,1",
        "contact": "",
        "is_published": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def future_day(days: int = 30) -> dt.date:
    """A weekday at least `days` ahead that is no holiday."""
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5 or holiday_name(day):
        day += dt.timedelta(days=1)
    return day


def book(teacher, school_class, slot, pupils: int = 20, message: str = "") -> Booking:
    return services.booking_create(
        actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils, message=message
    )


@pytest.fixture
def request_offer(offer) -> Offer:
    offer.auto_confirm = False
    offer.save()
    return offer


# Offers ------------------------------------------------------------------------------------


def test_host_creates_an_offer_and_edits_it(host_web, host, company):
    response = host_web.get("/host/offers/new/")
    assert response.status_code == 200
    assert 'name="company"' not in response.text  # one company: chosen automatically

    response = host_web.post("/host/offers/new/", offer_data(contact=host.pk))
    assert response.status_code == 302
    offer = Offer.objects.get(title="Besøg på værftet i Ålborg")
    assert offer.company == company
    assert offer.contact == host
    assert offer.is_published and offer.waitlist_enabled and not offer.auto_confirm
    assert list(offer.sectors.values_list("code", flat=True)) == ["energy"]
    assert response["Location"] == f"/host/offers/{offer.pk}/"

    response = host_web.get(f"/host/offers/{offer.pk}/edit/")
    assert response.status_code == 200
    assert "Besøg på værftet i Ålborg" in response.text

    response = host_web.post(
        f"/host/offers/{offer.pk}/edit/", offer_data(title="Værftsbesøg for 8. klasse", is_published=None, grade_max=8)
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Værftsbesøg for 8. klasse"
    assert offer.grade_max == 8
    assert not offer.is_published

    listing = host_web.get("/host/offers/")
    assert listing.status_code == 200
    assert "Værftsbesøg for 8. klasse" in listing.text
    assert f"/host/offers/{offer.pk}/edit/" in listing.text
    assert "/host/offers/new/" in listing.text


def test_member_of_two_companies_chooses_the_company(host, company):
    second = factories.CompanyFactory(name="Æblegården ApS")
    factories.CompanyMemberFactory(company=second, user=host.user)
    foreign = factories.CompanyFactory(name="Fremmed A/S")
    client = web_client(host.user)

    page = client.get("/host/offers/new/")
    assert 'name="company"' in page.text
    assert "Æblegården ApS" in page.text
    assert "Fremmed A/S" not in page.text

    refused = client.post("/host/offers/new/", offer_data(company=foreign.pk))
    assert refused.status_code == 200
    assert "company" in refused.context["form"].errors
    assert not Offer.objects.filter(company=foreign).exists()

    assert client.post("/host/offers/new/", offer_data(company=second.pk)).status_code == 302
    assert Offer.objects.get(title="Besøg på værftet i Ålborg").company == second


def test_invalid_offer_shows_errors_next_to_each_field(host_web, offer):
    response = host_web.post("/host/offers/new/", offer_data(title="", grade_min=9, grade_max=7))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors
    assert "grade_max" in errors
    assert 'id="id_title_error"' in response.text
    assert 'id="id_grade_max_error"' in response.text
    assert not Offer.objects.filter(title="").exists()

    response = host_web.post(f"/host/offers/{offer.pk}/edit/", offer_data(grade_min=9, grade_max=7))
    assert response.status_code == 200
    assert "grade_max" in response.context["form"].errors
    offer.refresh_from_db()
    assert (offer.grade_min, offer.grade_max) == (7, 9)


def test_contact_of_another_company_is_refused(host_web, offer, other_host):
    response = host_web.post(f"/host/offers/{offer.pk}/edit/", offer_data(contact=other_host.pk))
    assert response.status_code == 200
    assert "contact" in response.context["form"].errors


# Slots and series --------------------------------------------------------------------------


def test_host_adds_a_slot_in_copenhagen_time(host_web, offer):
    day = future_day()
    response = host_web.post(
        f"/host/offers/{offer.pk}/slots/",
        {
            "slot-date": day.isoformat(),
            "slot-start_time": "09:30",
            "slot-end_time": "11:45",
            "slot-capacity_classes": 2,
        },
    )
    assert response.status_code == 302
    slot = Slot.objects.get(offer=offer, start__date__gte=day - dt.timedelta(days=1))
    start = timezone.localtime(slot.start)
    assert (start.date(), start.hour, start.minute) == (day, 9, 30)
    assert timezone.localtime(slot.end).strftime("%H:%M") == "11:45"
    assert slot.capacity_classes == 2
    assert slot.capacity_pupils == offer.default_capacity_pupils

    page = host_web.get(f"/host/offers/{offer.pk}/")
    assert "09:30–11:45" in page.text


def test_slot_form_errors_are_shown_next_to_the_fields(host_web, offer):
    response = host_web.post(
        f"/host/offers/{offer.pk}/slots/",
        {"slot-date": future_day().isoformat(), "slot-start_time": "12:00", "slot-end_time": "11:00"},
    )
    assert response.status_code == 200
    assert "end_time" in response.context["slot_form"].errors

    past = timezone.localdate() - dt.timedelta(days=3)
    response = host_web.post(
        f"/host/offers/{offer.pk}/slots/",
        {"slot-date": past.isoformat(), "slot-start_time": "10:00", "slot-end_time": "11:00"},
    )
    assert response.status_code == 200
    assert "date" in response.context["slot_form"].errors  # the service refuses a start in the past


def test_slot_on_a_holiday_is_refused_next_to_the_date(host_web, offer):
    ascension = easter(timezone.localdate().year + 1) + dt.timedelta(days=39)
    response = host_web.post(
        f"/host/offers/{offer.pk}/slots/",
        {"slot-date": ascension.isoformat(), "slot-start_time": "10:00", "slot-end_time": "12:00"},
    )
    assert response.status_code == 200
    assert holiday_name(ascension) in str(response.context["slot_form"].errors["date"])
    assert not Slot.objects.filter(offer=offer).exists()


def test_weekly_series_skips_ascension_day_and_says_so(host_web, offer):
    ascension = easter(timezone.localdate().year + 1) + dt.timedelta(days=39)
    assert ascension.weekday() == 3  # a Thursday
    first, last = ascension - dt.timedelta(days=7), ascension + dt.timedelta(days=7)
    response = host_web.post(
        f"/host/offers/{offer.pk}/series/",
        {
            "series-weekdays": ["TH"],
            "series-first_date": first.isoformat(),
            "series-last_date": last.isoformat(),
            "series-start_time": "10:00",
            "series-end_time": "12:00",
            "series-capacity_pupils": 25,
        },
        follow=True,
    )
    assert response.status_code == 200
    starts = [timezone.localtime(slot.start) for slot in Slot.objects.filter(offer=offer).order_by("start")]
    assert [start.date() for start in starts] == [first, last]
    assert all(start.hour == 10 for start in starts)
    assert all(slot.capacity_pupils == 25 for slot in Slot.objects.filter(offer=offer))
    series = Slot.objects.filter(offer=offer).first().series
    assert series.rrule == f"FREQ=WEEKLY;BYDAY=TH;UNTIL={last:%Y%m%d}T235959Z"
    shown = {message.level_tag: str(message) for message in response.context["messages"]}
    assert "2" in shown["success"]  # how many slots were created
    with translation.override("da"):
        assert date_format(ascension, "DATE_FORMAT") in shown["warning"]  # "14. maj 2026", as dates read elsewhere
    assert holiday_name(ascension) in shown["warning"]
    assert holiday_name(ascension) in response.text


def test_series_with_several_weekdays(host_web, offer):
    first = future_day(40)
    first -= dt.timedelta(days=first.weekday())  # a Monday
    response = host_web.post(
        f"/host/offers/{offer.pk}/series/",
        {
            "series-weekdays": ["WE", "MO"],
            "series-first_date": first.isoformat(),
            "series-last_date": (first + dt.timedelta(days=13)).isoformat(),
            "series-start_time": "08:00",
            "series-end_time": "09:00",
        },
    )
    assert response.status_code == 302
    series = Slot.objects.filter(offer=offer).first().series
    assert series.rrule.startswith("FREQ=WEEKLY;BYDAY=MO,WE;UNTIL=")
    created = Slot.objects.filter(offer=offer).count()
    skipped = sum(
        1 for offset in (0, 2, 7, 9) if holiday_name(first + dt.timedelta(days=offset)) and not offer.allow_holidays
    )
    assert created == 4 - skipped


def series_over_the_longest_span(host_web, offer, weekdays: list[str]):
    """From tomorrow to the last date the form allows, three years ahead."""
    today = timezone.localdate()
    last = today.replace(year=today.year + 3, day=min(today.day, 28))
    return host_web.post(
        f"/host/offers/{offer.pk}/series/",
        {
            "series-weekdays": weekdays,
            "series-first_date": (today + dt.timedelta(days=1)).isoformat(),
            "series-last_date": last.isoformat(),
            "series-start_time": "10:00",
            "series-end_time": "12:00",
        },
    )


def test_weekly_series_over_the_three_years_the_form_allows(host_web, offer):
    """The form's longest series stays within the three years a rule may span."""
    response = series_over_the_longest_span(host_web, offer, ["TU"])

    assert response.status_code == 302
    days = [timezone.localtime(slot.start).date() for slot in Slot.objects.filter(offer=offer)]
    assert 100 < len(days) <= 157
    assert all(day.weekday() == 1 and not holiday_name(day) for day in days)


def test_series_of_more_than_200_slots_is_refused_on_the_weekdays(host_web, offer):
    response = series_over_the_longest_span(host_web, offer, ["MO", "TU", "WE", "TH", "FR"])

    assert response.status_code == 200
    assert "200" in str(response.context["series_form"].errors["weekdays"])
    assert not Slot.objects.filter(offer=offer).exists()


def test_series_form_errors(host_web, offer):
    day = future_day()
    response = host_web.post(
        f"/host/offers/{offer.pk}/series/",
        {
            "series-first_date": day.isoformat(),
            "series-last_date": (day - dt.timedelta(days=1)).isoformat(),
            "series-start_time": "10:00",
            "series-end_time": "12:00",
        },
    )
    assert response.status_code == 200
    errors = response.context["series_form"].errors
    assert "weekdays" in errors
    assert "last_date" in errors
    assert not Slot.objects.filter(offer=offer).exists()


# The offer page ----------------------------------------------------------------------------


def test_offer_page_shows_bookings_and_waitlist_in_order(host_web, offer, teacher, school_class, other_teacher):
    slot = factories.SlotFactory(offer=offer, capacity_classes=1, capacity_pupils=60)
    book(teacher, school_class, slot)
    first_waiting = factories.SchoolClassFactory(school=other_teacher.school, name="9.Ø", grade=9)
    second_waiting = factories.SchoolClassFactory(school=other_teacher.school, name="7.Å", grade=7)
    book(other_teacher, first_waiting, slot)
    book(other_teacher, second_waiting, slot)

    page = host_web.get(f"/host/offers/{offer.pk}/")
    assert page.status_code == 200
    text = page.text
    assert "8.A" in text and school_class.school.name in text
    assert text.index("9.Ø") < text.index("7.Å")
    assert "status-confirmed" in text


def test_cancel_slot_needs_the_checkbox_then_cancels_all_bookings(
    host_web, offer, slot, teacher, school_class, other_teacher, other_class
):
    first = book(teacher, school_class, slot)
    second = book(other_teacher, other_class, slot)

    response = host_web.post(f"/host/slots/{slot.pk}/cancel/", {f"cancel-{slot.pk}-note": "Syg"})
    assert response.status_code == 200
    assert "confirm" in response.context["rows"][0]["cancel_form"].errors
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN

    mail.outbox.clear()
    response = host_web.post(
        f"/host/slots/{slot.pk}/cancel/",
        {f"cancel-{slot.pk}-note": "Maskinen er i stykker", f"cancel-{slot.pk}-confirm": "on"},
    )
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.status == Slot.Status.CANCELLED
    for booking in (first, second):
        booking.refresh_from_db()
        assert booking.status == Booking.Status.CANCELLED
    assert booking.events.last().note == "Maskinen er i stykker"


# Home: answering requests ------------------------------------------------------------------


def test_home_lists_requests_and_coming_visits(host_web, request_offer, slot, teacher, school_class):
    requested = book(teacher, school_class, slot, pupils=23, message="Vi glæder os!")
    page = host_web.get("/")
    assert page.status_code == 200
    assert requested.status == Booking.Status.REQUESTED
    text = page.text
    assert "8.A" in text and school_class.school.name in text and request_offer.title in text
    assert "Vi glæder os!" in text
    assert "23" in text
    assert f"/bookings/{requested.pk}/confirm/" in text
    assert f"/bookings/{requested.pk}/decline/" in text


def test_host_confirms_a_request_from_home(host_web, request_offer, slot, teacher, school_class):
    booking = book(teacher, school_class, slot)
    response = host_web.post(f"/bookings/{booking.pk}/confirm/", {"note": "Velkommen!", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.events.last().note == "Velkommen!"
    assert f"/bookings/{booking.pk}/confirm/" not in response.text
    assert timezone.localtime(slot.start).strftime("%H:%M") in response.text  # now under coming visits

    again = host_web.post(f"/bookings/{booking.pk}/confirm/", {"note": ""}, follow=True)
    assert again.status_code == 200
    assert len(list(again.context["messages"])) == 1  # refused, shown as a message


def test_host_declines_a_request_from_home(host_web, request_offer, slot, teacher, school_class):
    booking = book(teacher, school_class, slot)
    response = host_web.post(f"/bookings/{booking.pk}/decline/", {"note": "Vi har lukket", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    slot.refresh_from_db()
    assert slot.booked_classes == 0


def test_answer_ignores_foreign_next_and_goes_to_the_booking_page(host_web, request_offer, slot, teacher, school_class):
    """A `next` off the site is ignored: the answer goes back to the booking's own page."""
    booking = book(teacher, school_class, slot)
    for target in ("https://evil.example/", "//evil.example/", ""):
        response = host_web.post(f"/bookings/{booking.pk}/confirm/", {"next": target})
        assert response["Location"] == f"/bookings/{booking.pk}/"


# CSV ---------------------------------------------------------------------------------------


def test_participants_csv(host_web, offer, slot, teacher, school_class, other_teacher, other_class, other_host):
    school_class.school.name = "Søndre Skole på Ærø"
    school_class.school.save()
    book(teacher, school_class, slot, pupils=21, message="Vi kommer med bus, åh ja")
    cancelled = book(other_teacher, other_class, slot)
    services.booking_cancel(booking=cancelled, actor=other_teacher.user)
    foreign_offer = factories.OfferFactory(company=other_host.company, title="Fremmed")
    foreign_slot = factories.SlotFactory(offer=foreign_offer)
    foreign_class = factories.SchoolClassFactory(school=other_teacher.school, name="9.X", grade=9)
    book(other_teacher, foreign_class, foreign_slot)

    response = host_web.get(f"/host/offers/{offer.pk}/participants.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".csv" in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 2  # header and the one active booking of this company
    row = rows[1]
    assert "Søndre Skole på Ærø" in row
    assert "8.A" in row
    assert "21" in row
    assert "Vi kommer med bus, åh ja" in row
    assert teacher.user.email in row
    assert "Søren Ærø" in row
    assert "9.X" not in text
    assert other_class.name not in text


# Permissions -------------------------------------------------------------------------------


@pytest.fixture
def targets(request_offer, slot, teacher, school_class):
    booking = book(teacher, school_class, slot)
    return {"offer": request_offer, "slot": slot, "booking": booking}


def host_urls(targets) -> list[tuple[str, str, dict]]:
    offer, slot, booking = targets["offer"], targets["slot"], targets["booking"]
    return [
        ("get", f"/host/offers/{offer.pk}/", {}),
        ("get", f"/host/offers/{offer.pk}/edit/", {}),
        ("post", f"/host/offers/{offer.pk}/edit/", offer_data()),
        ("get", f"/host/offers/{offer.pk}/participants.csv", {}),
        (
            "post",
            f"/host/offers/{offer.pk}/slots/",
            {"slot-date": future_day().isoformat(), "slot-start_time": "10:00", "slot-end_time": "11:00"},
        ),
        (
            "post",
            f"/host/offers/{offer.pk}/series/",
            {
                "series-weekdays": ["MO"],
                "series-first_date": future_day().isoformat(),
                "series-last_date": future_day(60).isoformat(),
                "series-start_time": "10:00",
                "series-end_time": "11:00",
            },
        ),
        ("post", f"/host/slots/{slot.pk}/cancel/", {f"cancel-{slot.pk}-confirm": "on"}),
        ("post", f"/bookings/{booking.pk}/confirm/", {}),
        ("post", f"/bookings/{booking.pk}/decline/", {}),
    ]


def assert_untouched(targets) -> None:
    offer, slot, booking = targets["offer"], targets["slot"], targets["booking"]
    offer.refresh_from_db()
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert offer.title == "Besøg på vindmøllefabrikken"
    assert slot.status == Slot.Status.OPEN
    assert booking.status == Booking.Status.REQUESTED
    assert Slot.objects.filter(offer=offer).count() == 1


def test_other_company_host_gets_404_everywhere(targets, other_host):
    client = web_client(other_host.user)
    for method, url, data in host_urls(targets):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
    assert_untouched(targets)
    listing = client.get("/host/offers/")
    assert listing.status_code == 200
    assert f"/host/offers/{targets['offer'].pk}/" not in listing.text
    home = client.get("/")
    assert f"/bookings/{targets['booking'].pk}/" not in home.text


def test_teacher_gets_404_everywhere(targets, teacher):
    client = web_client(teacher.user)
    for method, url, data in [*host_urls(targets), ("get", "/host/offers/", {}), ("get", "/host/offers/new/", {})]:
        response = getattr(client, method)(url, data)
        assert response.status_code in (403, 404), (method, url)
    assert client.post("/host/offers/new/", offer_data()).status_code in (403, 404)
    assert_untouched(targets)
    assert not Offer.objects.filter(title="Besøg på værftet i Ålborg").exists()


def test_anonymous_is_sent_to_login(targets):
    client = Client()
    for method, url, data in [*host_urls(targets), ("get", "/host/offers/", {}), ("get", "/host/offers/new/", {})]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith("/login/"), (method, url)
    assert_untouched(targets)


def test_actions_refuse_get(host_web, targets):
    for method, url, _data in host_urls(targets):
        if method == "post" and not url.endswith("/edit/"):
            assert host_web.get(url).status_code == 405, url


# Garbage -----------------------------------------------------------------------------------

GARBAGE = ["", "abc", "-1", "0", "99999999999999999999", "2027-13-45", "9999-12-31", "25:99", "\x00", "😀" * 300]


def test_garbage_never_gives_500(host_web, targets):
    offer, slot, booking = targets["offer"], targets["slot"], targets["booking"]
    for value in GARBAGE:
        posts = [
            ("/host/offers/new/", offer_data(**{name: value for name in ("grade_min", "duration_minutes")})),
            (
                f"/host/offers/{offer.pk}/edit/",
                offer_data(
                    default_capacity_classes=value,
                    default_capacity_pupils=value,
                    booking_deadline_hours=value,
                    reminder_days=value,
                    subjects=[value],
                    sectors=[value],
                    contact=value,
                    kind=value,
                ),
            ),
            (
                f"/host/offers/{offer.pk}/slots/",
                {
                    "slot-date": value,
                    "slot-start_time": value,
                    "slot-end_time": "23:59",
                    "slot-capacity_classes": value,
                },
            ),
            (
                f"/host/offers/{offer.pk}/slots/",
                {"slot-date": "9999-12-31", "slot-start_time": "10:00", "slot-end_time": "11:00"},
            ),
            (
                f"/host/offers/{offer.pk}/series/",
                {
                    "series-weekdays": [value, "MO"],
                    "series-first_date": future_day().isoformat(),
                    "series-last_date": value,
                    "series-start_time": "10:00",
                    "series-end_time": "11:00",
                    "series-capacity_pupils": value,
                },
            ),
            (
                f"/host/offers/{offer.pk}/series/",
                {
                    "series-weekdays": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"],
                    "series-first_date": future_day().isoformat(),
                    "series-last_date": value if value == "9999-12-31" else future_day(900).isoformat(),
                    "series-start_time": "10:00",
                    "series-end_time": "11:00",
                },
            ),
            (f"/host/slots/{slot.pk}/cancel/", {f"cancel-{slot.pk}-note": value * 1000}),
            (f"/bookings/{booking.pk}/confirm/", {"note": value * 1000, "next": value}),
            (f"/bookings/{booking.pk}/decline/", {"note": value * 1000, "next": value}),
        ]
        for url, data in posts:
            response = host_web.post(url, data)
            assert response.status_code in (200, 302), (url, value, response.status_code)
    for url in ("/host/offers/abc/", "/host/offers/999999/", "/host/offers/999999/participants.csv"):
        assert host_web.get(url).status_code == 404


def _csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize(
    ("message", "cell"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Vi glæder os", "Vi glæder os"),
    ],
)
def test_participants_csv_neutralises_formulas(host_web, offer, slot, teacher, school_class, message, cell):
    """A cell that a spreadsheet would read as a formula starts with an apostrophe (OWASP CSV injection)."""
    teacher.user.first_name = "=cmd"
    teacher.user.save()
    book(teacher, school_class, slot, message=message)

    row = _csv_rows(host_web.get(f"/host/offers/{offer.pk}/participants.csv"))[1]

    assert row[-1] == cell
    assert "'=cmd" in row[6]


@pytest.mark.parametrize(("language", "name"), [("da", "deltagere"), ("en", "participants")])
def test_participants_csv_file_name_is_in_the_page_language(host_web, offer, language, name):
    offer.title = "Besøg på værftet"
    offer.save()

    response = host_web.get(f"/host/offers/{offer.pk}/participants.csv", HTTP_ACCEPT_LANGUAGE=language)

    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=utf-8''", 1)[1]) == f"{name}-besøg-på-værftet.csv"


def test_private_adoption_offer_is_labelled_and_not_offered_for_editing(host_web, company):
    """The offer that holds a company's adoption activities is made by Brobyg, never published
    and booked from the plans: the host sees it labelled as class adoption, not as a draft to
    edit, publish or add slots to."""
    private = services.private_offer_of(company, kind=Offer.Kind.COMPANY_VISIT)
    host_web.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listing = host_web.get("/host/offers/").content.decode()
    assert "Class adoption" in listing
    assert f'href="/host/offers/{private.pk}/edit/"' not in listing
    page = host_web.get(f"/host/offers/{private.pk}/").content.decode()
    assert "Draft" not in page
    assert f'href="/host/offers/{private.pk}/edit/"' not in page
    assert f'action="/host/offers/{private.pk}/slots/"' not in page
    assert f'action="/host/offers/{private.pk}/series/"' not in page
