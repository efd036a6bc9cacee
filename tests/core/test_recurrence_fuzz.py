"""`core.recurrence.expand_rrule` over generated rules: any text is a bounded list of dates or
a DomainError, and every rule it accepts expands as dateutil expands it."""

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil import rrule as rfc5545
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError
from core.recurrence import MAX_SERIES_SLOTS, expand_rrule, series_horizon

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# No example database: each run tries new rules rather than replaying stored ones.
FUZZ = settings(
    max_examples=400,
    deadline=dt.timedelta(seconds=2),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def first_starts() -> st.SearchStrategy[dt.datetime]:
    """A first start from tomorrow to about eight years ahead, on the quarter hour."""
    today = dt.date.today()
    return st.builds(
        lambda days, quarter: dt.datetime.combine(today + dt.timedelta(days=days), dt.time(), tzinfo=COPENHAGEN)
        + dt.timedelta(minutes=15 * quarter),
        st.integers(1, 3000),
        st.integers(0, 95),
    )


def numbers(low: int, high: int) -> st.SearchStrategy[str]:
    return st.lists(st.integers(low, high).map(str), min_size=1, max_size=5).map(",".join)


def untils(first: dt.datetime) -> st.SearchStrategy[str]:
    day = st.integers(-30, 3 * 366 + 30).map(lambda days: first.date() + dt.timedelta(days=days))
    return st.one_of(
        day.map(lambda until: f"{until:%Y%m%d}"),
        day.map(lambda until: f"{until:%Y%m%d}T235959Z"),
        day.map(lambda until: f"{until:%Y%m%d}T{first:%H%M%S}"),
    )


NOISE = st.text(alphabet="0123456789-+,;=:TZ ABCDEFGHIKLMNOPRSTUWXY", max_size=12)
ANY_VALUE = {
    "FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "MINUTELY", "SECONDLY", "SOMETIMES"]),
    "INTERVAL": st.integers(-3, 120).map(str),
    "COUNT": st.one_of(st.integers(1, MAX_SERIES_SLOTS), st.integers(-3, 400), st.integers(10**6, 10**40)).map(str),
    "UNTIL": st.one_of(
        st.integers(-30, 3 * 366 + 3000)
        .map(lambda days: dt.date.today() + dt.timedelta(days=days))
        .flatmap(lambda day: st.sampled_from([f"{day:%Y%m%d}", f"{day:%Y%m%d}T235959Z", f"{day:%Y%m%d}T100000"])),
        st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
            lambda moment: f"{moment.year:04d}{moment:%m%dT%H%M%S}Z"
        ),
        st.sampled_from(["99991231T235959Z", "00000101", "20271340T000000Z", "2027-06-01", "20270229"]),
    ),
    "BYDAY": st.lists(
        st.tuples(
            st.sampled_from(["", "1", "-1", "+2", "5", "-5", "6", "0", "53"]), st.sampled_from([*WEEKDAYS, "XX"])
        ),
        min_size=1,
        max_size=8,
    ).map(lambda items: ",".join(nth + day for nth, day in items)),
    "BYMONTHDAY": numbers(-40, 40),
    "BYMONTH": numbers(-1, 14),
    "BYSETPOS": numbers(-400, 400),
    "WKST": st.sampled_from([*WEEKDAYS, "XX"]),
    "BYHOUR": numbers(-1, 99),
    "BYMINUTE": numbers(0, 61),
    "BYSECOND": numbers(0, 61),
    "BYWEEKNO": numbers(-53, 53),
    "BYYEARDAY": numbers(-366, 366),
    "X-NAME": NOISE,
}
ANY_PART = st.sampled_from(sorted(ANY_VALUE)).flatmap(
    lambda name: st.one_of(ANY_VALUE[name], NOISE).map(lambda value: f"{name}={value}")
)
ANY_END = st.sampled_from(["COUNT", "UNTIL"]).flatmap(lambda name: ANY_VALUE[name].map(lambda value: f"{name}={value}"))
ANY_RULE = st.one_of(
    st.lists(ANY_PART, max_size=7).map(";".join),
    st.builds(
        lambda frequency, end, parts: [f"FREQ={frequency}", end, *parts],
        ANY_VALUE["FREQ"],
        ANY_END,
        st.lists(ANY_PART, max_size=4),
    )
    .flatmap(st.permutations)
    .map(";".join),
    st.text(max_size=60),
)


