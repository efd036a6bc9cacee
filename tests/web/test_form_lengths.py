"""Text longer than a field holds is refused with a message on that field, never cut.

A browser cuts text longer than an input's `maxlength` without a word (a pasted name, a
long message), so the pages leave that attribute out and the forms refuse over-long text
on the server, saying which field and how long it may be."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accounts.models import User
from bookings import services
from bookings.models import Booking, BookingEvent, Offer, Slot
from companies.models import CompanyMember, RoleModel
from core.models import Sector, Subject
from tests import factories

GARBAGE = "æ" * 5000
TOO_LONG = "højst have"  # Django's Danish "Ensure this value has at most … characters"


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(company):
    return factories.CompanyMemberFactory(company=company, role=CompanyMember.Role.ADMIN, user__username="chef")


@pytest.fixture
def booking(teacher, school_class, slot) -> Booking:
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)


def offer_data(**overrides) -> dict:
    return {
        "kind": Offer.Kind.COMPANY_VISIT,
        "title": "Besøg på værftet i Ålborg",
        "description": "Se skibe blive bygget.",
        "subjects": [Subject.objects.order_by("code").first().pk],
        "sectors": [Sector.objects.get(code="energy").pk],
        "grade_min": 7,
        "grade_max": 9,
        "meeting_point": "Porten",
        "practical_notes": "Sikkerhedssko",
        "duration_minutes": 120,
        "default_capacity_classes": 1,
        "default_capacity_pupils": 28,
        "booking_deadline_hours": 72,
        "cancellation_deadline_hours": 48,
        "reminder_days": "7,1",
    } | overrides


def invite_data(**overrides) -> dict:
    return {"email": "ny@nordvind.dk", "first_name": "Kim", "last_name": "Dahl", "language": "da"} | overrides


def field_errors(response, form: str = "form") -> dict:
    return response.context[form].errors


# The pages -----------------------------------------------------------------------------------


def test_form_pages_let_no_browser_cut_text(client, consultant, admin, host, teacher, booking, offer, slot):
    """No input on the pages with forms carries a `maxlength`, which browsers enforce by
    cutting text silently; the server's message says what is too long instead."""
    pages = [
        (consultant, "/people/invite/"),
        (admin.user, f"/host/company/{admin.company.pk}/"),
        (admin.user, f"/host/company/{admin.company.pk}/role-models/new/"),
        (host.user, "/host/offers/new/"),
        (host.user, f"/host/offers/{offer.pk}/"),
        (host.user, f"/host/offers/{offer.pk}/edit/"),
        (host.user, f"/host/slots/{slot.pk}/edit/"),
        (host.user, f"/bookings/{booking.pk}/"),
        (teacher.user, f"/offers/{offer.pk}/"),
        (teacher.user, f"/bookings/{booking.pk}/"),
        (teacher.user, f"/bookings/{booking.pk}/cancel/"),
        (None, "/password/reset/"),
    ]
    for user, path in pages:
        web = web_client(user) if user else Client()
        page = web.get(path)
        assert page.status_code == 200, path
        assert "maxlength" not in page.content.decode(), path


# Forms shown again with the message on the field ---------------------------------------------


@pytest.mark.parametrize("field", ["first_name", "last_name", "email"])
def test_colleague_invite_refuses_an_over_long_field(admin, field):
    """A 5,000-character name or address is refused on its field; nobody is invited."""
    users_before = User.objects.count()
    data = invite_data(role="host", **{field: GARBAGE if field != "email" else GARBAGE + "@x.dk"})

    response = web_client(admin.user).post(f"/host/company/{admin.company.pk}/invite/", data)

    assert response.status_code == 200
    assert list(field_errors(response, "invite_form")) == [field]
    assert User.objects.count() == users_before


@pytest.mark.parametrize("field", ["first_name", "last_name", "email"])
def test_person_invite_refuses_an_over_long_field(consultant, school, field):
    users_before = User.objects.count()
    data = invite_data(role="teacher", school=school.pk, **{field: GARBAGE if field != "email" else GARBAGE + "@x.dk"})

    response = web_client(consultant).post("/people/invite/", data)

    assert response.status_code == 200
    assert list(field_errors(response)) == [field]
    assert User.objects.count() == users_before


