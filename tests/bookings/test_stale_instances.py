"""A booking loaded before another change must not let a cancel leak a slot place."""

from bookings import services
from bookings.models import Booking, Slot
from tests import factories


def test_cancel_with_stale_waitlisted_instance_releases_the_place(db):
    offer = factories.OfferFactory(auto_confirm=True, waitlist_enabled=True)
    slot = factories.SlotFactory(offer=offer, capacity_classes=1, capacity_pupils=60)
    school = factories.SchoolFactory()
    teacher = factories.TeacherFactory(school=school)
    class_a = factories.SchoolClassFactory(school=school)
    class_b = factories.SchoolClassFactory(school=school)
    a = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=class_a.pk, pupils=20)
    b = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=class_b.pk, pupils=20)
    assert (a.status, b.status) == ("confirmed", "waitlisted")

    stale_b = Booking.objects.get(pk=b.pk)  # what BookingViewSet.get_object() loaded: "waitlisted"
    services.booking_cancel(booking=Booking.objects.get(pk=a.pk), actor=teacher.user)  # B is promoted
    assert Booking.objects.get(pk=b.pk).status == "confirmed"

    services.booking_cancel(booking=stale_b, actor=teacher.user)  # B's teacher cancels at the same moment

    slot = Slot.objects.get(pk=slot.pk)
    holding = Booking.objects.filter(slot=slot, status__in=Booking.HOLDING_PLACE).count()
    assert Booking.objects.get(pk=b.pk).status == "cancelled"
    assert slot.booked_classes == holding == 0, f"booked_classes={slot.booked_classes}, holding={holding}"
