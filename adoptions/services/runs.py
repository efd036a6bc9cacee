"""Matching runs of an adoption round: start one (a django-q2 task runs it), run it from the
database to a stored proposal, adjust with locks and forbidden pairs (each with a reason),
and accept the proposal, which makes the adoptions and tells teachers and companies.

The matching itself is adoptions/matching.py, a pure function; this module reads its input
in a handful of queries, records progress as it goes (outside any transaction, so the run's
page sees it live), and stores one ProposedPair per class with the report of the optimum
beside a greedy baseline."""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record, audited
from accounts.models import User
from adoptions import matching
from adoptions.messages import adoption_messages_enqueue, people_of, unplaced_messages_enqueue
from adoptions.models import (
    Adoption,
    AdoptionRound,
    ClassWish,
    CompanyCapacity,
    MatchRun,
    PairRule,
    ProposedPair,
    WishChoice,
)
from adoptions.permissions import can_manage_round
from adoptions.services.adoptions import adoption_create
from companies.models import Company
from core.errors import DomainError
from core.models import Municipality
from schools.models import Grade, SchoolClass

logger = logging.getLogger(__name__)

MAX_SEED = 2**31 - 1
MAX_REASON_LENGTH = 1000  # PairRule.reason
OPEN_STATUSES = (AdoptionRound.Status.COLLECTING, AdoptionRound.Status.MATCHING)
# A run queued or running for longer than this is taken to have lost its worker.
STALE_RUN_SECONDS = 600

# Stages a run goes through (MatchRun.stage holds the code; pages show the label).
STAGE_LABELS = {
    "queued": _("Waiting for a worker"),
    "reading": _("Reading wishes, capacities and rules"),
    "solving": _("Finding the best assignment"),
    "baseline": _("Computing the greedy baseline"),
    "saving": _("Saving the proposal"),
    "done": _("Done"),
    "failed": _("Failed"),
}
REASON_LABELS = {
    matching.Reason.NO_WISHES: _("no wishes given"),
    matching.Reason.NOT_IN_ROUND: _("no wished company offers places in the round"),
    matching.Reason.ALREADY_HAD: _("already had the wished company"),
    matching.Reason.FORBIDDEN: _("pair forbidden by the consultant"),
    matching.Reason.GRADE: _("the wished company does not take the grade"),
    matching.Reason.TOO_FAR_FOR_CLASS: _("farther than the class travels"),
    matching.Reason.TOO_FAR_FOR_COMPANY: _("farther than the company travels or hosts from"),
    matching.Reason.FULL: _("renewals and locks took the wished company's places"),
    matching.Reason.NO_PLACES_LEFT: _("no wish with places left"),
}
PRIORITY_LABELS = {
    matching.Priority.OUTLYING: _("outlying municipality"),
    matching.Priority.NEVER_ADOPTED: _("never adopted"),
    matching.Priority.GREY_ZONE: _("grey-zone school"),
}

NOT_ALLOWED = _("Only a consultant whose area covers the round may do this.")
ROUND_NOT_OPEN = _("The round is no longer open for matching.")
RULES_CHANGED = _("Locks or forbidden pairs have changed since this run: run the matching again before accepting.")


# Who may -------------------------------------------------------------------------------------


def _require_consultant(actor: User, round: AdoptionRound) -> None:
    if not can_manage_round(actor, round):
        raise DomainError(NOT_ALLOWED, code="not_allowed")


def _require_open(round: AdoptionRound) -> None:
    if round.status not in OPEN_STATUSES:
        raise DomainError(ROUND_NOT_OPEN, code="round_not_open")


# Starting and running ------------------------------------------------------------------------


