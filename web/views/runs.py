"""The consultant's matching run pages: start a run from a round, follow it as it runs, then
read the report (the optimum beside the greedy baseline), every pair with why and the
unplaced with reasons; lock or forbid pairs with a reason, run again, accept. Thin: forms,
selectors and adoptions' services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import floatformat
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from adoptions import selectors, services
from adoptions.models import AdoptionRound, MatchRun, PairRule, ProposedPair
from adoptions.permissions import can_manage_round
from adoptions.services.runs import pair_priorities, pair_reasons, stage_label
from core.errors import DomainError
from core.models import Municipality
from web.forms.runs import PairRuleForm, RunAcceptForm, RunStartForm
from web.views.people import consultant_required
from web.views.shared import back, report_form_errors

PAIRS_PER_PAGE = 100
FINISHED = (MatchRun.Status.DONE, MatchRun.Status.FAILED, MatchRun.Status.ACCEPTED)


def _round_of(request: HttpRequest, round_id: int) -> AdoptionRound:
    return get_object_or_404(selectors.rounds_visible_to(request.user), pk=round_id)


def _run_of(request: HttpRequest, run_id: int) -> MatchRun:
    return get_object_or_404(selectors.runs_visible_to(request.user), pk=run_id)


def _round_page(round: AdoptionRound) -> str:
    return reverse("round-detail", args=[round.pk])


@consultant_required
@require_POST
def run_start(request: HttpRequest, round_id: int) -> HttpResponse:
    adoption_round = _round_of(request, round_id)
    form = RunStartForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return back(request, _round_page(adoption_round))
    try:
        run = services.run_start(actor=request.user, round=adoption_round, seed=form.cleaned_data["seed"])
    except DomainError as error:
        messages.error(request, str(error.message))
        return back(request, _round_page(adoption_round))
    return redirect("run-detail", run_id=run.pk)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


def _count(figures: dict, key: str, share: str) -> str:
    return f"{figures.get(key, 0)} ({_percent(figures.get(share))})"


def _km(value: float | None) -> str:
    """Rounded, with the language's decimal mark ("6,2 km" in Danish), as the pairs' distances
    are (number_format would cut 4.47 to 4,4)."""
    return "–" if value is None else f"{floatformat(value, 1)} km"


def _group(figures: dict | None) -> str:
    if not figures or not figures.get("eligible"):
        return "–"
    return f"{figures['adopted']} / {figures['eligible']} ({_percent(figures['share'])})"


def report_rows(report: dict) -> list[tuple[str, str, str]]:
    """The report as rows of (figure, optimal, greedy), for the side-by-side table."""
    optimal, greedy = report.get("optimal") or {}, report.get("greedy") or {}
    if not optimal:
        return []
    rows = [
        (
            _("Classes adopted / eligible"),
            f"{optimal['adopted']} / {optimal['eligible']} ({_percent(optimal['adopted_share'])})",
            f"{greedy['adopted']} / {greedy['eligible']} ({_percent(greedy['adopted_share'])})",
        ),
        (
            _("First wish met"),
            _count(optimal, "first_wish", "first_wish_share"),
            _count(greedy, "first_wish", "first_wish_share"),
        ),
        (
            _("A top-3 wish met"),
            _count(optimal, "top3_wish", "top3_wish_share"),
            _count(greedy, "top3_wish", "top3_wish_share"),
        ),
        (_("Mean travel"), _km(optimal["mean_travel_km"]), _km(greedy["mean_travel_km"])),
        (_("Longest travel"), _km(optimal["longest_travel_km"]), _km(greedy["longest_travel_km"])),
    ]
    priority_names = {
        "outlying": _("Outlying municipalities"),
        "never_adopted": _("Classes never adopted"),
        "grey_zone": _("Grey-zone schools"),
        "any": _("Any priority"),
    }
    for key, label in priority_names.items():
        mine, theirs = optimal["priorities"].get(key), greedy["priorities"].get(key)
        if mine and mine["eligible"]:
            rows.append((_("Adopted: %(group)s") % {"group": label}, _group(mine), _group(theirs)))
    names = dict(
        Municipality.objects.filter(code__in=[int(code) for code in optimal["municipalities"]]).values_list(
            "code", "name"
        )
    )
    for code, figures in optimal["municipalities"].items():
        name = names.get(int(code), code)
        rows.append(
            (
                _("Adopted in %(municipality)s") % {"municipality": name},
                _group(figures),
                _group(greedy["municipalities"].get(code)),
            )
        )
    return rows


def _pairs_page(request: HttpRequest, run: MatchRun):
    """The run's outcomes, adopted or unplaced as asked, a page at a time."""
    show = request.GET.get("show", "all")
    pairs = run.pairs.select_related("school_class__school", "company").order_by(
        "school_class__school__name", "school_class__name", "id"
    )
    if show == "adopted":
        pairs = pairs.filter(company__isnull=False)
    elif show == "unplaced":
        pairs = pairs.filter(company__isnull=True)
    else:
        show = "all"
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    for pair in page.object_list:
        pair.reason_labels = pair_reasons(pair)
        pair.priority_labels = pair_priorities(pair)
    return show, page


