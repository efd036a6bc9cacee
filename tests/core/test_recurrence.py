"""`core.recurrence.expand_rrule`: RFC 5545 rules in Copenhagen wall-clock time, bounded."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.errors import DomainError
from core.recurrence import MAX_SERIES_SLOTS, expand_rrule

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def next_weekday(weekday: int, hour: int) -> dt.datetime:
    day = dt.date.today() + dt.timedelta(days=7)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=COPENHAGEN)


def test_weekly_rule_keeps_the_wall_clock_time_across_daylight_saving():
    """2027-03-28 is the last Sunday of March: the UTC offset changes, 10:00 stays 10:00."""
    first = dt.datetime(2027, 3, 16, 10, tzinfo=COPENHAGEN)

    starts = expand_rrule(rule="FREQ=WEEKLY;BYDAY=TU;COUNT=3", first_start=first)

    assert [start.strftime("%Y-%m-%d %H:%M %z") for start in starts] == [
        "2027-03-16 10:00 +0100",
        "2027-03-23 10:00 +0100",
        "2027-03-30 10:00 +0200",
    ]


def test_first_start_given_in_utc_is_expanded_in_copenhagen_time():
    first = dt.datetime(2027, 3, 23, 9, tzinfo=dt.UTC)  # 10:00 in Copenhagen

    starts = expand_rrule(rule="RRULE:FREQ=WEEKLY;COUNT=2", first_start=first)

    assert [start.astimezone(COPENHAGEN).hour for start in starts] == [10, 10]


def test_until_written_in_utc_is_compared_in_local_time():
    """An UNTIL equal to the third start, written in UTC ("…Z"), includes the third start;
    read as local time it would lie an hour or two before it."""
    first = next_weekday(1, 9)
    third = first + dt.timedelta(weeks=2)

    starts = expand_rrule(rule=f"FREQ=WEEKLY;UNTIL={third.astimezone(dt.UTC):%Y%m%dT%H%M%S}Z", first_start=first)

    assert starts[-1] == third
    assert len(starts) == 3


def test_exception_dates_are_left_out():
    first = next_weekday(3, 9)

    starts = expand_rrule(
        rule="FREQ=WEEKLY;COUNT=3", first_start=first, exdates={(first + dt.timedelta(weeks=1)).date()}
    )

    assert starts == [first, first + dt.timedelta(weeks=2)]


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "rrule_unbounded"),
        ("FREQ=SOMETIMES;COUNT=3", "bad_rrule"),
        (f"FREQ=DAILY;COUNT={MAX_SERIES_SLOTS + 1}", "rrule_too_many"),
    ],
)
def test_unbounded_invalid_or_too_long_rules_are_refused(rule, code):
    with pytest.raises(DomainError) as caught:
        expand_rrule(rule=rule, first_start=next_weekday(0, 9))

    assert caught.value.code == code
    assert caught.value.field == "rrule"
