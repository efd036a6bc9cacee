"""A visit at 10:00 in Copenhagen is at 10:00 in everybody's calendar on both sides of the
daylight-saving switches, even when the invite was written months before the switch.

2027: summer time begins Sunday 28 March at 02:00 CET (→ 03:00 CEST) and ends Sunday
31 October at 03:00 CEST (→ 02:00 CET). 10:00 CET is 09:00 UTC, 10:00 CEST is 08:00 UTC.
The expected instants below are written out by hand, not computed with the same zoneinfo
data the code uses."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import icalendar
import pytest
import time_machine

from notifications.calendar import COPENHAGEN, CalendarEvent, Person, build_calendar
from tests.notifications.conftest import assert_valid_calendar, put_calendar

UTC = dt.UTC
WRITTEN_ON = dt.datetime(2027, 1, 15, 12, 0, tzinfo=UTC)  # well before both switches

VISITS = [
    # (local date of a 10:00 visit, the UTC instant it is)
    pytest.param(dt.date(2027, 3, 26), dt.datetime(2027, 3, 26, 9, 0, tzinfo=UTC), id="friday-before-spring"),
    pytest.param(dt.date(2027, 3, 28), dt.datetime(2027, 3, 28, 8, 0, tzinfo=UTC), id="spring-switch-day"),
    pytest.param(dt.date(2027, 3, 29), dt.datetime(2027, 3, 29, 8, 0, tzinfo=UTC), id="monday-after-spring"),
    pytest.param(dt.date(2027, 3, 30), dt.datetime(2027, 3, 30, 8, 0, tzinfo=UTC), id="tuesday-after-spring"),
    pytest.param(dt.date(2027, 10, 29), dt.datetime(2027, 10, 29, 8, 0, tzinfo=UTC), id="friday-before-autumn"),
    pytest.param(dt.date(2027, 10, 31), dt.datetime(2027, 10, 31, 9, 0, tzinfo=UTC), id="autumn-switch-day"),
    pytest.param(dt.date(2027, 11, 1), dt.datetime(2027, 11, 1, 9, 0, tzinfo=UTC), id="monday-after-autumn"),
    pytest.param(dt.date(2027, 11, 2), dt.datetime(2027, 11, 2, 9, 0, tzinfo=UTC), id="tuesday-after-autumn"),
]


def visit_at_ten(day: dt.date) -> CalendarEvent:
    start = dt.datetime.combine(day, dt.time(10), tzinfo=COPENHAGEN)
    return CalendarEvent(
        uid=f"brobyg-tz-{day:%Y%m%d}@brobyg.test",
        sequence=0,
        start=start,
        end=start + dt.timedelta(hours=2),
        summary="Besøg på Ålborg Værft – 8.Ø",
        organizer=Person("brobyg@brobyg.test", "Bølge & Strøm A/S"),
        location="Skibsbyggervej 7, 9400 Nørresundby",
        attendees=(Person("soeren.aeroe@example.dk", "Søren Ærø"),),
    )


def written_before_the_switch(day: dt.date, *, method: str | None = "REQUEST") -> bytes:
    with time_machine.travel(WRITTEN_ON, tick=False):
        return build_calendar([visit_at_ten(day)], method=method)


def caldav_finds(caldav, collection: str, start: dt.datetime, end: dt.datetime) -> set[str]:
    """Hrefs of the events Radicale finds overlapping [start, end) (a CalDAV time-range query,
    which the server answers with its own reading of DTSTART and the VTIMEZONE)."""
    body = f"""<?xml version="1.0" encoding="utf-8" ?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{end:%Y%m%dT%H%M%SZ}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>""".encode()
    status, reply = caldav.request(
        "REPORT", collection, body, {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
    )
    assert status == 207, reply[:500]
    text = reply.decode()
    return {part.split("</", 1)[0] for part in text.split("href>")[1::2]}


@pytest.mark.parametrize(("day", "instant"), VISITS)
def test_ten_oclock_is_the_right_instant_for_every_parser(day, instant):
    """Each parser reads DTSTART as 10:00 local and as the right UTC instant (09:00Z in
    winter time, 08:00Z in summer time), and DTEND two hours later."""
    data = written_before_the_switch(day)
    assert f"DTSTART;TZID=Europe/Copenhagen:{day:%Y%m%d}T100000".encode() in data

    parsed = assert_valid_calendar(data)

    for parser, (event,) in parsed.by_parser.items():
        assert event.start.astimezone(UTC) == instant, parser
        assert event.end.astimezone(UTC) == instant + dt.timedelta(hours=2), parser
        assert (event.start.hour, event.start.minute) == (10, 0), parser


@pytest.mark.parametrize(("day", "instant"), VISITS)
def test_ten_oclock_is_right_from_the_vtimezone_alone(day, instant):
    """A client that does not know the IANA name (Outlook maps its own zones) must get the
    instant from the VTIMEZONE's rules alone: with the TZID renamed to one no time-zone
    database knows, every parser still reads the right UTC instant."""
    data = written_before_the_switch(day).replace(b"Europe/Copenhagen", b"Brobyg-Lokaltid")

    parsed = assert_valid_calendar(data)

    for parser, (event,) in parsed.by_parser.items():
        assert event.start.astimezone(UTC) == instant, parser
    # icalendar can also build a time zone from the component itself
    zone = parsed.icalendar.walk("VTIMEZONE")[0].to_tz()
    local = dt.datetime.combine(day, dt.time(10))
    assert local.replace(tzinfo=zone).astimezone(UTC) == instant


@pytest.mark.parametrize(("day", "instant"), VISITS)
def test_caldav_server_stores_and_finds_the_visit_at_the_right_instant(day, instant, caldav):
    """Radicale accepts the invite and the feed form of the event, serves back the same start,
    and its time-range search finds the event at the right UTC instant and not an hour off."""
    collection = caldav.new_calendar()
    for method in ("REQUEST", None):
        data = written_before_the_switch(day, method=method)
        sent = assert_valid_calendar(data)
        (path,) = put_calendar(caldav, data, collection=collection).values()
        served = assert_valid_calendar(caldav.get(path), ours=False)
        assert (served.event.uid, served.event.start) == (sent.event.uid, sent.event.start)
        assert served.event.start.astimezone(UTC) == instant

    href = f"{collection}{quote(sent.event.uid, safe='')}.ics"
    minute = dt.timedelta(minutes=1)
    assert href in caldav_finds(caldav, collection, instant, instant + minute)
    assert href not in caldav_finds(caldav, collection, instant - dt.timedelta(hours=1), instant)
    last_minute = instant + dt.timedelta(hours=2)
    assert href in caldav_finds(caldav, collection, last_minute - minute, last_minute)
    assert href not in caldav_finds(caldav, collection, last_minute, last_minute + dt.timedelta(hours=1))


def test_vtimezone_carries_both_eu_rules():
    """The VTIMEZONE has a STANDARD part (CEST → CET on the last Sunday of October at 03:00)
    and a DAYLIGHT part (CET → CEST on the last Sunday of March at 02:00), each as a yearly
    RRULE, so it is right for any year and not just the year it was written."""
    calendar = icalendar.Calendar.from_ical(written_before_the_switch(dt.date(2027, 3, 28)))
    (timezone,) = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Copenhagen"
    parts = {component.name: component for component in timezone.subcomponents}
    assert set(parts) == {"STANDARD", "DAYLIGHT"}

    standard, daylight = parts["STANDARD"], parts["DAYLIGHT"]
    assert standard["RRULE"]["FREQ"] == ["YEARLY"]
    assert standard["RRULE"]["BYMONTH"] == [10]
    assert [str(day) for day in standard["RRULE"]["BYDAY"]] == ["-1SU"]
    assert daylight["RRULE"]["FREQ"] == ["YEARLY"]
    assert daylight["RRULE"]["BYMONTH"] == [3]
    assert [str(day) for day in daylight["RRULE"]["BYDAY"]] == ["-1SU"]
    assert "UNTIL" not in standard["RRULE"] and "COUNT" not in standard["RRULE"]
    assert "UNTIL" not in daylight["RRULE"] and "COUNT" not in daylight["RRULE"]

    assert standard.decoded("TZOFFSETFROM") == dt.timedelta(hours=2)
    assert standard.decoded("TZOFFSETTO") == dt.timedelta(hours=1)
    assert daylight.decoded("TZOFFSETFROM") == dt.timedelta(hours=1)
    assert daylight.decoded("TZOFFSETTO") == dt.timedelta(hours=2)
    assert str(standard["TZNAME"]) == "CET" and str(daylight["TZNAME"]) == "CEST"
    # DTSTART is local time, on a last Sunday, at the hour of the switch
    for part, month, hour in ((standard, 10, 3), (daylight, 3, 2)):
        first = part.decoded("DTSTART")
        assert first.tzinfo is None
        assert (first.month, first.weekday(), first.hour) == (month, 6, hour)
        assert (first + dt.timedelta(days=7)).month != month


def test_invite_written_in_winter_for_a_summer_visit_shows_summer_time():
    """The DTSTAMP is when the invite was written (frozen in January); the visit itself is in
    summer time: the file's own VTIMEZONE, not the offset on the day it was written, decides."""
    data = written_before_the_switch(dt.date(2027, 3, 29))
    parsed = assert_valid_calendar(data)
    component = parsed.component()
    assert component.decoded("DTSTAMP") == WRITTEN_ON
    assert component["DTSTAMP"].to_ical() == b"20270115T120000Z"
    assert parsed.event.start.utcoffset() == dt.timedelta(hours=2)
