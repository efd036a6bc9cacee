"""What a teacher's home lists, and cancelling with a confirmation step."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from bookings import services
from bookings.models import Booking
from core.dates import school_year_of
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def school_class(school_class):
    school_class.school_year = school_year_of(timezone.localdate())
    school_class.save()
    return school_class


def _book(teacher, slot, school_class, pupils=20) -> Booking:
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils)


@pytest.fixture
def three_kinds(teacher, school, school_class, other_teacher, other_class, offer):
    """A confirmed visit, a request awaiting the host, and a class second on a waitlist."""
    confirmed = _book(teacher, factories.SlotFactory(offer=offer), school_class)
    manual = factories.OfferFactory(company=offer.company, title="Ekspertbesøg om robotter", auto_confirm=False)
    requested_class = factories.SchoolClassFactory(
        school=school, name="9.R", grade=9, school_year=school_class.school_year
    )
    requested = _book(
        teacher, factories.SlotFactory(offer=manual, start=timezone.now() + dt.timedelta(days=20)), requested_class
    )
    small = factories.SlotFactory(offer=offer, capacity_classes=1, start=timezone.now() + dt.timedelta(days=25))
    _book(other_teacher, small, other_class)
    third = factories.SchoolClassFactory(school=other_teacher.school, name="8.Z", grade=8)
    _book(other_teacher, small, third)  # first on the waitlist
    waiting_class = factories.SchoolClassFactory(
        school=school, name="7.W", grade=7, school_year=school_class.school_year
    )
    waiting = _book(teacher, small, waiting_class)
    return {"confirmed": confirmed, "requested": requested, "waiting": waiting}


def test_teacher_home_lists_requests_waitlist_places_and_coming_visits(client, teacher, three_kinds):
    """Each coming booking is listed with its date, offer, class and status; a waitlist place
    says where in the queue the class stands."""
    client.force_login(teacher.user)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert list(response.context["awaiting_host"]) == [three_kinds["requested"]]
    assert [(booking, booking.position) for booking in response.context["waitlisted"]] == [(three_kinds["waiting"], 2)]
    assert list(response.context["coming"]) == [three_kinds["confirmed"]]
    page = response.content.decode()
    for booking in three_kinds.values():
        assert reverse("booking-page", args=[booking.pk]) in page
        assert booking.school_class.name in page
        assert formats.date_format(timezone.localtime(booking.slot.start), "j. F Y") in page
    assert "Ekspertbesøg om robotter" in page
    assert "nr. 2 på ventelisten" in page
    assert "status-requested" in page and "status-confirmed" in page and "status-waitlisted" in page


def test_teacher_home_leaves_out_past_and_cancelled_bookings(client, teacher, school_class, offer):
    booking = _book(teacher, factories.SlotFactory(offer=offer), school_class)
    services.booking_cancel(booking=booking, actor=teacher.user)
    client.force_login(teacher.user)

    response = client.get(reverse("home"))

    assert not response.context["coming"] and not response.context["awaiting_host"]
    assert not response.context["waitlisted"]


def test_teacher_home_does_not_show_another_schools_bookings(client, other_teacher, three_kinds):
    client.force_login(other_teacher.user)

    response = client.get(reverse("home"))

    assert three_kinds["confirmed"] not in response.context["coming"]
    assert three_kinds["requested"] not in response.context["awaiting_host"]


# Cancelling asks first -----------------------------------------------------------------------


def test_cancel_button_asks_for_confirmation_before_cancelling(client, teacher, school_class, slot):
    """The first submit shows what will be cancelled and keeps the note; nothing changes yet."""
    booking = _book(teacher, slot, school_class)
    client.force_login(teacher.user)

    response = client.post(reverse("booking-cancel", args=[booking.pk]), {"note": "Syg klasse"})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="confirm"' in page
    assert "Syg klasse" in page
    assert f'action="{reverse("booking-cancel", args=[booking.pk])}"' in page
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_cancel_confirm_page_opens_without_javascript(client, teacher, school_class, slot):
    booking = _book(teacher, slot, school_class)
    client.force_login(teacher.user)

    response = client.get(reverse("booking-cancel", args=[booking.pk]))

    assert response.status_code == 200
    assert 'name="confirm"' in response.content.decode()
    assert booking.slot.offer.title in response.content.decode()


def test_confirmed_cancel_cancels(client, teacher, school_class, slot):
    booking = _book(teacher, slot, school_class)
    client.force_login(teacher.user)

    response = client.post(reverse("booking-cancel", args=[booking.pk]), {"note": "Syg klasse", "confirm": "yes"})

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.events.last().note == "Syg klasse"


@pytest.mark.parametrize("who", ["other_teacher", "other_host"])
def test_cancel_confirm_page_is_404_for_others(client, request, teacher, school_class, slot, who):
    booking = _book(teacher, slot, school_class)
    client.force_login(request.getfixturevalue(who).user)

    assert client.get(reverse("booking-cancel", args=[booking.pk])).status_code == 404


def test_cancel_confirm_page_of_a_cancelled_booking_goes_back_to_the_booking(client, teacher, school_class, slot):
    booking = _book(teacher, slot, school_class)
    services.booking_cancel(booking=booking, actor=teacher.user)
    client.force_login(teacher.user)

    response = client.get(reverse("booking-cancel", args=[booking.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("booking-page", args=[booking.pk])


@pytest.mark.parametrize("data", [{"note": "x" * 5000, "confirm": "yes"}, {"note": "\x00", "confirm": "yes"}])
def test_cancel_garbage_shows_the_error_next_to_the_note(client, teacher, school_class, slot, data):
    booking = _book(teacher, slot, school_class)
    client.force_login(teacher.user)

    response = client.post(reverse("booking-cancel", args=[booking.pk]), data)

    assert response.status_code == 200
    assert response.context["form"].errors.get("note")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
