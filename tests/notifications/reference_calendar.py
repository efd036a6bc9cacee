"""The icalendar-based calendar builder Brobyg used first, kept as an independent reference:
tests check that notifications.calendar.build_calendar writes what icalendar would."""

from __future__ import annotations

import datetime as dt

import icalendar

from notifications.calendar import COPENHAGEN, PRODUCT_ID, TIME_ZONE, CalendarEvent, Person


def _copenhagen_timezone() -> icalendar.Timezone:
    timezone = icalendar.Timezone()
    timezone.add("tzid", TIME_ZONE)
    for kind, name, start, offset_from, offset_to, month in (
        (icalendar.TimezoneDaylight, "CEST", dt.datetime(1970, 3, 29, 2), 1, 2, 3),
        (icalendar.TimezoneStandard, "CET", dt.datetime(1970, 10, 25, 3), 2, 1, 10),
    ):
        part = kind()
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", dt.timedelta(hours=offset_from))
        part.add("tzoffsetto", dt.timedelta(hours=offset_to))
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        timezone.add_component(part)
    return timezone


def _address(person: Person, **params: str) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    if person.name:
        address.params["CN"] = person.name
    for key, value in params.items():
        address.params[key] = value
    return address


def _event(event: CalendarEvent, *, method: str | None, stamp: dt.datetime) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", event.uid)
    component.add("sequence", event.sequence)
    component.add("dtstamp", stamp)
    component.add("dtstart", event.start.astimezone(COPENHAGEN))
    component.add("dtend", event.end.astimezone(COPENHAGEN))
    component.add("summary", event.summary)
    if event.location:
        component.add("location", event.location)
    if event.description:
        component.add("description", event.description)
    if event.url:
        component.add("url", event.url)
    if event.created:
        component.add("created", event.created.astimezone(dt.UTC))
    if event.last_modified:
        component.add("last-modified", event.last_modified.astimezone(dt.UTC))
    component.add("status", "CANCELLED" if event.cancelled else "TENTATIVE" if event.tentative else "CONFIRMED")
    component.add("transp", "TRANSPARENT" if event.cancelled else "OPAQUE")
    if method or event.attendees:
        component.add("organizer", _address(event.organizer))
        for attendee in event.attendees:
            params = {"ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL"}
            if method == "REQUEST":
                params |= {"PARTSTAT": "NEEDS-ACTION", "RSVP": "TRUE"}
            component.add("attendee", _address(attendee, **params))
    return component


def reference_calendar(
    events: list[CalendarEvent],
    *,
    method: str | None = None,
    name: str = "",
    now: dt.datetime | None = None,
) -> bytes:
    """An RFC 5545 calendar of `events`. `method` is REQUEST or CANCEL for an invite
    (RFC 5546); None for a subscribable feed, which must carry no METHOD."""
    if method not in (None, "REQUEST", "CANCEL"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    calendar.add("x-wr-timezone", TIME_ZONE)
    calendar.add_component(_copenhagen_timezone())
    for event in events:
        calendar.add_component(_event(event, method=method, stamp=stamp))
    return calendar.to_ical()
