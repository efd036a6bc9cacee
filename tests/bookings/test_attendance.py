"""The host marks, once a visit has begun, whether a confirmed class came."""

import datetime as dt

import pytest
import time_machine

from bookings import services
from bookings.models import Booking, BookingEvent
from tests.bookings.test_booking_services import book, refused
from tests.conftest import client_for


def after_start(slot) -> time_machine.travel:
    return time_machine.travel(slot.start + dt.timedelta(minutes=30), tick=False)


def test_host_marks_a_confirmed_booking_attended_after_the_start(teacher, host, school_class, slot):
    booking = book(teacher, school_class, slot)

    with after_start(slot):
        services.booking_attendance_mark(booking=booking, actor=host.user, attended=True)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    event = booking.events.last()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        BookingEvent.Action.ATTENDED,
        "confirmed",
        "completed",
        host.user,
    )


def test_host_marks_a_no_show_and_may_correct_it(teacher, host, school_class, slot):
    booking = book(teacher, school_class, slot)

    with after_start(slot):
        services.booking_attendance_mark(booking=booking, actor=host.user, attended=False)
        booking.refresh_from_db()
        assert booking.status == Booking.Status.NO_SHOW
        services.booking_attendance_mark(booking=booking, actor=host.user, attended=True)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.COMPLETED
    assert list(booking.events.values_list("action", flat=True))[-2:] == ["no_show", "attended"]


def test_marking_as_it_already_is_records_nothing(teacher, host, school_class, slot):
    booking = book(teacher, school_class, slot)
    with after_start(slot):
        services.booking_attendance_mark(booking=booking, actor=host.user, attended=True)
        services.booking_attendance_mark(booking=booking, actor=host.user, attended=True)

    assert booking.events.filter(action=BookingEvent.Action.ATTENDED).count() == 1


def test_attendance_is_refused_before_the_slot_starts(teacher, host, school_class, slot):
    booking = book(teacher, school_class, slot)

    refused(
        "attendance_before_start",
        lambda: services.booking_attendance_mark(booking=booking, actor=host.user, attended=True),
    )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_attendance_is_refused_to_the_teacher_and_another_company(teacher, other_host, school_class, slot):
    booking = book(teacher, school_class, slot)

    with after_start(slot):
        refused(
            "not_allowed", lambda: services.booking_attendance_mark(booking=booking, actor=teacher.user, attended=True)
        )
        refused(
            "not_allowed",
            lambda: services.booking_attendance_mark(booking=booking, actor=other_host.user, attended=False),
        )

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_the_consultant_may_mark_attendance(teacher, consultant, school_class, slot):
    booking = book(teacher, school_class, slot)

    with after_start(slot):
        services.booking_attendance_mark(booking=booking, actor=consultant, attended=False)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.NO_SHOW


@pytest.mark.parametrize("status", [Booking.Status.REQUESTED, Booking.Status.WAITLISTED, Booking.Status.CANCELLED])
def test_attendance_is_refused_unless_confirmed_or_marked(teacher, host, school_class, slot, status):
    booking = book(teacher, school_class, slot)
    Booking.objects.filter(pk=booking.pk).update(status=status)

    with after_start(slot):
        refused(
            "wrong_status", lambda: services.booking_attendance_mark(booking=booking, actor=host.user, attended=True)
        )


def test_attendance_marking_leaves_the_calendar_sequence_alone(teacher, host, school_class, slot):
    """Whether a class came changes nobody's calendar, so no invite is re-sent."""
    booking = book(teacher, school_class, slot)
    before = Booking.objects.get(pk=booking.pk).invite_sequence

    with after_start(slot):
        services.booking_attendance_mark(booking=booking, actor=host.user, attended=True)

    assert Booking.objects.get(pk=booking.pk).invite_sequence == before


def test_attendance_through_the_api(teacher, host, school_class, slot):
    booking = book(teacher, school_class, slot)
    url = f"/api/v1/bookings/{booking.pk}/attendance/"

    with after_start(slot):
        refused_response = client_for(teacher.user).post(url, {"attended": True}, format="json")
        missing = client_for(host.user).post(url, {}, format="json")
        response = client_for(host.user).post(url, {"attended": False}, format="json")

    assert refused_response.status_code == 403
    assert refused_response.json()["code"] == "not_allowed"
    assert missing.status_code == 400
    assert response.status_code == 200
    assert response.json()["status"] == "no_show"
