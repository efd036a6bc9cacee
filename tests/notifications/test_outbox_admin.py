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


def test_outbox_messages_cannot_be_deleted_in_the_admin(client, teacher, school_class, slot):
    """Deleting a row would drop a waiting message silently or lose the record that it was sent."""
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    services.bookings_announce_new()
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))
    row = OutgoingMessage.objects.first()

    page = client.get(f"{CHANGELIST}{row.pk}/delete/")
    bulk = client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})

    assert page.status_code == 403
    assert bulk.status_code in (200, 302)
    assert OutgoingMessage.objects.filter(pk=row.pk).exists()
