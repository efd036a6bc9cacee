"""A change that waits for a booking's lock while another transaction moves the booking to
another slot. Found by the production topology test (tests/concurrency/test_topology.py): a
host's cancellation racing a teacher's move of the same booking answered 500.

On PostgreSQL, a row that another transaction changed while this one waited for its lock is
checked again against the rows joined to it as they were first read; the move changed the
booking's slot, so the old slot no longer joins and the row dropped out of the result. SQLite
admits one writer at a time, so the race cannot happen there: PostgreSQL only.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from bookings.models import Booking
from bookings.services.states import locked
from tests import factories
from tests.bookings.test_booking_services import book

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the race needs PostgreSQL's row locks (SQLite has one writer at a time)")


def test_locked_finds_a_booking_moved_while_it_waited(teacher, school_class, slot):
    """The waiting change gets the booking as the move left it, on its new slot."""
    booking = book(teacher, school_class, slot)
    other_slot = factories.SlotFactory(offer=slot.offer, capacity_classes=2, capacity_pupils=60)
    moving, waiting = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def move_holding_the_lock() -> None:
        try:
            with transaction.atomic():
                Booking.objects.select_for_update().get(pk=booking.pk)
                Booking.objects.filter(pk=booking.pk).update(slot=other_slot)
                moving.set()
                waiting.wait(timeout=10)
                time.sleep(0.3)  # the other transaction is blocked on the row lock by now
        finally:
            connections.close_all()

    def lock_it() -> None:
        try:
            moving.wait(timeout=10)
            waiting.set()
            with transaction.atomic():
                outcome["slot"] = locked(booking).slot_id
        except Exception as error:
            outcome["error"] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move_holding_the_lock), threading.Thread(target=lock_it)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcome == {"slot": other_slot.pk}


def test_locked_still_refuses_a_booking_that_does_not_exist(teacher, school_class, slot):
    """A booking deleted meanwhile is still "does not exist", not found by the second look."""
    booking = book(teacher, school_class, slot)
    Booking.objects.filter(pk=booking.pk).delete()
    with pytest.raises(Booking.DoesNotExist), transaction.atomic():
        locked(booking)
