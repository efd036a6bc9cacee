"""Looks of the consultant's workspace in Danish: the open-day host warning says what it counts (hosts no
pupil has as first choice), not that places are already filled, which before the matching none are."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_host_warning_speaks_of_first_choices_not_filled_places(client, consultant):
    """The heading and its all-clear line name first choices; "besat af" (filled by) is not said."""
    client.force_login(consultant)

    page = client.get(reverse("workspace"), HTTP_ACCEPT_LANGUAGE="da").content.decode()

    assert "Værter, som ingen elev har som førstevalg" in page
    assert "Hver vært er førstevalg for mindst én elev." in page
    assert "besat af et førstevalg" not in page
