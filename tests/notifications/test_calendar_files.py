"""Every calendar file Brobyg writes is read the same way by three parsers and is stored and
served back unchanged by a real CalDAV server (Radicale)."""

from __future__ import annotations

import datetime as dt
import email
from email.policy import default as default_policy
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse

from bookings import services
from bookings.calendar_events import booking_event, slot_event
from notifications.calendar import build_calendar, event_uid
from notifications.delivery import deliver_due
from notifications.models import CalendarFeed
from notifications.services import calendar_subscription_issue
from tests.notifications.conftest import (
    ParsedCalendar,
    assert_valid_calendar,
    calendar_bytes,
    make_visit,
    put_calendar,
)


def sent_calendars(to: str) -> list[bytes]:
    """The calendar parts of the e-mails to `to` in Django's test outbox, as sent on the wire."""
    calendars = []
    for sent in mail.outbox:
        if to in sent.to[0]:
            message = email.message_from_bytes(sent.message().as_bytes(), policy=default_policy)
            calendars.append(calendar_bytes(message))
    return calendars


def delivered_calendar(to: str) -> bytes:
    mail.outbox.clear()
    deliver_due()
    (calendar,) = sent_calendars(to)
    return calendar


def assert_served_back(caldav, path: str, sent: ParsedCalendar) -> ParsedCalendar:
    """What Radicale serves at `path` parses everywhere and is the event that was stored."""
    served = assert_valid_calendar(caldav.get(path), ours=False)
    assert [(e.uid, e.sequence, e.start, e.end, e.summary, e.status) for e in served.events] == [
        (e.uid, e.sequence, e.start, e.end, e.summary, e.status) for e in sent.events
    ]
    return served


def test_invite_update_and_cancellation_are_valid_and_stored_by_caldav(visit, caldav):
    """The REQUEST of a new booking, the REQUEST after a move and the CANCEL parse with
    icalendar, vobject and ical; Radicale stores the first (201) and takes the update and the
    cancellation as changes of the same event (204); what it serves back has the same UID,
    start and SEQUENCE, and finally STATUS:CANCELLED."""
    booking = visit.book()
    invite = delivered_calendar(visit.teacher_email)
    services.booking_move(booking=booking, actor=visit.teacher.user, slot_id=visit.other_slot.pk)
    update = delivered_calendar(visit.teacher_email)
    services.booking_cancel(booking=booking, actor=visit.teacher.user)
    cancellation = delivered_calendar(visit.teacher_email)

    collection = caldav.new_calendar()
    statuses = []
    for data, method in ((invite, "REQUEST"), (update, "REQUEST"), (cancellation, "CANCEL")):
        parsed = assert_valid_calendar(data)
        assert parsed.method == method
        status_before = caldav.request("HEAD", f"{collection}{quote(parsed.event.uid, safe='')}.ics")[0]
        statuses.append(status_before)
        (path,) = put_calendar(caldav, data, collection=collection).values()
        served = assert_served_back(caldav, path, parsed)
        assert served.event.summary == "Besøg på værftet: sådan bygges en færge – 8.Ø, Sønderbro Skole"

    assert statuses == [404, 200, 200]  # one resource, created once and then changed
    assert served.event.status == "CANCELLED"
    assert served.event.start == visit.other_slot.start
    assert served.event.sequence == 2


@pytest.mark.parametrize("teacher_language", ["da", "en"])
def test_invites_to_every_recipient_are_valid_and_stored_by_caldav(db, caldav, teacher_language):
    """The invite each recipient gets (whatever their language) parses everywhere and is
    accepted by Radicale."""
    visit = make_visit(teacher_language=teacher_language)
    visit.book()
    mail.outbox.clear()
    deliver_due()

    for address in visit.everyone:
        (data,) = sent_calendars(address)
        parsed = assert_valid_calendar(data)
        (path,) = put_calendar(caldav, data).values()
        assert_served_back(caldav, path, parsed)


