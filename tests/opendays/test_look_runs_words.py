"""Looks of an open day's matching-run pages in Danish: the seed is called "startværdi" throughout, as the
field's label and the adoption runs call it, never "frø" beside it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.opendays.factories import OpenDayFactory

pytestmark = pytest.mark.django_db


def test_the_run_form_names_the_seed_one_way(client, consultant):
    """The label and its help text say "startværdi"; the word "frø" is not on the page."""
    client.force_login(consultant)
    day = OpenDayFactory()

    page = client.get(reverse("openday-runs", args=[day.pk]), HTTP_ACCEPT_LANGUAGE="da").content.decode()

    assert "Startværdi" in page
    assert "Samme startværdi på de samme ansøgninger" in page
    assert "frø" not in page.lower()
