"""Teacher visits in the pages: the offer page's form asks for a time only, and the booking
shows the teacher instead of a class, to the teacher and to the host."""

import datetime as dt

import pytest
from django.urls import reverse

from bookings import services
from bookings.models import Booking, Offer
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_offer(company, host):
    return factories.OfferFactory(company=company, contact=host, kind=Offer.Kind.TEACHER_VISIT, title="Lærerpraktik")


@pytest.fixture
def visit_slot(visit_offer):
    return factories.SlotFactory(offer=visit_offer, capacity_classes=3, capacity_pupils=30)


@pytest.fixture
def named_teacher(teacher):
    teacher.user.first_name, teacher.user.last_name = "Mette", "Hansen"
    teacher.user.save()
    return teacher


def test_teacher_visit_form_has_no_class_or_pupils(client, teacher, school_class, visit_offer, visit_slot):
    """A time and a message; the free places are counted in teachers."""
    client.force_login(teacher.user)

    page = client.get(reverse("offer-detail", args=[visit_offer.pk])).content.decode()

    assert 'name="slot"' in page
    assert 'name="message"' in page
    assert 'name="school_class"' not in page
    assert 'name="pupils"' not in page
    assert 'name="adults"' not in page
    assert "3 pladser til lærere" in page


def test_company_visit_form_still_asks_for_class_and_pupils(client, teacher, school_class, offer, slot):
    client.force_login(teacher.user)

    page = client.get(reverse("offer-detail", args=[offer.pk])).content.decode()

    assert 'name="school_class"' in page
    assert 'name="pupils"' in page


def test_teacher_books_a_teacher_visit_on_the_offer_page(client, named_teacher, visit_offer, visit_slot):
    client.force_login(named_teacher.user)

    response = client.post(reverse("offer-detail", args=[visit_offer.pk]), {"slot": visit_slot.pk, "message": "Hej"})

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking-page", args=[booking.pk])
    assert (booking.school_class_id, booking.teacher_id, booking.pupils, booking.message) == (
        None,
        named_teacher.pk,
        0,
        "Hej",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Dit lærerbesøg er bekræftet" in page
    assert "Mette Hansen" in page
    assert "elever" not in page


def test_teacher_home_lists_the_teachers_own_teacher_visits(client, named_teacher, visit_slot):
    services.booking_create(actor=named_teacher.user, slot_id=visit_slot.pk)
    client.force_login(named_teacher.user)

    page = client.get(reverse("home")).content.decode()

    assert "Dine lærerbesøg" in page
    assert "Lærerpraktik" in page


def test_host_sees_the_teacher_on_the_offer_page_and_home(client, host, named_teacher, visit_offer, visit_slot):
    Offer.objects.filter(pk=visit_offer.pk).update(auto_confirm=False)
    services.booking_create(actor=named_teacher.user, slot_id=visit_slot.pk)
    client.force_login(host.user)

    home = client.get(reverse("home")).content.decode()
    manage = client.get(reverse("host-offer", args=[visit_offer.pk])).content.decode()

    assert f"Mette Hansen, {named_teacher.school.name}" in home
    assert "Mette Hansen" in manage
    assert "3 pladser til lærere" in manage
    assert "Pladser til lærere" in manage  # the new slot's capacity field


def test_host_confirms_a_teachers_request_by_name(client, host, named_teacher, visit_offer, visit_slot):
    Offer.objects.filter(pk=visit_offer.pk).update(auto_confirm=False)
    booking = services.booking_create(actor=named_teacher.user, slot_id=visit_slot.pk)
    client.force_login(host.user)

    response = client.post(reverse("booking-confirm", args=[booking.pk]), {"note": ""}, follow=True)

    assert "Mette Hansen" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_participants_csv_lists_a_teacher_visit_without_a_class(client, host, named_teacher, visit_offer, visit_slot):
    services.booking_create(actor=named_teacher.user, slot_id=visit_slot.pk)
    client.force_login(host.user)

    response = client.get(reverse("host-participants-csv", args=[visit_offer.pk]))

    assert response.status_code == 200
    assert "Mette Hansen" in response.content.decode("utf-8-sig")


def test_catalogue_still_lists_teacher_visits(client, teacher, visit_offer, visit_slot):
    client.force_login(teacher.user)

    page = client.get(reverse("offer-catalogue")).content.decode()

    assert "Lærerpraktik" in page


def test_move_form_counts_free_places_in_teachers(client, named_teacher, visit_offer, visit_slot):
    factories.SlotFactory(offer=visit_offer, start=visit_slot.start + dt.timedelta(days=7), capacity_classes=2)
    booking = services.booking_create(actor=named_teacher.user, slot_id=visit_slot.pk)
    client.force_login(named_teacher.user)

    page = client.get(reverse("booking-page", args=[booking.pk])).content.decode()

    assert "2 ledige pladser til lærere" in page