def test_feed_without_method_is_valid_and_stored_by_caldav(visit, caldav):
    """A subscribable feed (build_calendar without a method) of a confirmed booking, a
    cancelled one and free slots has no METHOD, parses everywhere, and Radicale stores each
    of its events, serving back the same UID and start."""
    kept = visit.book()
    other_class = type(visit.school_class).objects.create(
        school=visit.school_class.school, name="9.Å", grade=9, school_year=visit.school_class.school_year, pupils=19
    )
    dropped = services.booking_create(
        actor=visit.teacher.user, slot_id=visit.other_slot.pk, school_class_id=other_class.pk, pupils=19
    )
    dropped = services.booking_cancel(booking=dropped, actor=visit.teacher.user)
    kept.refresh_from_db()
    events = [
        booking_event(kept, sequence=kept.invite_sequence, cancelled=False),
        booking_event(dropped, sequence=dropped.invite_sequence, cancelled=True),
        slot_event(visit.slot),
        slot_event(visit.other_slot, language="en"),
    ]

    data = build_calendar(events, name="Brobyg – Søren Ærø")

    parsed = assert_valid_calendar(data)
    assert parsed.method is None
    assert b"METHOD" not in data
    assert str(parsed.icalendar["X-WR-CALNAME"]) == "Brobyg – Søren Ærø"
    assert len(parsed.events) == 4
    assert len({event.uid for event in parsed.events}) == 4
    paths = put_calendar(caldav, data)
    assert set(paths) == {event.uid for event in parsed.events}
    for event in parsed.events:
        served = assert_valid_calendar(caldav.get(paths[event.uid]), ours=False).event
        assert (served.uid, served.start, served.end, served.summary, served.status) == (
            event.uid,
            event.start,
            event.end,
            event.summary,
            event.status,
        )


def test_served_feeds_are_valid_and_stored_by_caldav(visit, caldav, client):
    """The feeds people subscribe to (a teacher's private feed and an offer's public feed)
    parse everywhere, carry no METHOD, and every event in them is accepted by Radicale."""
    booking = visit.book()
    feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.TEACHER, user=visit.teacher.user)
    private_url = reverse("calendar-feed", args=[calendar_subscription_issue(feed=feed, holder=visit.teacher.user)])

    for url in (private_url, reverse("offer-feed", args=[visit.offer.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        data = response.content
        parsed = assert_valid_calendar(data)
        assert parsed.method is None
        paths = put_calendar(caldav, data)
        for event in parsed.events:
            served = assert_valid_calendar(caldav.get(paths[event.uid]), ours=False).event
            assert (served.uid, served.start) == (event.uid, event.start)

    private = assert_valid_calendar(client.get(private_url).content)
    assert [event.start for event in private.events] == [visit.slot.start]
    assert private.event.uid.startswith(f"brobyg-booking-{booking.pk}@")
    assert private.event.start.utcoffset() in (dt.timedelta(hours=1), dt.timedelta(hours=2))


def test_event_uids_keep_their_exact_form_for_bookings_and_free_slots(visit, settings):
    """Subscribers' calendars match events on the UID, so its form never changes: one
    function makes every UID, and a booking's and a free slot's are exactly these."""
    settings.SITE_URL = "https://brobyg.example.dk"
    booking = visit.book()

    assert event_uid("booking", 42, "brobyg.example.dk") == "brobyg-booking-42@brobyg.example.dk"
    assert event_uid("slot", 7, "brobyg.example.dk") == "brobyg-slot-7@brobyg.example.dk"
    assert booking_event(booking, sequence=0, cancelled=False).uid == f"brobyg-booking-{booking.pk}@brobyg.example.dk"
    assert slot_event(visit.other_slot).uid == f"brobyg-slot-{visit.other_slot.pk}@brobyg.example.dk"
    deliver_due()
    assert f"UID:brobyg-booking-{booking.pk}@brobyg.example.dk".encode() in sent_calendars(visit.teacher_email)[0]
