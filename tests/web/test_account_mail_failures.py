"""When the mail server fails, the account pages still answer: an invitation is kept and the
page says so, and a password reset answers the same whether or not the address has an account."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from accounts.models import User
from companies.models import CompanyMember
from tests import factories
from tests.web.test_onboarding import invite_data, web_client, without_csrf

FAILING_BACKEND = f"{__name__}.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("mail server refused")


@pytest.fixture
def failing_mail(settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND


def test_invite_page_keeps_the_invitation_when_the_e_mail_fails(
    consultant, school, failing_mail, django_capture_on_commit_callbacks, caplog
):
    """The consultant is redirected with the confirmation, not a 500; the account and its
    teacher place exist, and the failure is logged."""
    web = web_client(consultant)

    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/people/invite/", invite_data(school=school.pk), follow=True)

    assert response.redirect_chain == [("/people/invite/", 302)]
    assert User.objects.get(email="ny.laerer@skole.dk").teacher.school == school
    assert "Ida Ørum er inviteret til" in response.content.decode()
    assert "invitation" in caplog.text


def test_colleague_invite_keeps_the_member_when_the_e_mail_fails(
    company, failing_mail, django_capture_on_commit_callbacks
):
    """A company administrator's invitation is saved and the page redirects as usual."""
    admin = factories.CompanyMemberFactory(company=company, role=CompanyMember.Role.ADMIN).user
    web = web_client(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            f"/host/company/{company.pk}/invite/",
            {"email": "ny@firma.dk", "first_name": "Ny", "last_name": "Vært", "role": "host", "language": "da"},
        )

    assert response.status_code == 302
    assert CompanyMember.objects.filter(company=company, user__email="ny@firma.dk").exists()


def test_password_reset_answers_the_same_for_known_and_unknown_addresses_when_the_e_mail_fails(
    db, failing_mail, caplog
):
    """A failing mail server neither answers 500 nor reveals which address has an account."""
    factories.UserFactory(email="lene@example.dk")

    known = Client().post("/password/reset/", {"email": "lene@example.dk"}, follow=True)
    unknown = Client().post("/password/reset/", {"email": "nobody@example.dk"}, follow=True)

    assert known.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain == [("/password/reset/sent/", 302)]
    assert without_csrf(known) == without_csrf(unknown)
    assert "password reset" in caplog.text
    assert mail.outbox == []
