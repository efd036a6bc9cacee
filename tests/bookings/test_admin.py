"""The booking admin: staff can find the new bookings whose e-mails are not written yet."""

from __future__ import annotations

from bookings import services
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
