"""Bringing people on board without the administrator: forgotten passwords, invitations by
e-mail, and a company's administrators managing their colleagues and role models."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests import factories


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def link_in(message) -> str:
    """The site-relative path of the one link in an e-mail."""
    return re.search(r"https?://[^/\s]+(/\S+/)", message.body).group(1)


def without_csrf(response) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', "", response.content.decode())


def html_of(message) -> str:
    return message.alternatives[0][0]


# Forgotten password ------------------------------------------------------------------------


def test_sign_in_page_links_to_the_password_reset(client):
    """The sign-in page offers a way out for a forgotten password."""
    assert 'href="/password/reset/"' in client.get("/login/").content.decode()


@pytest.mark.parametrize(
    ("language", "subject"), [("da", "Vælg en ny adgangskode til Brobyg"), ("en", "Choose a new password for Brobyg")]
)
def test_password_reset_mails_a_link_in_the_users_language(client, db, language, subject):
    """A reset e-mail (text and HTML) goes to the account's address, in the account's language."""
    user = factories.UserFactory(email="lene@example.dk", language=language)

    response = client.post("/password/reset/", {"email": "LENE@example.dk"})

    assert response.status_code == 302
    assert response["Location"] == "/password/reset/sent/"
    [message] = mail.outbox
    assert message.to == ["Søren Ærø <lene@example.dk>"]
    assert message.subject == subject
    assert user.username in message.body
    assert link_in(message) in html_of(message)


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(client, db):
    """An unknown address gets exactly the same answer as a known one, and no e-mail goes out."""
    factories.UserFactory(email="lene@example.dk")

    known = client.post("/password/reset/", {"email": "lene@example.dk"}, follow=True)
    unknown = client.post("/password/reset/", {"email": "nobody@example.dk"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert without_csrf(known) == without_csrf(unknown)
    assert len(mail.outbox) == 1


def test_password_reset_link_sets_a_new_password_once(client, db):
    """The e-mailed link lets the person choose a new password and sign in with it; used once,
    it stops working."""
    user = factories.UserFactory(email="lene@example.dk", language="en")
    client.post("/password/reset/", {"email": "lene@example.dk"})
    link = link_in(mail.outbox[0])

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "Fjordhest-2031", "new_password2": "Fjordhest-2031"}
    )

    assert response["Location"] == "/password/reset/done/"
    assert Client().login(username=user.username, password="Fjordhest-2031")
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert "Få et nyt link" in again.content.decode()


def test_invited_person_whose_link_expired_can_ask_for_a_reset(client, db):
    """An account without a usable password (an invitation not yet accepted) still gets a reset link."""
    user = factories.UserFactory(email="ny@example.dk")
    user.set_unusable_password()
    user.save()

    client.post("/password/reset/", {"email": "ny@example.dk"})

    assert len(mail.outbox) == 1


def test_deactivated_account_gets_no_reset_link(client, db):
    factories.UserFactory(email="gone@example.dk", is_active=False)

    client.post("/password/reset/", {"email": "gone@example.dk"})

    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "not-an-address", "x" * 300 + "@example.dk", "\x00@example.dk"])
def test_password_reset_with_garbage_shows_the_form_again(client, db, email):
    response = client.post("/password/reset/", {"email": email})

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path", ["/password/reset/abc/def/", "/password/reset/MTIz/1-x/", "/password/reset/" + "9" * 40 + "/x-y/"]
)
def test_broken_reset_links_say_the_link_does_not_work(client, db, path):
    response = client.get(path, follow=True)

    assert response.status_code == 200
    assert not response.context["validlink"]


# A consultant invites people ---------------------------------------------------------------


def invite_data(**overrides) -> dict:
    data = {
        "email": "ny.laerer@skole.dk",
        "first_name": "Ida",
        "last_name": "Ørum",
        "role": "teacher",
        "school": "",
        "company": "",
        "language": "da",
    }
    return data | overrides


def test_consultant_invites_a_teacher_from_the_invite_page(consultant, school, django_capture_on_commit_callbacks):
    web = web_client(consultant)
    assert web.get("/people/invite/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/people/invite/", invite_data(school=school.pk), follow=True)

    assert response.redirect_chain == [("/people/invite/", 302)]
    user = User.objects.get(email="ny.laerer@skole.dk")
    assert user.teacher.school == school
    assert "Ida Ørum er inviteret til" in response.content.decode()
    assert mail.outbox[0].to == ["Ida Ørum <ny.laerer@skole.dk>"]


@pytest.mark.parametrize("role", ["host", "admin"])
def test_consultant_invites_a_host_or_administrator_to_a_company(consultant, company, role):
    response = web_client(consultant).post("/people/invite/", invite_data(role=role, company=company.pk))

    assert response.status_code == 302
    member = company.members.get(user__email="ny.laerer@skole.dk")
    assert member.role == role


def test_consultant_sees_when_an_existing_account_joined(consultant, company, other_host):
    response = web_client(consultant).post(
        "/people/invite/", invite_data(role="host", company=company.pk, email=other_host.user.email), follow=True
    )

    assert "havde allerede en konto" in response.content.decode()
    assert User.objects.filter(email=other_host.user.email).count() == 1


def test_menu_offers_invite_people_to_consultants_only(consultant, teacher, host):
    assert 'href="/people/invite/"' in web_client(consultant).get("/offers/").content.decode()
    for user in (teacher.user, host.user):
        assert 'href="/people/invite/"' not in web_client(user).get("/").content.decode()


SCHOOL = "<the school's id>"


def teacher_data(**overrides) -> dict:
    return invite_data(school=SCHOOL) | overrides


INVITE_GARBAGE = [
    ({}, {"email", "first_name", "last_name", "role", "language"}),
    (teacher_data(email="not-an-address"), {"email"}),
    (teacher_data(email="x" * 300 + "@skole.dk"), {"email"}),
    (teacher_data(first_name="x" * 300, last_name="y" * 300), {"first_name", "last_name"}),
    (teacher_data(first_name="\x00", last_name="   "), {"first_name", "last_name"}),
    (teacher_data(role="owner"), {"role"}),
    (teacher_data(language="sv"), {"language"}),
    (invite_data(school=""), {"school"}),
    (invite_data(school="abc"), {"school"}),
    (invite_data(school="9" * 30), {"school"}),
    (invite_data(role="host", company=""), {"company"}),
    (invite_data(role="admin", company="-1"), {"company"}),
    (invite_data(role="host", company="99999999999999999999"), {"company"}),
]


@pytest.mark.parametrize(("data", "fields"), INVITE_GARBAGE)
def test_invite_page_answers_garbage_with_a_message_per_field(consultant, school, data, fields):
    """Never a 500, never a half-made account: the form again, each bad field with its message."""
    users_before = User.objects.count()
    data = {name: school.pk if value == SCHOOL else value for name, value in data.items()}

    response = web_client(consultant).post("/people/invite/", data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == fields
    assert User.objects.count() == users_before


def test_invite_page_shows_a_service_refusal_next_to_the_e_mail(consultant, school, other_teacher):
    """A teacher at another school cannot be invited to this one; the reason shows by the address."""
    response = web_client(consultant).post(
        "/people/invite/", invite_data(school=school.pk, email=other_teacher.user.email)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Brugeren er allerede lærer på en skole."]
