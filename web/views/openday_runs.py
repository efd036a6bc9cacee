"""The consultant's matching pages of an open day: start a run from the day, follow it live,
read the report beside the greedy baseline, page through the placements (100 a page), move or
remove one with a reason, and publish behind a confirmation. Thin: forms, selectors and
opendays' services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.errors import DomainError
from core.models import Municipality
from opendays import selectors, services
from opendays.models import MatchRun, OpenDay, Placement
from opendays.permissions import can_manage_open_day
from opendays.services.runs import placement_priorities, placement_reason, run_adjusted_counts, stage_label
from web.forms.openday_runs import (
    OpenDayRunPublishForm,
    OpenDayRunStartForm,
    PlacementMoveForm,
    PlacementRemoveForm,
)
from web.views.people import consultant_required
from web.views.shared import form_action, report_form_errors

PLACEMENTS_PER_PAGE = 100
FINISHED = (MatchRun.Status.DONE, MatchRun.Status.FAILED, MatchRun.Status.PUBLISHED)


def _day_of(request: HttpRequest, day_id: int) -> OpenDay:
    return get_object_or_404(selectors.open_days_visible_to(request.user), pk=day_id)


def _run_of(request: HttpRequest, day_id: int, run_id: int) -> MatchRun:
    return get_object_or_404(selectors.runs_visible_to(request.user), pk=run_id, open_day_id=day_id)


def _run_page(run: MatchRun) -> str:
    return reverse("openday-run-detail", args=[run.open_day_id, run.pk])


@consultant_required
@require_GET
def openday_runs(request: HttpRequest, day_id: int) -> HttpResponse:
    """The day's runs, newest first, and the form that starts one."""
    open_day = _day_of(request, day_id)
    context = {
        "open_day": open_day,
        "runs": open_day.runs.order_by("-created_at", "-id")[:20],
        "start_form": OpenDayRunStartForm(),
        "may_start": can_manage_open_day(request.user, open_day),
    }
    return render(request, "web/openday_runs/list.html", context)


@consultant_required
@require_POST
def openday_run_start(request: HttpRequest, day_id: int) -> HttpResponse:
    open_day = _day_of(request, day_id)
    form = OpenDayRunStartForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("openday-runs", day_id=open_day.pk)
    try:
        run = services.run_start(actor=request.user, open_day=open_day, seed=form.cleaned_data["seed"])
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("openday-runs", day_id=open_day.pk)
    return redirect("openday-run-detail", day_id=open_day.pk, run_id=run.pk)


def _percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


def _count(figures: dict, key: str, share: str) -> str:
    return f"{figures.get(key, 0)} ({_percent(figures.get(share))})"


def _group(figures: dict | None) -> str:
    if not figures or not figures.get("eligible"):
        return "–"
    return f"{figures['placed']} / {figures['eligible']} ({_percent(figures['share'])})"


def report_rows(report: dict) -> list[tuple[str, str, str]]:
    """The report as rows of (figure, optimal, greedy), for the side-by-side table."""
    optimal, greedy = report.get("optimal") or {}, report.get("greedy") or {}
    if not optimal:
        return []
    rows = [
        (
            _("Placed / applicants"),
            f"{optimal['placed']} / {optimal['eligible']} ({_percent(optimal['placed_share'])})",
            f"{greedy['placed']} / {greedy['eligible']} ({_percent(greedy['placed_share'])})",
        ),
        (
            _("First choice met"),
            _count(optimal, "first_choice", "first_choice_share"),
            _count(greedy, "first_choice", "first_choice_share"),
        ),
        (_("A top-3 choice met"), _count(optimal, "top3", "top3_share"), _count(greedy, "top3", "top3_share")),
        (
            _("Places filled"),
            f"{optimal['placed']} / {optimal['places']} ({_percent(optimal['fill_rate'])})",
            f"{greedy['placed']} / {greedy['places']} ({_percent(greedy['fill_rate'])})",
        ),
    ]
    groups = {
        "first_time": _("First-time applicants"),
        "outlying": _("Outlying municipalities"),
        "none": _("No priority"),
    }
    for key, label in groups.items():
        mine, theirs = optimal["priorities"].get(key), greedy["priorities"].get(key)
        if mine and mine["eligible"]:
            rows.append((_("Placed: %(group)s") % {"group": label}, _group(mine), _group(theirs)))
    codes = [int(code) for code in optimal["municipalities"]]
    names = dict(Municipality.objects.filter(code__in=codes).values_list("code", "name"))
    for code, figures in optimal["municipalities"].items():
        rows.append(
            (
                _("Placed from %(municipality)s") % {"municipality": names.get(int(code), code)},
                _group(figures),
                _group(greedy["municipalities"].get(code)),
            )
        )
    return rows


def host_rows(run: MatchRun) -> list[dict]:
    """Fill per host as the run's placements stand now (the consultant's moves included), least
    filled first (where places go begging)."""
    hosts = run.open_day.hosts.select_related("company").annotate(
        placed=Count("placements", filter=Q(placements__run=run))
    )
    rows = [
        {"host": host, "placed": host.placed, "places": host.places, "share": host.placed / host.places}
        for host in hosts
    ]
    for row in rows:
        row["fill"] = _percent(row["share"])
    return sorted(rows, key=lambda row: (row["share"], row["host"].company.name))


