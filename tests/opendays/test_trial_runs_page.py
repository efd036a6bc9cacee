"""The consultant's run page as read in the user trial: each host's fill as a percentage."""

from __future__ import annotations

import pytest

from opendays.models import MatchRun
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
