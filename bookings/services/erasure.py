"""What bookings hold about a person when they are erased (accounts.services.person_erase)."""

from __future__ import annotations

from accounts.models import User
from bookings.models import Booking, BookingEvent


def person_booking_texts_erase(sender: object, *, users: list[User], email: str, **kwargs: object) -> dict[str, int]:
    """Their messages to hosts and their notes on booking changes are free text that may name
    them; the bookings themselves stay, with their classes, pupils and status, for the counts
    (a booking keeps pointing at the blanked account: it must say who booked)."""
    if not users:
        return {}
    messages = Booking.objects.filter(booked_by__in=users).exclude(message="").update(message="")
    notes = BookingEvent.objects.filter(actor__in=users).exclude(note="").update(note="")
    return {"booking messages blanked": messages, "booking notes blanked": notes}
