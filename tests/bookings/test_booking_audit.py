"""Every change of a booking's place writes one audit entry in the transaction of the change:
who did it (nobody for Brobyg's own changes), which booking, its slot and statuses, and never
a note or message a person wrote. A refused change writes none."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEntry
from bookings import services
from bookings.models import Booking, Offer, Slot
from tests import factories
from tests.bookings.test_booking_services import book, refused
from tests.conftest import client_for

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def entries(booking: Booking) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(target_type="bookings.booking", target_id=booking.pk)
        .order_by("id")
        .values_list("action", "actor_id", "details")
    )


@pytest.fixture
def classes(teacher):
    return [factories.SchoolClassFactory(school=teacher.school, grade=8, pupils=28) for _ in range(3)]


def test_a_new_booking_is_audited_with_its_booker_slot_and_status(teacher, school_class, slot):
    booking = services.booking_create(
        actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20, message="Vi glæder os"
    )

    assert entries(booking) == [
        ("bookings.booking.create", teacher.user.pk, {"slot": slot.pk, "to_status": "confirmed"})
    ]
    entry = AuditEntry.objects.get()
    assert entry.outcome == AuditEntry.Outcome.DONE
    assert entry.at == booking.created_at


def test_a_waitlisted_booking_is_audited_as_waitlisted(teacher, classes, slot):
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)

    waiting = book(teacher, classes[2], slot)

    assert entries(waiting) == [
        ("bookings.booking.create", teacher.user.pk, {"slot": slot.pk, "to_status": "waitlisted"})
    ]


def test_a_teacher_visit_is_audited(teacher, company, host):
    offer = factories.OfferFactory(company=company, contact=host, kind=Offer.Kind.TEACHER_VISIT)
    visit_slot = factories.SlotFactory(offer=offer, capacity_classes=2, capacity_pupils=30)

    booking = services.booking_create(actor=teacher.user, slot_id=visit_slot.pk)

    assert entries(booking) == [
        ("bookings.booking.create", teacher.user.pk, {"slot": visit_slot.pk, "to_status": "confirmed"})
    ]


def test_refused_bookings_write_no_audit_entry(teacher, classes, slot):
    """An overlap, a second booking of the same slot and a full slot without a waitlist are
    refused with nothing written: on PostgreSQL by the one statement's conditions."""
    book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    other = factories.SlotFactory(offer=slot.offer, start=slot.start, capacity_classes=5)
    slot.offer.waitlist_enabled = False
    slot.offer.save()

    refused("already_booked", lambda: book(teacher, classes[0], slot))
    refused("class_busy", lambda: book(teacher, classes[0], other))
    refused("slot_full", lambda: book(teacher, classes[2], slot))

    assert AuditEntry.objects.count() == 2
    other.refresh_from_db()
    assert other.booked_classes == 0


def test_confirm_and_decline_are_audited_with_the_host(teacher, host, classes, slot):
    slot.offer.auto_confirm = False
    slot.offer.save()
    confirmed, declined = book(teacher, classes[0], slot), book(teacher, classes[1], slot)

    services.booking_confirm(booking=confirmed, actor=host.user, note="Velkommen")
    services.booking_decline(booking=declined, actor=host.user, note="Desværre")

    assert entries(confirmed)[1:] == [
        (
            "bookings.booking.confirm",
            host.user.pk,
            {"slot": slot.pk, "from_status": "requested", "to_status": "confirmed"},
        )
    ]
    assert entries(declined)[1:] == [
        (
            "bookings.booking.decline",
            host.user.pk,
            {"slot": slot.pk, "from_status": "requested", "to_status": "declined"},
        )
    ]


def test_cancel_and_the_promotion_it_causes_are_audited(teacher, classes, slot):
    """The promoted class's entry has no actor: Brobyg gave it the place."""
    first = book(teacher, classes[0], slot)
    book(teacher, classes[1], slot)
    waiting = book(teacher, classes[2], slot)

    services.booking_cancel(booking=first, actor=teacher.user, note="Syg")

    assert entries(first)[1:] == [
        (
            "bookings.booking.cancel",
            teacher.user.pk,
            {"slot": slot.pk, "from_status": "confirmed", "to_status": "cancelled"},
        )
    ]
    assert entries(waiting)[1:] == [
        ("bookings.booking.promote", None, {"slot": slot.pk, "from_status": "waitlisted", "to_status": "confirmed"})
    ]


def test_a_move_is_audited_with_both_slots(teacher, host, school_class, slot):
    later = factories.SlotFactory(offer=slot.offer, start=slot.start + dt.timedelta(days=7))
    booking = book(teacher, school_class, slot)

    services.booking_move(booking=booking, actor=host.user, slot_id=later.pk, note="Ny dato")

    assert entries(booking)[1:] == [
        (
            "bookings.booking.move",
            host.user.pk,
            {"slot": later.pk, "from_slot": slot.pk, "from_status": "confirmed", "to_status": "confirmed"},
        )
    ]


def test_a_slot_cancelled_by_the_host_audits_each_booking_it_cancels(teacher, host, classes, slot):
    bookings = [book(teacher, classes[0], slot), book(teacher, classes[1], slot)]

    services.slot_cancel(slot=slot, actor=host.user)

    for booking in bookings:
        assert [(action, actor) for action, actor, _ in entries(booking)[1:]] == [
            ("bookings.booking.cancel", host.user.pk)
        ]


def test_an_expired_request_is_audited_without_an_actor(teacher, school_class, slot):
    slot.offer.auto_confirm = False
    slot.offer.save()
    request = book(teacher, school_class, slot)
    Slot.objects.filter(pk=slot.pk).update(booking_deadline=timezone.now() - dt.timedelta(minutes=1))

    services.requests_expire()

    assert entries(request)[1:] == [
        ("bookings.booking.expire", None, {"slot": slot.pk, "from_status": "requested", "to_status": "cancelled"})
    ]


def test_booking_creation_through_the_api_is_a_fixed_set_of_statements(teacher, school_class, slot):
    """The token lookup, then on PostgreSQL the read that locks the class and the one statement
    that checks, claims, inserts and audits; on SQLite the read, the conflict check, the claim
    and three inserts (booking, event, audit entry). Ten at most with the transaction's own."""
    client = client_for(teacher.user)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20}, format="json"
        )

    assert response.status_code == 201
    data = [query["sql"] for query in queries if not query["sql"].upper().startswith(TRANSACTION_CONTROL)]
    expected = 3 if connection.vendor == "postgresql" else 7
    assert len(data) == expected, data
    assert len(queries) <= 10
    assert AuditEntry.objects.filter(action="bookings.booking.create").count() == 1
