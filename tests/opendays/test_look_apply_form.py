"""Looks of the open-day forms: every choice left blank reads "—" (the public apply form's school
and municipality, the consultant's grades), as the grade and hosts do, never Django's "---------"; a refused
application says so at the top of the form."""

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


def test_a_refused_application_says_so_at_the_top(client, open_day, hosts):
    """On a phone the marked field may be far below; the top of the form says something needs fixing."""
    url = reverse("openday-apply", args=[open_day.pk])
    data = {"first_name": "Åse", "age": "15", "email": "not-an-address"}

    page = client.post(url, data, HTTP_ACCEPT_LANGUAGE="da").content.decode()

    assert "Noget skal rettes: se det, der er markeret nedenfor." in page
    assert page.index("Noget skal rettes") < page.index('name="first_name"')


def test_a_fresh_apply_form_has_no_fixing_notice(client, open_day, hosts):
    """Before anything is sent, there is nothing to fix."""
    page = client.get(reverse("openday-apply", args=[open_day.pk]), HTTP_ACCEPT_LANGUAGE="da").content.decode()

    assert "Noget skal rettes" not in page
