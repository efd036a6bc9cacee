"""The waitlist's one queue order: the place a class is shown is the order it is promoted in."""

import datetime as dt

from bookings import selectors, services
from bookings.models import Booking
from tests import factories


def positions(user, slot) -> dict[int, int]:
    return dict(selectors.waitlist_list_for_user(user).filter(slot=slot).values_list("pk", "position"))


def test_class_shown_first_in_the_queue_is_the_one_promoted(teacher, slot):
    """A class that joined earlier is queued first; two that joined at the same instant are
    queued by id. Cancelling a held place promotes the class at position 1, and the others
    move up by one."""
    classes = [factories.SchoolClassFactory(school=teacher.school, grade=8, pupils=20) for _ in range(5)]
    first, _second, *waiting = (
        services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
        for school_class in classes
    )
    assert {booking.status for booking in waiting} == {Booking.Status.WAITLISTED}
    tied_a, tied_b, early = waiting
    now = early.created_at
    Booking.objects.filter(pk=early.pk).update(created_at=now - dt.timedelta(hours=1))
    Booking.objects.filter(pk__in=[tied_a.pk, tied_b.pk]).update(created_at=now - dt.timedelta(minutes=30))

    assert positions(teacher.user, slot) == {early.pk: 1, tied_a.pk: 2, tied_b.pk: 3}
    assert list(Booking.objects.waitlist_of(slot.pk)) == [early, tied_a, tied_b]

    services.booking_cancel(booking=first, actor=teacher.user)

    early.refresh_from_db()
    assert early.status == Booking.Status.CONFIRMED
    assert positions(teacher.user, slot) == {tied_a.pk: 1, tied_b.pk: 2}
