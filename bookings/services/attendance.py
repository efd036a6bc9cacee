"""Attendance: after a slot has started, the host says whether each confirmed class (or teacher)
came. What came of a booking is what reach and effect are counted from, and a class that did
not come is not asked how it went."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.audit import audited
from accounts.models import User
from bookings.models import Booking, BookingEvent
from bookings.permissions import is_company_side
from bookings.services.announce import record
from bookings.services.errors import ATTENDANCE_BEFORE_START, NOT_ALLOWED, WRONG_STATUS
from bookings.services.states import locked
from bookings.signals import attendance_marked
from core.errors import DomainError

# A confirmed booking is marked; a marked one may be corrected (the host pressed the wrong button).
MARKABLE = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)


@transaction.atomic
@audited("bookings.booking.attendance_mark", target="booking")
def booking_attendance_mark(*, booking: Booking, actor: User, attended: bool) -> Booking:
    """Mark a booking as completed (the class came) or a no-show, by a member of the host
    company or someone who sees everything, once the slot has started. Marking it as it is
    already changes nothing and records nothing. The status changes with a conditional UPDATE
    that leaves the calendar sequence alone: whether a class came changes no one's calendar."""
    booking = locked(booking)
    if not is_company_side(actor, booking):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    if booking.status not in MARKABLE:
        raise DomainError(WRONG_STATUS, code="wrong_status")
    if booking.slot.start > timezone.now():
        raise DomainError(ATTENDANCE_BEFORE_START, code="attendance_before_start")
    to_status = Booking.Status.COMPLETED if attended else Booking.Status.NO_SHOW
    if booking.status == to_status:
        return booking
    old_status = booking.status
    changed = Booking.objects.filter(pk=booking.pk, status=old_status).update(
        status=to_status, updated_at=timezone.now()
    )
    if changed != 1:
        raise DomainError(WRONG_STATUS, code="wrong_status")
    booking.status = to_status
    action = BookingEvent.Action.ATTENDED if attended else BookingEvent.Action.NO_SHOW
    record(booking, action=action, actor=actor, from_status=old_status)
    attendance_marked.send(sender=Booking, booking=booking, attended=attended, actor=actor)
    return booking