def run_start(*, actor: User, round: AdoptionRound, seed: int | None = None) -> MatchRun:
    """Queue a matching run of the round; a django-q2 task runs it once this transaction has
    committed. Without a seed, one is drawn and stored, so the run can be repeated."""
    _require_consultant(actor, round)
    _require_open(round)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise DomainError(_("The seed must be between 0 and %(max)s.") % {"max": MAX_SEED}, code="seed", field="seed")
    recent = timezone.now() - dt.timedelta(seconds=STALE_RUN_SECONDS)
    under_way = MatchRun.Status.QUEUED, MatchRun.Status.RUNNING
    with transaction.atomic():
        AdoptionRound.objects.select_for_update().filter(pk=round.pk).first()
        if round.runs.filter(status__in=under_way, created_at__gte=recent).exists():
            raise DomainError(_("A run of this round is already under way."), code="run_under_way")
        run = MatchRun.objects.create(
            round=round,
            seed=random.SystemRandom().randrange(MAX_SEED) if seed is None else seed,
            started_by=actor,
            stage="queued",
        )
        audit_record(actor=actor, action="adoptions.match_run.start", target=run)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from django_q.tasks import async_task

    async_task("adoptions.tasks.match_run_execute", run_id, task_name=f"match-run-{run_id}")


def _progress(run: MatchRun, stage: str, progress: int, **fields) -> None:
    """Saved at once and outside any transaction, so the run's page sees it as it happens."""
    run.stage, run.progress = stage, progress
    MatchRun.objects.filter(pk=run.pk).update(stage=stage, progress=progress, **fields)


def run_execute(*, run_id: int) -> MatchRun | None:
    """Run a queued run: read the round, solve, compute the baseline, store the proposal and
    the report. A failure is stored on the run (status failed, with its message). A run
    that is not queued (run twice by the queue, say) is left alone."""
    started = time.perf_counter()
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now(), stage="reading", progress=5
    )
    if not claimed:
        return None
    run = MatchRun.objects.select_related("round").get(pk=run_id)
    try:
        data, names = match_input_for(run.round, seed=run.seed)
        _progress(run, "solving", 30)
        prepared = matching.prepare(data)
        optimal = matching.solve(data, prepared)
        _progress(run, "baseline", 70)
        baseline = matching.greedy(data, prepared)
        _progress(run, "saving", 85)
        report = {"optimal": matching.report(data, optimal), "greedy": matching.report(data, baseline)}
        with transaction.atomic():
            _store(run, optimal, data, names)
            MatchRun.objects.filter(pk=run.pk).update(
                status=MatchRun.Status.DONE,
                stage="done",
                progress=100,
                report=report,
                solver_seconds=optimal.solver_seconds,
                total_seconds=time.perf_counter() - started,
                finished_at=timezone.now(),
            )
    except matching.MatchingInputError as error:
        _fail(run, _input_error_message(error), started)
    except Exception as error:  # the run must end as failed, whatever went wrong
        logger.exception("Matching run %s failed", run_id)
        _fail(run, f"{type(error).__name__}: {error}", started)
    run.refresh_from_db()
    return run


def _fail(run: MatchRun, message: str, started: float) -> None:
    MatchRun.objects.filter(pk=run.pk).update(
        status=MatchRun.Status.FAILED,
        stage="failed",
        error=str(message)[:2000],
        total_seconds=time.perf_counter() - started,
        finished_at=timezone.now(),
    )


def _input_error_message(error: matching.MatchingInputError) -> str:
    school_class = SchoolClass.objects.filter(pk=error.class_id).select_related("school").first()
    company = Company.objects.filter(pk=error.company_id).first()
    values = {"class": school_class or "—", "company": company or "—"}
    messages = {
        "lock_over_capacity": _("Locks and renewals would overfill %(company)s: remove a lock or raise its capacity."),
        "lock_on_renewal": _("%(class)s continues with its company, so it cannot be locked: remove the lock."),
        "lock_unknown_company": _("%(company)s offers no places in the round: remove the lock."),
        "lock_unknown_class": _("%(class)s has no wishes in the round: remove the lock."),
    }
    return str(messages.get(error.code, str(error))) % values


