"""Every change a person should hear about produces its e-mail, also when an earlier change
produced the same kind; the same change saved twice still produces one."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from bookings import services
from bookings.messages import Kind, booking_subject_key
from bookings.models import Booking
from notifications.models import OutgoingMessage
from notifications.rendering import long_datetime
from tests.notifications.conftest import Visit, body_text, deliver, only_message

Status = OutgoingMessage.Status


def _move(visit: Visit, booking: Booking, slot) -> None:
    services.booking_move(booking=booking, actor=visit.teacher.user, slot_id=slot.pk)


def _pending_nudges(booking: Booking) -> int:
    return OutgoingMessage.objects.filter(
        subject_key=booking_subject_key(booking.pk), kind=Kind.PENDING_NUDGE, status=Status.PENDING
    ).count()


def test_request_moved_and_moved_back_tells_teacher_and_host_each_time(manual_visit, mailbox):
    """A request moved to another slot and back again: both moves reach the teacher and the
    host, the second as much as the first."""
    visit = manual_visit
    booking = visit.book()
    deliver(mailbox)

    for slot in (visit.other_slot, visit.slot):
        _move(visit, booking, slot)
        received = deliver(mailbox)

        only_message(received, visit.teacher_email)
        only_message(received, visit.host_email)


def test_nudge_withdrawn_by_a_move_does_not_suppress_the_next_one(manual_visit):
    """Each move of a request replaces the host's pending nudge with one of its own, also
    when the request comes back to a slot it had a nudge for before."""
    visit = manual_visit
    booking = visit.book()
    assert _pending_nudges(booking) == 1

    _move(visit, booking, visit.other_slot)
    assert _pending_nudges(booking) == 1
    _move(visit, booking, visit.slot)

    assert _pending_nudges(booking) == 1


def test_confirmed_booking_moved_back_gets_reminders_again(visit):
    """Reminders withdrawn by a move are written anew when the booking moves back."""
    booking = visit.book()
    _move(visit, booking, visit.other_slot)
    _move(visit, booking, visit.slot)

    pending = OutgoingMessage.objects.filter(
        subject_key=booking_subject_key(booking.pk), kind=Kind.REMINDER, status=Status.PENDING
    )
    assert pending.count() == 4  # 7 and 1 days before, to teacher and host


# A move says it moved --------------------------------------------------------------------------


def _when(moment) -> str:
    with translation.override("da"):
        return long_datetime(moment)


def test_moved_visit_email_says_it_moved_and_gives_the_old_and_new_time(visit, mailbox):
    """The invite for a moved visit is not a plain "Changed:" invite: its subject says the
    visit moved, and its text and HTML bodies give the time it moved from and to."""
    booking = visit.book()
    deliver(mailbox)
    old_start, new_start = visit.slot.start, visit.other_slot.start

    _move(visit, booking, visit.other_slot)
    received = deliver(mailbox)

    for address in (visit.teacher_email, visit.host_email):
        message = only_message(received, address)
        assert str(message["Subject"]).strip().startswith("Flyttet: ")
        for body in (body_text(message), body_text(message, "html")):
            assert f"fra {_when(old_start)} til {_when(new_start)}" in body, body


def test_moved_request_email_delivered_after_later_changes_gives_the_time_it_moved_from(manual_visit, mailbox):
    """A request moved from one slot to another, after which both slots get new times, all
    before the delivery pass: the host's e-mail gives the time the request moved from as it
    was at the move, and the time it is at now."""
    visit = manual_visit
    booking = visit.book()
    deliver(mailbox)
    moved_from = visit.slot.start

    _move(visit, booking, visit.other_slot)
    for slot in (visit.slot, visit.other_slot):
        start = slot.start + dt.timedelta(hours=1)
        services.slot_update(slot=slot, actor=visit.host.user, start=start, end=start + dt.timedelta(hours=2))
    received = deliver(mailbox)

    visit.other_slot.refresh_from_db()
    message = only_message(received, visit.host_email)
    assert f"fra {_when(moved_from)} til {_when(visit.other_slot.start)}" in body_text(message)


def test_confirmed_booking_the_teacher_moves_on_a_manual_offer_tells_each_person_once(manual_visit, mailbox):
    """The move makes it a request again at the new time: one e-mail each (found by the booking
    state machine, which saw an invite and a request notice for the same change). The tentative
    invite moves the calendar entry and says the visit awaits the host; the host's also asks
    for an answer."""
    visit = manual_visit
    booking = services.booking_confirm(booking=visit.book(), actor=visit.host.user)
    deliver(mailbox)

    _move(visit, booking, visit.other_slot)
    received = deliver(mailbox)

    to_teacher = only_message(received, visit.teacher_email)
    to_host = only_message(received, visit.host_email)
    only_message(received, visit.role_model_email)
    with translation.override("da"):
        question = translation.gettext("Please confirm or decline it in Brobyg.")
    assert to_teacher["Subject"].strip().startswith("Flyttet:")
    assert question in body_text(to_host)
    assert question not in body_text(to_teacher)
