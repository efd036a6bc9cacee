"""Pages of the annual plans: the adopted classes a teacher's school or a host's company has
(a consultant: those of their area), a plan with its progress, activities by month, history
and renewal answer; editing the plan and its activities; booking a dated activity; a print
version and an .ics file of the plan's dated activities. Thin: forms, selectors, services."""

from __future__ import annotations

from collections import OrderedDict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from adoptions import services
from adoptions.feeds import plan_events
from adoptions.models import Adoption, AnnualPlan, PlanActivity
from adoptions.permissions import CONSULTANT, adoption_side, can_edit_plan
from adoptions.selectors import activities_visible_to, adoptions_visible_to, plans_visible_to
from adoptions.services.plans import activity_month
from companies.models import CompanyMember
from core.errors import DomainError
from notifications.calendar import build_calendar
from schools.models import Teacher
from web.forms.plans import ActivityForm, BookForm, PlanForm, RenewalForm
from web.views.shared import form_action, posted, report_form_errors

CREATE_STATUSES = [PlanActivity.Status.IDEA, PlanActivity.Status.PLANNED]
EDIT_STATUSES = [PlanActivity.Status.IDEA, PlanActivity.Status.PLANNED, PlanActivity.Status.DONE]


def _plan(request: HttpRequest, plan_id: int) -> AnnualPlan:
    return get_object_or_404(plans_visible_to(request.user), pk=plan_id)


def _editable_plan(request: HttpRequest, plan_id: int) -> AnnualPlan:
    """A plan the user may edit; one they may only read (an ended adoption) answers 404 to writes."""
    plan = _plan(request, plan_id)
    if not can_edit_plan(request.user, plan):
        raise Http404
    return plan


def _editable_activity(request: HttpRequest, activity_id: int) -> PlanActivity:
    activity = get_object_or_404(activities_visible_to(request.user), pk=activity_id)
    if not can_edit_plan(request.user, activity.plan):
        raise Http404
    return activity


def _warn(request: HttpRequest, warning: str | None) -> None:
    if warning:
        messages.warning(request, warning)


@login_required
@require_GET
def my_adoptions(request: HttpRequest) -> HttpResponse:
    """The adopted classes of the teacher's school or the host's company (a consultant: of
    their area), running ones first, each with its plan's progress; ended ones as history."""
    adoptions = list(
        adoptions_visible_to(request.user)
        .select_related("plan")
        .order_by("status", "-school_year", "school_class__school__name", "school_class__name")[:500]
    )
    rows = [(adoption, services.plan_progress(adoption.plan)) for adoption in adoptions]
    context = {
        "running": [row for row in rows if row[0].status == Adoption.Status.ACTIVE],
        "ended": [row for row in rows if row[0].status == Adoption.Status.ENDED],
    }
    return render(request, "web/plans/my_adoptions.html", context)


def _months(activities: list[PlanActivity]) -> list[tuple[object, list[PlanActivity]]]:
    """The activities by month, in time order; those with no month last."""
    by_month: OrderedDict = OrderedDict()
    dated = sorted(
        (activity for activity in activities if activity_month(activity)),
        key=lambda activity: (activity_month(activity), activity.starts_at is None, activity.starts_at),
    )
    for activity in dated:
        by_month.setdefault(activity_month(activity), []).append(activity)
    undated = [activity for activity in activities if not activity_month(activity)]
    months = list(by_month.items())
    if undated:
        months.append((None, undated))
    return months


def _plan_context(request: HttpRequest, plan: AnnualPlan) -> dict:
    activities = list(
        plan.activities.select_related("booking", "booking__slot").prefetch_related("learning_goals").order_by("id")
    )
    for activity in activities:
        activity.current_status = services.current_status(activity)
        # Shown (not saved) at the time it stands, so the page, its months and warnings follow a moved booking.
        activity.starts_at, activity.ends_at = services.current_times(activity)
    company = plan.adoption.company
    warnings = []
    for month, month_activities in _months(activities):
        if month is not None and any(a.current_status != PlanActivity.Status.IDEA for a in month_activities):
            warning = services.month_warning(services.company_month_load(company=company, month=month), company)
            if warning:
                warnings.append(warning)
    return {
        "plan": plan,
        "adoption": plan.adoption,
        "months": _months(activities),
        "progress": services.plan_progress(plan, activities),
        "changes": plan.changes.select_related("actor")[:200],
        "warnings": warnings,
        "can_edit": can_edit_plan(request.user, plan),
        "editors": _editors(plan.adoption),
        "statuses": PlanActivity.Status.choices,
    }


def _editors(adoption: Adoption) -> list[str]:
    """The people who write the plan with the consultant: the school's teachers and the company's people."""
    teachers = Teacher.objects.filter(school_id=adoption.school_class.school_id).select_related("user")
    members = CompanyMember.objects.filter(company_id=adoption.company_id).select_related("user")
    people = [teacher.user for teacher in teachers[:20]] + [member.user for member in members[:20]]
    return [person.get_full_name() or person.get_username() for person in people]


@login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    context = _plan_context(request, plan)
    adoption = plan.adoption
    side = adoption_side(request.user, adoption)
    if side is not None and services.renewal_asked(adoption):
        context["renewal_form"] = RenewalForm()
        context["renewal_needs_side"] = side == CONSULTANT
    return render(request, "web/plans/plan_detail.html", context)


