"""Looks of a teacher's open-day list: each Withdraw button names its pupil for a screen reader, since
the visible word is the same on every row."""

from __future__ import annotations

from django.urls import reverse

from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)


def test_each_withdraw_button_names_its_pupil(client, open_day, hosts, teacher):
    """The button for Agnes reads "Træk ansøgningen for Agnes tilbage" to assistive technology."""
    client.force_login(teacher.user)
    pupil = {"rows": "2", "p0-first_name": "Agnes", "p0-age": "15"}
    pupil.update({f"p0-choice_{rank}": host.pk for rank, host in enumerate(hosts, start=1)})
    client.post(reverse("openday-teacher-apply", args=[open_day.pk]), pupil)

    page = client.get(reverse("openday-teacher-applications"), HTTP_ACCEPT_LANGUAGE="da").content.decode()

    assert 'aria-label="Træk ansøgningen for Agnes tilbage"' in page
