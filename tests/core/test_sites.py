"""Absolute links to this installation, whether SITE_URL is written with a trailing slash or not."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from accounts import emails
from core.sites import site_url
from tests import factories


@pytest.mark.parametrize("site", ["https://brobyg.example.dk", "https://brobyg.example.dk/"])
def test_site_url_joins_the_path_with_one_slash(site):
    with override_settings(SITE_URL=site):
        assert site_url("/bookings/42/") == "https://brobyg.example.dk/bookings/42/"


@override_settings(SITE_URL="https://brobyg.example.dk/")
def test_account_e_mail_links_have_one_slash_when_site_url_ends_in_one(db):
    """The invitation, the sign-in and the password-reset links all work."""
    invited = factories.UserFactory(email="ny@example.dk", password=None)
    invited.set_unusable_password()
    invited.save()
    member = factories.UserFactory(email="gammel@example.dk")

    emails.invitation_send(user_id=invited.pk, intro="Velkommen", params={})
    emails.invitation_send(user_id=member.pk, intro="Velkommen", params={})
    emails.password_reset_send(user=member)

    links = [message.body.split("https://brobyg.example.dk", 1)[1].split()[0] for message in mail.outbox]
    assert len(links) == 3
    assert links[0].startswith("/password/welcome/")
    assert links[1] == "/login/"
    assert links[2].startswith("/password/reset/")