@FUZZ
@given(rule=ANY_RULE, first=first_starts())
def test_any_rule_gives_at_most_200_dates_within_three_years_or_a_domain_error(rule, first):
    """Whatever the text, the answer is a list of at most 200 times in Copenhagen between the
    first start and three years after it, or a DomainError about the rule; never another error."""
    try:
        starts = expand_rrule(rule=rule, first_start=first)
    except DomainError as error:
        assert error.field == "rrule"
        return

    assert len(starts) <= MAX_SERIES_SLOTS
    assert starts == sorted(starts)
    local_first = first.replace(tzinfo=None)
    horizon = series_horizon(local_first)
    assert all(start.tzinfo == COPENHAGEN for start in starts)
    assert all(local_first <= start.replace(tzinfo=None) <= horizon for start in starts)


@st.composite
def school_rules(draw: st.DrawFn, first: dt.datetime) -> tuple[str, str]:
    """A rule of the parts a series accepts, with values in range, and its end (COUNT or UNTIL)."""
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]))
    parts = [f"FREQ={frequency}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 52))}")
    chosen = {"BYDAY": draw(st.booleans()), "BYMONTHDAY": frequency != "WEEKLY" and draw(st.booleans())}
    if chosen["BYDAY"]:
        days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True))
        if frequency == "MONTHLY" and draw(st.booleans()):
            days = [f"{draw(st.sampled_from([-5, -4, -3, -2, -1, 1, 2, 3, 4, 5]))}{day}" for day in days]
        parts.append(f"BYDAY={','.join(days)}")
    if chosen["BYMONTHDAY"]:
        parts.append(f"BYMONTHDAY={draw(numbers(-31, 31).filter(lambda text: '0' not in text.split(',')))}")
    if draw(st.booleans()):
        parts.append(f"BYMONTH={draw(numbers(1, 12))}")
    if frequency == "MONTHLY" and any(chosen.values()) and draw(st.booleans()):
        parts.append(f"BYSETPOS={draw(numbers(-31, 31).filter(lambda text: '0' not in text.split(',')))}")
    if draw(st.booleans()):
        parts.append(f"WKST={draw(st.sampled_from(WEEKDAYS))}")
    end = draw(st.one_of(st.integers(1, MAX_SERIES_SLOTS).map(lambda count: f"COUNT={count}"), untils(first)))
    return ";".join(draw(st.permutations(parts))), end if end.startswith("COUNT") else f"UNTIL={end}"


def dateutil_expansion(rule: str, end: str, first: dt.datetime) -> list[dt.datetime]:
    """The same rule read by dateutil, in local time, up to the three-year horizon."""
    local_first = first.replace(tzinfo=None)
    horizon = series_horizon(local_first)
    if end.startswith("COUNT"):
        return list(rfc5545.rrulestr(f"{rule};{end}", dtstart=local_first))
    until = end.removeprefix("UNTIL=")
    if until.endswith("Z"):
        moment = dt.datetime.strptime(until, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        until_local = moment.astimezone(COPENHAGEN).replace(tzinfo=None)
    elif "T" in until:
        until_local = dt.datetime.strptime(until, "%Y%m%dT%H%M%S")
    else:
        until_local = dt.datetime.strptime(until, "%Y%m%d").replace(hour=23, minute=59, second=59)
    return list(rfc5545.rrulestr(rule, dtstart=local_first).replace(until=min(until_local, horizon)))


@FUZZ
@given(data=st.data(), first=first_starts())
def test_every_accepted_rule_expands_as_dateutil_expands_it(data, first):
    """Expansion is written by hand to stay bounded; dateutil is the reference for what a rule
    means. Rules that give no date are left out: dateutil searches those up to the year 9999."""
    rule, end = data.draw(school_rules(first))
    try:
        starts = expand_rrule(rule=f"{rule};{end}", first_start=first)
    except DomainError as error:
        assert error.code in {"rrule_too_long", "rrule_too_many"}, error.message
        return
    if not starts:
        return

    assert [start.replace(tzinfo=None) for start in starts] == dateutil_expansion(rule, end, first)
