"""RFC 5545 recurrence rules expanded in the project's wall-clock time.

A series of visits repeats by day, week or month, within three years of its first date and
at most 200 times. A rule is read by hand against an allow-list of parts and expanded here,
period by period up to that three-year horizon, so the work is bounded whatever the rule:
about 1,100 candidate days at most. dateutil is not used for this because it checks UNTIL
only on days that match, so a rule that never matches (BYMONTHDAY=31;BYMONTH=2) is searched
day by day up to the year 9999, and some rules fail only while being expanded. The tests
check this expansion against dateutil's."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator, Set
from itertools import islice
from typing import NoReturn
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

BAD_RRULE = _("This is not a valid recurrence rule: %(error)s")
RRULE_UNBOUNDED = _("The recurrence rule needs an end: UNTIL or COUNT.")
RRULE_TOO_MANY = _("A series can hold at most %(limit)s slots.")
RRULE_FREQUENCY = _("A series repeats daily, weekly or monthly (FREQ=DAILY, WEEKLY or MONTHLY).")
RRULE_TOO_LONG = _("A series can span at most %(years)s years from its first date.")
RRULE_NO_DATES = _("The rule gives no dates within %(years)s years of the first date.")
MAX_SERIES_SLOTS = 200
MAX_SERIES_YEARS = 3
MAX_INTERVAL = 52
MAX_RULE_LENGTH = 500

DAILY, WEEKLY, MONTHLY = "DAILY", "WEEKLY", "MONTHLY"
# Valid in RFC 5545 but not for a series: a slot's time of day comes from its first start,
# and a yearly series would hold three slots at most.
OTHER_FREQUENCIES = {"YEARLY", "HOURLY", "MINUTELY", "SECONDLY"}
UNSUPPORTED_PARTS = {"BYSECOND", "BYMINUTE", "BYHOUR", "BYWEEKNO", "BYYEARDAY", "RSCALE", "SKIP"}
WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
NUMBER = re.compile(r"[+-]?[0-9]{1,3}")
WEEKDAY = re.compile(r"(?P<nth>[+-]?[0-9]{1,2})?(?P<day>[A-Z]{2})")
UNTIL = re.compile(r"(?P<date>[0-9]{8})(?:T(?P<time>[0-9]{6})(?P<utc>Z)?)?")


@dataclasses.dataclass(frozen=True)
class Recurrence:
    """A rule read and checked by hand, every value within the bounds a series allows.
    `until` is naive local wall-clock time, like the expansion; weekdays count from Monday = 0;
    `nth_weekdays` holds (weekday, n) for "the n-th Tuesday of the month" (n < 0 from the end)."""

    frequency: str
    interval: int = 1
    count: int | None = None
    until: dt.datetime | None = None
    weekdays: frozenset[int] = frozenset()
    nth_weekdays: frozenset[tuple[int, int]] = frozenset()
    monthdays: frozenset[int] = frozenset()
    months: frozenset[int] = frozenset()
    setpos: tuple[int, ...] = ()
    week_start: int = 0


def expand_rrule(
    *, rule: str, first_start: dt.datetime, exdates: Set[dt.date] = frozenset(), zone: ZoneInfo | None = None
) -> list[dt.datetime]:
    """Occurrences of an RFC 5545 rule in wall-clock time (Copenhagen unless `zone` says
    otherwise), so that a visit at 10:00 stays at 10:00 across a daylight-saving switch.
    Dates in `exdates` are left out. A rule that is invalid, unbounded, longer than three
    years or than 200 slots, or uses parts a series does not need, is a DomainError."""
    zone = zone or ZoneInfo(timezone.get_default_timezone_name())
    local_first = first_start.astimezone(zone).replace(tzinfo=None, microsecond=0)
    recurrence = parse_rrule(rule, first_start=local_first, zone=zone)
    horizon = series_horizon(local_first)
    candidates = _occurrences(recurrence, local_first, min(recurrence.until or horizon, horizon))
    if recurrence.count is not None:
        occurrences = list(islice(candidates, recurrence.count))
        if 0 < len(occurrences) < recurrence.count:
            raise DomainError(RRULE_TOO_LONG % {"years": MAX_SERIES_YEARS}, code="rrule_too_long", field="rrule")
    else:
        occurrences = list(islice(candidates, MAX_SERIES_SLOTS + 1))
        if len(occurrences) > MAX_SERIES_SLOTS:
            raise DomainError(RRULE_TOO_MANY % {"limit": MAX_SERIES_SLOTS}, code="rrule_too_many", field="rrule")
    return [naive.replace(tzinfo=zone) for naive in occurrences if naive.date() not in exdates]


def series_horizon(local_first: dt.datetime) -> dt.datetime:
    """The last moment a series may reach: the end of the day three years after its first date."""
    return dt.datetime.combine(_years_after(local_first.date(), MAX_SERIES_YEARS), dt.time(23, 59, 59))


# Reading a rule --------------------------------------------------------------------------------


def parse_rrule(rule: str, *, first_start: dt.datetime, zone: ZoneInfo) -> Recurrence:
    """Read a rule (with or without "RRULE:") part by part. Only the parts a school calendar
    needs are accepted: FREQ, INTERVAL, COUNT, UNTIL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST.
    `first_start` is naive local time; the span of UNTIL is measured from its date."""
    if len(rule) > MAX_RULE_LENGTH:
        _refuse(_("it is longer than %(limit)s characters") % {"limit": MAX_RULE_LENGTH})
    parts = _split_parts(rule.strip().upper().removeprefix("RRULE:").strip())
    frequency = parts.pop("FREQ", None)
    if frequency is None:
        _refuse(_("FREQ is missing"))
    if frequency in OTHER_FREQUENCIES:
        raise DomainError(RRULE_FREQUENCY, code="rrule_frequency", field="rrule")
    if frequency not in (DAILY, WEEKLY, MONTHLY):
        _refuse(_("FREQ=%(value)s is not a frequency") % {"value": frequency[:20]})
    fields: dict = {"frequency": frequency}
    for name, value in parts.items():
        if name in UNSUPPORTED_PARTS:
            _refuse(_("%(part)s is not supported in a series") % {"part": name})
        if name not in PART_READERS:
            _refuse(_("%(part)s is not a rule part") % {"part": name[:20]})
        fields.update(PART_READERS[name](value, frequency=frequency, first_start=first_start, zone=zone))
    recurrence = Recurrence(**fields)
    _check_consistent(recurrence)
    return recurrence


def _split_parts(rule: str) -> dict[str, str]:
    """NAME=VALUE pairs separated by semicolons, each name once."""
    if not rule:
        _refuse(_("it is empty"))
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        name, equals, value = (text.strip() for text in part.partition("="))
        if not equals or not name or not value:
            _refuse(_("“%(part)s” is not of the form NAME=VALUE") % {"part": part[:40]})
        if name in parts:
            _refuse(_("%(part)s is given more than once") % {"part": name[:20]})
        parts[name] = value
    return parts


def _check_consistent(recurrence: Recurrence) -> None:
    if recurrence.count is None and recurrence.until is None:
        raise DomainError(RRULE_UNBOUNDED, code="rrule_unbounded", field="rrule")
    if recurrence.count is not None and recurrence.until is not None:
        _refuse(_("give either COUNT or UNTIL, not both"))
    if recurrence.setpos and not (recurrence.weekdays or recurrence.nth_weekdays or recurrence.monthdays):
        _refuse(_("BYSETPOS needs BYDAY or BYMONTHDAY to choose from"))


def _read_interval(value: str, **context: object) -> dict:
    return {"interval": _number(value, "INTERVAL", 1, MAX_INTERVAL)}


def _read_count(value: str, **context: object) -> dict:
    digits = value.lstrip("0")
    if not re.fullmatch("[0-9]+", value) or not digits:
        _refuse(_("COUNT must be a whole number from 1"))
    # Compared as text first: int() of a number thousands of digits long is refused or slow.
    if len(digits) > len(str(MAX_SERIES_SLOTS)) or int(digits) > MAX_SERIES_SLOTS:
        raise DomainError(RRULE_TOO_MANY % {"limit": MAX_SERIES_SLOTS}, code="rrule_too_many", field="rrule")
    return {"count": int(digits)}


def _read_until(value: str, *, first_start: dt.datetime, zone: ZoneInfo, **context: object) -> dict:
    """UNTIL as a date (the whole day counts), a local date-time, or a UTC date-time ("…Z"),
    as RFC 5545 writes it; expansion runs in local wall-clock time."""
    match = UNTIL.fullmatch(value)
    try:
        day = dt.datetime.strptime(match["date"], "%Y%m%d").date() if match else None
        time = dt.datetime.strptime(match["time"], "%H%M%S").time() if match and match["time"] else None
    except ValueError:
        day = None
    if day is None:
        _refuse(_("UNTIL must be a date like 20270625 or a time like 20270625T235959Z"))
    # Measured on the date as written, before any conversion: a host's "until 25 June" is
    # written 25 June 23:59:59 UTC, which is already 26 June in Copenhagen.
    if day > _years_after(first_start.date(), MAX_SERIES_YEARS):
        raise DomainError(RRULE_TOO_LONG % {"years": MAX_SERIES_YEARS}, code="rrule_too_long", field="rrule")
    until = dt.datetime.combine(day, time or dt.time(23, 59, 59))
    if match["utc"]:
        try:
            until = until.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
        except OverflowError:  # the last hours of the year 9999
            until = dt.datetime.max.replace(microsecond=0)
    return {"until": until}


def _read_byday(value: str, *, frequency: str, **context: object) -> dict:
    """Weekdays, or numbered weekdays ("1TU", "-1FR": the month's first Tuesday, its last
    Friday) in a monthly rule, as RFC 5545 allows. Both kinds in one rule read differently in
    different programs, so a rule uses one kind."""
    weekdays, nth_weekdays = set(), set()
    for item in value.split(","):
        match = WEEKDAY.fullmatch(item.strip())
        if not match or match["day"] not in WEEKDAYS:
            _refuse(_("BYDAY=%(value)s is not a list of weekdays (MO, TU, WE, TH, FR, SA, SU)") % {"value": value[:40]})
        if match["nth"] is None:
            weekdays.add(WEEKDAYS[match["day"]])
        elif frequency != MONTHLY:
            _refuse(_("a numbered weekday like %(day)s needs FREQ=MONTHLY") % {"day": item[:10]})
        else:
            nth_weekdays.add((WEEKDAYS[match["day"]], _number(match["nth"], "BYDAY", -5, 5)))
    if weekdays and nth_weekdays:
        _refuse(_("BYDAY mixes numbered weekdays (1TU) and plain ones (TU)"))
    return {"weekdays": frozenset(weekdays), "nth_weekdays": frozenset(nth_weekdays)}


def _read_bymonthday(value: str, *, frequency: str, **context: object) -> dict:
    if frequency == WEEKLY:
        _refuse(_("BYMONTHDAY cannot be used with FREQ=WEEKLY"))
    return {"monthdays": frozenset(_numbers(value, "BYMONTHDAY", -31, 31))}


def _read_bymonth(value: str, **context: object) -> dict:
    return {"months": frozenset(_numbers(value, "BYMONTH", 1, 12))}


def _read_bysetpos(value: str, *, frequency: str, **context: object) -> dict:
    """Positions within a month's matching days ("BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1": the last
    weekday). Within a day or a week, programs disagree on where the first week begins."""
    if frequency != MONTHLY:
        _refuse(_("BYSETPOS needs FREQ=MONTHLY"))
    return {"setpos": tuple(sorted(_numbers(value, "BYSETPOS", -31, 31)))}


def _read_wkst(value: str, **context: object) -> dict:
    if value not in WEEKDAYS:
        _refuse(_("WKST must be a weekday (MO, TU, WE, TH, FR, SA, SU)"))
    return {"week_start": WEEKDAYS[value]}


PART_READERS: dict[str, Callable[..., dict]] = {
    "INTERVAL": _read_interval,
    "COUNT": _read_count,
    "UNTIL": _read_until,
    "BYDAY": _read_byday,
    "BYMONTHDAY": _read_bymonthday,
    "BYMONTH": _read_bymonth,
    "BYSETPOS": _read_bysetpos,
    "WKST": _read_wkst,
}


def _number(value: str, part: str, low: int, high: int) -> int:
    """A whole number within [low, high], zero excluded (RFC 5545 has no zeroth anything)."""
    if not NUMBER.fullmatch(value) or not low <= int(value) <= high or int(value) == 0:
        _refuse(
            _("%(part)s values must be whole numbers from %(low)s to %(high)s, not 0")
            % {"part": part, "low": low, "high": high}
        )
    return int(value)


def _numbers(value: str, part: str, low: int, high: int) -> set[int]:
    return {_number(item.strip(), part, low, high) for item in value.split(",")}


def _refuse(reason: str) -> NoReturn:
    raise DomainError(BAD_RRULE % {"error": reason}, code="bad_rrule", field="rrule")


# Expanding a rule ------------------------------------------------------------------------------


def _occurrences(recurrence: Recurrence, first: dt.datetime, last: dt.datetime) -> Iterator[dt.datetime]:
    """The rule's times from `first` to `last` (naive local), in order. Each period (a day, a
    week from WKST, a month) is one in every INTERVAL from the one holding `first`; its days
    are filtered by the BY parts and then picked by BYSETPOS, as RFC 5545 describes."""
    for period in _periods(recurrence, first.date(), last.date()):
        days = [day for day in period if _matches(recurrence, day, first=first.date())]
        if recurrence.setpos:
            days = sorted(
                {
                    days[position - 1 if position > 0 else position]
                    for position in recurrence.setpos
                    if -len(days) <= position <= len(days)
                }
            )
        for day in days:
            moment = dt.datetime.combine(day, first.time())
            if moment > last:
                return
            if moment >= first:
                yield moment


def _periods(recurrence: Recurrence, first: dt.date, last: dt.date) -> Iterator[list[dt.date]]:
    """The days of each period from the one holding `first` to the one holding `last`."""
    step = recurrence.interval
    if recurrence.frequency == DAILY:
        for ordinal in range(first.toordinal(), last.toordinal() + 1, step):
            yield [dt.date.fromordinal(ordinal)]
    elif recurrence.frequency == WEEKLY:
        week = first.toordinal() - (first.weekday() - recurrence.week_start) % 7
        for start in range(week, last.toordinal() + 1, 7 * step):
            yield [dt.date.fromordinal(day) for day in range(start, start + 7) if 1 <= day <= dt.date.max.toordinal()]
    else:
        for month in range(first.year * 12 + first.month - 1, last.year * 12 + last.month, step):
            year, month_index = divmod(month, 12)
            length = calendar.monthrange(year, month_index + 1)[1]
            yield [dt.date(year, month_index + 1, day) for day in range(1, length + 1)]


def _matches(recurrence: Recurrence, day: dt.date, *, first: dt.date) -> bool:
    """Whether `day` passes the rule's BY parts. Without BYDAY a weekly rule repeats the
    first date's weekday, and without BYDAY or BYMONTHDAY a monthly rule its day of the month."""
    weekdays, monthdays = recurrence.weekdays, recurrence.monthdays
    if recurrence.frequency == WEEKLY and not weekdays:
        weekdays = frozenset({first.weekday()})
    if recurrence.frequency == MONTHLY and not (weekdays or recurrence.nth_weekdays or monthdays):
        monthdays = frozenset({first.day})
    length = calendar.monthrange(day.year, day.month)[1]
    return (
        (not recurrence.months or day.month in recurrence.months)
        and (not weekdays or day.weekday() in weekdays)
        and (not recurrence.nth_weekdays or bool(_nth_weekday(day, length) & recurrence.nth_weekdays))
        and (not monthdays or bool({day.day, day.day - length - 1} & monthdays))
    )


def _nth_weekday(day: dt.date, length: int) -> set[tuple[int, int]]:
    """How `day` is named by weekday within its month: the 2nd and the -4th Tuesday, say."""
    return {(day.weekday(), (day.day - 1) // 7 + 1), (day.weekday(), -((length - day.day) // 7 + 1))}


def _years_after(day: dt.date, years: int) -> dt.date:
    if day.year + years > dt.MAXYEAR:
        return dt.date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
