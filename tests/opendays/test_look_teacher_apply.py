"""Looks of a teacher's open-day apply form on a phone: its rows are the project's stacked form, so a
long host name in the choices cannot widen the page past 390 pixels."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)


def test_teacher_apply_form_is_a_stacked_form(client, open_day, hosts, teacher):
    """The form carries class "stacked", whose fields fill the width and never the reverse."""
    client.force_login(teacher.user)

    page = client.get(reverse("openday-teacher-apply", args=[open_day.pk])).content.decode()

    assert '<form method="post" class="stacked" novalidate>' in page
    assert '<fieldset class="fields">' in page


def test_a_fieldset_may_shrink_below_its_widest_option():
    """Browsers give a fieldset min-width: min-content; the style sheet lifts that, or a pupil row with a
    long host name in its select is wider than a phone."""
    css = (Path(settings.BASE_DIR) / "web" / "static" / "web" / "brobyg.css").read_text()

    assert "fieldset { min-width: 0; }" in css