# Reading the input ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Renewal:
    adoption_id: int  # the 8th-grade adoption that continues
    class_id: int  # the class's row for the round's school year
    company_id: int
    existing: bool  # the 9th-grade adoption exists already (rolled over)


def renewals_of(round: AdoptionRound, codes: list[int]) -> list[Renewal]:
    """Adoptions that continue into the round's school year: last year's active 8th-grade
    adoptions that both sides confirmed, whose class has a row for this year; and those
    already rolled over into this year."""
    confirmed = Adoption.objects.filter(
        school_year=round.school_year - 1,
        status=Adoption.Status.ACTIVE,
        school_class__grade=Grade.G8,
        school_wants_renewal=True,
        company_wants_renewal=True,
        school_class__next__isnull=False,
        school_class__school__municipality__in=codes,
        renewed_as__isnull=True,
    ).values_list("id", "school_class__next", "company_id")
    rolled = Adoption.objects.filter(
        school_year=round.school_year,
        status=Adoption.Status.ACTIVE,
        renewal_of__isnull=False,
        school_class__school__municipality__in=codes,
    ).values_list("renewal_of_id", "school_class_id", "company_id")
    renewals = [Renewal(pk, class_id, company_id, False) for pk, class_id, company_id in confirmed]
    renewals += [Renewal(pk, class_id, company_id, True) for pk, class_id, company_id in rolled]
    return renewals


def _place(row: dict, prefix: str, seats: dict[int, tuple[float, float]]) -> tuple[float, float]:
    """An address's coordinates, or its municipality's seat when it has none."""
    lat, lon = row[f"{prefix}latitude"], row[f"{prefix}longitude"]
    if lat is None or lon is None:
        return seats[row[f"{prefix}municipality_id"]]
    return lat, lon


