"""Booking changes racing other transactions on PostgreSQL, found by the production topology
test (tests/concurrency/test_topology.py), each of which answered 500:

- a host's cancellation racing a teacher's move of the same booking. A row that another
  transaction changed while this one waited for its lock is checked again against the rows
  joined to it as they were first read; the move changed the booking's slot, so the old slot no
  longer joined and the row dropped out of the result;
- a cancellation promoting a waitlisted class while the delivery pass was writing that class's
  new-booking messages: each wrote some of the same outbox rows, then waited for the other's.

SQLite admits one writer at a time, so neither race can happen there: PostgreSQL only.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction

from bookings import services
from bookings.messages import booking_subject_key
from bookings.models import Booking
from bookings.services.announce import announce_creation
from bookings.services.states import locked
from notifications.models import OutgoingMessage
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


def test_a_promotion_waits_for_the_delivery_pass_writing_the_same_bookings_messages(teacher, school, slot):
    """A cancellation that promotes a waitlisted class whose messages a delivery pass is writing
    at the same moment waits for that pass instead of deadlocking with it: the class is
    promoted, its new-booking messages are written once, and nothing is recorded as failed."""
    slot.capacity_classes = 1
    slot.save()
    slot.offer.waitlist_enabled = True
    slot.offer.auto_confirm = True
    slot.offer.save()
    first, second = (factories.SchoolClassFactory(school=school, grade=8, pupils=20) for _ in range(2))
    holder = book(teacher, first, slot)
    waiting = book(teacher, second, slot)
    assert (holder.status, waiting.status) == (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED)
    locked_by_pass, errors = threading.Event(), []

    def delivery_pass() -> None:
        """What bookings_announce_new does: lock the new bookings, then write their messages."""
        try:
            with transaction.atomic():
                rows = list(Booking.objects.select_for_update(of=("self",)).filter(pk=waiting.pk))
                locked_by_pass.set()
                time.sleep(0.5)  # the cancellation reaches the waitlist meanwhile
                announce_creation(rows)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    def cancellation() -> None:
        try:
            locked_by_pass.wait(timeout=10)
            services.booking_cancel(booking=holder, actor=teacher.user)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=delivery_pass), threading.Thread(target=cancellation)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    waiting.refresh_from_db()
    assert errors == []
    assert (waiting.status, waiting.messages_pending, waiting.messages_error) == (Booking.Status.CONFIRMED, False, "")
    written = OutgoingMessage.objects.filter(subject_key=booking_subject_key(waiting.pk), kind="waitlisted")
    assert written.count() == 1
