"""A class adoption's private booking: a one-class slot of the company's unpublished offer,
booked for the class by either side, under the class's usual overlap rule."""

import datetime as dt

import pytest
from django.utils import translation

from bookings import services
from bookings.calendar_events import booking_description
from bookings.models import Booking, Offer
from core.errors import DomainError
from tests.dates import DANISH_MONTHS, ISO_DATE, at, next_ascension_day, school_day

pytestmark = pytest.mark.django_db


def book(actor, company, school_class, *, hour=9, kind=Offer.Kind.COMPANY_VISIT):
    day = school_day()
    return services.private_booking_create(
        actor=actor, company=company, school_class=school_class, kind=kind, start=at(day, hour), end=at(day, hour + 2)
    )


def test_either_side_books_and_the_class_is_confirmed_on_its_own_slot(teacher, host, company, school_class, consultant):
    for hour, actor in ((8, teacher.user), (11, host.user), (14, consultant)):
        booking = book(actor, company, school_class, hour=hour)
        assert booking.status == Booking.Status.CONFIRMED
        assert (booking.slot.capacity_classes, booking.slot.booked_classes) == (1, 1)
    offers = Offer.objects.filter(company=company, is_private=True)
    assert offers.count() == 1
    assert not offers.get().is_published


def test_outsiders_may_not_book_a_private_slot(other_teacher, other_host, company, school_class):
    for actor in (other_teacher.user, other_host.user):
        with pytest.raises(DomainError) as caught:
            book(actor, company, school_class)
        assert caught.value.code == "not_allowed"
    assert not Booking.objects.exists()


def test_overlapping_private_booking_of_the_class_is_refused(teacher, company, school_class):
    book(teacher.user, company, school_class, hour=9)
    with pytest.raises(DomainError) as caught:
        book(teacher.user, company, school_class, hour=10)
    assert caught.value.code == "class_busy"
    assert Booking.objects.count() == 1


def test_private_booking_invite_says_what_the_activity_is_and_where_the_class_meets(teacher, company, school_class):
    """The invite of an adoption activity carries what the booker wrote (the activity, the
    meeting place, the message): the private offer's own text says nothing about the day."""
    day = school_day()
    booking = services.private_booking_create(
        actor=teacher.user,
        company=company,
        school_class=school_class,
        kind=Offer.Kind.COMPANY_VISIT,
        start=at(day, 9),
        end=at(day, 11),
        message="Besøg i testlaboratoriet\nSted: Porten ved kantinen",
    )
    description = booking_description(booking)
    assert "Besøg i testlaboratoriet" in description
    assert "Porten ved kantinen" in description


def test_private_expert_visit_takes_place_at_the_school_not_the_company(teacher, company, school_class):
    """An expert at school comes to the class: the invite does not send the class to the company's address."""
    booking = book(teacher.user, company, school_class, kind=Offer.Kind.EXPERT_VISIT)
    assert booking.slot.offer.place != company.full_address
    assert company.full_address not in booking_description(booking)


def saturday() -> dt.date:
    day = school_day()
    return day + dt.timedelta(days=(5 - day.weekday()) % 7)


@pytest.mark.parametrize(
    ("times", "code", "field"),
    [
        (lambda: (at(saturday(), 0), at(saturday(), 23, 59)), "weekend", "start"),
        (lambda: (at(next_ascension_day(), 9), at(next_ascension_day(), 11)), "holiday", "start"),
        (lambda: (at(school_day(), 9), at(school_day(), 9, 10)), "visit_too_short", "end"),
        (lambda: (at(school_day(), 7), at(school_day(), 17)), "visit_too_long", "end"),
        (lambda: (at(school_day(), 22), at(school_day(), 23) + dt.timedelta(hours=2)), "visit_not_same_day", "end"),
        (
            lambda: (at(school_day(), 9) - dt.timedelta(days=60), at(school_day(), 11) - dt.timedelta(days=60)),
            "start_in_past",
            "start",
        ),
    ],
    ids=["saturday", "public_holiday", "ten_minutes", "ten_hours", "past_midnight", "past"],
)
def test_a_private_booking_keeps_to_a_class_visits_time(teacher, company, school_class, times, code, field):
    """A class visit takes place on a school day (no weekend, no holiday), in the future, for
    at least a quarter of an hour and at most a school day, ending on the day it starts; the
    private offer allows holidays only so that its slots are never refused for the offer's sake."""
    start, end = times()
    with pytest.raises(DomainError) as caught:
        services.private_booking_create(
            actor=teacher.user,
            company=company,
            school_class=school_class,
            kind=Offer.Kind.COMPANY_VISIT,
            start=start,
            end=end,
        )
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not Booking.objects.exists()


def test_a_refused_day_is_written_as_the_language_writes_dates(teacher, company, school_class):
    """The refusal names the day in words ("5. december 2026"), never as an ISO date."""
    day = saturday()
    with translation.override("da"), pytest.raises(DomainError) as caught:
        services.private_booking_create(
            actor=teacher.user,
            company=company,
            school_class=school_class,
            kind=Offer.Kind.COMPANY_VISIT,
            start=at(day, 9),
            end=at(day, 11),
        )
    message = str(caught.value.message)
    assert not ISO_DATE.search(message), message
    assert DANISH_MONTHS[day.month - 1] in message
