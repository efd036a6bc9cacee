"""The outbox in the admin: each message says what it is about, linked where its domain can."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

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


def test_outbox_names_kinds_roles_and_languages_in_danish(client, teacher, school_class, slot):
    """The Danish outbox shows a message's kind, role and language by their names, as the
    domain names them, in the list, its filters and the message's page; never the stored codes."""
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    services.bookings_announce_new()
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))
    row = OutgoingMessage.objects.filter(kind="reminder", role="host").first()

    listing = client.get(CHANGELIST).text
    page = client.get(f"{CHANGELIST}{row.pk}/change/").text

    for text in (listing, page):
        assert "Påmindelse" in text
        assert "Vært" in text
        assert ">reminder<" not in text
        assert ">host<" not in text
    assert "Dansk" in page
    assert ">da<" not in page
    assert "Dansk" in listing  # the language filter
    assert "?kind=reminder" in listing
    assert "?role=host" in listing


def test_outbox_filters_by_kind_and_role_by_their_names(client, teacher, school_class, slot):
    """Filtering the outbox on a kind lists the rows of that kind only."""
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    services.bookings_announce_new()
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))

    hosts = client.get(CHANGELIST, {"role": "host"})

    assert hosts.status_code == 200
    assert hosts.context["cl"].result_count == OutgoingMessage.objects.filter(role="host").count()
    assert OutgoingMessage.objects.filter(role="host").count() < OutgoingMessage.objects.count()


def test_outbox_message_page_labels_the_email_subject_apart_from_school_subjects(client, teacher, school_class, slot):
    """The e-mail's subject line is labelled "Emne", not "Fag" (a subject taught at school)."""
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    services.bookings_announce_new()
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))
    row = OutgoingMessage.objects.first()

    page = client.get(f"{CHANGELIST}{row.pk}/change/").text

    assert "<label>Emne:</label>" in page
    assert "<label>Fag:</label>" not in page


def test_retry_now_sends_failed_and_retrying_messages_but_keeps_future_reminders(client, teacher, school_class, slot):
    """The admin's "send again" brings failed messages and those waiting for a retry forward,
    counted afresh; a message never tried keeps its time (a reminder due next week stays so)."""
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    services.bookings_announce_new()
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))
    rows = list(OutgoingMessage.objects.order_by("pk"))
    failed, retrying, untried = rows[0], rows[1], rows[2]
    future = timezone.now() + dt.timedelta(days=7)
    OutgoingMessage.objects.filter(pk=failed.pk).update(status=OutgoingMessage.Status.FAILED, attempts=10)
    OutgoingMessage.objects.filter(pk=retrying.pk).update(attempts=3, due_at=future)
    OutgoingMessage.objects.filter(pk=untried.pk).update(attempts=0, due_at=future)

    client.post(CHANGELIST, {"action": "retry_now", "_selected_action": [failed.pk, retrying.pk, untried.pk]})

    now = timezone.now()
    for row in (failed, retrying):
        row.refresh_from_db()
        assert (row.status, row.attempts) == (OutgoingMessage.Status.PENDING, 0)
        assert row.due_at <= now
    untried.refresh_from_db()
    assert untried.due_at == future