def match_input_for(round: AdoptionRound, *, seed: int) -> tuple[matching.MatchInput, dict]:
    """The matching's input from the database, in a fixed number of queries whatever the
    round's size: the round's area and priorities, the wishes of its classes, their choices,
    the capacities, the renewals, the classes' history and the pair rules. Also returns the
    pair rules' reasons by (class, company), for the proposal's "why"."""
    codes = list(round.municipalities.values_list("code", flat=True))
    outlying = set(round.outlying_municipalities.values_list("code", flat=True))
    grey_zone = set(round.grey_zone_schools.values_list("id", flat=True))
    seats = {code: (lat, lon) for code, lat, lon in Municipality.objects.values_list("code", "latitude", "longitude")}
    prefix = "school_class__school__"
    wishes = list(
        ClassWish.objects.filter(round=round, school_class__school__municipality__in=codes).values(
            "id",
            "school_class_id",
            "max_travel_km",
            "school_class__grade",
            "school_class__previous_id",
            f"{prefix}id",
            f"{prefix}municipality_id",
            f"{prefix}latitude",
            f"{prefix}longitude",
        )
    )
    choices = defaultdict(list)
    for wish_id, rank, company_id, sector in WishChoice.objects.filter(wish__round=round).values_list(
        "wish_id", "rank", "company_id", "sector_id"
    ):
        choices[wish_id].append(matching.Wish(rank=rank, company_id=company_id, sector=sector))
    hosts = tuple(
        matching.Host(
            id=row["company_id"],
            sector=row["company__sector_id"],
            lat=_place(row, "company__", seats)[0],
            lon=_place(row, "company__", seats)[1],
            capacity=row["classes"],
            grade_min=row["grade_min"],
            grade_max=row["grade_max"],
            max_travel_km=row["max_travel_km"],
        )
        for row in CompanyCapacity.objects.filter(round=round)
        .values(
            "company_id",
            "classes",
            "grade_min",
            "grade_max",
            "max_travel_km",
            "company__sector_id",
            "company__latitude",
            "company__longitude",
            "company__municipality_id",
        )
        .order_by("company_id")
    )
    renewals = renewals_of(round, codes)
    # History: every company the class, or its row of last year, had.
    previous_of = {
        row["school_class__previous_id"]: row["school_class_id"] for row in wishes if row["school_class__previous_id"]
    }
    class_ids = [row["school_class_id"] for row in wishes]
    history: dict[int, set[int]] = defaultdict(set)
    for class_id, company_id in Adoption.objects.filter(school_class_id__in=[*class_ids, *previous_of]).values_list(
        "school_class_id", "company_id"
    ):
        history[previous_of.get(class_id, class_id)].add(company_id)
    units = []
    for row in wishes:
        class_id = row["school_class_id"]
        lat, lon = _place(row, prefix, seats)
        priorities = set()
        if row[f"{prefix}municipality_id"] in outlying:
            priorities.add(matching.Priority.OUTLYING)
        if row[f"{prefix}id"] in grey_zone:
            priorities.add(matching.Priority.GREY_ZONE)
        if not history[class_id]:
            priorities.add(matching.Priority.NEVER_ADOPTED)
        units.append(
            matching.ClassUnit(
                id=class_id,
                municipality=row[f"{prefix}municipality_id"],
                lat=lat,
                lon=lon,
                grade=row["school_class__grade"],
                max_travel_km=row["max_travel_km"],
                wishes=tuple(sorted(choices[row["id"]], key=lambda wish: wish.rank)),
                priorities=frozenset(priorities),
                history=frozenset(history[class_id]),
            )
        )
    eligible = set(class_ids)
    locks, forbidden, reasons = [], set(), {}
    for class_id, company_id, kind, reason in PairRule.objects.filter(round=round).values_list(
        "school_class_id", "company_id", "kind", "reason"
    ):
        if class_id not in eligible:
            continue  # a class whose wishes were withdrawn
        pair = matching.Pair(class_id, company_id)
        reasons[(class_id, company_id)] = reason
        if kind == PairRule.Kind.LOCK:
            locks.append(pair)
        else:
            forbidden.add(pair)
    data = matching.MatchInput(
        classes=tuple(sorted(units, key=lambda unit: unit.id)),
        companies=hosts,
        locks=tuple(locks),
        forbidden=frozenset(forbidden),
        renewals=tuple(matching.Pair(renewal.class_id, renewal.company_id) for renewal in renewals),
        weights=matching.Weights(
            outlying=round.weight_outlying, never_adopted=round.weight_never_adopted, grey_zone=round.weight_grey_zone
        ),
        seed=seed,
    )
    return data, {"rule_reasons": reasons}


def _store(run: MatchRun, result: matching.MatchResult, data: matching.MatchInput, names: dict) -> None:
    """One ProposedPair per class: its company and why; unplaced, the reason codes; locked,
    the consultant's reason."""
    ProposedPair.objects.filter(run=run).delete()
    rule_reasons = names["rule_reasons"]
    rows = []
    for outcome in result.outcomes:
        if outcome.basis == matching.Basis.UNPLACED:
            reason = ",".join(outcome.reasons)
        else:
            reason = rule_reasons.get((outcome.class_id, outcome.company_id), "")
        rows.append(
            ProposedPair(
                run=run,
                school_class_id=outcome.class_id,
                company_id=outcome.company_id,
                basis=str(outcome.basis),
                wish_rank=outcome.wish_rank,
                distance_km=outcome.distance_km,
                priority_bonus=outcome.priority_bonus,
                priorities=[str(priority) for priority in outcome.priorities],
                reason=reason[:300],
            )
        )
    ProposedPair.objects.bulk_create(rows, batch_size=500)


def pair_reasons(pair: ProposedPair) -> list[str]:
    """Why an unplaced class was left out, in the active language."""
    if pair.basis != ProposedPair.Basis.UNPLACED:
        return []
    return [str(REASON_LABELS.get(code, code)) for code in pair.reason.split(",") if code]


