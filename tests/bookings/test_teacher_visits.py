"""Teacher visits (lærerpraktik): a teacher books a place for themselves, without a class or
pupils; the slot's places count teachers."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bookings import services
from bookings.models import Booking, Offer
from tests import factories
from tests.bookings.test_booking_services import refused
from tests.conftest import client_for


@pytest.fixture
def visit_offer(company, host):
    return factories.OfferFactory(
        company=company, contact=host, kind=Offer.Kind.TEACHER_VISIT, title="Lærerpraktik i produktionen"
    )


@pytest.fixture
def visit_slot(visit_offer):
    return factories.SlotFactory(offer=visit_offer, capacity_classes=3, capacity_pupils=30)


def visit(teacher, slot, **arguments) -> Booking:
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, **arguments)


def test_teacher_books_a_teacher_visit_for_themselves(teacher, visit_slot):
    """Confirmed at once on an auto-confirm offer; no class, no pupils, the teacher the one adult."""
    booking = visit(teacher, visit_slot)

    booking.refresh_from_db()
    visit_slot.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert (booking.school_class_id, booking.teacher_id, booking.pupils, booking.adults) == (None, teacher.pk, 0, 1)
    assert (visit_slot.booked_classes, visit_slot.booked_pupils) == (1, 0)
    assert list(booking.events.values_list("action", "actor")) == [("confirmed", teacher.user.pk)]


def test_teacher_visit_awaits_the_host_on_a_manual_offer(teacher, visit_slot):
    Offer.objects.filter(pk=visit_slot.offer_id).update(auto_confirm=False)

    booking = visit(teacher, visit_slot)

    assert booking.status == Booking.Status.REQUESTED
    assert booking.participant == teacher.user.get_full_name()
    assert booking.school == teacher.school


def test_teacher_visit_places_count_teachers(visit_slot):
    """Three places: three teachers get one each, the fourth goes on the waitlist."""
    teachers = [factories.TeacherFactory() for _ in range(4)]

    statuses = [visit(teacher, visit_slot).status for teacher in teachers]

    assert statuses == ["confirmed", "confirmed", "confirmed", "waitlisted"]
    visit_slot.refresh_from_db()
    assert (visit_slot.booked_classes, visit_slot.booked_pupils) == (3, 0)


def test_full_teacher_visit_without_waitlist_refuses_the_next_teacher(visit_slot):
    Offer.objects.filter(pk=visit_slot.offer_id).update(waitlist_enabled=False)
    for _ in range(3):
        visit(factories.TeacherFactory(), visit_slot)

    refused("slot_full", lambda: visit(factories.TeacherFactory(), visit_slot))


def test_cancelled_teacher_visit_gives_the_place_to_the_next_teacher(host, visit_slot):
    teachers = [factories.TeacherFactory() for _ in range(4)]
    first, *_, waiting = [visit(teacher, visit_slot) for teacher in teachers]

    services.booking_cancel(booking=first, actor=host.user)

    waiting.refresh_from_db()
    visit_slot.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert (visit_slot.booked_classes, visit_slot.booked_pupils) == (3, 0)


def test_teacher_cannot_hold_two_overlapping_teacher_visits(teacher, company, visit_slot):
    other_offer = factories.OfferFactory(
        company=company, kind=Offer.Kind.TEACHER_VISIT, title="Lærerpraktik på lageret"
    )
    overlapping = factories.SlotFactory(offer=other_offer, start=visit_slot.start + dt.timedelta(hours=1))
    visit(teacher, visit_slot)

    refused("teacher_busy", lambda: visit(teacher, overlapping))
    refused("already_booked", lambda: visit(teacher, visit_slot))


def test_teacher_visit_after_another_is_allowed(teacher, visit_offer, visit_slot):
    later = factories.SlotFactory(offer=visit_offer, start=visit_slot.end)
    visit(teacher, visit_slot)

    assert visit(teacher, later).status == Booking.Status.CONFIRMED


def test_class_cannot_book_a_teacher_visit(teacher, school_class, visit_slot):
    error = refused("class_not_for_teacher_visit", lambda: visit(teacher, visit_slot, school_class_id=school_class.pk))

    assert error.field == "school_class"
    assert not Booking.objects.exists()


def test_company_visit_needs_a_class(teacher, slot):
    error = refused("class_required", lambda: visit(teacher, slot))

    assert error.field == "school_class"


def test_class_booking_needs_pupils(teacher, school_class, slot):
    refused("pupils_required", lambda: visit(teacher, slot, school_class_id=school_class.pk, pupils=0))


def test_teacher_visit_takes_no_pupils(teacher, visit_slot):
    error = refused("no_pupils_on_teacher_visit", lambda: visit(teacher, visit_slot, pupils=5))

    assert error.field == "pupils"


def test_teacher_visit_ignores_the_offers_grades(teacher, visit_offer, visit_slot):
    """Grades are about classes; a teacher visit for grades 10–13 still takes a teacher of any school."""
    Offer.objects.filter(pk=visit_offer.pk).update(grade_min=10, grade_max=13)

    assert visit(teacher, visit_slot).status == Booking.Status.CONFIRMED


def test_consultant_books_a_teacher_visit_for_a_teacher(consultant, teacher, visit_slot):
    booking = services.booking_create(actor=consultant, slot_id=visit_slot.pk, teacher_id=teacher.pk)

    assert (booking.teacher_id, booking.booked_by_id) == (teacher.pk, consultant.pk)


def test_teacher_cannot_book_a_teacher_visit_for_a_colleague(teacher, visit_slot):
    colleague = factories.TeacherFactory(school=teacher.school)

    refused("teacher_not_found", lambda: visit(teacher, visit_slot, teacher_id=colleague.pk))


def test_host_cannot_book_a_teacher_visit(host, visit_slot):
    refused("teacher_not_found", lambda: services.booking_create(actor=host.user, slot_id=visit_slot.pk))


def test_teacher_visit_moves_to_another_slot_of_the_offer(teacher, visit_offer, visit_slot):
    later = factories.SlotFactory(offer=visit_offer, start=visit_slot.start + dt.timedelta(days=7))
    booking = visit(teacher, visit_slot)

    services.booking_move(booking=booking, actor=teacher.user, slot_id=later.pk)

    booking.refresh_from_db()
    later.refresh_from_db()
    assert (booking.slot_id, later.booked_classes, later.booked_pupils) == (later.pk, 1, 0)


def test_database_refuses_a_booking_with_neither_class_nor_teacher(teacher, visit_slot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=visit_slot, booked_by=teacher.user, pupils=0, status="confirmed")


def test_database_refuses_a_teacher_booking_with_pupils(teacher, visit_slot):
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=visit_slot, teacher=teacher, booked_by=teacher.user, pupils=3, status="confirmed")


def test_older_teacher_visit_booked_for_a_class_stays_valid(teacher, school_class, visit_slot):
    """Before teacher visits were booked by teachers, a class could book one: such rows remain."""
    booking = Booking.objects.create(
        slot=visit_slot, school_class=school_class, booked_by=teacher.user, pupils=20, status="confirmed"
    )

    assert booking.participant == school_class.name


# The API ----------------------------------------------------------------------------------


def test_teacher_books_a_teacher_visit_through_the_api(teacher, teacher_client, visit_slot):
    """No class and no pupils in the body; the answer names the teacher instead of a class."""
    response = teacher_client.post("/api/v1/bookings/", {"slot": visit_slot.pk}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["school_class"], body["class_name"], body["pupils"]) == ("confirmed", None, None, 0)
    assert (body["teacher"], body["teacher_name"]) == (teacher.pk, teacher.user.get_full_name())
    assert (body["school"], body["school_name"]) == (teacher.school_id, teacher.school.name)


def test_api_refuses_a_class_on_a_teacher_visit(teacher_client, school_class, visit_slot):
    response = teacher_client.post(
        "/api/v1/bookings/", {"slot": visit_slot.pk, "school_class": school_class.pk, "pupils": 20}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "class_not_for_teacher_visit"
    assert "school_class" in response.json()


def test_api_asks_for_a_class_on_a_company_visit(teacher_client, slot):
    response = teacher_client.post("/api/v1/bookings/", {"slot": slot.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "class_required"


def test_teacher_visit_is_listed_for_the_teacher_and_the_host_only(teacher, host, other_teacher, visit_slot):
    booking = visit(teacher, visit_slot)

    def listed(user) -> set[int]:
        return {row["id"] for row in client_for(user).get("/api/v1/bookings/").json()["results"]}

    assert booking.pk in listed(teacher.user)
    assert booking.pk in listed(host.user)
    assert booking.pk not in listed(other_teacher.user)


def test_hand_written_teacher_visit_representation_matches_drf_field_by_field(teacher, visit_slot):
    from rest_framework import serializers as drf

    from bookings.api import BookingSerializer

    class GenericBookingSerializer(BookingSerializer):
        to_representation = drf.ModelSerializer.to_representation

    visit(teacher, visit_slot)
    booking = Booking.objects.select_related("slot__offer__company", "teacher__user", "teacher__school").get()

    assert BookingSerializer(booking).data == GenericBookingSerializer(booking).data


def test_slot_time_change_that_would_double_book_a_teacher_is_refused(teacher, host, company, visit_slot):
    """Moving a teacher-visit slot onto the time of another visit the teacher holds is refused,
    naming the teacher; the slot keeps its time."""
    other_offer = factories.OfferFactory(
        company=company, kind=Offer.Kind.TEACHER_VISIT, title="Lærerpraktik på lageret"
    )
    other = factories.SlotFactory(offer=other_offer, start=visit_slot.start + dt.timedelta(days=1))
    visit(teacher, visit_slot)
    visit(teacher, other)
    old_start = visit_slot.start

    error = refused(
        "class_busy_after_move",
        lambda: services.slot_update(
            slot=visit_slot, actor=host.user, start=other.start + dt.timedelta(minutes=30), end=other.end
        ),
    )

    assert error.field == "start"
    assert teacher.user.get_full_name() in str(error)
    visit_slot.refresh_from_db()
    assert visit_slot.start == old_start
