"""Each refusal is shown once, also when the same form was sent twice before its answer came
(a double click, or pressing the button again while the page loads): the browser then follows
only the last redirect, and the page after it would otherwise carry one message per POST."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bookings import services
from companies.models import CompanyMember
from tests import factories

LAST_ADMIN = "En virksomhed har altid mindst én administrator"
INVALID_CHOICE = "Nyt tidspunkt: Marker en gyldig valgmulighed."


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(company):
    return factories.CompanyMemberFactory(company=company, role=CompanyMember.Role.ADMIN, user__username="chef")


@pytest.mark.parametrize("sent", [1, 2])
def test_sole_admin_stepping_down_is_told_once(admin, sent):
    web = web_client(admin.user)
    role_url = f"/host/company/{admin.company.pk}/members/{admin.pk}/role/"
    for _ in range(sent):
        web.post(role_url, {"role": "host"})

    page = web.get(f"/host/company/{admin.company.pk}/").content.decode()

    assert page.count(LAST_ADMIN) == 1
    admin.refresh_from_db()
    assert admin.role == CompanyMember.Role.ADMIN


@pytest.mark.parametrize("sent", [1, 2])
def test_tampered_move_is_told_once(teacher, school_class, slot, sent):
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    web = web_client(teacher.user)
    for _ in range(sent):
        web.post(reverse("booking-move", args=[booking.pk]), {"slot": "999999"})

    page = web.get(reverse("booking-page", args=[booking.pk])).content.decode()

    assert page.count(INVALID_CHOICE) == 1


def test_different_messages_are_all_shown(admin, host):
    """Only repeats are left out: two different outcomes are both told."""
    web = web_client(admin.user)
    web.post(f"/host/company/{admin.company.pk}/members/{admin.pk}/role/", {"role": "host"})
    web.post(f"/host/company/{admin.company.pk}/members/{host.pk}/role/", {"role": "admin"})

    page = web.get(f"/host/company/{admin.company.pk}/").content.decode()

    assert page.count(LAST_ADMIN) == 1
    assert "er nu administrator" in page