@pytest.mark.parametrize("field", ["name", "job_title", "education_path"])
def test_role_model_form_refuses_an_over_long_field(admin, field):
    data = {"name": "Maja", "job_title": "Elektriker", "education_path": "EUX el"} | {field: GARBAGE}

    response = web_client(admin.user).post(f"/host/company/{admin.company.pk}/role-models/new/", data)

    assert response.status_code == 200
    assert list(field_errors(response)) == [field]
    assert TOO_LONG in field_errors(response)[field][0]
    assert not RoleModel.objects.exists()


@pytest.mark.parametrize("field", ["title", "description", "location", "meeting_point", "practical_notes"])
def test_offer_form_refuses_an_over_long_field(host, field):
    offers_before = Offer.objects.count()

    response = web_client(host.user).post("/host/offers/new/", offer_data(**{field: GARBAGE}))

    assert response.status_code == 200
    assert list(field_errors(response)) == [field]
    assert TOO_LONG in field_errors(response)[field][0]
    assert Offer.objects.count() == offers_before


def test_booking_form_refuses_an_over_long_message(teacher, school_class, offer, slot):
    data = {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20, "adults": 1, "message": GARBAGE}

    response = web_client(teacher.user).post(reverse("offer-detail", args=[offer.pk]), data)

    assert response.status_code == 200
    assert list(field_errors(response)) == ["message"]
    assert not Booking.objects.exists()


def test_cancel_form_refuses_an_over_long_note(teacher, booking):
    response = web_client(teacher.user).post(
        reverse("booking-cancel", args=[booking.pk]), {"note": GARBAGE, "confirm": "1"}
    )

    assert response.status_code == 200
    assert list(field_errors(response)) == ["note"]
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_slot_cancel_form_refuses_an_over_long_note(host, slot):
    prefix = f"cancel-{slot.pk}"

    response = web_client(host.user).post(
        reverse("host-slot-cancel", args=[slot.pk]), {f"{prefix}-note": GARBAGE, f"{prefix}-confirm": "on"}
    )

    assert response.status_code == 200
    assert TOO_LONG in response.content.decode()
    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN


def test_password_reset_refuses_an_over_long_address(client, db):
    response = client.post("/password/reset/", {"email": GARBAGE + "@x.dk"})

    assert response.status_code == 200
    assert list(field_errors(response)) == ["email"]


# POST-only actions: the message names the field ----------------------------------------------


def test_move_refuses_an_over_long_note_with_a_message(teacher, booking, offer):
    other = factories.SlotFactory(
        offer=offer, start=booking.slot.start + dt.timedelta(days=1), end=booking.slot.end + dt.timedelta(days=1)
    )

    response = web_client(teacher.user).post(
        reverse("booking-move", args=[booking.pk]), {"slot": other.pk, "note": GARBAGE}
    )

    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(message.startswith("Besked:") and TOO_LONG in message for message in told)
    booking.refresh_from_db()
    assert booking.slot_id != other.pk


def test_decline_refuses_an_over_long_note_with_a_message(host, teacher, school_class, offer, slot):
    offer.auto_confirm = False
    offer.save()
    request = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)

    response = web_client(host.user).post(reverse("booking-decline", args=[request.pk]), {"note": GARBAGE})

    told = [str(message) for message in get_messages(response.wsgi_request)]
    assert any(message.startswith("Besked:") and TOO_LONG in message for message in told)
    assert not request.events.filter(action=BookingEvent.Action.DECLINED).exists()


def test_host_home_answer_notes_are_not_cut_by_the_browser(host, teacher, school_class, offer, slot):
    """The note fields next to each request on the host's home carry no `maxlength` either."""
    offer.auto_confirm = False
    offer.save()
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)

    page = web_client(host.user).get("/").content.decode()

    assert 'name="note"' in page
    assert "maxlength" not in page
