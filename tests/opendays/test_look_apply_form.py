"""Looks of the open-day forms: every choice left blank reads "—" (the public apply form's school
and municipality, the consultant's grades), as the grade and hosts do, never Django's "---------"."""

from __future__ import annotations

from django.urls import reverse

from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)


def test_the_apply_form_has_one_blank_sign(client, open_day, hosts):
    """No select on the form offers "---------"; "—" stands for an empty choice."""
    page = client.get(reverse("openday-apply", args=[open_day.pk])).content.decode()

    assert "---------" not in page
    assert '<option value="" selected>—</option>' in page


def test_the_consultants_day_form_has_the_same_blank_sign(client, consultant, open_day):
    """The lowest and highest grade offer "—" for no grade, never "---------"."""
    client.force_login(consultant)

    page = client.get(reverse("openday-edit", args=[open_day.pk])).content.decode()

    assert "---------" not in page
    assert page.count('<option value="">—</option>') + page.count('<option value="" selected>—</option>') == 2
