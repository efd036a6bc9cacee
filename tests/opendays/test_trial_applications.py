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