def pair_priorities(pair: ProposedPair) -> list[str]:
    return [str(PRIORITY_LABELS.get(code, code)) for code in pair.priorities]


def stage_label(run: MatchRun) -> str:
    return str(STAGE_LABELS.get(run.stage, run.stage))


# The consultant's rules ----------------------------------------------------------------------


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Give a reason: the school and the company see it."), code="reason_required", field="reason"
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise DomainError(
            _("Keep the reason under %(max)s characters.") % {"max": MAX_REASON_LENGTH}, code="reason", field="reason"
        )
    return reason


def _check_pair(round: AdoptionRound, school_class: SchoolClass, company: Company) -> None:
    if not ClassWish.objects.filter(round=round, school_class=school_class).exists():
        raise DomainError(_("The class has no wishes in this round."), code="class_not_in_round", field="school_class")
    if not CompanyCapacity.objects.filter(round=round, company=company).exists():
        raise DomainError(
            _("The company offers no places in this round."), code="company_not_in_round", field="company"
        )
    existing = PairRule.objects.filter(round=round, school_class=school_class, company=company).first()
    if existing is not None:
        raise DomainError(
            _("The pair already has a rule (%(kind)s); remove it first.") % {"kind": existing.get_kind_display()},
            code="pair_rule_exists",
        )


@transaction.atomic
@audited("adoptions.pair_rule.lock")
def pair_lock(
    *, actor: User, round: AdoptionRound, school_class: SchoolClass, company: Company, reason: str
) -> PairRule:
    """Lock the class to the company for the next runs. Refused if the company's locks and
    renewals would then exceed its places, or if the class is locked already or continues
    with its company."""
    _require_consultant(actor, round)
    _require_open(round)
    reason = _clean_reason(reason)
    AdoptionRound.objects.select_for_update().filter(pk=round.pk).first()
    _check_pair(round, school_class, company)
    if PairRule.objects.filter(round=round, school_class=school_class, kind=PairRule.Kind.LOCK).exists():
        raise DomainError(_("The class is locked to a company already; remove that lock first."), code="class_locked")
    codes = list(round.municipalities.values_list("code", flat=True))
    renewals = renewals_of(round, codes)
    if any(renewal.class_id == school_class.pk for renewal in renewals):
        raise DomainError(_("The class continues with its company from 8th grade."), code="class_renewed")
    places = CompanyCapacity.objects.get(round=round, company=company).classes
    taken = sum(1 for renewal in renewals if renewal.company_id == company.pk)
    taken += PairRule.objects.filter(round=round, company=company, kind=PairRule.Kind.LOCK).count()
    if taken + 1 > places:
        raise DomainError(
            _("%(company)s has %(places)s places, and locks and renewals take %(taken)s already.")
            % {"company": company, "places": places, "taken": taken},
            code="lock_over_capacity",
        )
    return PairRule.objects.create(
        round=round,
        school_class=school_class,
        company=company,
        kind=PairRule.Kind.LOCK,
        reason=reason,
        created_by=actor,
    )


@transaction.atomic
@audited("adoptions.pair_rule.forbid")
def pair_forbid(
    *, actor: User, round: AdoptionRound, school_class: SchoolClass, company: Company, reason: str
) -> PairRule:
    """Forbid the pair in the next runs."""
    _require_consultant(actor, round)
    _require_open(round)
    reason = _clean_reason(reason)
    _check_pair(round, school_class, company)
    return PairRule.objects.create(
        round=round,
        school_class=school_class,
        company=company,
        kind=PairRule.Kind.FORBID,
        reason=reason,
        created_by=actor,
    )


@transaction.atomic
@audited("adoptions.pair_rule.remove", target="rule")
def pair_rule_remove(*, actor: User, rule: PairRule) -> None:
    _require_consultant(actor, rule.round)
    _require_open(rule.round)
    rule.delete()


