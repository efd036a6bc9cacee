"""A company's pages of open days: the days it may host and its registrations, register or
change one, and after publication the participant list (first names, age, school) with
attendance marking from the day on. Thin: forms, selectors and the host services.

Anything the user may not see or act on answers 404, exactly like something that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from companies.models import Company
from companies.selectors import company_ids_of
from core.errors import DomainError
from opendays import selectors, services
from opendays.models import Application, Host, OpenDay
from opendays.permissions import can_act_for_host, can_register_host
from web.forms.opendays import HostForm
from web.views.shared import form_action, posted

ATTENDANCE_CHOICES = {"yes": True, "no": False, "": None}


def _host(request: HttpRequest, host_id: int) -> Host:
    host = get_object_or_404(selectors.hosts_visible_to(request.user), pk=host_id)
    if not can_act_for_host(request.user, host):
        raise Http404
    return host


@login_required
def host_days(request: HttpRequest) -> HttpResponse:
    """The open days the user's companies may host (still open) and their registrations."""
    companies = Company.objects.filter(pk__in=company_ids_of(request.user)).order_by("name")
    if not companies:
        raise Http404
    registrations = selectors.hosts_visible_to(request.user).filter(company__in=companies).order_by("-open_day__date")
    registered = {(host.open_day_id, host.company_id) for host in registrations}
    days = selectors.open_days_visible_to(request.user).filter(status=OpenDay.Status.OPEN).order_by("date")
    openings = [
        (day, company)
        for day in days
        for company in companies
        if (day.pk, company.pk) not in registered and day.municipalities.filter(pk=company.municipality_id).exists()
    ]
    return render(request, "web/openday_hosts/host_days.html", {"registrations": registrations, "openings": openings})


@login_required
def host_register(request: HttpRequest, day_id: int, company_id: int) -> HttpResponse:
    day = get_object_or_404(selectors.open_days_visible_to(request.user), pk=day_id)
    company = get_object_or_404(Company, pk=company_id)
    if not can_register_host(request.user, day, company):
        raise Http404
    form = HostForm(posted(request), company=company)
    if request.method == "POST" and form.is_valid():
        host = form_action(
            form,
            lambda: services.host_register(actor=request.user, open_day=day, company=company, **form.cleaned_data),
        )
        if host is not None:
            messages.success(request, _("%(company)s is registered as a host.") % {"company": company})
            return redirect("openday-host-detail", host_id=host.pk)
    return render(request, "web/openday_hosts/host_form.html", {"form": form, "day": day, "company": company})


@login_required
def host_edit(request: HttpRequest, host_id: int) -> HttpResponse:
    host = _host(request, host_id)
    form = HostForm(posted(request), company=host.company, host=host)
    if request.method == "POST" and form.is_valid():
        saved = form_action(form, lambda: services.host_update(actor=request.user, host=host, **form.cleaned_data))
        if saved is not None:
            messages.success(request, _("The registration is saved."))
            return redirect("openday-host-detail", host_id=host.pk)
    context = {"form": form, "day": host.open_day, "company": host.company, "host": host}
    return render(request, "web/openday_hosts/host_form.html", context)


@login_required
def host_detail(request: HttpRequest, host_id: int) -> HttpResponse:
    """The registration; after publication its participants (first names, age, school only)."""
    host = _host(request, host_id)
    day = host.open_day
    participants = (
        host.participants.filter(outcome=Application.Outcome.PLACED).select_related("school").order_by("first_name")
        if day.published_at is not None
        else Application.objects.none()
    )
    context = {
        "host": host,
        "day": day,
        "participants": participants,
        "published": day.published_at is not None,
        "may_mark": day.published_at is not None and timezone.localdate() >= day.date,
        # A closed day refuses every change to its hosts; an Edit button there only leads to a refusal.
        "may_edit": day.status != OpenDay.Status.CLOSED,
    }
    return render(request, "web/openday_hosts/host_detail.html", context)


@login_required
@require_POST
def host_attendance(request: HttpRequest, host_id: int) -> HttpResponse:
    """Marks each listed participant as came, did not come, or not marked."""
    host = _host(request, host_id)
    participants = host.participants.filter(outcome=Application.Outcome.PLACED).values_list("pk", flat=True)
    marks = {
        pk: ATTENDANCE_CHOICES[choice]
        for pk in participants
        if (choice := request.POST.get(f"attended-{pk}")) in ATTENDANCE_CHOICES
    }
    if not marks:
        messages.error(request, _("Nothing was marked: choose for each participant whether she came."))
        return redirect("openday-host-detail", host_id=host.pk)
    try:
        services.attendance_mark_all(actor=request.user, host=host, marks=marks)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Attendance is saved."))
    return redirect("openday-host-detail", host_id=host.pk)


urlpatterns = [
    path("open-days/hosting/", host_days, name="openday-host-days"),
    path("open-days/<id:day_id>/host/<id:company_id>/", host_register, name="openday-host-register"),
    path("open-days/hosts/<id:host_id>/", host_detail, name="openday-host-detail"),
    path("open-days/hosts/<id:host_id>/edit/", host_edit, name="openday-host-edit"),
    path("open-days/hosts/<id:host_id>/attendance/", host_attendance, name="openday-host-attendance"),
]
