"""Facts about Danish school time: school years, public holidays and school holidays."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from dateutil.easter import easter
from django.utils.translation import get_language
from django.utils.translation import gettext as _

AUTUMN_HOLIDAY_WEEK = 42
# Winter holiday is week 7 or 8 by municipality; the North Jutland municipalities use week 7.
WINTER_HOLIDAY_WEEK = 7


def school_year_of(day: dt.date) -> int:
    """The calendar year in which the school year containing `day` began (1 August)."""
    return day.year if day.month >= 8 else day.year - 1


def school_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@lru_cache(maxsize=64)
def _public_holidays(year: int, language: str) -> holidays.HolidayBase:
    return holidays.Denmark(years=year, language=language)


def holiday_name(day: dt.date) -> str | None:
    """The name of the public or school holiday on `day`, or None on an ordinary school day.

    School holidays are approximated by the common Danish calendar: autumn week 42, winter
    week 7, Easter (the Monday before Easter Sunday to Easter Monday), Christmas
    (21 December – 2 January) and summer (27 June – 9 August)."""
    language = "en_US" if (get_language() or "da").startswith("en") else "da"
    public = _public_holidays(day.year, language).get(day)
    if public:
        return public
    week = day.isocalendar().week
    if week == AUTUMN_HOLIDAY_WEEK:
        return _("Autumn holiday")
    if week == WINTER_HOLIDAY_WEEK:
        return _("Winter holiday")
    if -6 <= (day - easter(day.year)).days <= 1:
        return _("Easter holiday")
    if (day.month == 12 and day.day >= 21) or (day.month == 1 and day.day <= 2):
        return _("Christmas holiday")
    if (day.month == 6 and day.day >= 27) or day.month == 7 or (day.month == 8 and day.day <= 9):
        return _("Summer holiday")
    return None
