"""When demo slots lie: school days from today on, past holidays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set

from django.utils import timezone

from core.dates import holiday_name

MO, TU, WE, TH, FR = range(5)


def school_day(today: dt.date, weeks: int, weekday: int, *, taken: Set[dt.date] = frozenset()) -> dt.date:
    """The weekday `weeks` weeks from today, moved on a week at a time past holidays (so that
    slots after Christmas do not all pile up on its first school day) and past `taken` days."""
    day = today + dt.timedelta(weeks=weeks)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while holiday_name(day) or day in taken:
        day += dt.timedelta(weeks=1)
    return day


def first_school_day(day: dt.date) -> dt.date:
    """`day` or the first school day after it, so that a series never starts in a holiday
    (a weekly series begun early in the summer holiday would otherwise be all holiday)."""
    while day.weekday() >= 5 or holiday_name(day):
        day += dt.timedelta(days=1)
    return day


def teacher_week(today: dt.date) -> dt.date:
    """The Monday of the teacher-visit week: the first whole school week six weeks ahead."""
    monday = today + dt.timedelta(weeks=6)
    monday -= dt.timedelta(days=monday.weekday())
    while any(holiday_name(monday + dt.timedelta(days=offset)) for offset in range(5)):
        monday += dt.timedelta(weeks=1)
    return monday


def at(day: dt.date, time: str) -> dt.datetime:
    """`time` ("09:30") on `day`, Copenhagen time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(time)))
