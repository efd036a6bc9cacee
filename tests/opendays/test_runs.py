"""Matching runs of an open day (opendays/services/runs.py): start, run, adjust, publish."""

import pytest
from django.utils import timezone

from core.errors import DomainError
from notifications.models import OutgoingMessage
from opendays.models import Application, MatchRun, OpenDay, Placement
from opendays.services import runs
from tests import factories
from tests.opendays.conftest_match import HJORRING, make_application, make_day, make_host

pytestmark = pytest.mark.django_db


def run_now(consultant, day, seed=1) -> MatchRun:
    run = runs.run_start(actor=consultant, open_day=day, seed=seed)
    return runs.run_execute(run_id=run.pk)


def placements(run) -> dict[int, Placement]:
    return {p.application_id: p for p in run.placements.all()}


def test_starting_a_run_queues_the_task_that_runs_it_after_commit(consultant, django_capture_on_commit_callbacks):
    """The task runs inline in tests: after the commit the run is done and the day is being matched."""
    day = make_day()
    application = make_application(day, make_host(day))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = runs.run_start(actor=consultant, open_day=day, seed=42)
        assert run.status == MatchRun.Status.QUEUED

    run.refresh_from_db()
    day.refresh_from_db()
    assert len(callbacks) == 1
    assert (run.status, run.progress, run.stage, run.seed) == (MatchRun.Status.DONE, 100, "done", 42)
    assert day.status == OpenDay.Status.MATCHING
    assert set(run.report) == {"optimal", "greedy"}
    assert placements(run)[application.pk].preference_rank == 1


def test_a_run_is_refused_before_applications_close(consultant):
    """The matching runs on the final applications only."""
    day = make_day(closed=False)

    with pytest.raises(DomainError) as refused:
        runs.run_start(actor=consultant, open_day=day)

    assert refused.value.code == "applications_open"
    assert not day.runs.exists()


def test_only_a_consultant_whose_area_covers_the_day_starts_a_run(teacher):
    """A teacher, or a consultant of another area, is refused."""
    day = make_day()
    elsewhere = factories.UserFactory(username="syd", is_consultant=True)
    elsewhere.area.set([773])  # Morsø

    for actor in (teacher.user, elsewhere):
        with pytest.raises(DomainError) as refused:
            runs.run_start(actor=actor, open_day=day)
        assert refused.value.code == "not_allowed"


def test_run_places_both_where_greedy_places_one_and_reports_both(consultant):
    """A names X then Y, B names only X: the run places both; the greedy figure beside it, one."""
    day = make_day()
    x, y = make_host(day, places=1), make_host(day, places=1)
    a = make_application(day, x, y)
    b = make_application(day, x)

    run = run_now(consultant, day)

    assert {k: p.host_id for k, p in placements(run).items()} == {a.pk: y.pk, b.pk: x.pk}
    assert run.report["optimal"]["placed"] == 2
    assert run.report["greedy"]["placed"] == 1


def test_only_confirmed_applications_are_matched(consultant):
    """Applications awaiting consent or withdrawn have no placement."""
    day = make_day()
    host = make_host(day)
    confirmed = make_application(day, host)
    make_application(day, host, status=Application.Status.AWAITING_GUARDIAN)
    make_application(day, host, status=Application.Status.WITHDRAWN)

    assert set(placements(run_now(consultant, day))) == {confirmed.pk}


def test_same_seed_gives_the_same_placements(consultant):
    """Two runs with one seed on one input store the same placements and waiting-list order."""
    day = make_day()
    hosts = [make_host(day, places=1) for _ in range(3)]
    for index in range(8):
        make_application(day, *(hosts[index % 3 :] + hosts[: index % 3]))

    def outcome(run):
        return sorted((p.application_id, p.host_id, p.waitlist_order) for p in run.placements.all())

    assert outcome(run_now(consultant, day, seed=9)) == outcome(run_now(consultant, day, seed=9))


def test_outlying_priority_comes_from_the_day(consultant):
    """An applicant from an outlying municipality carries that priority and wins the one place."""
    day = make_day(weight_first_time=0, weight_outlying=2)
    day.outlying_municipalities.set([HJORRING])
    host = make_host(day, places=1)
    make_application(day, host, first_time=False)
    outlying = make_application(day, host, municipality_id=HJORRING, first_time=False)

    placed = placements(run_now(consultant, day))[outlying.pk]

    assert placed.host_id == host.pk and placed.priorities == ["outlying"] and placed.priority_bonus == 2