def _placements_page(request: HttpRequest, run: MatchRun):
    show = request.GET.get("show", "all")
    placements = run.placements.select_related("application__municipality", "host__company", "adjusted_by")
    if show == "placed":
        placements = placements.filter(host__isnull=False).order_by("host__company__name", "application_id")
    elif show == "waiting":
        placements = placements.filter(host__isnull=True).order_by("waitlist_order", "application_id")
    else:
        show = "all"
        placements = placements.order_by("application_id")
    page = Paginator(placements, PLACEMENTS_PER_PAGE).get_page(request.GET.get("page"))
    for placement in page.object_list:
        placement.reason_label = placement_reason(placement)
        placement.priority_labels = placement_priorities(placement)
    return show, page


def _adjustable(request: HttpRequest, run: MatchRun) -> bool:
    return (
        run.status == MatchRun.Status.DONE
        and run.open_day.status == OpenDay.Status.MATCHING
        and can_manage_open_day(request.user, run.open_day)
    )


@consultant_required
@require_GET
def openday_run_detail(request: HttpRequest, day_id: int, run_id: int) -> HttpResponse:
    run = _run_of(request, day_id, run_id)
    open_day = run.open_day
    done = run.status in (MatchRun.Status.DONE, MatchRun.Status.PUBLISHED)
    show, page = _placements_page(request, run) if done else ("all", None)
    latest = open_day.runs.filter(status=MatchRun.Status.DONE).order_by("-created_at", "-id").first()
    adjustable = _adjustable(request, run)
    context = {
        "run": run,
        "open_day": open_day,
        "stage": stage_label(run),
        "finished": run.status in FINISHED,
        "report_rows": report_rows(run.report or {}),
        "host_rows": host_rows(run) if done else [],
        "counts": run_adjusted_counts(run),
        "show": show,
        "page": page,
        "adjustable": adjustable,
        "remove_form": PlacementRemoveForm(),
        "publish_form": OpenDayRunPublishForm(),
        "may_publish": adjustable and latest is not None and latest.pk == run.pk,
        "other_runs": open_day.runs.exclude(pk=run.pk).order_by("-created_at", "-id")[:10],
    }
    return render(request, "web/openday_runs/detail.html", context)


@consultant_required
@require_GET
def openday_run_progress(request: HttpRequest, day_id: int, run_id: int) -> JsonResponse:
    """What the run page polls while the run is under way."""
    run = _run_of(request, day_id, run_id)
    return JsonResponse(
        {
            "status": run.status,
            "progress": run.progress,
            "stage_label": stage_label(run),
            "finished": run.status in FINISHED,
        }
    )


def _placement_of(request: HttpRequest, day_id: int, run_id: int, placement_id: int) -> Placement:
    run = _run_of(request, day_id, run_id)
    placement = run.placements.select_related("run__open_day", "application").filter(pk=placement_id).first()
    if placement is None:
        raise Http404
    return placement


@consultant_required
@require_http_methods(["GET", "POST"])
def placement_move(request: HttpRequest, day_id: int, run_id: int, placement_id: int) -> HttpResponse:
    """The move form on a page of its own when it was refused; on success back to the run."""
    placement = _placement_of(request, day_id, run_id, placement_id)
    form = PlacementMoveForm(request.POST or None, run=placement.run)
    if request.method == "POST" and form.is_valid():
        done = form_action(
            form,
            lambda: services.placement_move(
                actor=request.user,
                placement=placement,
                host=form.cleaned_data["host"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done:
            messages.success(request, _("The applicant is moved; publish when the result is right."))
            return redirect(_run_page(placement.run))
    context = {"placement": placement, "run": placement.run, "open_day": placement.run.open_day, "form": form}
    return render(request, "web/openday_runs/move.html", context)


@consultant_required
@require_POST
def placement_remove(request: HttpRequest, day_id: int, run_id: int, placement_id: int) -> HttpResponse:
    placement = _placement_of(request, day_id, run_id, placement_id)
    form = PlacementRemoveForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(_run_page(placement.run))
    try:
        services.placement_remove(actor=request.user, placement=placement, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The applicant is taken out of her place and waits last on the waiting list."))
    return redirect(_run_page(placement.run))


@consultant_required
@require_POST
def openday_run_publish(request: HttpRequest, day_id: int, run_id: int) -> HttpResponse:
    run = _run_of(request, day_id, run_id)
    form = OpenDayRunPublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the box to confirm that the result is to be published."))
        return redirect(_run_page(run))
    try:
        placed = services.run_publish(actor=request.user, run=run)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            ngettext(
                "Published: %(count)s applicant is placed; everyone is told by e-mail.",
                "Published: %(count)s applicants are placed; everyone is told by e-mail.",
                placed,
            )
            % {"count": placed},
        )
    return redirect(_run_page(run))


urlpatterns = [
    path("open-days/<id:day_id>/runs/", openday_runs, name="openday-runs"),
    path("open-days/<id:day_id>/runs/start/", openday_run_start, name="openday-run-start"),
    path("open-days/<id:day_id>/runs/<id:run_id>/", openday_run_detail, name="openday-run-detail"),
    path("open-days/<id:day_id>/runs/<id:run_id>/progress/", openday_run_progress, name="openday-run-progress"),
    path("open-days/<id:day_id>/runs/<id:run_id>/publish/", openday_run_publish, name="openday-run-publish"),
    path(
        "open-days/<id:day_id>/runs/<id:run_id>/placements/<id:placement_id>/move/",
        placement_move,
        name="openday-placement-move",
    ),
    path(
        "open-days/<id:day_id>/runs/<id:run_id>/placements/<id:placement_id>/remove/",
        placement_remove,
        name="openday-placement-remove",
    ),
]
