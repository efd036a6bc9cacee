"""Nobody is told a booking moved before they were told of the booking. A booking changed
before its creation e-mails went out (a move within a second of booking, say) reaches each
person as first news: a confirmation (or a request) at the time it has now. Once the
creation e-mails are out, a move says where from and where to, the time people were told."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from bookings import services
from bookings.models import Booking
from notifications.rendering import long_datetime
from tests import factories
from tests.notifications.conftest import Visit, body_text, deliver, invite_calendar, only_message, school_day


def _when(moment) -> str:
    with translation.override("da"):
        return long_datetime(moment)


def _create(visit: Visit) -> Booking:
    """Book as the API does: the creation's messages are written by the next delivery pass."""
    return services.booking_create(
        actor=visit.teacher.user, slot_id=visit.slot.pk, school_class_id=visit.school_class.pk, pupils=20
    )


def _move(visit: Visit, booking: Booking, slot) -> None:
    services.booking_move(booking=booking, actor=visit.teacher.user, slot_id=slot.pk)


def _subject(message) -> str:
    return str(message["Subject"]).strip()


def _bodies(message) -> str:
    return body_text(message) + body_text(message, "html")


def test_booking_moved_before_any_delivery_is_confirmed_at_the_new_time(visit, mailbox):
    """Booked and moved at once, before any delivery pass: the teacher, the host and the role
    model each get one invite, a confirmation of the new time that says nothing of a move."""
    booking = _create(visit)
    _move(visit, booking, visit.other_slot)
    received = deliver(mailbox)

    for address in visit.everyone:
        message = only_message(received, address)
        assert _subject(message).startswith("Bekræftet: "), _subject(message)
        assert _when(visit.other_slot.start) in _subject(message)
        assert "flyttet" not in _bodies(message).lower()
        assert invite_calendar(message).event.start == visit.other_slot.start


def test_request_moved_before_any_delivery_reads_as_the_request(manual_visit, mailbox):
    """A request moved before any delivery pass: the teacher hears the request was sent, the
    host that it came, both at the new time, and neither that it moved."""
    visit = manual_visit
    booking = _create(visit)
    _move(visit, booking, visit.other_slot)
    received = deliver(mailbox)

    teacher, host = only_message(received, visit.teacher_email), only_message(received, visit.host_email)
    assert _subject(teacher).startswith("Forespørgsel sendt: ")
    assert _subject(host).startswith("Ny forespørgsel: ")
    for message in (teacher, host):
        assert _when(visit.other_slot.start) in _subject(message)
        assert "flyttet" not in _bodies(message).lower()


def test_booking_delivered_then_moved_is_confirmed_then_moved_from_old_to_new(visit, mailbox):
    """Booked, delivered, moved, delivered: first "Bekræftet", then "Flyttet" from the old
    time to the new, to the teacher and the host alike."""
    booking = _create(visit)
    first = deliver(mailbox)
    _move(visit, booking, visit.other_slot)
    second = deliver(mailbox)

    for address in (visit.teacher_email, visit.host_email):
        assert _subject(only_message(first, address)).startswith("Bekræftet: ")
        moved = only_message(second, address)
        assert _subject(moved).startswith("Flyttet: ")
        assert f"fra {_when(visit.slot.start)} til {_when(visit.other_slot.start)}" in body_text(moved)


def test_booking_moved_twice_between_deliveries_moved_from_the_time_people_were_told(visit, mailbox):
    """Booked and delivered, then moved twice before the next pass: the one e-mail says the
    visit moved from the time people were told of, not from the time in between."""
    start = school_day(7, after=visit.other_slot.start.date())
    third_slot = factories.SlotFactory(
        offer=visit.offer, start=start, end=start + dt.timedelta(hours=2), booking_deadline=start - dt.timedelta(days=1)
    )
    booking = _create(visit)
    deliver(mailbox)

    _move(visit, booking, visit.other_slot)
    _move(visit, booking, third_slot)
    received = deliver(mailbox)

    moved = only_message(received, visit.teacher_email)
    assert f"fra {_when(visit.slot.start)} til {_when(third_slot.start)}" in body_text(moved)
