"""Bringing people on board without the administrator: forgotten passwords, invitations by
e-mail, and a company's administrators managing their colleagues and role models."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

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
