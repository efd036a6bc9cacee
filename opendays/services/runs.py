"""Matching runs of an open day: start one once applications have closed (a django-q2 task runs
it), run it from the database to stored placements with a report beside a greedy baseline,
adjust single placements with a reason, and publish, which writes each application's outcome
and tells applicants, guardians, teachers and hosts.

The matching itself is opendays/matching.py, a pure function; this module reads its input in
a fixed number of queries, records progress outside any transaction (so the run's page sees it
live) and stores one Placement per confirmed application."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record, audited
from accounts.models import User
from core.errors import DomainError
from opendays import matching
from opendays.models import Application, Host, MatchRun, OpenDay, Placement, Preference
from opendays.permissions import can_manage_open_day

logger = logging.getLogger(__name__)

MAX_SEED = 2**31 - 1
MAX_REASON_LENGTH = 300  # Placement.adjust_reason
# A run queued or running for longer than this is taken to have lost its worker.
STALE_RUN_SECONDS = 600

STAGE_LABELS = {
    "queued": _("Waiting for a worker"),
    "reading": _("Reading applications and hosts"),
    "solving": _("Finding the best placement"),
    "baseline": _("Computing the greedy baseline"),
    "saving": _("Saving the placements"),
    "done": _("Done"),
    "failed": _("Failed"),
}
REASON_LABELS = {
    matching.Reason.NO_PREFERENCES: _("named no host of the day"),
    matching.Reason.AGE: _("too young for every host she named"),
    matching.Reason.NO_PLACES_LEFT: _("every host she named was full"),
    "removed": _("taken out by the consultant"),
}
PRIORITY_LABELS = {
    matching.Priority.FIRST_TIME: _("first open day"),
    matching.Priority.OUTLYING: _("outlying municipality"),
}

NOT_ALLOWED = _("Only a consultant whose area covers the open day may do this.")


def _require_manager(actor: User, open_day: OpenDay) -> None:
    if not can_manage_open_day(actor, open_day):
        raise DomainError(NOT_ALLOWED, code="not_allowed")


def _require_adjustable(run: MatchRun) -> None:
    if run.status != MatchRun.Status.DONE or run.open_day.status != OpenDay.Status.MATCHING:
        raise DomainError(_("Only a finished, unpublished run can be changed."), code="run_not_adjustable")


# Starting and running ------------------------------------------------------------------------


def run_start(*, actor: User, open_day: OpenDay, seed: int | None = None, now: dt.datetime | None = None) -> MatchRun:
    """Queue a matching run of the day; a django-q2 task runs it once this transaction has
    committed. Refused before applications close and after publication. The day's status
    becomes "matching", which freezes hosts' places. Without a seed one is drawn and stored,
    so the run can be repeated."""
    now = now or timezone.now()
    _require_manager(actor, open_day)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise DomainError(_("The seed must be between 0 and %(max)s.") % {"max": MAX_SEED}, code="seed", field="seed")
    with transaction.atomic():
        open_day = OpenDay.objects.select_for_update().get(pk=open_day.pk)
        if open_day.status not in (OpenDay.Status.OPEN, OpenDay.Status.MATCHING):
            raise DomainError(_("The open day's matching has been published."), code="day_published")
        if now < open_day.applications_close:
            raise DomainError(
                _("Applications are still open: the matching runs after they close."), code="applications_open"
            )
        recent = now - dt.timedelta(seconds=STALE_RUN_SECONDS)
        under_way = MatchRun.Status.QUEUED, MatchRun.Status.RUNNING
        if open_day.runs.filter(status__in=under_way, created_at__gte=recent).exists():
            raise DomainError(_("A run of this open day is already under way."), code="run_under_way")
        OpenDay.objects.filter(pk=open_day.pk).update(status=OpenDay.Status.MATCHING)
        run = MatchRun.objects.create(
            open_day=open_day,
            seed=random.SystemRandom().randrange(MAX_SEED) if seed is None else seed,
            started_by=actor,
            stage="queued",
        )
        audit_record(actor=actor, action="opendays.match_run.start", target=run)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from django_q.tasks import async_task

    async_task("opendays.tasks.match_run_execute", run_id, task_name=f"openday-run-{run_id}")


def _progress(run: MatchRun, stage: str, progress: int) -> None:
    """Saved at once and outside any transaction, so the run's page sees it as it happens."""
    MatchRun.objects.filter(pk=run.pk).update(stage=stage, progress=progress)


