"""The catalogue's month calendar (/offers/?view=calendar)."""

import datetime as dt

import pytest
from django.utils import formats, timezone

from tests import factories

pytestmark = pytest.mark.django_db


def _in_months(months: int, day: int = 15) -> dt.datetime:
    """10:00 on `day` of the month `months` after this one, in Copenhagen."""
    today = timezone.localdate()
    year, month = divmod(today.month - 1 + months, 12)
    local = dt.datetime(today.year + year, month + 1, day, 10, tzinfo=timezone.get_current_timezone())
    return local


def _first_of(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date().replace(day=1)


def test_calendar_opens_on_the_first_month_with_free_times(client, offer):
    """With nothing free this month or next, the calendar opens where the first free time is."""
    full = factories.SlotFactory(offer=offer, start=_in_months(1), capacity_classes=1, booked_classes=1)
    free = factories.SlotFactory(offer=offer, start=_in_months(3))

    response = client.get("/offers/", {"view": "calendar"})

    assert response.status_code == 200
    assert response.context["month"] == _first_of(free.start)
    assert _first_of(full.start) != _first_of(free.start)


def test_calendar_without_free_times_opens_on_this_month(client, offer):
    response = client.get("/offers/", {"view": "calendar"})

    assert response.context["month"] == timezone.localdate().replace(day=1)


def test_calendar_marks_full_slots_as_full(client, offer):
    full = factories.SlotFactory(offer=offer, start=_in_months(1, 10), capacity_classes=1, booked_classes=1)
    free = factories.SlotFactory(offer=offer, start=_in_months(1, 12))

    response = client.get("/offers/", {"view": "calendar", "month": f"{_first_of(full.start):%Y-%m}"})

    page = response.content.decode()
    assert f'href="/offers/{offer.pk}/#slot-{free.pk}"' in page
    full_link = page.split(f"#slot-{full.pk}", 1)[1].split("</a>", 1)[0]
    assert "fuldt booket" in full_link.lower()
    free_link = page.split(f"#slot-{free.pk}", 1)[1].split("</a>", 1)[0]
    assert "fuldt booket" not in free_link.lower()


@pytest.mark.parametrize("month", ["9999-12", "0000-01", "0001-01", "garbage", "2027-13", "-1-01", "99999-01", ""])
def test_calendar_answers_a_month_out_of_range_with_the_default_month(client, offer, month):
    free = factories.SlotFactory(offer=offer, start=_in_months(2))

    response = client.get("/offers/", {"view": "calendar", "month": month})

    assert response.status_code == 200
    assert response.context["month"] == _first_of(free.start)


def test_calendar_day_shows_its_number_with_the_full_date_for_screen_readers(client, offer):
    """Under the weekday headings each day reads as its number; the full date ("Tirsdag 15.
    december") is kept in the cell for screen readers and for the phone's list."""
    slot = factories.SlotFactory(offer=offer, start=_in_months(1, 15))
    day = timezone.localtime(slot.start).date()

    page = client.get("/offers/", {"view": "calendar", "month": f"{day:%Y-%m}"}).content.decode()

    cell = page.split(f"#slot-{slot.pk}", 1)[0].rsplit('role="listitem"', 1)[1]
    assert '<span class="day-number" aria-hidden="true">15</span>' in cell
    assert f'<span class="day-name meta">{formats.date_format(day, "l j. F").capitalize()}</span>' in cell
