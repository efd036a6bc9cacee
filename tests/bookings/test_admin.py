"""The booking admin: staff can find the new bookings whose e-mails are not written yet."""

from __future__ import annotations

import pytest

from bookings import services
from bookings.models import Booking, BookingEvent
from tests import factories

CHANGELIST = "/admin/bookings/booking/"


def test_staff_filter_bookings_whose_messages_are_not_written_yet(client, teacher, school, slot):
    written = services.booking_create(
        actor=teacher.user,
        slot_id=slot.pk,
        school_class_id=factories.SchoolClassFactory(school=school, name="8.X").pk,
        pupils=20,
    )
    services.bookings_announce_new()
    services.booking_create(
        actor=teacher.user,
        slot_id=slot.pk,
        school_class_id=factories.SchoolClassFactory(school=school, name="8.Y").pk,
        pupils=20,
    )
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))

    pending = client.get(CHANGELIST, {"messages_pending__exact": "1"})
    done = client.get(CHANGELIST, {"messages_pending__exact": "0"})

    assert pending.status_code == done.status_code == 200
    assert "8.Y" in pending.text and "8.X" not in pending.text
    assert "8.X" in done.text and "8.Y" not in done.text
    assert client.get(f"{CHANGELIST}{written.pk}/change/").status_code == 200


def test_teacher_cannot_open_the_booking_admin(client, teacher):
    client.force_login(teacher.user)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def booking(teacher, school_class, slot):
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)


def test_admin_cannot_delete_a_booking(admin_client, booking):
    """A booking is never deleted: neither its delete page nor a bulk delete action exists."""
    change = admin_client.get(f"{CHANGELIST}{booking.pk}/change/")
    delete = admin_client.post(f"{CHANGELIST}{booking.pk}/delete/", {"post": "yes"})
    bulk = admin_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [booking.pk], "post": "yes"})

    assert f"{booking.pk}/delete/" not in change.text
    assert delete.status_code == 403
    assert 'value="delete_selected"' not in admin_client.get(CHANGELIST).text
    assert bulk.status_code in (200, 302)
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_admin_booking_page_saves_nothing(admin_client, booking):
    """A booking's page is read-only: its state changes only through the actions."""
    response = admin_client.post(f"{CHANGELIST}{booking.pk}/change/", {"status": "cancelled", "pupils": 1})

    assert response.status_code == 403
    booking.refresh_from_db()
    assert (booking.status, booking.pupils) == (Booking.Status.CONFIRMED, 20)


def test_admin_actions_still_change_bookings_through_the_services(admin_client, booking):
    """Cancelling from the list runs the service, which records the event."""
    admin_client.post(CHANGELIST, {"action": "cancel", "_selected_action": [booking.pk]})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.events.filter(action=BookingEvent.Action.CANCELLED).exists()


def test_booking_history_is_read_only_in_the_admin(admin_client, booking):
    """Booking events cannot be added, changed or deleted, on their own page or inline."""
    event = booking.events.get()
    events = "/admin/bookings/bookingevent/"

    add = admin_client.get(f"{events}add/")
    change = admin_client.post(f"{events}{event.pk}/change/", {"note": "rewritten"})
    delete = admin_client.post(f"{events}{event.pk}/delete/", {"post": "yes"})
    booking_page = admin_client.get(f"{CHANGELIST}{booking.pk}/change/")

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert 'value="delete_selected"' not in admin_client.get(events).text
    assert BookingEvent.objects.filter(pk=event.pk, note="").exists()
    assert 'name="events-0-note"' not in booking_page.text
    assert 'name="events-0-DELETE"' not in booking_page.text
