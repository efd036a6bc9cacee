"""Inviting a teacher by e-mail: a new account without a password and a teacher row, an
invitation e-mail after commit with a one-use link that expires, and an existing account
joining instead of a duplicate."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from core.errors import DomainError
from schools import services
from schools.models import Teacher
from tests import factories


def refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code
    return caught.value


def invite(actor, school, **overrides) -> Teacher:
    fields = {"email": "Mette.Holm@Skole.dk", "first_name": "Mette", "last_name": "Holm", "language": "da"}
    return services.teacher_invite(actor=actor, school=school, **fields | overrides)


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+/)", message.body).group(1)


def test_teacher_invite_makes_an_account_without_a_password_and_a_teacher(consultant, school):
    teacher = invite(consultant, school)

    user = teacher.user
    assert teacher.school == school
    assert user.username == "mette.holm@skole.dk"
    assert user.email == "Mette.Holm@skole.dk"
    assert (user.first_name, user.last_name, user.language) == ("Mette", "Holm", "da")
    assert not user.has_usable_password()


def test_teacher_invite_mails_after_commit_in_the_invitees_language(
    consultant, school, django_capture_on_commit_callbacks
):
    """Nothing is sent inside the transaction; after commit one e-mail (text and HTML) in English."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invite(consultant, school, language="en")
        assert mail.outbox == []

    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.subject == "You are invited to Brobyg"
    assert f"as a teacher at {school.name}" in message.body
    assert "mette.holm@skole.dk" in message.body
    assert link_in(message).startswith("/password/welcome/")
    assert link_in(message) in message.alternatives[0][0]


def test_teacher_invite_mail_is_danish_by_default(consultant, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(consultant, school)

    assert mail.outbox[0].subject == "Du er inviteret til Brobyg"
    assert f"som lærer på {school.name}" in mail.outbox[0].body


def test_invitation_link_sets_the_password_signs_in_and_works_once(
    consultant, school, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = invite(consultant, school).user
    link = link_in(mail.outbox[0])
    client = Client()

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Limfjorden-77", "new_password2": "Limfjorden-77"}
    )

    assert response["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == user.pk
    user.refresh_from_db()
    assert user.check_password("Limfjorden-77")
    assert not Client().get(link, follow=True).context["validlink"]


def test_invitation_link_expires_after_the_invitation_timeout(consultant, school, django_capture_on_commit_callbacks):
    """The link works until INVITATION_TIMEOUT (three days by default), not after."""
    assert settings.INVITATION_TIMEOUT == 3 * 24 * 3600
    with django_capture_on_commit_callbacks(execute=True):
        invite(consultant, school)
    link = link_in(mail.outbox[0])
    now = dt.datetime.now(dt.UTC)

    with time_machine.travel(now + dt.timedelta(days=3) - dt.timedelta(minutes=1), tick=False):
        assert Client().get(link, follow=True).context["validlink"]
    with time_machine.travel(now + dt.timedelta(days=3, minutes=1), tick=False):
        assert not Client().get(link, follow=True).context["validlink"]


def test_reset_link_and_invitation_link_are_not_interchangeable(consultant, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(consultant, school)
    invitation = link_in(mail.outbox[0])

    as_reset = invitation.replace("/password/welcome/", "/password/reset/")

    assert not Client().get(as_reset, follow=True).context["validlink"]


def test_inviting_an_address_with_an_account_adds_that_account(consultant, school, django_capture_on_commit_callbacks):
    """No second account: the existing one becomes a teacher, keeps its password and names,
    and its e-mail says to sign in as usual."""
    existing = factories.UserFactory(email="mette.holm@skole.dk", first_name="Mette", language="en")

    with django_capture_on_commit_callbacks(execute=True):
        teacher = invite(consultant, school, first_name="Someone", last_name="Else", language="da")

    assert teacher.user == existing
    assert User.objects.filter(email__iexact="mette.holm@skole.dk").count() == 1
    existing.refresh_from_db()
    assert existing.first_name == "Mette"
    assert existing.check_password("secret-pass-123")
    assert mail.outbox[0].subject == "You have been added on Brobyg"
    assert link_in(mail.outbox[0]) == "/login/"


def test_inviting_a_teacher_of_another_school_is_refused_and_sends_nothing(
    consultant, school, other_teacher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        error = refused("already_teacher", lambda: invite(consultant, school, email=other_teacher.user.email))

    assert error.field == "user"
    assert other_teacher.school != school
    assert mail.outbox == []


def test_only_a_consultant_or_administrator_may_invite_teachers(teacher, host, school):
    for actor in (teacher.user, host.user):
        refused("not_allowed", lambda actor=actor: invite(actor, school))

    assert not User.objects.filter(email__iexact="mette.holm@skole.dk").exists()


def test_superuser_may_invite_teachers(school):
    admin = factories.UserFactory(is_superuser=True)

    assert invite(admin, school).school == school


def test_refused_invitation_leaves_no_account(consultant, school, django_capture_on_commit_callbacks):
    """A name too long for the account stops the whole invitation: no user, no teacher, no e-mail."""
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        invite(consultant, school, first_name="x" * 300)

    assert not User.objects.filter(email__iexact="mette.holm@skole.dk").exists()
    assert not Teacher.objects.filter(school=school).exists()
    assert mail.outbox == []


def test_an_address_two_accounts_share_is_refused(consultant, school):
    factories.UserFactory(email="delt@skole.dk")
    factories.UserFactory(email="DELT@skole.dk")

    refused("several_accounts", lambda: invite(consultant, school, email="delt@skole.dk"))


def test_a_deactivated_account_is_not_invited(consultant, school):
    factories.UserFactory(email="gone@skole.dk", is_active=False)

    refused("account_inactive", lambda: invite(consultant, school, email="gone@skole.dk"))
