"""`core.recurrence.expand_rrule`: RFC 5545 rules in Copenhagen wall-clock time, bounded."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule as rfc5545

from core import recurrence
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


# What a school calendar needs, and nothing that makes expansion expensive ---------------------


def refused(rule: str, first_start: dt.datetime | None = None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        expand_rrule(rule=rule, first_start=first_start or next_weekday(0, 9))
    assert caught.value.field == "rrule"
    return caught.value


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@pytest.mark.parametrize("frequency", ["SECONDLY", "MINUTELY", "HOURLY", "YEARLY"])
def test_frequencies_other_than_daily_weekly_and_monthly_are_refused(frequency):
    """A series of visits repeats by day, week or month; finer rules only cost time to expand,
    and a yearly rule cannot fit more than a few slots in the three years a series may span."""
    assert refused(f"FREQ={frequency};COUNT=5").code == "rrule_frequency"


@pytest.mark.parametrize(
    ("rule", "count"),
    [
        ("FREQ=DAILY;COUNT=3", 3),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;COUNT=4", 4),
        ("FREQ=WEEKLY;WKST=SU;INTERVAL=2;BYDAY=SU,TU;COUNT=4", 4),
        ("FREQ=MONTHLY;BYDAY=1TU;COUNT=3", 3),
        ("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", 3),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3", 3),
        ("FREQ=MONTHLY;BYMONTHDAY=15,-1;BYMONTH=9,10,11,1;COUNT=5", 5),
        ("freq=weekly;byday=tu;count=2", 2),
    ],
)
def test_the_rule_parts_a_school_calendar_needs_expand_as_dateutil_reads_them(rule, count):
    first = next_weekday(0, 9)

    starts = expand_rrule(rule=rule, first_start=first)

    reference = rfc5545.rrulestr(rule.upper(), dtstart=first.replace(tzinfo=None))
    assert [start.replace(tzinfo=None) for start in starts] == list(reference)
    assert len(starts) == count


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "   ",
        "garbage",
        "RRULE:",
        "COUNT=3",
        "FREQ=DAILY;COUNT",
        "FREQ=DAILY;=3",
        "FREQ=DAILY;FREQ=WEEKLY;COUNT=3",
        "FREQ=DAILY;COUNT=3;UNTIL=20200101T000000Z",
        "FREQ=DAILY;COUNT=0",
        "FREQ=DAILY;COUNT=-1",
        "FREQ=DAILY;COUNT=three",
        "FREQ=DAILY;COUNT=5;BYHOUR=99",
        "FREQ=DAILY;COUNT=5;BYHOUR=10",
        "FREQ=DAILY;COUNT=5;BYMINUTE=" + ",".join(str(minute) for minute in range(60)),
        "FREQ=DAILY;COUNT=5;BYSECOND=1",
        "FREQ=WEEKLY;COUNT=5;BYWEEKNO=20",
        "FREQ=DAILY;COUNT=5;BYYEARDAY=100",
        "FREQ=DAILY;COUNT=5;X-NAME=1",
        "FREQ=DAILY;INTERVAL=0;COUNT=5",
        "FREQ=DAILY;INTERVAL=53;COUNT=5",
        "FREQ=DAILY;INTERVAL=;COUNT=5",
        "FREQ=WEEKLY;BYDAY=XX;COUNT=5",
        "FREQ=WEEKLY;BYDAY=MO,,TU;COUNT=5",
        "FREQ=WEEKLY;BYDAY=1MO;COUNT=5",
        "FREQ=MONTHLY;BYDAY=6MO;COUNT=5",
        "FREQ=MONTHLY;BYDAY=0MO;COUNT=5",
        "FREQ=MONTHLY;BYMONTHDAY=0;COUNT=5",
        "FREQ=MONTHLY;BYMONTHDAY=32;COUNT=5",
        "FREQ=WEEKLY;BYMONTHDAY=1;COUNT=5",
        "FREQ=MONTHLY;BYMONTH=13;COUNT=5",
        "FREQ=MONTHLY;BYMONTH=0;COUNT=5",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0;COUNT=5",
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=400;COUNT=3",
        "FREQ=MONTHLY;BYSETPOS=1;COUNT=3",
        "FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=1;COUNT=3",
        "FREQ=MONTHLY;BYDAY=MO,1TU;COUNT=3",
        "FREQ=WEEKLY;WKST=XX;COUNT=3",
        "FREQ=WEEKLY;UNTIL=20271340T000000Z",
        "FREQ=WEEKLY;UNTIL=00000101T000000Z",
        "FREQ=WEEKLY;UNTIL=tomorrow",
        "FREQ=WEEKLY;UNTIL=2027-06-01",
        "FREQ=WEEKLY;COUNT=3;" + "BYDAY=MO;" * 600,
    ],
)
def test_malformed_rules_and_parts_a_school_calendar_does_not_need_are_refused(rule):
    """Every rule part is read by hand against an allow-list before dateutil sees the rule,
    so a bad part is a DomainError naming it, never a ValueError (a 500) during expansion."""
    assert refused(rule).code == "bad_rrule"


def test_until_more_than_three_years_after_the_first_date_is_refused():
    first = next_weekday(0, 9)
    until = years_after(first.date(), 3) + dt.timedelta(days=1)

    assert refused(f"FREQ=MONTHLY;UNTIL={until:%Y%m%d}T235959Z", first).code == "rrule_too_long"


def test_until_three_years_after_the_first_date_is_accepted():
    """The host page writes the last date as UNTIL=<day>T235959Z; three years on is allowed."""
    first = next_weekday(0, 9)
    until = years_after(first.date(), 3)

    starts = expand_rrule(rule=f"FREQ=MONTHLY;UNTIL={until:%Y%m%d}T235959Z", first_start=first)

    assert len(starts) == 37


def test_until_given_as_a_date_includes_that_day():
    first = next_weekday(0, 9)
    third = first + dt.timedelta(weeks=2)

    starts = expand_rrule(rule=f"FREQ=WEEKLY;UNTIL={third:%Y%m%d}", first_start=first)

    assert starts[-1] == third


def test_until_in_the_year_9999_is_refused_as_too_long():
    assert refused("FREQ=WEEKLY;UNTIL=99991231T000000Z").code == "rrule_too_long"


def test_a_count_whose_dates_run_beyond_three_years_is_refused():
    assert refused("FREQ=MONTHLY;INTERVAL=12;COUNT=5").code == "rrule_too_long"


@pytest.mark.parametrize("count", [MAX_SERIES_SLOTS + 1, 10**12, 10**40])
def test_a_count_above_the_series_limit_is_refused(count):
    assert refused(f"FREQ=WEEKLY;COUNT={count}").code == "rrule_too_many"


def test_a_count_up_to_the_series_limit_is_accepted():
    starts = expand_rrule(rule=f"FREQ=DAILY;COUNT={MAX_SERIES_SLOTS}", first_start=next_weekday(0, 9))

    assert len(starts) == MAX_SERIES_SLOTS


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTHDAY=31;BYMONTH=2;COUNT=5",
        "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2;COUNT=5",
        "FREQ=MONTHLY;BYMONTHDAY=30,31;BYMONTH=2;BYDAY=MO;BYSETPOS=1;COUNT=200",
        "FREQ=WEEKLY;BYDAY=MO;BYMONTH=2;UNTIL=20200101",
    ],
)
def test_a_rule_that_never_matches_gives_no_dates_after_examining_three_years_of_days(rule, monkeypatch):
    """dateutil looks for matches period by period until COUNT is reached or the year 9999:
    millions of days for a daily rule that never matches (about nine seconds). Expansion
    examines the days of at most three years and a month. The thread's five-second guard is a
    safety net against a hang, not a benchmark."""
    examined = []
    real_matches = recurrence._matches
    monkeypatch.setattr(
        recurrence, "_matches", lambda *args, **kwargs: examined.append(1) or real_matches(*args, **kwargs)
    )
    answer = {}
    worker = threading.Thread(
        target=lambda: answer.setdefault("starts", expand_rrule(rule=rule, first_start=next_weekday(0, 9))),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=5)

    assert not worker.is_alive(), "expansion searched far beyond the three years a series may span"
    assert answer["starts"] == []
    assert len(examined) <= 3 * 366 + 31
