import datetime as dt

import pytest
from django.utils import translation

from core.dates import holiday_name, school_year_label, school_year_of


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
