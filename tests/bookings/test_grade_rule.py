"""Who an offer is for is one rule: booking, the offer itself and the searches agree on it."""

import pytest

from bookings import services
from bookings.filters import OfferFilter, SlotFilter
from bookings.models import Booking, Offer, Slot
from core.errors import DomainError
from tests import factories


def books(teacher, grade: int, slot: Slot) -> bool:
    school_class = factories.SchoolClassFactory(school=teacher.school, grade=grade, pupils=20)
    try:
        services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    except DomainError as error:
        assert error.code == "grade_not_eligible"
        return False
    return True


@pytest.mark.parametrize(("grade", "accepted"), [(6, False), (7, True), (8, True), (9, True), (10, False)])
def test_grade_range_includes_both_ends_for_booking_offer_and_search(teacher, offer, grade, accepted):
    """An offer for grades 7–9 takes classes of grades 7, 8 and 9, and no others: the booking
    service, Offer.accepts_grade and the offer and slot searches by grade all say the same."""
    slot = factories.SlotFactory(offer=offer, capacity_classes=5, capacity_pupils=200)

    assert offer.accepts_grade(grade) is accepted
    assert (offer in OfferFilter({"grade": grade}, queryset=Offer.objects.all()).qs) is accepted
    assert (slot in SlotFilter({"grade": grade}, queryset=Slot.objects.all()).qs) is accepted
    assert books(teacher, grade, slot) is accepted
    assert Booking.objects.filter(slot=slot).exists() is accepted
