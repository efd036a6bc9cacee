"""Test data is dated relative to today, so that "this school year" tests pass in every year."""

import datetime as dt

import pytest
import time_machine

from tests import factories
from tests.dates import COPENHAGEN, is_school_day, next_ascension_day, next_last_sunday, school_day


@pytest.mark.parametrize("day", [dt.date(2027, 7, 31), dt.date(2027, 8, 1), dt.date(2031, 1, 15)])
def test_a_new_class_is_in_the_school_year_of_today(db, day):
    """On 31 July a class belongs to the school year that began the August before; from 1 August to the new one."""
    with time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=COPENHAGEN), tick=False):
        school_class = factories.SchoolClassFactory()

    assert school_class.school_year == (day.year if day.month >= 8 else day.year - 1)


@pytest.mark.parametrize("day", [dt.date(2027, 3, 1), dt.date(2029, 11, 20)])
def test_date_helpers_look_ahead_of_today(day):
    with time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=COPENHAGEN), tick=False):
        ordinary, ascension, spring = school_day(), next_ascension_day(), next_last_sunday(3)

    assert ordinary > day and is_school_day(ordinary) and ordinary.weekday() == 1
    assert ascension > day and ascension.weekday() == 3
    assert spring > day and spring.month == 3 and spring.weekday() == 6 and (spring + dt.timedelta(days=7)).month == 4
