"""Which side of a booking or an offer each kind of user is on (bookings/permissions.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from bookings import services
from bookings.models import Booking
from bookings.permissions import can_manage_offer, can_manage_offers, is_company_side, is_school_side

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(teacher, school_class, slot) -> Booking:
    return services.booking_create(
        actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20, adults=1, message=""
    )


@pytest.mark.parametrize(
    ("who", "school_side", "company_side"),
    [
        ("teacher", True, False),
        ("host", False, True),
        ("consultant", True, True),
        ("other_teacher", False, False),
        ("other_host", False, False),
    ],
)
def test_each_user_is_on_the_side_of_a_booking_their_school_or_company_is(
    request, booking, who, school_side, company_side
):
    """A teacher at the class's school is on the school's side, a member of the offer's company on
    the company's side, a consultant on both, and everyone else on neither."""
    person = request.getfixturevalue(who)
    user = getattr(person, "user", person)
    assert is_school_side(user, booking) is school_side
    assert is_company_side(user, booking) is company_side


def test_anonymous_visitor_is_on_no_side_and_manages_nothing(booking, offer):
    """Someone not signed in may neither act on a booking nor manage offers."""
    visitor = AnonymousUser()
    assert not is_school_side(visitor, booking)
    assert not is_company_side(visitor, booking)
    assert not can_manage_offer(visitor, offer)
    assert not can_manage_offers(visitor)


@pytest.mark.parametrize(
    ("who", "manages_offers", "manages_this_offer"),
    [("host", True, True), ("other_host", True, False), ("consultant", True, True), ("teacher", False, False)],
)
def test_only_company_members_and_consultants_manage_offers(request, offer, who, manages_offers, manages_this_offer):
    """Any company's member may manage offers, but only their own company's; a consultant manages
    every offer; a teacher none."""
    person = request.getfixturevalue(who)
    user = getattr(person, "user", person)
    assert can_manage_offers(user) is manages_offers
    assert can_manage_offer(user, offer) is manages_this_offer
