"""The pupils' open-day pages: public, phone first, no account. The open days taking
applications, a day's hosts, the application form (a honeypot field and a per-address rate
limit), "check your e-mail", the confirmation link, the guardian's page, and the applicant's own
page through her link: see, change, withdraw, erase, and after publication her host and an .ics.

Nothing about one applicant is shown without her link (or her guardian's), and a wrong link
answers 404 like one that never existed."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.clients import client_address
from core.errors import DomainError
from core.sites import site_url
from notifications.calendar import build_calendar
from opendays import selectors, services
from opendays.messages import publication
from opendays.models import Application, LinkPurpose, OpenDay
from web.forms.openday_apply import ApplyForm, ChangeForm
from web.views.shared import form_action, posted

# Submissions of the form per address and hour: a class on one school network applies from
# one address, so the limit leaves room for a class; a script is stopped.
APPLY_LIMIT_PER_HOUR = 30


def _public_day(day_id: int) -> OpenDay:
    return get_object_or_404(selectors.open_days_public(), pk=day_id)


def _hosts(open_day: OpenDay) -> list:
    return list(selectors.hosts_public(open_day).order_by("company__name", "id"))


def _language() -> str:
    return (translation.get_language() or "da")[:2]


def _rate_key(request: HttpRequest) -> str:
    # The client's address behind the proxies (core.clients): REMOTE_ADDR alone would be the
    # proxy's, shared by every pupil in the country. The count lives in the default cache, Redis
    # in production, so it holds across workers and hosts.
    address = client_address(request)
    return "openday-apply:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _over_limit(request: HttpRequest) -> bool:
    """Counts this submission; True once the address has sent more than the limit this hour."""
    key = _rate_key(request)
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count > APPLY_LIMIT_PER_HOUR


LINK_FINDERS = {
    LinkPurpose.APPLICANT: selectors.application_for_token,
    LinkPurpose.GUARDIAN: selectors.application_for_guardian_token,
}


def application_of_link(token: str, *purposes: LinkPurpose) -> Application:
    """The application whose link of one of `purposes` holds `token`; 404 for a link unknown,
    revoked or erased, like any page that does not exist. The other open-day link pages use it too."""
    for purpose in purposes:
        application = LINK_FINDERS[purpose](token)
        if application is not None:
            return application
    raise Http404


def _applicant(token: str) -> Application:
    """The application of her link, or of her guardian's: a guardian's e-mails (the placement,
    say) lead to the same page, where the guardian can do what she can."""
    return application_of_link(token, LinkPurpose.APPLICANT, LinkPurpose.GUARDIAN)


@require_GET
def open_day_list(request: HttpRequest) -> HttpResponse:
    days = selectors.open_days_public().order_by("date", "id")
    return render(request, "web/openday_pupils/list.html", {"days": days})


@require_GET
def open_day_public(request: HttpRequest, day_id: int) -> HttpResponse:
    open_day = _public_day(day_id)
    context = {"day": open_day, "hosts": _hosts(open_day), "not_yet": open_day.applications_open > timezone.now()}
    return render(request, "web/openday_pupils/day.html", context)


def apply(request: HttpRequest, day_id: int) -> HttpResponse:
    """The form; a filled honeypot looks like success and saves nothing."""
    open_day = _public_day(day_id)
    hosts = _hosts(open_day)
    form = ApplyForm(posted(request), open_day=open_day, hosts=hosts)
    if request.method == "POST":
        if _over_limit(request):
            return render(request, "web/openday_pupils/limited.html", {"day": open_day}, status=429)
        if request.POST.get("website"):
            return redirect("openday-apply-sent")
        if form.is_valid():
            data = form.cleaned_data
            done = form_action(
                form,
                lambda: services.application_submit(
                    open_day=open_day,
                    first_name=data["first_name"],
                    age=data["age"],
                    grade=data["grade"],
                    school=data["school"],
                    municipality=data["municipality"],
                    email=data["email"],
                    guardian_email=data["guardian_email"] or "",
                    first_time=data["first_time"],
                    host_ids=form.host_ids(),
                    language=_language(),
                ),
                aliases={"preferences": "choice_1"},
            )
            if done is not None:
                return redirect("openday-apply-sent")
    return render(request, "web/openday_pupils/apply.html", {"day": open_day, "hosts": hosts, "form": form})


@require_GET
def apply_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "web/openday_pupils/sent.html")


@never_cache
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A GET shows a button and changes nothing (mail scanners open links); the POST confirms.
    Once confirmed, the link leads to her page. Only her own link confirms her own address."""
    application = application_of_link(token, LinkPurpose.APPLICANT)
    if request.method != "POST" and application.status != Application.Status.AWAITING_EMAIL:
        return redirect("openday-application", token=token)
    error = None
    if request.method == "POST":
        try:
            services.email_confirm(application=application, language=_language())
            return redirect("openday-application", token=token)
        except DomainError as refusal:
            error = refusal.message
    return render(request, "web/openday_pupils/confirm.html", {"application": application, "error": error})