@consultant_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_of(request, run_id)
    adoption_round = run.round
    show, page = (
        _pairs_page(request, run) if run.status in (MatchRun.Status.DONE, MatchRun.Status.ACCEPTED) else ("all", None)
    )
    latest_done = adoption_round.runs.filter(status=MatchRun.Status.DONE).order_by("-created_at", "-id").first()
    counts = {
        "adopted": run.pairs.filter(company__isnull=False).count(),
        "unplaced": run.pairs.filter(company__isnull=True).count(),
    }
    context = {
        "run": run,
        "round": adoption_round,
        "round_url": _round_page(adoption_round),
        "stage": stage_label(run),
        "finished": run.status in FINISHED,
        "report_rows": report_rows(run.report or {}),
        "show": show,
        "page": page,
        "counts": counts,
        "rules": PairRule.objects.filter(round=adoption_round).select_related(
            "school_class__school", "company", "created_by"
        ),
        "rule_form": PairRuleForm(round=adoption_round),
        "start_form": RunStartForm(),
        "accept_form": RunAcceptForm(),
        "may_accept": latest_done is not None
        and latest_done.pk == run.pk
        and adoption_round.status in (AdoptionRound.Status.COLLECTING, AdoptionRound.Status.MATCHING)
        and can_manage_round(request.user, adoption_round),
        "other_runs": adoption_round.runs.exclude(pk=run.pk).order_by("-created_at", "-id")[:10],
        "Basis": ProposedPair.Basis,
    }
    return render(request, "web/runs/detail.html", context)


@consultant_required
@require_GET
def run_progress(request: HttpRequest, run_id: int) -> JsonResponse:
    """What the run page polls while the run is under way."""
    run = _run_of(request, run_id)
    return JsonResponse(
        {
            "status": run.status,
            "status_display": run.get_status_display(),
            "progress": run.progress,
            "stage": run.stage,
            "stage_label": stage_label(run),
            "finished": run.status in FINISHED,
            "error": run.error,
        }
    )


@consultant_required
@require_POST
def pair_rule_create(request: HttpRequest, round_id: int) -> HttpResponse:
    adoption_round = _round_of(request, round_id)
    form = PairRuleForm(request.POST, round=adoption_round)
    fallback = _round_page(adoption_round)
    if not form.is_valid():
        report_form_errors(request, form)
        return back(request, fallback)
    data = form.cleaned_data
    create = services.pair_lock if data["kind"] == PairRule.Kind.LOCK else services.pair_forbid
    try:
        rule = create(
            actor=request.user,
            round=adoption_round,
            school_class=data["school_class"],
            company=data["company"],
            reason=data["reason"],
        )
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("%(rule)s. Run the matching again to use it.") % {"rule": rule})
    return back(request, fallback)


@consultant_required
@require_POST
def pair_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(selectors.pair_rules_visible_to(request.user), pk=rule_id)
    fallback = _round_page(rule.round)
    try:
        services.pair_rule_remove(actor=request.user, rule=rule)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The rule is removed. Run the matching again to use the change."))
    return back(request, fallback)


@consultant_required
@require_POST
def run_accept(request: HttpRequest, run_id: int) -> HttpResponse:
    run = _run_of(request, run_id)
    form = RunAcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that the adoptions are to be made."))
        return redirect("run-detail", run_id=run.pk)
    try:
        adoptions = services.run_accept(actor=request.user, run=run)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(count)s adoptions are made; the teachers and companies are told by e-mail.")
            % {"count": len(adoptions)},
        )
    return redirect("run-detail", run_id=run.pk)


urlpatterns = [
    path("rounds/<id:round_id>/runs/start/", run_start, name="run-start"),
    path("rounds/<id:round_id>/pair-rules/", pair_rule_create, name="pair-rule-create"),
    path("runs/<id:run_id>/", run_detail, name="run-detail"),
    path("runs/<id:run_id>/progress/", run_progress, name="run-progress"),
    path("runs/<id:run_id>/accept/", run_accept, name="run-accept"),
    path("pair-rules/<id:rule_id>/delete/", pair_rule_delete, name="pair-rule-delete"),
]
