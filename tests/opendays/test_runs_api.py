"""The open-day runs API (/api/v1/open-day-runs/, /api/v1/open-day-placements/)."""

import pytest

from opendays.models import MatchRun, OpenDay
from opendays.services import runs
from tests.conftest import client_for
from tests.opendays.conftest_match import make_application, make_day, make_host

pytestmark = pytest.mark.django_db


def test_consultant_starts_adjusts_and_publishes_through_the_api(consultant, django_capture_on_commit_callbacks):
    """Start (the task runs after commit), read the report, move the waiting applicant with a
    reason, publish."""
    day = make_day()
    full, free = make_host(day, places=1), make_host(day, places=1)
    make_application(day, full)
    make_application(day, full)
    api = client_for(consultant)

    with django_capture_on_commit_callbacks(execute=True):
        started = api.post("/api/v1/open-day-runs/", {"open_day": day.pk, "seed": 5}, format="json")
    assert started.status_code == 201, started.json()
    run_id = started.json()["id"]
    run = api.get(f"/api/v1/open-day-runs/{run_id}/").json()
    assert run["status"] == "done" and run["report"]["optimal"]["placed"] == 1
    placements = api.get("/api/v1/open-day-placements/", {"run": run_id}).json()["results"]
    waiting = next(p for p in placements if p["host"] is None)
    assert waiting["reason"] == "no_places_left" and waiting["waitlist_order"] == 1

    refused = api.post(f"/api/v1/open-day-placements/{waiting['id']}/move/", {"host": free.pk}, format="json")
    moved = api.post(
        f"/api/v1/open-day-placements/{waiting['id']}/move/", {"host": free.pk, "reason": "Nabo"}, format="json"
    )
    published = api.post(f"/api/v1/open-day-runs/{run_id}/publish/")

    assert refused.status_code == 400
    assert moved.status_code == 200 and moved.json()["host"] == free.pk
    assert published.status_code == 200 and published.json()["status"] == MatchRun.Status.PUBLISHED
    assert OpenDay.objects.get(pk=day.pk).status == OpenDay.Status.PUBLISHED


def test_refusals_come_with_their_code(consultant):
    """A run before applications close is a 400 with the service's code."""
    day = make_day(closed=False)

    response = client_for(consultant).post("/api/v1/open-day-runs/", {"open_day": day.pk}, format="json")

    assert response.status_code == 400
    assert "applications_open" in str(response.json())


def test_others_see_no_runs_and_may_not_write(consultant, teacher, host):
    """A teacher or a host reads nothing (404 for a run) and may not start or publish (403)."""
    day = make_day()
    make_application(day, make_host(day))
    run = runs.run_start(actor=consultant, open_day=day, seed=1)
    runs.run_execute(run_id=run.pk)

    for user in (teacher.user, host.user):
        api = client_for(user)
        assert api.get(f"/api/v1/open-day-runs/{run.pk}/").status_code == 404
        assert api.get("/api/v1/open-day-placements/").json()["results"] == []
        assert api.post("/api/v1/open-day-runs/", {"open_day": day.pk}, format="json").status_code == 403
        assert api.post(f"/api/v1/open-day-runs/{run.pk}/publish/").status_code == 403
