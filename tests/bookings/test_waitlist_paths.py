"""Every path that frees or adds a place gives it to the waitlist first, in the queue's order,
and no path puts a class where it cannot be."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingEvent, Slot
from core.errors import DomainError
from tests import factories


def book(teacher, school_class, slot, pupils=20) -> Booking:
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils)


def status_of(booking: Booking) -> str:
    return Booking.objects.get(pk=booking.pk).status


def refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code
    return caught.value


@pytest.fixture
def classes(teacher):
    return [factories.SchoolClassFactory(school=teacher.school, grade=8, pupils=20) for _ in range(5)]


def pass_the_deadline(slot: Slot) -> None:
    Slot.objects.filter(pk=slot.pk).update(booking_deadline=timezone.now() - dt.timedelta(minutes=1))


# Raising the capacity ----------------------------------------------------------------------


def test_raising_the_class_capacity_promotes_the_waitlist_in_order(teacher, host, classes, slot):
    """Two more class places on a full slot go to the first two waitlisted classes, in the
    order they joined, in the same change; a class booking afterwards is waitlisted behind
    the one still waiting."""
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    first, second, third = (book(teacher, school_class, slot) for school_class in classes[2:5])

    services.slot_update(slot=slot, actor=host.user, capacity_classes=4, capacity_pupils=100)

    assert [status_of(b) for b in (first, second, third)] == [
        Booking.Status.CONFIRMED,
        Booking.Status.CONFIRMED,
        Booking.Status.WAITLISTED,
    ]
    assert Booking.objects.get(pk=first.pk).events.last().action == BookingEvent.Action.PROMOTED
    slot.refresh_from_db()
    assert (slot.booked_classes, slot.booked_pupils) == (4, 80)
    newcomer = factories.SchoolClassFactory(school=teacher.school, grade=8, pupils=20)
    assert book(teacher, newcomer, slot).status == Booking.Status.WAITLISTED


def test_raising_the_pupil_capacity_promotes_the_first_waitlisted_class_that_fits(teacher, host, classes, slot):
    """A slot full on pupils, not on classes: ten more pupil places go to the first class
    small enough for them; the larger class ahead of it keeps its place in the queue."""
    Slot.objects.filter(pk=slot.pk).update(capacity_classes=5, capacity_pupils=40)
    slot.refresh_from_db()
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    too_big = book(teacher, classes[2], slot, pupils=20)
    fits = book(teacher, classes[3], slot, pupils=10)

    services.slot_update(slot=slot, actor=host.user, capacity_pupils=50)

    assert (status_of(too_big), status_of(fits)) == (Booking.Status.WAITLISTED, Booking.Status.CONFIRMED)


# Expired requests --------------------------------------------------------------------------


def test_request_expired_at_the_deadline_gives_its_place_to_the_first_waitlisted_class(teacher, host, classes, slot):
    """The host kept a waitlist, so the place an unanswered request frees at the booking
    deadline goes to the first waitlisted class, confirmed at once on an offer that now
    confirms automatically (the request was made while it did not)."""
    slot.offer.auto_confirm = False
    slot.offer.save()
    Slot.objects.filter(pk=slot.pk).update(capacity_classes=1)
    request = book(teacher, classes[0], slot)
    first, second = book(teacher, classes[1], slot), book(teacher, classes[2], slot)
    slot.offer.auto_confirm = True
    slot.offer.save()
    pass_the_deadline(slot)

    assert services.requests_expire() == [request]

    assert (status_of(first), status_of(second)) == (Booking.Status.CONFIRMED, Booking.Status.WAITLISTED)
    slot.refresh_from_db()
    assert slot.booked_classes == 1


def test_after_the_deadline_a_manual_offer_promotes_no_request_that_would_expire_at_once(teacher, host, classes, slot):
    """Past the booking deadline a request can no longer be answered (it expires), so on an
    offer the host confirms by hand a freed place does not turn a waitlisted class into a
    request: the class stays on the waitlist rather than hear "promoted" and then "expired".
    Applies to a request that expires and to a booking the host cancels after the deadline."""
    slot.offer.auto_confirm = False
    slot.offer.save()
    expiring, cancelled = book(teacher, classes[0], slot), book(teacher, classes[1], slot)
    waiting = book(teacher, classes[2], slot)
    pass_the_deadline(slot)

    services.booking_cancel(booking=cancelled, actor=host.user)
    assert status_of(waiting) == Booking.Status.WAITLISTED
    assert services.requests_expire() == [expiring]

    assert status_of(waiting) == Booking.Status.WAITLISTED
    assert services.requests_expire() == []
    slot.refresh_from_db()
    assert slot.booked_classes == 0


# A slot cancelled meanwhile ----------------------------------------------------------------


def before_the_claim(monkeypatch, change) -> None:
    """Run `change(slot_id)` (as a host's change committed meanwhile would) after a booking
    read the slot and before its write transaction claims a place."""
    from bookings import booking_sql
    from bookings.services import capacity

    claim, place = capacity.slot_claim, booking_sql.place_booking

    def change_then_claim(*, slot_id: int, pupils: int) -> bool:
        change(slot_id)
        return claim(slot_id=slot_id, pupils=pupils)

    def change_then_place(booking, **options) -> booking_sql.Placed:
        change(booking.slot_id)
        return place(booking, **options)

    monkeypatch.setattr(capacity, "slot_claim", change_then_claim)
    # On PostgreSQL a new booking claims its place in the statement that inserts it.
    monkeypatch.setattr(booking_sql, "place_booking", change_then_place)


def cancel_slot(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id).update(status=Slot.Status.CANCELLED)


def test_booking_of_a_full_slot_cancelled_meanwhile_is_refused_not_waitlisted(teacher, classes, slot, monkeypatch):
    """The slot's state is decided inside the write transaction: a full slot cancelled after
    the booking read it gets no waitlisted booking, the class is told the slot is not open."""
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    before_the_claim(monkeypatch, cancel_slot)

    refused("slot_not_open", lambda: book(teacher, classes[2], slot))

    assert not Booking.objects.filter(school_class=classes[2]).exists()


def test_booking_of_a_free_slot_cancelled_meanwhile_is_refused_not_waitlisted(teacher, classes, slot, monkeypatch):
    """A slot with free places, cancelled after the booking read it: the claim finds it
    closed, and the class is neither given a place nor put on the waitlist."""
    before_the_claim(monkeypatch, cancel_slot)

    refused("slot_not_open", lambda: book(teacher, classes[0], slot))

    assert not Booking.objects.filter(school_class=classes[0]).exists()
    slot.refresh_from_db()
    assert slot.booked_classes == 0


def test_booking_of_a_full_slot_whose_waitlist_was_switched_off_meanwhile_is_refused(
    teacher, classes, slot, monkeypatch
):
    """Whether the offer keeps a waitlist is read inside the write transaction too."""
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    before_the_claim(monkeypatch, lambda _: type(slot.offer).objects.update(waitlist_enabled=False))

    refused("slot_full", lambda: book(teacher, classes[2], slot))

    assert not Booking.objects.filter(school_class=classes[2]).exists()


# The other paths ---------------------------------------------------------------------------


def test_move_to_a_slot_cancelled_meanwhile_is_refused_as_not_open(teacher, classes, slot, offer, monkeypatch):
    """A move onto a slot cancelled after the move read it is refused with the reason (the
    slot is not open, not "full"), and the booking stays where it was."""
    later = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7))
    booking = book(teacher, classes[0], slot)
    before_the_claim(monkeypatch, cancel_slot)

    refused("slot_not_open", lambda: services.booking_move(booking=booking, actor=teacher.user, slot_id=later.pk))

    booking.refresh_from_db()
    assert (booking.slot_id, booking.status) == (slot.pk, Booking.Status.CONFIRMED)


def test_no_promotion_onto_a_slot_that_has_started(teacher, host, classes, slot):
    """A place freed once the visit has begun (the host cancels a booking, a request expires
    late) goes to nobody: a class cannot join a visit already under way."""
    first = book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    waiting = book(teacher, classes[2], slot)
    started = timezone.now() - dt.timedelta(minutes=5)
    Slot.objects.filter(pk=slot.pk).update(start=started, booking_deadline=started - dt.timedelta(days=1))

    services.booking_cancel(booking=first, actor=host.user)

    assert status_of(waiting) == Booking.Status.WAITLISTED


def test_waitlisted_class_declined_while_a_promotion_runs_stays_declined(teacher, host, classes, slot, monkeypatch):
    """The host declines the first waitlisted class while a freed place is being given to
    it: the decline stands, the place goes to the next class in the queue, and the slot's
    count matches the bookings holding places."""
    from bookings.services import capacity

    first = book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    declined, next_in_line = book(teacher, classes[2], slot), book(teacher, classes[3], slot)
    claim = capacity.slot_claim
    declined_once = []

    def decline_then_claim(*, slot_id: int, pupils: int) -> bool:
        if not declined_once:
            declined_once.append(services.booking_decline(booking=declined, actor=host.user))
        return claim(slot_id=slot_id, pupils=pupils)

    monkeypatch.setattr(capacity, "slot_claim", decline_then_claim)

    services.booking_cancel(booking=first, actor=teacher.user)

    assert (status_of(declined), status_of(next_in_line)) == (Booking.Status.DECLINED, Booking.Status.CONFIRMED)
    slot.refresh_from_db()
    holding = Booking.objects.filter(slot=slot, status__in=Booking.HOLDING_PLACE).count()
    assert slot.booked_classes == holding == 2
