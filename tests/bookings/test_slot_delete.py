"""slot_delete: only a slot that no booking ever referred to may disappear."""

import pytest

from bookings import services
from bookings.models import Booking, Slot
from core.errors import DomainError
from tests import factories

pytestmark = pytest.mark.django_db


def test_slot_without_bookings_is_deleted(host, slot):
    services.slot_delete(slot=slot, actor=host.user)

    assert not Slot.objects.filter(pk=slot.pk).exists()


@pytest.mark.parametrize("status", [status for status, _label in Booking.Status.choices])
def test_slot_with_a_booking_in_any_status_is_refused(host, slot, teacher, school_class, status):
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=5)
    Booking.objects.filter(pk=booking.pk).update(status=status)

    with pytest.raises(DomainError) as refusal:
        services.slot_delete(slot=slot, actor=host.user)

    assert refusal.value.code == "slot_has_bookings"
    assert Slot.objects.filter(pk=slot.pk).exists()


def test_another_companys_member_may_not_delete(other_host, slot):
    with pytest.raises(DomainError) as refusal:
        services.slot_delete(slot=slot, actor=other_host.user)

    assert refusal.value.code == "not_allowed"
    assert Slot.objects.filter(pk=slot.pk).exists()


def test_teacher_may_not_delete(teacher, offer):
    slot = factories.SlotFactory(offer=offer)

    with pytest.raises(DomainError):
        services.slot_delete(slot=slot, actor=teacher.user)
