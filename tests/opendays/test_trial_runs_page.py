"""The consultant's run page as read in the user trial: each host's fill as a percentage."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opendays.models import MatchRun
from opendays.services import runs
from tests.opendays import conftest_match as match
from tests.opendays.conftest_applications import make_host, make_open_day
from web.views.openday_runs import host_rows

pytestmark = pytest.mark.django_db


def test_each_hosts_fill_reads_as_a_percentage():
    """2 of 10 places filled reads "20 %", not the report's raw share 0.2."""
    day = make_open_day()
    host = make_host(day, places=10)
    report = {"optimal": {"hosts": {str(host.pk): {"placed": 2, "places": 10, "fill": 0.2}}}}
    run = MatchRun.objects.create(open_day=day, status=MatchRun.Status.DONE, report=report)

    [row] = host_rows(run)

    assert row["fill"] == "20 %" and row["placed"] == 2


def test_publishing_one_placed_applicant_says_so_in_the_singular(consultant, client):
    """ "Offentliggjort: 1 ansøger har fået plads", not "1 ansøgere"."""
    day = match.make_day()
    match.make_application(day, match.make_host(day, places=1), age=16)
    run = runs.run_execute(run_id=runs.run_start(actor=consultant, open_day=day, seed=1).pk)
    client.force_login(consultant)

    response = client.post(reverse("openday-run-publish", args=[day.pk, run.pk]), {"confirm": "on"}, follow=True)

    assert "1 ansøger har fået plads" in next(str(message) for message in response.context["messages"])
