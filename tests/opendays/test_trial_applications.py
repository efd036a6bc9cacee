"""Applicants' input found in the user trial: a first name is a name, not any text."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from opendays.models import Application
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)
from tests.opendays.conftest_applications import apply

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "first_name",
    ["<script>alert(1)</script>", "-5", "100000000000000000000", "0001-01-01", "Se http://spam.example", "1.5"],
)
def test_a_first_name_that_is_not_a_name_is_refused_and_nothing_is_saved(open_day, hosts, first_name):
    """The first name goes into the guardian's e-mail and onto the host's list: markup, numbers
    and links are refused at the field."""
    with pytest.raises(DomainError) as refusal:
        apply(open_day, hosts, first_name=first_name)

    assert refusal.value.code == "first_name_invalid" and refusal.value.field == "first_name"
    assert not Application.objects.exists()


@pytest.mark.parametrize("first_name", ["Ærø", "Anne-Sofie", "Mary Ann", "D'Arcy", "Zoë", "Åse", "J."])
def test_names_of_letters_with_hyphens_apostrophes_and_spaces_are_accepted(open_day, hosts, first_name):
    assert apply(open_day, hosts, first_name=first_name).first_name == first_name


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "ikke-en-adresse"}, "email"),
        ({"email": "åse@example.dk"}, "email"),
        ({"age": 14, "guardian_email": "forælder@example.dk"}, "guardian_email"),
        ({"age": 14, "guardian_email": "<script>@example.dk"}, "guardian_email"),
    ],
)
def test_an_address_mail_cannot_reach_is_refused_at_the_field(open_day, hosts, fields, field):
    """The service itself refuses an address no e-mail can be sent to (a non-ASCII local part
    fails at sending, again and again): callers other than the form get the same rule."""
    with pytest.raises(DomainError) as refusal:
        apply(open_day, hosts, **fields)

    assert refusal.value.code == "email_invalid" and refusal.value.field == field
    assert not Application.objects.exists()
