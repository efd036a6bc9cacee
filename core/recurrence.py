"""RFC 5545 recurrence rules expanded in the project's wall-clock time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Set
from zoneinfo import ZoneInfo

from dateutil import rrule as rfc5545
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

BAD_RRULE = _("This is not a valid recurrence rule: %(error)s")
RRULE_UNBOUNDED = _("The recurrence rule needs an end: UNTIL or COUNT.")
RRULE_TOO_MANY = _("A series can hold at most %(limit)s slots.")
MAX_SERIES_SLOTS = 200


def expand_rrule(
    *, rule: str, first_start: dt.datetime, exdates: Set[dt.date] = frozenset(), zone: ZoneInfo | None = None
) -> list[dt.datetime]:
    """Occurrences of an RFC 5545 rule in wall-clock time (Copenhagen unless `zone` says
    otherwise), so that a visit at 10:00 stays at 10:00 across a daylight-saving switch.
    Dates in `exdates` are left out. An unbounded, invalid or too long rule is a DomainError."""
    zone = zone or ZoneInfo(timezone.get_default_timezone_name())
    local_first = first_start.astimezone(zone).replace(tzinfo=None)
    rule = rule.strip().removeprefix("RRULE:")
    if "UNTIL=" not in rule.upper() and "COUNT=" not in rule.upper():
        raise DomainError(RRULE_UNBOUNDED, code="rrule_unbounded", field="rrule")
    try:
        parsed = rfc5545.rrulestr(_until_in_local_time(rule, zone), dtstart=local_first)
    except (ValueError, TypeError) as error:
        raise DomainError(BAD_RRULE % {"error": error}, code="bad_rrule", field="rrule") from error
    occurrences = []
    for naive in parsed.xafter(local_first, count=MAX_SERIES_SLOTS + 1, inc=True):
        if naive.date() not in exdates:
            occurrences.append(naive.replace(tzinfo=zone))
    if len(occurrences) > MAX_SERIES_SLOTS:
        raise DomainError(RRULE_TOO_MANY % {"limit": MAX_SERIES_SLOTS}, code="rrule_too_many", field="rrule")
    return occurrences


def _until_in_local_time(rule: str, zone: ZoneInfo) -> str:
    """RFC 5545 writes UNTIL in UTC ("…Z"); expansion runs in local wall-clock time."""

    def to_local(match: re.Match[str]) -> str:
        until = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
        return f"UNTIL={until.astimezone(zone):%Y%m%dT%H%M%S}"

    return re.sub(r"UNTIL=(\d{8}T\d{6})Z", to_local, rule, flags=re.IGNORECASE)