def test_moving_an_applicant_needs_a_reason_and_a_free_place(consultant):
    """Without a reason, or to a full host, the move is refused; with both it is recorded."""
    day = make_day()
    full, free = make_host(day, places=1), make_host(day, places=1)
    make_application(day, full)
    make_application(day, full)
    run = run_now(consultant, day)
    waiting = next(p for p in run.placements.all() if p.host_id is None)
    placed = next(p for p in run.placements.all() if p.host_id is not None)

    with pytest.raises(DomainError) as no_reason:
        runs.placement_move(actor=consultant, placement=waiting, host=free, reason=" ")
    with pytest.raises(DomainError) as no_room:
        runs.placement_move(actor=consultant, placement=waiting, host=full, reason="Søster deltager")
    moved = runs.placement_move(actor=consultant, placement=waiting, host=free, reason="Bor tæt på")

    assert (no_reason.value.code, no_room.value.code) == ("reason_required", "host_full")
    assert (moved.host_id, moved.waitlist_order, moved.adjust_reason, moved.adjusted_by) == (
        free.pk,
        None,
        "Bor tæt på",
        consultant,
    )
    assert moved.preference_rank is None
    assert Placement.objects.get(pk=placed.pk).host_id == full.pk


def test_moving_to_a_host_for_older_pupils_is_refused(consultant):
    day = make_day()
    older = make_host(day, places=5, age_min=16)
    make_application(day, make_host(day), age=13)
    placement = run_now(consultant, day).placements.get()

    with pytest.raises(DomainError) as refused:
        runs.placement_move(actor=consultant, placement=placement, host=older, reason="Ønske fra skolen")

    assert refused.value.code == "too_young"


def test_removing_a_placement_puts_her_last_on_the_waiting_list(consultant):
    """She loses the place and goes after everyone already waiting, with the reason kept."""
    day = make_day()
    host = make_host(day, places=1)
    make_application(day, host)
    make_application(day, host)
    run = run_now(consultant, day)
    placed = run.placements.get(host__isnull=False)

    removed = runs.placement_remove(actor=consultant, placement=placed, reason="Har fået plads ved en anden dag")

    assert (removed.host_id, removed.waitlist_order, removed.reason) == (None, 2, "removed")
    assert removed.adjust_reason == "Har fået plads ved en anden dag"


def test_publishing_writes_outcomes_and_sends_invites(consultant, teacher, company, host):
    """Placed and waitlisted outcomes land on the applications, the day is published, and the
    applicant, the guardian of one under 15, the teacher who applied and the host's members
    get their e-mails (places and the list with an invite; reminders before the day)."""
    day = make_day()
    place = make_host(day, places=1, company=company)
    placed = make_application(day, place, age=14, guardian_email="mor@example.dk", applied_by=teacher.user)
    waiting = make_application(day, place, age=16)
    run = run_now(consultant, day)
    if run.placements.get(application=placed).host_id is None:  # the seed picked the other one
        runs.placement_remove(actor=consultant, placement=run.placements.get(application=waiting), reason="Bytte")
        runs.placement_move(
            actor=consultant, placement=run.placements.get(application=placed), host=place, reason="Bytte"
        )

    count = runs.run_publish(actor=consultant, run=run)

    placed.refresh_from_db()
    waiting.refresh_from_db()
    day.refresh_from_db()
    run.refresh_from_db()
    assert count == 1
    assert (placed.outcome, placed.host_id, placed.preference_rank) == (Application.Outcome.PLACED, place.pk, 1)
    assert (waiting.outcome, waiting.waitlist_position) == (Application.Outcome.WAITLISTED, 1)
    assert (day.status, run.status) == (OpenDay.Status.PUBLISHED, MatchRun.Status.PUBLISHED)
    assert day.published_at is not None
    sent = set(OutgoingMessage.objects.values_list("subject_key", "kind", "role", "recipient_email"))
    key = f"openday-placement:{placed.pk}"
    assert (key, "placed", "applicant", placed.email) in sent
    assert (key, "placed", "guardian", "mor@example.dk") in sent
    assert (key, "placed", "teacher", teacher.user.email) in sent
    assert (f"openday-placement:{waiting.pk}", "waitlisted", "applicant", waiting.email) in sent
    assert (f"openday-host:{place.pk}", "participants", "host", host.user.email) in sent
    assert any(kind == "reminder" for _, kind, _, _ in sent)


def test_publishing_twice_or_an_older_run_is_refused(consultant):
    day = make_day()
    make_application(day, make_host(day))
    older = run_now(consultant, day)
    newer = run_now(consultant, day, seed=2)

    with pytest.raises(DomainError) as not_latest:
        runs.run_publish(actor=consultant, run=older)
    runs.run_publish(actor=consultant, run=newer)
    with pytest.raises(DomainError) as twice:
        runs.run_publish(actor=consultant, run=newer)

    assert (not_latest.value.code, twice.value.code) == ("run_not_latest", "run_not_done")


def test_no_run_starts_after_publication(consultant):
    day = make_day()
    make_application(day, make_host(day))
    runs.run_publish(actor=consultant, run=run_now(consultant, day))

    with pytest.raises(DomainError) as refused:
        runs.run_start(actor=consultant, open_day=day)

    assert refused.value.code == "day_published"


def test_a_failed_run_stores_its_error(consultant, monkeypatch):
    """Whatever goes wrong, the run ends failed with the message, not stuck running."""
    day = make_day()
    monkeypatch.setattr(runs.matching, "solve", lambda data, prepared: 1 / 0)

    run = run_now(consultant, day)

    assert run.status == MatchRun.Status.FAILED and "ZeroDivisionError" in run.error
    assert run.finished_at <= timezone.now()