@never_cache
def application_page(request: HttpRequest, token: str) -> HttpResponse:
    """Her application: status, choices, and (while the window runs) a form to change them."""
    application = _applicant(token)
    open_day = application.open_day
    hosts = _hosts(open_day)
    initial = {f"choice_{p.rank}": str(p.host_id) for p in application.preferences.all()}
    form = ChangeForm(posted(request), open_day=open_day, hosts=hosts, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = form_action(
            form,
            lambda: services.application_change(application=application, host_ids=form.host_ids()),
            aliases={"preferences": "choice_1"},
        )
        if done is not None:
            return redirect("openday-application", token=token)
    now = timezone.now()
    can_change = (
        application.status
        in (Application.Status.AWAITING_EMAIL, Application.Status.AWAITING_GUARDIAN, Application.Status.CONFIRMED)
        and open_day.status == OpenDay.Status.OPEN
        and open_day.applications_open <= now < open_day.applications_close
    )
    context = {
        "application": application,
        "preferences": application.preferences.select_related("host__company").order_by("rank"),
        "form": form,
        "can_change": can_change,
        "published": open_day.published_at is not None,
        "can_withdraw": application.status not in (Application.Status.WITHDRAWN, Application.Status.EXPIRED)
        and timezone.localdate(now) <= open_day.date,
        "token": token,
    }
    return render(request, "web/openday_pupils/application.html", context)


@never_cache
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    """Asks first; the POST withdraws."""
    application = _applicant(token)
    error = None
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, language=_language())
            return redirect("openday-application", token=token)
        except DomainError as refusal:
            error = refusal.message
    context = {"application": application, "token": token, "error": error}
    return render(request, "web/openday_pupils/withdraw.html", context)


@never_cache
def erase(request: HttpRequest, token: str) -> HttpResponse:
    """Asks first; erasing revokes the link, so afterwards only a receipt page remains."""
    application = _applicant(token)
    if request.method == "POST":
        services.application_erase(application=application)
        return render(request, "web/openday_pupils/erased.html")
    return render(request, "web/openday_pupils/erase.html", {"application": application, "token": token})


@require_GET
@never_cache
def application_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """Her visit as an .ics, once the day is published and she has a host; before that her page
    (a redirect, not a 404, so the request log never holds a working link)."""
    application = _applicant(token)
    host = application.host
    if host is None or application.open_day.published_at is None or application.outcome != Application.Outcome.PLACED:
        return redirect("openday-application", token=token)
    url = site_url(reverse("openday-application", args=[token]))
    event = publication.application_event(application, url)
    response = HttpResponse(build_calendar([event]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="open-day.ics"'
    return response


@never_cache
def guardian(request: HttpRequest, token: str) -> HttpResponse:
    """The guardian says yes or no; a GET only shows the question."""
    application = application_of_link(token, LinkPurpose.GUARDIAN)
    error = None
    answer = request.POST.get("answer")
    if request.method == "POST" and answer not in ("yes", "no"):
        # Only the two buttons answer; anything else must not count as a "no", which withdraws.
        error = _("Choose yes or no.")
    elif request.method == "POST":
        try:
            application = services.guardian_consent(
                application=application, consent=answer == "yes", language=_language()
            )
        except DomainError as refusal:
            error = refusal.message
    preferences = application.preferences.select_related("host__company").order_by("rank")
    context = {"application": application, "preferences": preferences, "error": error}
    return render(request, "web/openday_pupils/guardian.html", context)


urlpatterns = [
    path("open-days/join/", open_day_list, name="openday-public-list"),
    path("open-days/join/sent/", apply_sent, name="openday-apply-sent"),
    path("open-days/join/<id:day_id>/", open_day_public, name="openday-public-day"),
    path("open-days/join/<id:day_id>/apply/", apply, name="openday-apply"),
    path("open-days/me/<str:token>/", application_page, name="openday-application"),
    path("open-days/me/<str:token>/confirm/", confirm, name="openday-apply-confirm"),
    path("open-days/me/<str:token>/withdraw/", withdraw, name="openday-withdraw"),
    path("open-days/me/<str:token>/erase/", erase, name="openday-erase"),
    path("open-days/me/<str:token>/open-day.ics", application_calendar, name="openday-application-ics"),
    path("open-days/guardian/<str:token>/", guardian, name="openday-guardian"),
]
