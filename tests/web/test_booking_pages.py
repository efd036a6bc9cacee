"""The teacher's and host's booking pages, through the Django test client."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from core.dates import school_year_of
from tests import factories

pytestmark = pytest.mark.django_db


def _this_school_year() -> int:
    return school_year_of(timezone.localdate())


@pytest.fixture
def school_class(school_class):
    """The shared fixture's class, moved to the current school year so the pages list it."""
    school_class.school_year = _this_school_year()
    school_class.save()
    return school_class


def _book(client, offer, slot, school_class, **extra):
    data = {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20, "adults": 2, "message": "Vi glæder os"}
    return client.post(reverse("offer-detail", args=[offer.pk]), data | extra)


def _booking(teacher, slot, school_class, pupils=20):
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils)


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# Offer page ---------------------------------------------------------------------------------


def test_offer_page_shows_company_role_models_and_slots(client, offer, slot):
    factories.RoleModelFactory(company=offer.company, name="Maja Østergård", is_young_ambassador=True)
    offer.practical_notes = "Sikkerhedssko udleveres."
    offer.save()
    response = client.get(reverse("offer-detail", args=[offer.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert offer.company.name in page
    assert "Maja" in page and "Østergård" not in page  # first names only, in public
    assert "Sikkerhedssko udleveres." in page
    assert f'id="slot-{slot.pk}"' in page
    assert timezone.localtime(slot.start).strftime("%H:%M") in page
    assert response.context["form"] is None
    assert reverse("login") in page


def test_unpublished_offer_is_404_for_a_teacher(client, teacher, offer):
    offer.is_published = False
    offer.save()
    client.force_login(teacher.user)
    assert client.get(reverse("offer-detail", args=[offer.pk])).status_code == 404


def test_teacher_books_from_the_offer_page_and_sees_it_on_the_class_page(client, teacher, school_class, offer, slot):
    client.force_login(teacher.user)
    page = client.get(reverse("offer-detail", args=[offer.pk]))
    assert page.context["form"].fields["slot"].queryset.filter(pk=slot.pk).exists()
    assert page.context["form"]["pupils"].initial == school_class.pupils

    response = _book(client, offer, slot, school_class)

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("booking-page", args=[booking.pk])
    assert (booking.status, booking.pupils, booking.adults, booking.message) == ("confirmed", 20, 2, "Vi glæder os")
    followed = client.get(response["Location"])
    assert any("bekræftet" in message for message in _messages(followed))
    class_page = client.get(reverse("class-detail", args=[school_class.pk]))
    assert list(class_page.context["bookings"]) == [booking]
    assert reverse("booking-page", args=[booking.pk]) in class_page.content.decode()


def test_empty_pupils_books_the_whole_class(client, teacher, school_class, offer, slot):
    client.force_login(teacher.user)
    _book(client, offer, slot, school_class, pupils="")
    assert Booking.objects.get().pupils == school_class.pupils


def test_success_message_says_awaiting_the_host(client, teacher, school_class, offer, slot):
    offer.auto_confirm = False
    offer.save()
    client.force_login(teacher.user)
    response = _book(client, offer, slot, school_class)
    assert Booking.objects.get().status == "requested"
    assert any("afventer værtens" in message for message in _messages(client.get(response["Location"])))


def test_success_message_says_waitlisted(client, teacher, school_class, offer):
    full = factories.SlotFactory(offer=offer, capacity_classes=1, capacity_pupils=30, booked_classes=1)
    client.force_login(teacher.user)
    response = _book(client, offer, full, school_class)
    assert Booking.objects.get().status == "waitlisted"
    assert any("venteliste" in message for message in _messages(client.get(response["Location"])))


def test_full_slot_without_waitlist_is_refused_next_to_the_slot(client, teacher, school_class, offer):
    offer.waitlist_enabled = False
    offer.save()
    full = factories.SlotFactory(offer=offer, capacity_classes=1, capacity_pupils=30, booked_classes=1)
    client.force_login(teacher.user)
    response = _book(client, offer, full, school_class)
    assert response.status_code == 200
    assert response.context["form"].errors["slot"] == [str(services.SLOT_FULL)]
    page = response.content.decode()
    slot_field = page[page.index('<label for="id_slot">') : page.index('<label for="id_school_class">')]
    assert 'id="id_slot_error"' in slot_field
    assert str(services.SLOT_FULL) in slot_field
    assert not Booking.objects.exists()


def test_grade_not_eligible_is_refused_next_to_the_class(client, teacher, school, offer, slot):
    small = factories.SchoolClassFactory(school=school, name="3.A", grade=3, pupils=20, school_year=_this_school_year())
    client.force_login(teacher.user)
    response = _book(client, offer, slot, small)
    assert response.status_code == 200
    assert response.context["form"].errors["school_class"] == [str(services.GRADE_NOT_ELIGIBLE)]
    assert not Booking.objects.exists()


def test_busy_class_is_refused_next_to_the_class(client, teacher, school_class, offer, slot):
    other_offer = factories.OfferFactory(company=offer.company)
    same_time = factories.SlotFactory(offer=other_offer, start=slot.start, end=slot.end)
    _booking(teacher, same_time, school_class)
    client.force_login(teacher.user)
    response = _book(client, offer, slot, school_class)
    assert response.status_code == 200
    assert response.context["form"].errors["school_class"] == [str(services.CLASS_BUSY)]
    assert Booking.objects.count() == 1


def test_already_booked_is_refused_next_to_the_slot(client, teacher, school_class, offer, slot):
    _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    response = _book(client, offer, slot, school_class)
    assert response.status_code == 200
    assert response.context["form"].errors["slot"] == [str(services.ALREADY_BOOKED)]
    assert Booking.objects.count() == 1


def test_past_deadline_is_refused_with_its_reason(client, teacher, school_class, offer):
    late = factories.SlotFactory(
        offer=offer,
        start=timezone.now() + dt.timedelta(hours=10),
        booking_deadline=timezone.now() - dt.timedelta(hours=1),
    )
    client.force_login(teacher.user)
    response = _book(client, offer, late, school_class)
    assert response.status_code == 200
    assert response.context["form"].errors["slot"] == [str(services.DEADLINE_PASSED)]
    assert not Booking.objects.exists()


def test_other_schools_class_and_other_offers_slot_are_not_choices(client, teacher, other_class, offer, slot):
    foreign_slot = factories.SlotFactory(offer=factories.OfferFactory())
    client.force_login(teacher.user)
    response = _book(client, offer, slot, other_class)
    assert response.status_code == 200
    assert "school_class" in response.context["form"].errors
    response = _book(client, offer, foreign_slot, other_class)
    assert "slot" in response.context["form"].errors
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"slot": "999999", "school_class": "999999", "pupils": "abc", "adults": "-1"},
        {"slot": "abc", "school_class": "x", "pupils": "99999999999999999999", "adults": ""},
        {"slot": "99999999999999999999999", "pupils": "1e5"},
        {},
    ],
)
def test_garbage_booking_post_never_500(client, teacher, school_class, offer, slot, data):
    client.force_login(teacher.user)
    response = client.post(reverse("offer-detail", args=[offer.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Booking.objects.exists()


def test_too_many_pupils_is_refused_next_to_pupils(client, teacher, school_class, offer, slot):
    client.force_login(teacher.user)
    response = _book(client, offer, slot, school_class, pupils=61)
    assert response.status_code == 200
    assert response.context["form"].errors["pupils"] == [str(services.SLOT_TOO_SMALL)]


def test_anonymous_post_to_offer_page_goes_to_login(client, offer, slot, school_class):
    response = _book(client, offer, slot, school_class)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not Booking.objects.exists()


def test_host_cannot_book(client, host, offer, slot, school_class):
    client.force_login(host.user)
    assert client.get(reverse("offer-detail", args=[offer.pk])).context["form"] is None
    assert _book(client, offer, slot, school_class).status_code == 403
    assert not Booking.objects.exists()


# Booking page ------------------------------------------------------------------------------


def test_booking_page_shows_the_booking_and_its_history(client, teacher, school_class, slot):
    booking = _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    response = client.get(reverse("booking-page", args=[booking.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "status-confirmed" in page
    assert school_class.school.name in page
    assert slot.offer.company.name in page
    assert len(response.context["events"]) == 1
    assert response.context["can_cancel"] and response.context["can_move"]
    assert not response.context["can_confirm"]


def test_anonymous_is_sent_to_login(client, teacher, school_class, slot):
    booking = _booking(teacher, slot, school_class)
    for name in ("booking-page", "booking-cancel", "booking-move", "booking-confirm", "booking-decline"):
        response = (
            client.post(reverse(name, args=[booking.pk]))
            if name != "booking-page"
            else client.get(reverse(name, args=[booking.pk]))
        )
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Booking.objects.get().status == "confirmed"


@pytest.mark.parametrize("who", ["other_teacher", "other_host"])
def test_other_school_and_other_company_get_404(client, request, teacher, school_class, slot, who):
    booking = _booking(teacher, slot, school_class)
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(reverse("booking-page", args=[booking.pk])).status_code == 404
    for name in ("booking-cancel", "booking-move", "booking-confirm", "booking-decline"):
        assert client.post(reverse(name, args=[booking.pk]), {"slot": slot.pk}).status_code == 404
    assert Booking.objects.get().status == "confirmed"


def test_consultant_sees_every_booking(client, consultant, teacher, school_class, slot):
    booking = _booking(teacher, slot, school_class)
    client.force_login(consultant)
    assert client.get(reverse("booking-page", args=[booking.pk])).status_code == 200


def test_host_confirms_a_request(client, host, teacher, school_class, offer, slot):
    offer.auto_confirm = False
    offer.save()
    booking = _booking(teacher, slot, school_class)
    client.force_login(host.user)
    page = client.get(reverse("booking-page", args=[booking.pk]))
    assert page.context["can_confirm"] and page.context["can_decline"] and not page.context["can_cancel"]
    response = client.post(reverse("booking-confirm", args=[booking.pk]), {"note": "Velkommen!"})
    assert response.status_code == 302
    assert response["Location"] == reverse("booking-page", args=[booking.pk])
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert booking.events.last().note == "Velkommen!"


def test_host_declines_a_request(client, host, teacher, school_class, offer, slot):
    offer.auto_confirm = False
    offer.save()
    booking = _booking(teacher, slot, school_class)
    client.force_login(host.user)
    client.post(reverse("booking-decline", args=[booking.pk]), {"note": "Desværre"})
    booking.refresh_from_db()
    assert booking.status == "declined"


def test_confirming_twice_shows_an_error_not_a_500(client, host, teacher, school_class, slot):
    booking = _booking(teacher, slot, school_class)  # auto-confirmed already
    client.force_login(host.user)
    response = client.post(reverse("booking-confirm", args=[booking.pk]), follow=True)
    assert response.status_code == 200
    assert str(services.WRONG_STATUS) in _messages(response)


def test_teacher_cannot_confirm_or_decline_own_request(client, teacher, school_class, offer, slot):
    """Answering a request is the host's: the school's side gets 403, as from the API."""
    offer.auto_confirm = False
    offer.save()
    booking = _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    assert client.post(reverse("booking-confirm", args=[booking.pk])).status_code == 403
    assert client.post(reverse("booking-decline", args=[booking.pk])).status_code == 403
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_teacher_cancels(client, teacher, school_class, slot):
    booking = _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    response = client.post(
        reverse("booking-cancel", args=[booking.pk]), {"note": "Syg klasse", "confirm": "yes"}, follow=True
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == "cancelled"
    assert slot.booked_classes == 0
    assert booking.events.last().note == "Syg klasse"
    assert not response.context["can_cancel"]


def test_cancel_after_deadline_shows_the_reason(client, teacher, school_class, offer):
    soon = factories.SlotFactory(
        offer=offer,
        start=timezone.now() + dt.timedelta(hours=30),
        booking_deadline=timezone.now() + dt.timedelta(hours=1),
    )
    booking = _booking(teacher, soon, school_class)
    client.force_login(teacher.user)
    response = client.post(reverse("booking-cancel", args=[booking.pk]), {"confirm": "yes"}, follow=True)
    assert str(services.CANCELLATION_DEADLINE_PASSED) in _messages(response)
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_teacher_moves_to_another_slot(client, teacher, school_class, offer, slot):
    later = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7))
    booking = _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    page = client.get(reverse("booking-page", args=[booking.pk]))
    assert list(page.context["move_form"].fields["slot"].queryset) == [later]
    response = client.post(reverse("booking-move", args=[booking.pk]), {"slot": later.pk, "note": "Ny dato"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot_id == later.pk
    assert booking.events.last().action == "moved"


def test_move_to_another_offers_slot_is_refused(client, teacher, school_class, slot):
    foreign = factories.SlotFactory(offer=factories.OfferFactory())
    booking = _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    response = client.post(reverse("booking-move", args=[booking.pk]), {"slot": foreign.pk}, follow=True)
    assert response.status_code == 200
    assert _messages(response)
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk


@pytest.mark.parametrize("data", [{"slot": "999999"}, {"slot": "abc"}, {}, {"slot": "9" * 30, "note": "x" * 5000}])
def test_garbage_move_post_never_500(client, teacher, school_class, slot, data):
    booking = _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    response = client.post(reverse("booking-move", args=[booking.pk]), data, follow=True)
    assert response.status_code == 200
    assert _messages(response)
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk


def test_actions_refuse_get(client, teacher, school_class, slot):
    booking = _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    assert client.get(reverse("booking-move", args=[booking.pk])).status_code == 405


# Teacher home and class page ---------------------------------------------------------------


def test_teacher_home_lists_this_years_classes_with_upcoming_bookings(client, teacher, school_class, slot):
    old = factories.SchoolClassFactory(
        school=school_class.school, name="7.A", grade=7, school_year=_this_school_year() - 1
    )
    _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    classes = list(response.context["classes"])
    assert classes == [school_class]
    assert classes[0].upcoming_bookings == 1
    assert old not in classes
    assert reverse("class-detail", args=[school_class.pk]) in response.content.decode()


def test_teacher_home_shows_only_own_schools_classes(client, teacher, school_class, other_class):
    client.force_login(teacher.user)
    assert list(client.get(reverse("home")).context["classes"]) == [school_class]


@pytest.mark.parametrize("who", ["other_teacher", "other_host", "host"])
def test_class_page_is_404_for_other_schools_and_hosts(client, request, school_class, who):
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(reverse("class-detail", args=[school_class.pk])).status_code == 404


def test_class_page_needs_sign_in(client, school_class):
    response = client.get(reverse("class-detail", args=[school_class.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_class_page_lists_bookings_of_its_school_year(client, teacher, school_class, slot):
    booking = _booking(teacher, slot, school_class)
    client.force_login(teacher.user)
    response = client.get(reverse("class-detail", args=[school_class.pk]))
    assert response.status_code == 200
    assert list(response.context["bookings"]) == [booking]
    assert "status-confirmed" in response.content.decode()