@login_required
@require_GET
def plan_print(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as it prints: no menu, no forms, activities with their phases and goals."""
    plan = _plan(request, plan_id)
    return render(request, "web/plans/plan_print.html", _plan_context(request, plan))


@login_required
@require_GET
def plan_ics(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan's dated activities without a booking (booked ones come as the booking's invite)."""
    plan = _plan(request, plan_id)
    body = build_calendar(plan_events(plan), name=str(plan))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="plan-{plan.pk}.ics"'
    return response


@login_required
def plan_edit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    form = PlanForm(
        posted(request), initial={"target_activities": plan.target_activities, "goals_note": plan.goals_note}
    )
    if request.method == "POST" and form.is_valid():
        saved = form_action(form, lambda: services.plan_update(actor=request.user, plan=plan, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("The plan is saved."))
            return redirect("plan-detail", plan_id=plan.pk)
    return render(request, "web/plans/plan_form.html", {"plan": plan, "form": form})


@login_required
def activity_create(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _editable_plan(request, plan_id)
    goals = services.learning_goals_for(plan.adoption.school_class)
    form = ActivityForm(posted(request), goals=goals, statuses=CREATE_STATUSES)
    if request.method == "POST" and form.is_valid():
        activity = form_action(
            form,
            lambda: services.activity_create(
                actor=request.user, plan=plan, status=form.cleaned_data["status"], **form.service_fields()
            ),
            form.error_aliases,
        )
        if activity is not None:
            messages.success(request, _("The activity is added."))
            _warn(request, services.activity_month_warning(activity))
            return redirect("plan-detail", plan_id=plan.pk)
    return render(request, "web/plans/activity_form.html", {"plan": plan, "form": form, "activity": None})


@login_required
def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _editable_activity(request, activity_id)
    plan = activity.plan
    goals = services.learning_goals_for(plan.adoption.school_class)
    status = services.current_status(activity)
    statuses = [status] if status == PlanActivity.Status.BOOKED else EDIT_STATUSES
    initial = {**ActivityForm.initial_of(activity), "status": status}
    form = ActivityForm(posted(request), goals=goals, statuses=statuses, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form_action(form, lambda: _save_activity(request, activity, form, status) or True, form.error_aliases)
        if saved is not None:
            messages.success(request, _("The activity is saved."))
            _warn(request, services.activity_month_warning(activity))
            return redirect("plan-detail", plan_id=plan.pk)
    return render(request, "web/plans/activity_form.html", {"plan": plan, "form": form, "activity": activity})


def _save_activity(request: HttpRequest, activity: PlanActivity, form: ActivityForm, status: str) -> None:
    """The fields, then the status if it changed: both or neither (one transaction)."""
    with transaction.atomic():
        services.activity_update(actor=request.user, activity=activity, **form.service_fields())
        if form.cleaned_data["status"] != status:
            services.activity_set_status(actor=request.user, activity=activity, status=form.cleaned_data["status"])


@login_required
def activity_delete(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = _editable_activity(request, activity_id)
    plan = activity.plan
    if request.method == "POST":
        try:
            services.activity_delete(actor=request.user, activity=activity)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The activity is deleted."))
        return redirect("plan-detail", plan_id=plan.pk)
    return render(request, "web/plans/activity_delete.html", {"plan": plan, "activity": activity})


@login_required
def activity_book(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Book the activity for the class with the company, at a time the two have agreed."""
    activity = _editable_activity(request, activity_id)
    plan = activity.plan
    form = BookForm(posted(request), initial=_book_initial(activity))
    if request.method == "POST" and form.is_valid():
        booking = form_action(
            form,
            lambda: services.activity_book(actor=request.user, activity=activity, **form.service_fields()),
            form.error_aliases,
        )
        if booking is not None:
            messages.success(request, _("The activity is booked; the invitations are on their way."))
            _warn(request, services.activity_month_warning(activity))
            return redirect("booking-page", booking_id=booking.pk)
    return render(request, "web/plans/activity_book.html", {"plan": plan, "form": form, "activity": activity})


def _book_initial(activity: PlanActivity) -> dict:
    initial = ActivityForm.initial_of(activity)
    return {name: initial[name] for name in ("date", "start_time", "end_time")}


@login_required
@require_POST
def renewal_answer(request: HttpRequest, adoption_id: int) -> HttpResponse:
    adoption = get_object_or_404(adoptions_visible_to(request.user), pk=adoption_id)
    form = RenewalForm(request.POST)
    if form.is_valid():
        try:
            services.renewal_answer(
                actor=request.user, adoption=adoption, wants=form.cleaned_data["wants"], side=form.cleaned_data["side"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer is saved."))
    else:
        report_form_errors(request, form)
    return redirect("plan-detail", plan_id=adoption.plan.pk)


urlpatterns: list[URLPattern] = [
    path("adoptions/", my_adoptions, name="my-adoptions"),
    path("adoptions/<id:adoption_id>/renewal/", renewal_answer, name="renewal-answer"),
    path("plans/<id:plan_id>/", plan_detail, name="plan-detail"),
    path("plans/<id:plan_id>/edit/", plan_edit, name="plan-edit"),
    path("plans/<id:plan_id>/print/", plan_print, name="plan-print"),
    path("plans/<id:plan_id>/plan.ics", plan_ics, name="plan-ics"),
    path("plans/<id:plan_id>/activities/new/", activity_create, name="activity-create"),
    path("activities/<id:activity_id>/edit/", activity_edit, name="activity-edit"),
    path("activities/<id:activity_id>/delete/", activity_delete, name="activity-delete"),
    path("activities/<id:activity_id>/book/", activity_book, name="activity-book"),
]
