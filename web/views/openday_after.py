"""Pages after an open day's publication: a freed place offered to a waitlisted applicant
(accept or decline through her link), the participant's survey through her link, and the host's
survey for the company's members. A link that matches nothing, or an erased application,
answers 404 like any page that does not exist; no page shows another applicant."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from companies.selectors import company_ids_of
from core.errors import DomainError
from opendays import services
from opendays.models import Host, LinkPurpose, SurveyResponse
from opendays.selectors import hosts_visible_to
from opendays.services.after import survey_closes_on, survey_shut_reason
from web.forms.openday_after import HostSurveyForm, ParticipantSurveyForm
from web.views.openday_pupils import application_of_link
from web.views.shared import form_action, posted


@never_cache
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """The offered place: where, when, until when to answer; accept or decline."""
    application = application_of_link(token, LinkPurpose.APPLICANT)
    if request.method == "POST":
        answer = request.POST.get("answer")
        service = {"accept": services.offer_accept, "decline": services.offer_decline}.get(answer)
        if service is not None:
            try:
                application = service(application=application)
            except DomainError as error:
                messages.error(request, error.message)
            else:
                messages.success(
                    request,
                    _("You have the place. See you on the day!")
                    if answer == "accept"
                    else _("You have declined the place and left the waiting list."),
                )
            return redirect("openday-offer", token)
    return render(request, "web/openday_after/offer.html", {"application": application})


@never_cache
def survey(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's three questions, answered once."""
    application = application_of_link(token, LinkPurpose.APPLICANT)
    answered = SurveyResponse.objects.filter(application=application).exists()
    form = ParticipantSurveyForm(posted(request))
    if not answered and request.method == "POST" and form.is_valid():
        done = form_action(form, lambda: services.survey_answer(application=application, **form.cleaned_data))
        if done:
            messages.success(request, _("Thank you for your answers."))
            return redirect("openday-survey", token)
    context = {
        "application": application,
        "form": form,
        "answered": answered,
        "closes": survey_closes_on(application.open_day),
        "shut": survey_shut_reason(application.open_day),
    }
    return render(request, "web/openday_after/survey.html", context)


@login_required
def host_survey(request: HttpRequest, host_id: int) -> HttpResponse:
    """The host's survey, for the members of the host's company (answered once per host)."""
    host: Host = get_object_or_404(hosts_visible_to(request.user).select_related("open_day"), pk=host_id)
    if host.company_id not in company_ids_of(request.user):
        raise Http404
    answered = SurveyResponse.objects.filter(host=host).exists()
    form = HostSurveyForm(posted(request))
    if not answered and request.method == "POST" and form.is_valid():
        done = form_action(form, lambda: services.host_survey_answer(user=request.user, host=host, **form.cleaned_data))
        if done:
            messages.success(request, _("Thank you for your answers."))
            return redirect("openday-host-survey", host.pk)
    context = {
        "host": host,
        "form": form,
        "answered": answered,
        "closes": survey_closes_on(host.open_day),
        "shut": survey_shut_reason(host.open_day),
    }
    return render(request, "web/openday_after/host_survey.html", context)


urlpatterns: list[URLPattern] = [
    path("open-days/offer/<str:token>/", offer, name="openday-offer"),
    path("open-days/survey/<str:token>/", survey, name="openday-survey"),
    path("open-days/hosts/<id:host_id>/survey/", host_survey, name="openday-host-survey"),
]