def run_execute(*, run_id: int) -> MatchRun | None:
    """Run a queued run: read the day, solve, compute the baseline, store the placements and
    the report. A failure is stored on the run (status failed, with its message). A run that
    is not queued (run twice by the queue, say) is left alone."""
    started = time.perf_counter()
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now(), stage="reading", progress=5
    )
    if not claimed:
        return None
    run = MatchRun.objects.select_related("open_day").get(pk=run_id)
    try:
        data = match_input_for(run.open_day, seed=run.seed)
        _progress(run, "solving", 30)
        prepared = matching.options_of(data)
        optimal = matching.solve(data, prepared)
        _progress(run, "baseline", 70)
        baseline = matching.greedy(data, prepared)
        _progress(run, "saving", 85)
        report = {"optimal": matching.report(data, optimal), "greedy": matching.report(data, baseline)}
        with transaction.atomic():
            _store(run, optimal)
            MatchRun.objects.filter(pk=run.pk).update(
                status=MatchRun.Status.DONE,
                stage="done",
                progress=100,
                report=report,
                solver_seconds=optimal.solver_seconds,
                total_seconds=time.perf_counter() - started,
                finished_at=timezone.now(),
            )
    except Exception as error:  # the run must end as failed, whatever went wrong
        logger.exception("Open-day matching run %s failed", run_id)
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.FAILED,
            stage="failed",
            error=f"{type(error).__name__}: {error}"[:2000],
            total_seconds=time.perf_counter() - started,
            finished_at=timezone.now(),
        )
    run.refresh_from_db()
    return run


def match_input_for(open_day: OpenDay, *, seed: int) -> matching.MatchInput:
    """The matching's input from the database in four queries whatever the day's size: the
    outlying municipalities, the hosts, the confirmed applications and their preferences."""
    outlying = set(open_day.outlying_municipalities.values_list("code", flat=True))
    hosts = tuple(
        matching.Host(id=pk, places=places, age_min=age_min)
        for pk, places, age_min in Host.objects.filter(open_day=open_day)
        .order_by("id")
        .values_list("id", "places", "age_min")
    )
    confirmed = Application.objects.filter(open_day=open_day, status=Application.Status.CONFIRMED)
    preferences: dict[int, list[int]] = {}
    for application_id, host_id in (
        Preference.objects.filter(application__in=confirmed)
        .order_by("application_id", "rank")
        .values_list("application_id", "host_id")
    ):
        preferences.setdefault(application_id, []).append(host_id)
    applicants = []
    for pk, municipality, age, first_time in confirmed.order_by("id").values_list(
        "id", "municipality_id", "age", "first_time"
    ):
        priorities = set()
        if first_time:
            priorities.add(matching.Priority.FIRST_TIME)
        if municipality in outlying:
            priorities.add(matching.Priority.OUTLYING)
        applicants.append(
            matching.Applicant(
                id=pk,
                municipality=municipality,
                age=age,
                preferences=tuple(preferences.get(pk, ())),
                priorities=frozenset(priorities),
            )
        )
    return matching.MatchInput(
        applicants=tuple(applicants),
        hosts=hosts,
        weights=matching.Weights(first_time=open_day.weight_first_time, outlying=open_day.weight_outlying),
        seed=seed,
    )


PLACEMENT_COLUMNS = (
    "run_id",
    "application_id",
    "host_id",
    "preference_rank",
    "priority_bonus",
    "priorities",
    "waitlist_order",
    "reason",
    "adjust_reason",
)
INSERT_BATCH = 500  # rows per statement: 4,500 parameters, under SQLite's limit of 32,766


