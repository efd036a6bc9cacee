"""The consultant's workspace: a home page with what needs attention across their area, and
region-wide lists of bookings, adoptions and annual plans with filters and CSV export. Thin:
the reads are web.workspace's and the domains' scoped selectors, the filters web.filters'.

Everything is scoped to the consultant's area (adoptions.selectors, bookings.selectors); an
administrator, and a consultant without an area, see the whole installation. Anyone else gets
404, as on the consultant's other pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import django_filters
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from adoptions.models import Adoption, AnnualPlan
from adoptions.selectors import adoptions_visible_to, plans_visible_to
from bookings.models import Booking
from bookings.selectors import booking_list_for_user
from notifications import registry
from notifications.services import messages_retry_now
from web.exports import csv_response
from web.filters import PLAN_STANDINGS, WorkspaceAdoptionFilter, WorkspaceBookingFilter, WorkspacePlanFilter
from web.views.people import consultant_required
from web.workspace import attention_for, failed_messages, with_progress

PAGE_SIZE = 50
# Rows read at a time for a CSV export, which holds every row of the area.
EXPORT_CHUNK = 2000


def _page(name: str, pk: int | None) -> str | None:
    """The address of the round, run or plan page of the row `pk` (web/views/{rounds,runs,plans}.py); None without a row."""
    return reverse(name, args=[pk]) if pk is not None else None


def _local(moment: dt.datetime | None) -> str:
    """A time as a spreadsheet reads it, in Copenhagen time."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# Home --------------------------------------------------------------------------------------


@consultant_required
def workspace_home(request: HttpRequest) -> HttpResponse:
    """What needs attention across the consultant's area, each item linking to where it is acted on."""
    context = attention_for(request.user, all_classes_without_encounter=request.GET.get("all") == "classes")
    for adoption_round in context["rounds"]:
        adoption_round.page_url = _page("round-detail", adoption_round.pk)
        adoption_round.run_url = _page("run-detail", adoption_round.latest_run_id)
    for plan in context["behind"].rows:
        plan.page_url = _page("plan-detail", plan.pk)
    for message in context["failed"].rows:
        message.kind_name = registry.kind_label(message.subject_key, message.kind)
    context["area"] = request.user.area.all() if request.user.area_municipality_codes() is not None else None
    if request.user.is_staff:
        context["outbox_url"] = reverse("admin:notifications_outgoingmessage_changelist") + "?status__exact=failed"
    return render(request, "web/consultant/home.html", context)


@consultant_required
@require_POST
def workspace_messages_retry(request: HttpRequest) -> HttpResponse:
    """Send the failed messages the consultant sees again at the next delivery pass."""
    count = messages_retry_now(message_ids=failed_messages(request.user).values_list("pk", flat=True))
    text = ngettext("%(count)d message will be sent again.", "%(count)d messages will be sent again.", count)
    messages.success(request, text % {"count": count})
    return redirect("workspace")


# Lists -------------------------------------------------------------------------------------


def _list_page(
    request: HttpRequest,
    *,
    rows: QuerySet,
    filter_class: type[django_filters.FilterSet],
    template: str,
    export_name: str,
    header: list[str],
    cells: Callable[[object], list[object]],
    decorate: Callable[[object], None] | None = None,
) -> HttpResponse:
    """A filtered, paginated list, or with `?format=csv` all its rows as a spreadsheet. Filters
    that are not valid show their errors and no rows, rather than rows they did not ask for."""
    filterset = filter_class(request.GET or None, queryset=rows, user=request.user)
    if not filterset.is_bound:
        found, valid = rows, True
    elif filterset.is_valid():
        found, valid = filterset.qs, True
    else:
        found, valid = rows.none(), False
    if request.GET.get("format") == "csv" and valid:
        filename = f"{slugify(export_name)}-{timezone.localdate().isoformat()}.csv"
        return csv_response(filename, header, (cells(row) for row in found.iterator(chunk_size=EXPORT_CHUNK)))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    if decorate is not None:
        for row in page.object_list:
            decorate(row)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    return render(request, template, context)


