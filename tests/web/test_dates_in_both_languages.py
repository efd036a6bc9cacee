"""Dates on pages are written each language's way (config/formats): Danish "tirsdag 9. februar
2027", English the British way, "Tuesday 9 February 2027", with no Danish ordinal dot."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from bookings import services
from core.dates import school_year_of
from tests import factories

pytestmark = pytest.mark.django_db

DANISH_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
DANISH_MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september"]
DANISH_MONTHS += ["oktober", "november", "december"]
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
ENGLISH_MONTHS += ["October", "November", "December"]
ENGLISH_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# "9. February": a day with the Danish ordinal dot before an English month name.
DOTTED_ENGLISH_DATE = re.compile(r"\d\. (" + "|".join(ENGLISH_MONTHS) + r")\b")


def _page(user, path: str, language: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def booking(teacher, school_class, offer):
    school_class.school_year = school_year_of(timezone.localdate())
    school_class.save()
    slot = factories.SlotFactory(offer=offer)
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)


def test_booking_page_in_english_writes_dates_the_british_way(teacher, booking):
    """The booking's time reads "Tuesday 9 February 2027, 10:00–12:00" and its history
    "29 November 2026, 18:06": day before month, no ordinal dot."""
    start, end = timezone.localtime(booking.slot.start), timezone.localtime(booking.slot.end)
    created = timezone.localtime(booking.created_at)

    page = _page(teacher.user, f"/bookings/{booking.pk}/", "en")

    when = f"{ENGLISH_WEEKDAYS[start.weekday()]} {start.day} {ENGLISH_MONTHS[start.month - 1]} {start.year}"
    assert f"{when}, {start:%H:%M}–{end:%H:%M}" in page
    assert f"{created.day} {ENGLISH_MONTHS[created.month - 1]} {created.year}, {created:%H:%M}" in page
    assert not DOTTED_ENGLISH_DATE.search(page), DOTTED_ENGLISH_DATE.search(page)


def test_booking_page_in_danish_keeps_the_danish_dates(teacher, booking):
    """The Danish page still reads "Tirsdag 9. februar 2027, 10:00–12:00"."""
    start, created = timezone.localtime(booking.slot.start), timezone.localtime(booking.created_at)

    page = _page(teacher.user, f"/bookings/{booking.pk}/", "da")

    when = f"{DANISH_WEEKDAYS[start.weekday()]} {start.day}. {DANISH_MONTHS[start.month - 1]} {start.year}"
    assert f"{when.capitalize()}, {start:%H:%M}" in page
    assert f"{created.day}. {DANISH_MONTHS[created.month - 1]} {created.year} {created:%H:%M}" in page


def test_offer_page_in_english_has_no_dotted_dates(teacher, offer):
    """The public offer page lists its slots and booking deadlines without the Danish dot."""
    slot = factories.SlotFactory(offer=offer, start=timezone.now() + dt.timedelta(days=30))
    start = timezone.localtime(slot.start)

    page = _page(teacher.user, f"/offers/{offer.pk}/", "en")

    assert f"{ENGLISH_WEEKDAYS[start.weekday()]} {start.day} {ENGLISH_MONTHS[start.month - 1]} {start.year}" in page
    assert not DOTTED_ENGLISH_DATE.search(page), DOTTED_ENGLISH_DATE.search(page)
