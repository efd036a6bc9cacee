"""The consultant's pages of open days: the days of their area, create and change one, and a
day's page (hosts with places and fill, applications by state, the link to the matching runs).
Thin: forms, selectors and the day services; who may do what is opendays.permissions.

Anything the user may not see or act on answers 404, exactly like something that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.models import Municipality
from opendays import selectors, services
from opendays.models import Application, OpenDay
from opendays.permissions import can_create_open_days, can_manage_open_day
from web.forms.opendays import OpenDayForm
from web.views.shared import form_action, posted


def consultant_required(view: Callable) -> Callable:
    """Signed in as a consultant or an administrator; everyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_create_open_days(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _day(request: HttpRequest, day_id: int) -> OpenDay:
    return get_object_or_404(selectors.open_days_visible_to(request.user), pk=day_id)


def _managed_day(request: HttpRequest, day_id: int) -> OpenDay:
    day = _day(request, day_id)
    if not can_manage_open_day(request.user, day):
        raise Http404
    return day


def _area_municipalities(request: HttpRequest) -> QuerySet[Municipality]:
    codes = request.user.area_municipality_codes()
    municipalities = Municipality.objects.all()
    return municipalities if codes is None else municipalities.filter(code__in=codes)


@consultant_required
def day_list(request: HttpRequest) -> HttpResponse:
    """The days touching the consultant's area, latest first, with hosts, places and applications."""
    days = selectors.open_days_visible_to(request.user).annotate(
        host_count=Count("hosts", distinct=True),
        application_count=Count(
            "applications", filter=Q(applications__status=Application.Status.CONFIRMED), distinct=True
        ),
    )
    return render(request, "web/opendays/day_list.html", {"days": days})


@consultant_required
def day_create(request: HttpRequest) -> HttpResponse:
    form = OpenDayForm(posted(request), municipalities=_area_municipalities(request))
    if request.method == "POST" and form.is_valid():
        day = form_action(form, lambda: services.open_day_create(actor=request.user, **form.cleaned_data))
        if day is not None:
            messages.success(request, _("The open day is created: companies can now register as hosts."))
            return redirect("openday-detail", day_id=day.pk)
    return render(request, "web/opendays/day_form.html", {"form": form})


@consultant_required
def day_edit(request: HttpRequest, day_id: int) -> HttpResponse:
    day = _managed_day(request, day_id)
    form = OpenDayForm(posted(request), municipalities=_area_municipalities(request), open_day=day)
    if request.method == "POST" and form.is_valid():
        saved = form_action(
            form, lambda: services.open_day_update(actor=request.user, open_day=day, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("The open day is saved."))
            return redirect("openday-detail", day_id=day.pk)
    return render(request, "web/opendays/day_form.html", {"form": form, "day": day})


@consultant_required
def day_detail(request: HttpRequest, day_id: int) -> HttpResponse:
    """The day, its hosts with places and fill, and its applications counted by state; the
    consultant sees the applicants' first names."""
    day = _day(request, day_id)
    hosts = (
        day.hosts.select_related("company")
        .annotate(
            # distinct: the two joins multiply each other's rows.
            placed=Count("participants", filter=Q(participants__outcome=Application.Outcome.PLACED), distinct=True),
            wanted=Count("preferences", filter=Q(preferences__rank=1), distinct=True),
        )
        .order_by("company__name", "id")
    )
    by_status = dict(day.applications.values_list("status").annotate(count=Count("id")).order_by())
    by_outcome = dict(
        day.applications.exclude(outcome="").values_list("outcome").annotate(count=Count("id")).order_by()
    )
    context = {
        "day": day,
        "may_manage": can_manage_open_day(request.user, day),
        # A closed day refuses every change; an Edit button there only leads to a refusal.
        "may_edit": day.status != OpenDay.Status.CLOSED,
        "hosts": hosts,
        "places": hosts.aggregate(total=Sum("places"))["total"] or 0,
        "statuses": [(label, by_status.get(value, 0)) for value, label in Application.Status.choices],
        "outcomes": [(label, by_outcome.get(value, 0)) for value, label in Application.Outcome.choices if value],
        "applications": day.applications.select_related("school", "host__company").order_by("first_name", "id")[:200],
        "closable": day.status in services.days.CLOSABLE,
        "after": services.open_day_counts(day) if day.date <= timezone.localdate() else None,
    }
    return render(request, "web/opendays/day_detail.html", context)


@consultant_required
@require_POST
def day_close(request: HttpRequest, day_id: int) -> HttpResponse:
    day = _managed_day(request, day_id)
    try:
        services.open_day_close(actor=request.user, open_day=day)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The open day is closed."))
    return redirect("openday-detail", day_id=day.pk)


urlpatterns = [
    path("open-days/", day_list, name="openday-list"),
    path("open-days/new/", day_create, name="openday-create"),
    path("open-days/<id:day_id>/", day_detail, name="openday-detail"),
    path("open-days/<id:day_id>/edit/", day_edit, name="openday-edit"),
    path("open-days/<id:day_id>/close/", day_close, name="openday-close"),
]
