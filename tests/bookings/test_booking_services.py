import datetime as dt

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingEvent, Slot
from core.errors import DomainError
from tests import factories


def book(teacher, school_class, slot, pupils=20) -> Booking:
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils)


def refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code
    return caught.value


@pytest.fixture
def classes(teacher):
    return [factories.SchoolClassFactory(school=teacher.school, grade=8, pupils=28) for _ in range(4)]


def test_booking_create_confirms_at_once_on_auto_confirm_offer(teacher, school_class, slot):
    booking = book(teacher, school_class, slot)

    slot.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert (slot.booked_classes, slot.booked_pupils) == (1, 20)
    assert list(booking.events.values_list("action", "actor")) == [("confirmed", teacher.user.pk)]


def test_booking_create_awaits_host_on_manual_offer(teacher, school_class, slot):
    slot.offer.auto_confirm = False
    slot.offer.save()

    booking = book(teacher, school_class, slot)

    assert booking.status == Booking.Status.REQUESTED
    slot.refresh_from_db()
    assert slot.booked_classes == 1


def test_booking_create_refuses_full_slot_without_waitlist(teacher, classes, slot):
    slot.offer.waitlist_enabled = False
    slot.offer.save()
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)

    error = refused("slot_full", lambda: book(teacher, classes[2], slot))

    assert error.field == "slot"
    assert Booking.objects.filter(school_class=classes[2]).count() == 0


def test_booking_create_waitlists_when_full(teacher, classes, slot):
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)

    booking = book(teacher, classes[2], slot)

    slot.refresh_from_db()
    assert booking.status == Booking.Status.WAITLISTED
    assert slot.booked_classes == 2


def test_booking_create_counts_pupils_as_well_as_classes(teacher, classes, slot):
    slot.capacity_pupils = 30
    slot.save()
    slot.offer.waitlist_enabled = False
    slot.offer.save()
    book(teacher, classes[0], slot, pupils=20)

    refused("slot_full", lambda: book(teacher, classes[1], slot, pupils=11))
    assert book(teacher, classes[1], slot, pupils=10).status == Booking.Status.CONFIRMED


def test_booking_create_refuses_more_pupils_than_the_slot_takes(teacher, school_class, slot):
    refused("too_many_pupils", lambda: book(teacher, school_class, slot, pupils=61))


def test_booking_create_refuses_after_the_deadline(teacher, school_class, slot):
    Slot.objects.filter(pk=slot.pk).update(booking_deadline=timezone.now() - dt.timedelta(minutes=1))

    refused("deadline_passed", lambda: book(teacher, school_class, slot))


def test_booking_create_refuses_a_slot_that_has_started(teacher, school_class, offer):
    start = timezone.now() - dt.timedelta(hours=1)
    past = factories.SlotFactory(offer=offer, start=start, booking_deadline=start + dt.timedelta(days=1))

    refused("slot_in_past", lambda: book(teacher, school_class, past))


def test_booking_create_refuses_ineligible_grade(teacher, slot):
    first_grade = factories.SchoolClassFactory(school=teacher.school, grade=1)

    error = refused("grade_not_eligible", lambda: book(teacher, first_grade, slot))

    assert error.field == "school_class"


def test_booking_create_refuses_unpublished_offer(teacher, school_class, slot):
    slot.offer.is_published = False
    slot.offer.save()

    refused("slot_not_open", lambda: book(teacher, school_class, slot))


def test_booking_create_refuses_another_schools_class(teacher, other_class, slot):
    refused("class_not_found", lambda: book(teacher, other_class, slot))


def test_booking_create_refuses_overlapping_booking_for_the_class(teacher, school_class, slot, offer):
    overlapping = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(hours=1))
    book(teacher, school_class, slot)

    error = refused("class_busy", lambda: book(teacher, school_class, overlapping))

    assert error.field == "school_class"


def test_booking_create_allows_back_to_back_bookings(teacher, school_class, slot, offer):
    after = factories.SlotFactory(offer=offer, start=slot.end)
    book(teacher, school_class, slot)

    assert book(teacher, school_class, after).status == Booking.Status.CONFIRMED


