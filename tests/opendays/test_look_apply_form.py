"""Looks of the public open-day apply form: every choice a pupil leaves blank reads "—", the school
and municipality as well as the grade and the hosts, never Django's "---------"."""

from __future__ import annotations

from django.urls import reverse

from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)


def test_the_apply_form_has_one_blank_sign(client, open_day, hosts):
    """No select on the form offers "---------"; "—" stands for an empty choice."""
    page = client.get(reverse("openday-apply", args=[open_day.pk])).content.decode()

    assert "---------" not in page
    assert '<option value="" selected>—</option>' in page
