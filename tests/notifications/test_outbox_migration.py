"""Outbox rows written before the outbox was keyed by subject (they pointed at their booking
by a foreign key) are still delivered after the migration, as the e-mail they always were."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from notifications.delivery import deliver_due
from notifications.models import OutgoingMessage

BEFORE = [("notifications", "0002_schedules")]
# Migrating needs real transactions; the reference data the migrations loaded (municipalities,
# sectors) is restored after each test for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def outbox_before_subject_keys():
    """The database as it was before the outbox was keyed by subject; migrated forward again
    afterwards, whatever the test did."""
    executor = migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    migrate(latest())


def test_invite_written_with_a_booking_foreign_key_is_delivered_after_the_migration(
    outbox_before_subject_keys, teacher, school_class, slot
):
    """A pending invite row holding booking_id becomes "booking:<id>" and is sent to its
    recipient with the booking's calendar, as before."""
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    Booking.objects.filter(pk=booking.pk).update(messages_pending=False)  # only the old row speaks
    OldMessage = outbox_before_subject_keys.get_model("notifications", "OutgoingMessage")
    email = teacher.user.email
    OldMessage.objects.create(
        kind="invite",
        booking_id=booking.pk,
        role="teacher",
        recipient_email=email,
        recipient_name="Lærer Ærø",
        language="da",
        sequence=0,
        due_at=timezone.now(),
        dedup_key=f"invite:{booking.pk}:{slot.pk}:0:{email}",
    )
    OldMessage.objects.create(  # of a booking since deleted: withdrawn, as before
        kind="reminder",
        booking_id=None,
        role="teacher",
        recipient_email=email,
        sequence=0,
        due_at=timezone.now(),
        dedup_key="reminder:gone",
    )

    migrate(latest())
    sent = deliver_due()

    invite = OutgoingMessage.objects.get(kind="invite")
    assert invite.subject_key == f"booking:{booking.pk}"
    assert (sent, invite.status) == (1, OutgoingMessage.Status.SENT)
    assert OutgoingMessage.objects.get(dedup_key="reminder:gone").status == OutgoingMessage.Status.WITHDRAWN
    (message,) = mail.outbox
    assert message.to == [f"Lærer Ærø <{email}>"]
    assert message.subject == invite.subject
    assert slot.offer.title in message.subject
    calendar = message.message().get_payload()[-1]
    assert calendar.get_param("method") == "REQUEST"
    assert f"UID:brobyg-booking-{booking.pk}@".encode() in calendar.get_payload(decode=True)


def test_migrating_back_puts_the_booking_foreign_key_back(outbox_before_subject_keys, teacher, school_class, slot):
    """The migration can be undone: "booking:<id>" becomes booking_id again."""
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    migrate(latest())
    services.bookings_announce_new()
    written = OutgoingMessage.objects.filter(subject_key=f"booking:{booking.pk}").count()

    apps = migrate(BEFORE).loader.project_state(BEFORE).apps

    OldMessage = apps.get_model("notifications", "OutgoingMessage")
    assert written > 0
    assert OldMessage.objects.filter(booking_id=booking.pk).count() == written
