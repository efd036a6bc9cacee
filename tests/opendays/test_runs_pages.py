"""The consultant's open-day run pages: start from the day, progress, report beside greedy,
placements with move and remove, publish behind a confirmation."""

import pytest
from django.test import Client
from django.urls import reverse

from opendays.models import Application, MatchRun, OpenDay
from opendays.services import runs
from tests.opendays.conftest_match import make_application, make_day, make_host

pytestmark = pytest.mark.django_db


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def crowded_day():
    """A names X then Y, B names only X: greedy places one, the optimum both."""
    day = make_day()
    x, y = make_host(day, places=1), make_host(day, places=1)
    make_application(day, x, y)
    make_application(day, x)
    return day, x, y


def test_consultant_starts_a_run_and_sees_the_report_beside_greedy(consultant, django_capture_on_commit_callbacks):
    """The report shows 2 of 2 placed against greedy's 1 of 2, and the placements with their choice."""
    day, x, y = crowded_day()
    browser = browser_for(consultant)

    with django_capture_on_commit_callbacks(execute=True):
        started = browser.post(reverse("openday-run-start", args=[day.pk]), {"seed": "3"})
    run = MatchRun.objects.get()
    page = browser.get(started["Location"]).content.decode()

    assert started["Location"] == reverse("openday-run-detail", args=[day.pk, run.pk])
    assert "2 / 2 (100 %)" in page and "1 / 2 (50 %)" in page
    assert x.company.name in page and y.company.name in page


def test_a_run_before_applications_close_is_refused_with_a_message(consultant):
    day = make_day(closed=False)

    answer = browser_for(consultant).post(reverse("openday-run-start", args=[day.pk]), {}, follow=True)

    assert not MatchRun.objects.exists()
    assert answer.status_code == 200 and answer.redirect_chain[-1][0] == reverse("openday-runs", args=[day.pk])


def test_progress_answers_json_while_the_page_polls(consultant):
    day = make_day()
    run = runs.run_start(actor=consultant, open_day=day)
    browser = browser_for(consultant)

    progress = browser.get(reverse("openday-run-progress", args=[day.pk, run.pk])).json()
    page = browser.get(reverse("openday-run-detail", args=[day.pk, run.pk])).content.decode()

    assert progress["finished"] is False and progress["status"] == "queued"
    assert reverse("openday-run-progress", args=[day.pk, run.pk]) in page


def test_moving_from_the_page_needs_a_reason_and_then_moves(consultant):
    """Without a reason the form comes back; with one the applicant is placed and the run page says so."""
    day = make_day()
    full, free = make_host(day, places=1), make_host(day, places=1)
    make_application(day, full)
    make_application(day, full)
    run = runs.run_execute(run_id=runs.run_start(actor=consultant, open_day=day, seed=1).pk)
    waiting = run.placements.get(host__isnull=True)
    url = reverse("openday-placement-move", args=[day.pk, run.pk, waiting.pk])
    browser = browser_for(consultant)

    refused = browser.post(url, {"host": free.pk, "reason": ""})
    full_host = browser.post(url, {"host": full.pk, "reason": "Søskende"})
    moved = browser.post(url, {"host": free.pk, "reason": "Søskende"})

    assert refused.status_code == 200
    assert full_host.status_code == 200 and "plads" in full_host.content.decode()
    assert moved.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.host_id, waiting.adjust_reason) == (free.pk, "Søskende")


def test_removing_from_the_page_puts_her_on_the_waiting_list(consultant):
    day = crowded_day()[0]
    run = runs.run_execute(run_id=runs.run_start(actor=consultant, open_day=day, seed=1).pk)
    placed = run.placements.filter(host__isnull=False).first()

    browser_for(consultant).post(
        reverse("openday-placement-remove", args=[day.pk, run.pk, placed.pk]), {"reason": "Syg"}
    )

    placed.refresh_from_db()
    assert placed.host_id is None and placed.waitlist_order == 1


def test_publishing_needs_the_confirmation(consultant):
    """Without the tick nothing is published; with it the day is published and outcomes written."""
    day = crowded_day()[0]
    run = runs.run_execute(run_id=runs.run_start(actor=consultant, open_day=day, seed=1).pk)
    url = reverse("openday-run-publish", args=[day.pk, run.pk])
    browser = browser_for(consultant)

    browser.post(url, {})
    assert OpenDay.objects.get(pk=day.pk).status == OpenDay.Status.MATCHING
    browser.post(url, {"confirm": "on"})

    assert OpenDay.objects.get(pk=day.pk).status == OpenDay.Status.PUBLISHED
    assert Application.objects.filter(outcome=Application.Outcome.PLACED).count() == 2


def test_teachers_and_hosts_find_no_run_pages(consultant, teacher, host):
    """Every run page answers 404 to anyone but a consultant."""
    day = make_day()
    make_application(day, make_host(day))
    run = runs.run_execute(run_id=runs.run_start(actor=consultant, open_day=day, seed=1).pk)
    placement = run.placements.get()

    for user in (teacher.user, host.user):
        browser = browser_for(user)
        assert browser.get(reverse("openday-runs", args=[day.pk])).status_code == 404
        assert browser.get(reverse("openday-run-detail", args=[day.pk, run.pk])).status_code == 404
        assert browser.post(reverse("openday-run-start", args=[day.pk])).status_code == 404
        assert browser.post(reverse("openday-run-publish", args=[day.pk, run.pk])).status_code == 404
        assert browser.get(reverse("openday-placement-move", args=[day.pk, run.pk, placement.pk])).status_code == 404


def test_a_run_of_another_day_is_not_found_under_this_day(consultant):
    day, other = make_day(), make_day()
    run = runs.run_start(actor=consultant, open_day=other)

    assert browser_for(consultant).get(reverse("openday-run-detail", args=[day.pk, run.pk])).status_code == 404


def test_fill_per_host_reads_as_a_percentage(consultant, django_capture_on_commit_callbacks):
    """Each host's row says placed / places and the fill in per cent ("1 / 1 (100 %)"), not the
    report's raw fraction."""
    day, _x, _y = crowded_day()
    browser = browser_for(consultant)
    with django_capture_on_commit_callbacks(execute=True):
        started = browser.post(reverse("openday-run-start", args=[day.pk]), {"seed": "3"})

    page = browser.get(started["Location"]).content.decode()

    assert page.count("1 / 1 (100 %)") == 2
    assert "(1.0)" not in page and "(1,0)" not in page


def test_fill_per_host_follows_the_consultants_moves(consultant):
    """After a waiting applicant is moved to a host, that host's row counts her: the figures are
    the placements as they stand, not the solver's report from before the move."""
    day = make_day()
    full, free = make_host(day, places=1), make_host(day, places=2)
    make_application(day, full)
    make_application(day, full)
    run = runs.run_execute(run_id=runs.run_start(actor=consultant, open_day=day, seed=1).pk)
    waiting = run.placements.get(host__isnull=True)
    runs.placement_move(actor=consultant, placement=waiting, host=free, reason="Søskende")

    page = browser_for(consultant).get(reverse("openday-run-detail", args=[day.pk, run.pk])).content.decode()

    assert "1 / 2 (50 %)" in page and "0 / 2 (0 %)" not in page
