"""The outbox in the admin: each message says what it is about, linked where its domain can."""

from __future__ import annotations

from bookings import services
from notifications.models import OutgoingMessage
from tests import factories

CHANGELIST = "/admin/notifications/outgoingmessage/"


def test_outbox_shows_the_subject_key_linked_to_the_booking(client, teacher, school_class, slot):
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    services.bookings_announce_new()
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))

    listing = client.get(CHANGELIST)
    found = client.get(CHANGELIST, {"q": f"booking:{booking.pk}"})
    other = client.get(CHANGELIST, {"q": f"booking:{booking.pk + 1}"})

    assert listing.status_code == 200
    assert f'<a href="/admin/bookings/booking/{booking.pk}/change/">booking:{booking.pk}</a>' in listing.text
    assert f"booking:{booking.pk}" in found.text
    assert f"booking:{booking.pk}<" not in other.text
    row = OutgoingMessage.objects.filter(subject_key=f"booking:{booking.pk}").first()
    assert client.get(f"{CHANGELIST}{row.pk}/change/").status_code == 200
