"""Dates for test data, computed from today, so that a test means the same thing in every year
it runs: "a school day", "the next Ascension Day", "the next switch to summer time"."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

from core.dates import holiday_name

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# Far enough ahead that a slot on the day is in the future and its booking deadline has not passed.
LEAD = dt.timedelta(days=21)


def today() -> dt.date:
    return timezone.localdate()


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Wall-clock time in Copenhagen on `day`."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=COPENHAGEN)


def is_school_day(day: dt.date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def school_day(*, weekday: int = 1, lead: dt.timedelta = LEAD) -> dt.date:
    """The first school day on `weekday` (Monday = 0) at least `lead` from today whose next
    weekday is also a school day, so that a slot can move one day on."""
    day = today() + lead
    while day.weekday() != weekday or not is_school_day(day) or not is_school_day(day + dt.timedelta(days=1)):
        day += dt.timedelta(days=1)
    return day


def _first_after(dates_by_year, earliest: dt.date) -> dt.date:
    year = earliest.year
    while dates_by_year(year) < earliest:
        year += 1
    return dates_by_year(year)


def next_easter(*, lead: dt.timedelta = LEAD) -> dt.date:
    def easter(year: int) -> dt.date:
        return next(
            day for day, name in holidays.Denmark(years=year, language="en_US").items() if name == "Easter Sunday"
        )

    return _first_after(easter, today() + lead)


def next_ascension_day(*, lead: dt.timedelta = LEAD) -> dt.date:
    """Ascension Day is 39 days after Easter Sunday, always a Thursday."""
    return next_easter(lead=lead - dt.timedelta(days=39)) + dt.timedelta(days=39)


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def next_last_sunday(month: int, *, lead: dt.timedelta = LEAD) -> dt.date:
    """The next last Sunday of `month` at least `lead` away: in March the switch to summer
    time, in October the switch back."""
    return _first_after(lambda year: last_sunday(year, month), today() + lead)


# The Danish names, as Danish text writes them (lower case), to check what pages and e-mails say.
DANISH_WEEKDAYS = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]
DANISH_MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