def _store(run: MatchRun, result: matching.MatchResult) -> None:
    """One Placement per applicant. Written as SQL: 18,000 model instances for bulk_create cost
    more than the solve itself (bench/openday_matching.py)."""
    Placement.objects.filter(run=run).delete()
    adapt_priorities = Placement._meta.get_field("priorities").get_db_prep_value
    rows = [
        [
            run.pk,
            outcome.application_id,
            outcome.host_id,
            outcome.rank,
            outcome.priority_bonus,
            adapt_priorities([str(priority) for priority in outcome.priorities], connection, prepared=False),
            outcome.waitlist_order,
            str(outcome.reason or ""),
            "",
        ]
        for outcome in result.outcomes
    ]
    columns = ", ".join(connection.ops.quote_name(column) for column in PLACEMENT_COLUMNS)
    table = connection.ops.quote_name(Placement._meta.db_table)
    row_marks = "(" + ", ".join(["%s"] * len(PLACEMENT_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            values = [value for row in batch for value in row]
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_marks] * len(batch))}", values)


def stage_label(run: MatchRun) -> str:
    return str(STAGE_LABELS.get(run.stage, run.stage))


def placement_reason(placement: Placement) -> str:
    """Why an unplaced applicant has no host, in the active language."""
    return str(REASON_LABELS.get(placement.reason, placement.reason)) if placement.reason else ""


def placement_priorities(placement: Placement) -> list[str]:
    return [str(PRIORITY_LABELS.get(code, code)) for code in placement.priorities]


# Adjusting -----------------------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give a reason for the change."), code="reason_required", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            _("Keep the reason under %(max)s characters.") % {"max": MAX_REASON_LENGTH}, code="reason", field="reason"
        )
    return reason


def _locked(placement: Placement) -> Placement:
    placement = (
        Placement.objects.select_for_update().select_related("run__open_day", "application").get(pk=placement.pk)
    )
    MatchRun.objects.select_for_update().filter(pk=placement.run_id).first()
    return placement


@transaction.atomic
@audited("opendays.placement.move", target="placement")
def placement_move(*, actor: User, placement: Placement, host: Host, reason: str) -> Placement:
    """Place the applicant with `host` instead (or at all, if she waited), with a reason. Refused
    for a host of another day, a full host or one whose age limit she is under."""
    placement = _locked(placement)
    run = placement.run
    _require_manager(actor, run.open_day)
    _require_adjustable(run)
    reason = _clean_reason(reason)
    if host.open_day_id != run.open_day_id:
        raise DomainError(_("The host is not part of this open day."), code="host_not_in_day", field="host")
    if host.pk == placement.host_id:
        raise DomainError(_("The applicant is placed with this host already."), code="same_host", field="host")
    if host.age_min is not None and placement.application.age < host.age_min:
        raise DomainError(
            _("%(host)s takes pupils from age %(age)s.") % {"host": host.company, "age": host.age_min},
            code="too_young",
            field="host",
        )
    Host.objects.select_for_update().filter(pk=host.pk).first()
    taken = Placement.objects.filter(run=run, host=host).count()
    if taken >= host.places:
        raise DomainError(
            _("%(host)s has no place left (%(places)s places).") % {"host": host.company, "places": host.places},
            code="host_full",
            field="host",
        )
    rank = (
        Preference.objects.filter(application_id=placement.application_id, host=host)
        .values_list("rank", flat=True)
        .first()
    )
    placement.host, placement.preference_rank, placement.waitlist_order, placement.reason = host, rank, None, ""
    placement.adjusted_by, placement.adjust_reason = actor, reason
    placement.save()
    return placement


