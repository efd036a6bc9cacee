"""The consultant's run page as read in the user trial. (Each host's fill as a percentage, counted
from the placements, is in test_runs_pages.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from opendays.services import runs
from tests.opendays import conftest_match as match

pytestmark = pytest.mark.django_db


def test_publishing_one_placed_applicant_says_so_in_the_singular(consultant, client):
    """ "Offentliggjort: 1 ansøger har fået plads", not "1 ansøgere"."""
    day = match.make_day()
    match.make_application(day, match.make_host(day, places=1), age=16)
    run = runs.run_execute(run_id=runs.run_start(actor=consultant, open_day=day, seed=1).pk)
    client.force_login(consultant)

    response = client.post(reverse("openday-run-publish", args=[day.pk, run.pk]), {"confirm": "on"}, follow=True)

    assert "1 ansøger har fået plads" in next(str(message) for message in response.context["messages"])