# Accepting -----------------------------------------------------------------------------------


def _require_rules_kept(run: MatchRun, pairs: list[ProposedPair], rules: list[PairRule]) -> None:
    """A lock or forbidden pair made after the run may be broken by its proposal: accepting it
    would make the adoption the consultant just ruled out (and tell both sides so). A rule the
    run already knew stays as the run met it (a lock it could not meet is reported unplaced)."""
    proposed = {(pair.school_class_id, pair.company_id) for pair in pairs}
    for rule in rules:
        if rule.created_at <= run.created_at:
            continue
        pair = (rule.school_class_id, rule.company_id)
        if (rule.kind == PairRule.Kind.FORBID) == (pair in proposed):
            raise DomainError(RULES_CHANGED, code="rules_changed")


@transaction.atomic
@audited("adoptions.match_run.accept", target="run")
def run_accept(*, actor: User, run: MatchRun) -> list[Adoption]:
    """Make the proposal real: an adoption (and its empty plan) for every proposed pair, the
    run and its round marked accepted, and an e-mail to the class's teachers and the
    company's members; the teachers of a class left unplaced hear why and what comes next. Only the round's latest finished run, while the round is open. A
    class that has an active adoption already keeps it (a renewal rolled over before)."""
    run = MatchRun.objects.select_for_update().select_related("round").get(pk=run.pk)
    round = AdoptionRound.objects.select_for_update().get(pk=run.round_id)
    _require_consultant(actor, round)
    _require_open(round)
    if run.status != MatchRun.Status.DONE:
        raise DomainError(_("Only a finished run can be accepted."), code="run_not_done")
    latest = round.runs.filter(status=MatchRun.Status.DONE).order_by("-created_at", "-id").first()
    if latest is None or latest.pk != run.pk:
        raise DomainError(_("A newer run of this round has finished: accept that one."), code="run_not_latest")
    pairs = list(
        run.pairs.filter(company__isnull=False).select_related("school_class__school", "company").order_by("id")
    )
    rules = list(PairRule.objects.filter(round=round).select_related("school_class__school", "company"))
    _require_rules_kept(run, pairs, rules)
    codes = list(round.municipalities.values_list("code", flat=True))
    renewed_from = {renewal.class_id: renewal for renewal in renewals_of(round, codes)}
    adopted = set(
        Adoption.objects.filter(
            school_class_id__in=[pair.school_class_id for pair in pairs], status=Adoption.Status.ACTIVE
        ).values_list("school_class_id", flat=True)
    )
    previous = {
        adoption.pk: adoption
        for adoption in Adoption.objects.filter(pk__in=[renewal.adoption_id for renewal in renewed_from.values()])
    }
    unplaced = list(
        run.pairs.filter(basis=ProposedPair.Basis.UNPLACED).select_related("school_class__school").order_by("id")
    )
    people = people_of(
        school_ids={pair.school_class.school_id for pair in pairs + unplaced},
        company_ids={pair.company_id for pair in pairs},
    )
    now = timezone.now()
    created = []
    for pair in pairs:
        if pair.school_class_id in adopted:
            continue
        renewal = renewed_from.get(pair.school_class_id) if pair.basis == ProposedPair.Basis.RENEWAL else None
        adoption = adoption_create(
            school_class=pair.school_class,
            company=pair.company,
            round=round,
            renewal_of=previous.get(renewal.adoption_id) if renewal else None,
        )
        created.append(adoption)
        adoption_messages_enqueue(adoption=adoption, basis=pair.basis, rules=rules, people=people, now=now)
    for pair in unplaced:
        unplaced_messages_enqueue(pair=pair, rules=rules, people=people, now=now)
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.ACCEPTED)
    AdoptionRound.objects.filter(pk=round.pk).update(status=AdoptionRound.Status.ACCEPTED)
    return created
