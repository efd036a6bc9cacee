"""A booking's status changes. Decisions are taken on a freshly locked row, and the status is
changed with a conditional UPDATE, so a change made meanwhile by someone else is refused
rather than overwritten."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bookings import booking_sql
from bookings.models import Booking, Offer, Slot
from bookings.services.announce import announce_creation
from bookings.services.errors import WRONG_STATUS
from core.errors import DomainError

# What a change needs to write its messages, loaded with the locked booking.
_MESSAGE_ROWS = ("slot__offer__company", "slot__offer__contact__user", "booked_by")


def locked(booking: Booking) -> Booking:
    """The booking as it is now, locked for this transaction. Decisions are made on this row,
    never on an instance loaded before the transaction began, which may be stale."""
    rows = Booking.objects.select_for_update(of=("self",)).select_related(
        *_MESSAGE_ROWS, "school_class__school", "teacher__user", "teacher__school"
    )
    try:
        row = rows.get(pk=booking.pk)
    except Booking.DoesNotExist:
        # On PostgreSQL a row that another transaction changed while this one waited for its
        # lock is checked again against the joined rows as first read: a move changed its slot,
        # so the old slot no longer joins and the row drops out. Lock the row alone (which
        # waits out such a change), then read it with its joins as it is now. Costs nothing
        # unless the race happened; a booking really gone is still "does not exist".
        if not Booking.objects.select_for_update().filter(pk=booking.pk).exists():
            raise
        row = rows.get(pk=booking.pk)
    announce_creation([row])
    return row


def bookings_on(slot: Slot, statuses: tuple[str, ...], **filters: Any) -> list[Booking]:
    """The slot's bookings in `statuses`, locked for this transaction."""
    return list(
        Booking.objects.select_for_update(of=("self",))
        .filter(slot=slot, status__in=statuses, **filters)
        .select_related(*_MESSAGE_ROWS)
    )


def status_after_claim(offer: Offer | booking_sql.SlotRow) -> str:
    """A class that got a place is confirmed at once if the offer confirms automatically,
    otherwise it waits for the host."""
    return Booking.Status.CONFIRMED if offer.auto_confirm else Booking.Status.REQUESTED


def _next_sequence(booking: Booking, to_status: str) -> int | None:
    """The calendar SEQUENCE after a change: the first confirmation invites with 0; once a
    booking is in people's calendars every change (move, cancel, …) is one higher."""
    if booking.invite_sequence is not None:
        return booking.invite_sequence + 1
    return 0 if to_status == Booking.Status.CONFIRMED else None


def transition(booking: Booking, *, from_statuses: tuple[str, ...], to_status: str, **also: Any) -> str:
    """Change the status (and the calendar sequence) only if nobody changed the status first.
    Returns the old status."""
    sequence = _next_sequence(booking, to_status)
    changed = Booking.objects.filter(pk=booking.pk, status__in=from_statuses).update(
        status=to_status, invite_sequence=sequence, updated_at=timezone.now(), **also
    )
    if changed != 1:
        raise DomainError(WRONG_STATUS, code="wrong_status")
    old_status, booking.status, booking.invite_sequence = booking.status, to_status, sequence
    return old_status
