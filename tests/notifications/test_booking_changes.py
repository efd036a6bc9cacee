"""Every change a person should hear about produces its e-mail, also when an earlier change
produced the same kind; the same change saved twice still produces one."""

from __future__ import annotations

from bookings import services
from bookings.messages import Kind, booking_subject_key
from bookings.models import Booking
from notifications.models import OutgoingMessage
from tests.notifications.conftest import Visit, deliver, only_message

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
