"""Danish that reads as Danish: plurals, dates in Danish format, months in lower case."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from bookings import services
from core.dates import holiday_name, school_year_of
from tests import factories
from tests.dates import DANISH_MONTHS as MONTHS
from tests.dates import ISO_DATE

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(user)
    return client


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: without tags, attribute values and scripts."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.fixture
def lived_in(teacher, school_class, host, offer, other_teacher, other_class):
    """A confirmed booking with one adult, a waitlisted one, a slot for one class."""
    school_class.school_year = school_year_of(timezone.localdate())
    school_class.save()
    slot = factories.SlotFactory(offer=offer, capacity_classes=1)
    booking = services.booking_create(
        actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20, adults=1
    )
    services.booking_create(actor=other_teacher.user, slot_id=slot.pk, school_class_id=other_class.pk, pupils=1)
    two = factories.SlotFactory(offer=offer, capacity_classes=2, start=slot.start + dt.timedelta(days=7))
    return {"booking": booking, "slot": slot, "two": two}


def test_booking_page_says_1_voksen(teacher, lived_in):
    page = signed_in(teacher.user).get(f"/bookings/{lived_in['booking'].pk}/").content.decode()

    assert "20 elever, 1 voksen" in page


def test_offer_page_for_the_host_says_1_klasse_and_2_klasser(host, lived_in, offer):
    page = visible_text(signed_in(host.user).get(f"/host/offers/{offer.pk}/").content.decode())
    text = " ".join(page.split())

    assert "1 klasse " in text
    assert "2 klasser" in text
    assert "1 klasser" not in text
    assert "1 elever" not in text


def test_month_calendar_names_the_month_in_lower_case(client, lived_in):
    page = client.get("/offers/", {"view": "calendar"}, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    month = timezone.localtime(lived_in["slot"].start)

    assert f"<h2>{MONTHS[month.month - 1]} {month.year}</h2>" in page


def test_no_iso_dates_in_the_text_of_any_page(teacher, host, lived_in, offer, consultant):
    booking, slot = lived_in["booking"], lived_in["slot"]
    teacher_pages = [
        "/",
        f"/classes/{booking.school_class_id}/",
        f"/bookings/{booking.pk}/",
        f"/bookings/{booking.pk}/cancel/",
        f"/offers/{offer.pk}/",
        "/offers/?view=calendar",
        "/offers/",
        "/calendar/",
    ]
    host_pages = [
        "/",
        "/host/offers/",
        f"/host/offers/{offer.pk}/",
        f"/host/slots/{slot.pk}/edit/",
        f"/bookings/{booking.pk}/",
    ]
    for user, pages in [(teacher.user, teacher_pages), (host.user, host_pages)]:
        client = signed_in(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            found = ISO_DATE.findall(visible_text(response.content.decode()))
            assert not found, (url, found)


def test_holiday_refusal_names_the_date_in_danish(host, offer):
    day = timezone.localdate() + dt.timedelta(days=30)
    while not holiday_name(day):
        day += dt.timedelta(days=1)

    response = signed_in(host.user).post(
        f"/host/offers/{offer.pk}/slots/",
        {"slot-date": day.isoformat(), "slot-start_time": "10:00", "slot-end_time": "11:00"},
    )

    text = visible_text(response.content.decode())
    assert not ISO_DATE.findall(text)
    assert f"{day.day}. {MONTHS[day.month - 1]} {day.year}" in text


def test_weekdays_in_dates_are_lower_case_in_danish():
    """Danish writes weekdays and months in lower case; a date starts with a capital only where
    it starts a sentence or a label."""
    from django.utils import formats, translation

    monday = dt.date(2027, 3, 22)
    with translation.override("da"):
        assert formats.date_format(monday, "l j. F Y") == "mandag 22. marts 2027"


def test_calendar_days_name_their_month_in_full_lower_case(client, lived_in):
    page = client.get("/offers/", {"view": "calendar"}, HTTP_ACCEPT_LANGUAGE="da").content.decode()
    day = timezone.localtime(lived_in["slot"].start)

    assert f"{day.day}. {MONTHS[day.month - 1]}</span>" in page


def test_landing_page_leaves_the_api_documentation_to_the_footer(client, db):
    """Visitors (teachers, hosts) are offered the catalogue and sign-in; the API documentation,
    which is for developers, is a footer link."""
    page = client.get("/").content.decode()
    main, footer = page.split("<main", 1)[1].split("</main>", 1)

    assert "/api/v1/docs/" not in main and "API-dokumentation" not in main
    assert 'For udviklere: <a href="/api/v1/docs/">API-dokumentation</a>' in footer
