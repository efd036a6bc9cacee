"""Places on a slot. A place is claimed with one conditional UPDATE (`booking_sql.claim_place`):
the database evaluates the free-place condition and the increment in the same statement, so
two requests can never both take the last place, on SQLite (whose IMMEDIATE transactions
queue writers) and on PostgreSQL (which re-checks the WHERE clause on the newest row version
after a concurrent update). Check constraints on Slot make an overbooking fail even if code
forgets this.

On PostgreSQL a new booking's place is claimed by the same conditional UPDATE, written inside
the one statement that also inserts the booking (`booking_sql.place_booking`), to save round
trips; `claims_in_one_statement` says whether that statement is used.

Callers reach these functions through the module (`capacity.slot_claim(...)`), so that the
live concurrency test can replace the claim with an unguarded one in one place (and turn
`claims_in_one_statement` off, so that every booking goes through that claim)."""

from __future__ import annotations

from django.db import connection
from django.db.models import F

from bookings import booking_sql
from bookings.models import Slot


def slot_claim(*, slot_id: int, pupils: int) -> bool:
    """Take one class place and `pupils` pupil places if they are free. True if taken."""
    return booking_sql.claim_place(slot_id=slot_id, pupils=pupils, open_status=Slot.Status.OPEN)


def claims_in_one_statement() -> bool:
    """Whether a new booking claims its place in the statement that inserts it: on
    PostgreSQL, where every statement is a round trip to another process. SQLite has no
    data-modifying WITH, and its statements cost no round trip."""
    return connection.vendor == "postgresql"


def slot_release(*, slot_id: int, pupils: int) -> None:
    """Give back the class place and the pupil places a booking held."""
    Slot.objects.filter(pk=slot_id).update(
        booked_classes=F("booked_classes") - 1, booked_pupils=F("booked_pupils") - pupils
    )