@transaction.atomic
@audited("opendays.placement.remove", target="placement")
def placement_remove(*, actor: User, placement: Placement, reason: str) -> Placement:
    """Take the applicant out of her place, with a reason; she goes to the end of the waiting list."""
    placement = _locked(placement)
    run = placement.run
    _require_manager(actor, run.open_day)
    _require_adjustable(run)
    reason = _clean_reason(reason)
    if placement.host_id is None:
        raise DomainError(_("The applicant has no place to take away."), code="not_placed")
    last = Placement.objects.filter(run=run).aggregate(last=Max("waitlist_order"))["last"] or 0
    placement.host, placement.preference_rank, placement.waitlist_order = None, None, last + 1
    placement.reason, placement.adjusted_by, placement.adjust_reason = "removed", actor, reason
    placement.save()
    return placement


def run_adjusted_counts(run: MatchRun) -> dict:
    """The run as it stands after adjustments: placed, waiting, adjusted."""
    return Placement.objects.filter(run=run).aggregate(
        placed=Count("id", filter=Q(host__isnull=False)),
        waiting=Count("id", filter=Q(host__isnull=True)),
        adjusted=Count("id", filter=Q(adjusted_by__isnull=False) | ~Q(adjust_reason="")),
    )


# Publishing ----------------------------------------------------------------------------------


@transaction.atomic
@audited("opendays.match_run.publish", target="run")
def run_publish(*, actor: User, run: MatchRun, now: dt.datetime | None = None) -> int:
    """Make the run the day's result: each application still confirmed gets its outcome (placed
    with a host and the preference met, or waitlisted with its position), the day becomes
    published, and applicants, guardians, teachers and hosts are told. Only the day's latest
    finished run. Places left by applicants who withdrew since the run go to the waiting list
    at once. Returns how many were placed."""
    from opendays.messages.publication import publication_messages_enqueue
    from opendays.services.waitlist import places_freed

    now = now or timezone.now()
    run = MatchRun.objects.select_for_update().select_related("open_day").get(pk=run.pk)
    open_day = OpenDay.objects.select_for_update().get(pk=run.open_day_id)
    _require_manager(actor, open_day)
    if open_day.status != OpenDay.Status.MATCHING or run.status != MatchRun.Status.DONE:
        raise DomainError(_("Only a finished run of a day being matched can be published."), code="run_not_done")
    latest = open_day.runs.filter(status=MatchRun.Status.DONE).order_by("-created_at", "-id").first()
    if latest is None or latest.pk != run.pk:
        raise DomainError(_("A newer run of this open day has finished: publish that one."), code="run_not_latest")
    placements = {p.application_id: p for p in Placement.objects.filter(run=run)}
    applications = list(
        Application.objects.select_for_update().filter(pk__in=placements, status=Application.Status.CONFIRMED)
    )
    waiting = sorted(
        (a for a in applications if placements[a.pk].host_id is None), key=lambda a: placements[a.pk].waitlist_order
    )
    positions = {application.pk: position for position, application in enumerate(waiting, start=1)}
    for application in applications:
        placement = placements[application.pk]
        if placement.host_id is not None:
            application.outcome = Application.Outcome.PLACED
            application.host_id, application.preference_rank = placement.host_id, placement.preference_rank
            application.waitlist_position = None
        else:
            application.outcome = Application.Outcome.WAITLISTED
            application.host_id, application.preference_rank = None, None
            application.waitlist_position = positions[application.pk]
    Application.objects.bulk_update(
        applications, ["outcome", "host", "preference_rank", "waitlist_position"], batch_size=1000
    )
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.PUBLISHED)
    OpenDay.objects.filter(pk=open_day.pk).update(status=OpenDay.Status.PUBLISHED, published_at=now)
    open_day.status, open_day.published_at = OpenDay.Status.PUBLISHED, now
    publication_messages_enqueue(open_day=open_day, now=now)
    placed = sum(1 for a in applications if a.host_id is not None)
    counted = {a.pk for a in applications}
    dropped = {p.host_id for p in placements.values() if p.host_id and p.application_id not in counted}
    for host in Host.objects.filter(pk__in=dropped):
        places_freed(host=host, now=now)
    return placed
