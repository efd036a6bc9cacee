"""A teacher's open-day pages: the open days for her school's pupils, applying for several
pupils of a class at once (all of them or none), and the applications she made with their
status and, after publication, their outcome."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from opendays import selectors, services
from opendays.models import OpenDay
from opendays.permissions import can_apply_for_pupils
from opendays.services.applications import MAX_PUPILS_AT_ONCE
from web.forms.openday_apply import PupilRowForm

DEFAULT_ROWS = 6


def teacher_required(view: Callable) -> Callable:
    """Signed in as a teacher; everyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_apply_for_pupils(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@teacher_required
def teacher_open_days(request: HttpRequest) -> HttpResponse:
    """Open days taking applications in her area, and the applications she made, newest day first."""
    days = (
        selectors.open_days_visible_to(request.user)
        .filter(status=OpenDay.Status.OPEN, applications_close__gt=timezone.now())
        .order_by("date", "id")
    )
    applications = (
        selectors.applications_visible_to(request.user)
        .filter(applied_by=request.user, erased_at__isnull=True)
        .order_by("-open_day__date", "first_name", "id")
    )
    return render(request, "web/openday_teachers/home.html", {"days": days, "applications": applications})


def _rows(request: HttpRequest) -> int:
    raw = request.POST.get("rows") if request.method == "POST" else request.GET.get("rows")
    try:
        return max(1, min(int(raw or DEFAULT_ROWS), MAX_PUPILS_AT_ONCE))
    except ValueError:
        return DEFAULT_ROWS


def _place_error(forms_: list[PupilRowForm], error: DomainError) -> str | None:
    """A refusal naming "pupils.<row>.<field>" goes next to that row's field; anything else is
    returned to be shown above the form."""
    parts = (error.field or "").split(".")
    if len(parts) >= 2 and parts[0] == "pupils" and parts[1].isdigit() and int(parts[1]) < len(forms_):
        form = forms_[int(parts[1])]
        field = parts[2] if len(parts) > 2 else None
        if field == "preferences":
            field = "choice_1"
        form.add_error(field if field in form.fields else None, str(error.message))
        return None
    return str(error.message)


@teacher_required
def teacher_apply(request: HttpRequest, day_id: int) -> HttpResponse:
    """One row per pupil; rows without a first name are skipped."""
    open_day = get_object_or_404(
        selectors.open_days_visible_to(request.user).filter(status=OpenDay.Status.OPEN), pk=day_id
    )
    hosts = list(selectors.hosts_public(open_day).order_by("company__name", "id"))
    rows = _rows(request)
    data = request.POST if request.method == "POST" else None
    forms_ = [PupilRowForm(data, prefix=f"p{n}", open_day=open_day, hosts=hosts) for n in range(rows)]
    error = None
    if data is not None and all(form.is_valid() for form in forms_):
        filled = [form for form in forms_ if form.cleaned_data.get("first_name")]
        pupils = [
            services.Pupil(
                first_name=form.cleaned_data["first_name"],
                age=form.cleaned_data["age"],
                grade=form.cleaned_data["grade"],
                guardian_email=form.cleaned_data["guardian_email"] or "",
                host_ids=form.host_ids(),
            )
            for form in filled
        ]
        try:
            made = services.applications_submit_for_pupils(open_day=open_day, user=request.user, pupils=pupils)
        except DomainError as refusal:
            error = _place_error(filled, refusal)
        else:
            messages.success(
                request,
                ngettext("%(count)s pupil applied.", "%(count)s pupils applied.", len(made)) % {"count": len(made)},
            )
            return redirect("openday-teacher-applications")
    context = {"day": open_day, "hosts": hosts, "forms": forms_, "rows": rows, "error": error}
    return render(request, "web/openday_teachers/apply.html", context)


@teacher_required
@require_http_methods(["GET", "POST"])
def teacher_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    """Asks first (a tap in the list must not withdraw a pupil for good); the POST withdraws a
    pupil she applied for (a place after publication goes to the waiting list)."""
    application = get_object_or_404(
        selectors.applications_visible_to(request.user).filter(applied_by=request.user, erased_at__isnull=True),
        pk=application_id,
    )
    if request.method == "GET":
        return render(request, "web/openday_teachers/withdraw.html", {"application": application})
    try:
        services.application_withdraw(application=application, language=request.user.language)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(name)s's application is withdrawn.") % {"name": application.first_name})
    return redirect("openday-teacher-applications")


urlpatterns = [
    path("open-days/teacher/", teacher_open_days, name="openday-teacher-applications"),
    path("open-days/teacher/<id:day_id>/apply/", teacher_apply, name="openday-teacher-apply"),
    path(
        "open-days/teacher/applications/<id:application_id>/withdraw/",
        teacher_withdraw,
        name="openday-teacher-withdraw",
    ),
]