def test_booking_create_refuses_the_same_slot_twice(teacher, school_class, slot):
    book(teacher, school_class, slot)

    refused("already_booked", lambda: book(teacher, school_class, slot))
    slot.refresh_from_db()
    assert slot.booked_classes == 1


def test_booking_cancel_frees_the_place_and_promotes_the_waitlist_in_order(teacher, classes, slot):
    first = book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    second_in_line_first = book(teacher, classes[2], slot)
    second_in_line_second = book(teacher, classes[3], slot)

    services.booking_cancel(booking=first, actor=teacher.user)

    second_in_line_first.refresh_from_db()
    second_in_line_second.refresh_from_db()
    slot.refresh_from_db()
    assert second_in_line_first.status == Booking.Status.CONFIRMED
    assert second_in_line_second.status == Booking.Status.WAITLISTED
    assert slot.booked_classes == 2
    assert second_in_line_first.events.last().action == BookingEvent.Action.PROMOTED


def test_waitlist_skips_a_class_too_large_for_the_freed_place(teacher, classes, slot):
    slot.capacity_pupils = 45
    slot.save()
    first = book(teacher, classes[0], slot, pupils=20)
    book(teacher, classes[1], slot, pupils=20)
    too_big = book(teacher, classes[2], slot, pupils=26)
    fits = book(teacher, classes[3], slot, pupils=25)

    services.booking_cancel(booking=first, actor=teacher.user)

    too_big.refresh_from_db()
    fits.refresh_from_db()
    assert (too_big.status, fits.status) == (Booking.Status.WAITLISTED, Booking.Status.CONFIRMED)


def test_booking_cancel_after_deadline_is_refused_for_teacher_but_allowed_for_host(teacher, host, school_class, offer):
    soon = factories.SlotFactory(offer=offer, start=timezone.now() + dt.timedelta(hours=30))
    booking = book(teacher, school_class, soon)

    refused("cancellation_deadline_passed", lambda: services.booking_cancel(booking=booking, actor=teacher.user))
    services.booking_cancel(booking=booking, actor=host.user, note="Sygdom i afdelingen")

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.events.last().note == "Sygdom i afdelingen"


def test_booking_confirm_by_host(teacher, host, school_class, slot):
    slot.offer.auto_confirm = False
    slot.offer.save()
    booking = book(teacher, school_class, slot)

    services.booking_confirm(booking=booking, actor=host.user)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert [(e.action, e.actor_id) for e in booking.events.all()] == [
        ("requested", teacher.user.pk),
        ("confirmed", host.user.pk),
    ]


def test_booking_confirm_is_refused_to_teacher_and_other_company(teacher, other_host, school_class, slot):
    slot.offer.auto_confirm = False
    slot.offer.save()
    booking = book(teacher, school_class, slot)

    refused("not_allowed", lambda: services.booking_confirm(booking=booking, actor=teacher.user))
    refused("not_allowed", lambda: services.booking_confirm(booking=booking, actor=other_host.user))


def test_booking_confirm_twice_is_refused(teacher, host, school_class, slot):
    booking = book(teacher, school_class, slot)

    refused("wrong_status", lambda: services.booking_confirm(booking=booking, actor=host.user))


def test_booking_decline_frees_the_place_for_the_waitlist(teacher, host, classes, slot):
    slot.offer.auto_confirm = False
    slot.offer.save()
    declined = book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    waiting = book(teacher, classes[2], slot)

    services.booking_decline(booking=declined, actor=host.user, note="Vi har desværre ikke plads")

    waiting.refresh_from_db()
    declined.refresh_from_db()
    assert declined.status == Booking.Status.DECLINED
    assert waiting.status == Booking.Status.REQUESTED


def test_booking_move_takes_the_new_place_and_frees_the_old(teacher, classes, slot, offer):
    later = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7))
    booking = book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    waiting = book(teacher, classes[2], slot)

    booking = services.booking_move(booking=booking, actor=teacher.user, slot_id=later.pk)

    slot.refresh_from_db()
    later.refresh_from_db()
    waiting.refresh_from_db()
    assert booking.slot_id == later.pk
    assert (later.booked_classes, later.booked_pupils) == (1, 20)
    assert slot.booked_classes == 2
    assert waiting.status == Booking.Status.CONFIRMED
    assert booking.events.last().action == BookingEvent.Action.MOVED