@consultant_required
def workspace_bookings(request: HttpRequest) -> HttpResponse:
    """Every booking in the area, by the visit's date, newest first."""
    rows = (
        booking_list_for_user(request.user)
        .select_related(
            "school_class__school__municipality", "teacher__school__municipality", "slot__offer__company__sector"
        )
        .order_by("-slot__start", "-id")
    )

    def cells(booking: Booking) -> list[object]:
        school = booking.school
        return [
            booking.pk,
            booking.get_status_display(),
            _local(booking.slot.start),
            booking.slot.offer.title,
            booking.slot.offer.company.name,
            booking.slot.offer.company.sector.name,
            school.name,
            school.municipality.name,
            booking.participant,
            "" if booking.is_for_teacher else booking.school_class.grade,
            booking.pupils,
            _local(booking.created_at),
        ]

    header = [
        _("Booking"),
        _("Status"),
        _("Visit"),
        _("Offer"),
        _("Company"),
        _("Sector"),
        _("School"),
        _("Municipality"),
        _("Class or teacher"),
        _("Grade"),
        _("Pupils"),
        _("Booked"),
    ]
    return _list_page(
        request,
        rows=rows,
        filter_class=WorkspaceBookingFilter,
        template="web/consultant/bookings.html",
        export_name=_("bookings"),
        header=header,
        cells=cells,
    )


@consultant_required
def workspace_adoptions(request: HttpRequest) -> HttpResponse:
    """Every adoption in the area, the newest school year first."""
    rows = (
        adoptions_visible_to(request.user)
        .select_related("company__sector", "round")
        .order_by("-school_year", "school_class__school__name", "school_class__name", "id")
    )

    def cells(adoption: Adoption) -> list[object]:
        school_class = adoption.school_class
        return [
            adoption.pk,
            adoption.school_year_label,
            adoption.get_status_display(),
            school_class.school.name,
            school_class.school.municipality.name,
            school_class.name,
            school_class.grade,
            adoption.company.name,
            adoption.company.sector.name,
            str(adoption.round) if adoption.round else "",
            _yes_no(adoption.school_wants_renewal),
            _yes_no(adoption.company_wants_renewal),
        ]

    header = [
        _("Adoption"),
        capfirst(_("school year")),
        _("Status"),
        _("School"),
        _("Municipality"),
        _("Class"),
        _("Grade"),
        _("Company"),
        _("Sector"),
        _("Round"),
        _("School wants to continue"),
        _("Company wants to continue"),
    ]
    return _list_page(
        request,
        rows=rows,
        filter_class=WorkspaceAdoptionFilter,
        template="web/consultant/adoptions.html",
        export_name=_("adoptions"),
        header=header,
        cells=cells,
        decorate=_link_adoption_plan,
    )


def _link_adoption_plan(adoption: Adoption) -> None:
    try:
        plan_id = adoption.plan.pk
    except ObjectDoesNotExist:
        plan_id = None
    adoption.plan_url = _page("plan-detail", plan_id)


def _yes_no(answer: bool | None) -> str:
    if answer is None:
        return _("Not answered")
    return _("Yes") if answer else _("No")


STANDING_LABELS = dict(PLAN_STANDINGS)


@consultant_required
def workspace_plans(request: HttpRequest) -> HttpResponse:
    """Every annual plan in the area with its progress against its target, the newest school year first."""
    plans = plans_visible_to(request.user).select_related(
        "adoption__school_class__school__municipality", "adoption__company__sector"
    )
    rows = with_progress(plans, today=timezone.localdate()).order_by(
        "-adoption__school_year", "adoption__school_class__school__name", "adoption__school_class__name", "id"
    )

    def cells(plan: AnnualPlan) -> list[object]:
        adoption, school_class = plan.adoption, plan.adoption.school_class
        return [
            plan.pk,
            adoption.school_year_label,
            school_class.school.name,
            school_class.school.municipality.name,
            school_class.name,
            school_class.grade,
            adoption.company.name,
            adoption.company.sector.name,
            plan.target_activities,
            plan.done,
            plan.booked,
            plan.planned,
            plan.ideas,
            plan.needed,
            str(STANDING_LABELS[plan.standing]),
        ]

    header = [
        _("Plan"),
        capfirst(_("school year")),
        _("School"),
        _("Municipality"),
        _("Class"),
        _("Grade"),
        _("Company"),
        _("Sector"),
        _("Target"),
        _("Activities done"),
        _("Activities booked"),
        _("Activities planned"),
        _("Ideas"),
        _("Needed by now"),
        _("Progress against the target"),
    ]
    return _list_page(
        request,
        rows=rows,
        filter_class=WorkspacePlanFilter,
        template="web/consultant/plans.html",
        export_name=_("annual plans"),
        header=header,
        cells=cells,
        decorate=_link_plan,
    )


def _link_plan(plan: AnnualPlan) -> None:
    plan.page_url = _page("plan-detail", plan.pk)


urlpatterns: list[URLPattern] = [
    path("workspace/", workspace_home, name="workspace"),
    path("workspace/messages/retry/", workspace_messages_retry, name="workspace-messages-retry"),
    path("workspace/bookings/", workspace_bookings, name="workspace-bookings"),
    path("workspace/adoptions/", workspace_adoptions, name="workspace-adoptions"),
    path("workspace/plans/", workspace_plans, name="workspace-plans"),
]
