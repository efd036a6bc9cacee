import datetime as dt

import pytest
from django.utils import timezone, translation

from bookings import services
from core.dates import holiday_name, school_year_label, school_year_of
from tests.dates import at, next_easter


@pytest.mark.parametrize(
    ("day", "expected"),
    [(dt.date(2026, 7, 31), 2025), (dt.date(2026, 8, 1), 2026), (dt.date(2027, 1, 15), 2026)],
)
def test_school_year_starts_on_the_first_of_august(day, expected):
    assert school_year_of(day) == expected


def test_school_year_label():
    assert school_year_label(2026) == "2026/27"
    assert school_year_label(2099) == "2099/00"


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (dt.date(2027, 5, 6), "Kristi himmelfartsdag"),
        (dt.date(2026, 10, 14), "Efterårsferie"),
        (dt.date(2027, 2, 17), "Vinterferie"),
        (dt.date(2026, 12, 23), "Juleferie"),
        (dt.date(2027, 7, 10), "Sommerferie"),
        (dt.date(2027, 2, 24), None),
    ],
)
def test_holiday_name_in_danish(day, name):
    with translation.override("da"):
        assert holiday_name(day) == name


def test_holiday_name_in_english():
    with translation.override("en"):
        assert holiday_name(dt.date(2027, 5, 6)) == "Ascension Day"


def test_the_easter_holiday_runs_from_the_monday_before_easter_to_easter_monday():
    """The weekdays of Holy Week are the Easter school holiday; the public holidays keep their own names."""
    easter = next_easter()

    def name(offset: int) -> str | None:
        with translation.override("da"):
            return holiday_name(easter + dt.timedelta(days=offset))

    assert [name(offset) for offset in (-6, -5, -4)] == ["Påskeferie"] * 3
    assert [name(offset) for offset in (-3, -2, 0, 1)] == ["Skærtorsdag", "Langfredag", "Påskedag", "Anden påskedag"]
    assert name(-9) is None  # the Friday before
    assert name(2) is None  # the Wednesday after
    with translation.override("en"):
        assert holiday_name(easter - dt.timedelta(days=6)) == "Easter holiday"


def test_a_weekly_series_skips_the_easter_holiday(offer, host):
    """Tuesdays two weeks before Easter, in Holy Week and after Easter: the one in Holy Week is skipped."""
    easter = next_easter()
    first = easter - dt.timedelta(days=12)

    created = services.slot_series_create(
        actor=host.user,
        offer=offer,
        start=at(first, 10),
        end=at(first, 12),
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=3",
    )

    days = [timezone.localtime(slot.start).date() for slot in created.slots.order_by("start")]
    assert days == [first, easter + dt.timedelta(days=2)]