@pytest.fixture
def confirmed_on_manual_offer(teacher, host, school_class, slot, offer):
    """A booking the host confirmed by hand, and a later slot of the same offer."""
    offer.auto_confirm = False
    offer.save()
    booking = services.booking_confirm(booking=book(teacher, school_class, slot), actor=host.user)
    return booking, factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7))


def test_host_moving_a_confirmed_booking_keeps_it_confirmed(host, confirmed_on_manual_offer):
    """The host chose the new time, so there is nothing left for the host to accept."""
    booking, later = confirmed_on_manual_offer

    moved = services.booking_move(booking=booking, actor=host.user, slot_id=later.pk)

    assert (moved.slot_id, moved.status) == (later.pk, Booking.Status.CONFIRMED)


def test_teacher_moving_a_confirmed_booking_on_a_manual_offer_asks_the_host_again(teacher, confirmed_on_manual_offer):
    """A time the teacher chose waits for the host, as a new booking would."""
    booking, later = confirmed_on_manual_offer

    moved = services.booking_move(booking=booking, actor=teacher.user, slot_id=later.pk)

    assert (moved.slot_id, moved.status) == (later.pk, Booking.Status.REQUESTED)


def test_host_moving_a_request_on_a_manual_offer_leaves_it_a_request(teacher, host, school_class, slot, offer):
    """Moving is not confirming: an unanswered request stays one."""
    offer.auto_confirm = False
    offer.save()
    later = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7))

    moved = services.booking_move(booking=book(teacher, school_class, slot), actor=host.user, slot_id=later.pk)

    assert moved.status == Booking.Status.REQUESTED


def test_booking_move_to_a_full_slot_leaves_the_booking_where_it_was(teacher, classes, slot, offer):
    full = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7), capacity_classes=1)
    book(teacher, classes[1], full)
    booking = book(teacher, classes[0], slot)

    refused("slot_full", lambda: services.booking_move(booking=booking, actor=teacher.user, slot_id=full.pk))

    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.slot_id == slot.pk
    assert slot.booked_classes == 1


def test_booking_move_refuses_another_offer(teacher, school_class, slot):
    elsewhere = factories.SlotFactory(start=slot.start + dt.timedelta(days=7))
    booking = book(teacher, school_class, slot)

    refused("other_offer", lambda: services.booking_move(booking=booking, actor=teacher.user, slot_id=elsewhere.pk))


def test_slot_cancel_cancels_every_active_booking(teacher, host, classes, slot):
    bookings = [book(teacher, school_class, slot) for school_class in classes[:3]]

    services.slot_cancel(slot=slot, actor=host.user)

    slot.refresh_from_db()
    assert slot.status == Slot.Status.CANCELLED
    assert slot.booked_classes == 0
    assert {Booking.objects.get(pk=b.pk).status for b in bookings} == {Booking.Status.CANCELLED}
    refused("slot_not_open", lambda: book(teacher, classes[3], slot))


def test_slot_update_refuses_capacity_below_what_is_booked(teacher, host, classes, slot):
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)

    refused("capacity_below_booked", lambda: services.slot_update(slot=slot, actor=host.user, capacity_classes=1))
    services.slot_update(slot=slot, actor=host.user, capacity_classes=3)

    slot.refresh_from_db()
    assert slot.capacity_classes == 3


def test_booking_create_refuses_more_pupils_than_the_class_has(teacher, school_class, slot):
    """A class of 24 cannot bring 25 pupils, even when the slot has room for them."""
    error = refused(
        "too_many_pupils_for_class",
        lambda: services.booking_create(
            actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=school_class.pupils + 1
        ),
    )

    assert error.field == "pupils"
    assert slot.bookings.count() == 0


def test_booking_move_refuses_a_booking_with_more_pupils_than_the_class_now_has(teacher, school_class, slot, offer):
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=24)
    later = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7))
    school_class.pupils = 20
    school_class.save()

    refused(
        "too_many_pupils_for_class",
        lambda: services.booking_move(booking=booking, actor=teacher.user, slot_id=later.pk),
    )

    booking.refresh_from_db()
    assert booking.slot_id == slot.pk
