"""Feedback pages: the form behind an e-mail's link (no login), the feedback asked of a signed-in
teacher or host (answered there without the link), and the answered feedback of the consultant's
area.

A link answers only by POST: mail scanners open the GET. A link that was used, withdrawn or has
expired shows a page saying so; one that matches nothing answers 404 like any page that does
not exist. A teacher or host sees only what was asked of them or their company."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from companies.selectors import company_ids_of
from core.models import Municipality
from overview import selectors, services
from overview.messages import about
from overview.models import Feedback
from schools.selectors import teacher_of
from web.forms.feedback import FeedbackFilterForm, FeedbackForm
from web.views.people import consultant_required
from web.views.shared import form_action, posted

STATE_MESSAGES = {
    "answered": services.feedback.FEEDBACK_ANSWERED,
    "withdrawn": services.feedback.FEEDBACK_WITHDRAWN,
    "expired": services.feedback.FEEDBACK_EXPIRED,
}


def _answer_page(request: HttpRequest, feedback: Feedback, *, again: str) -> HttpResponse:
    """The activity and, while the request is open, the form; a valid POST answers once and
    comes back to `again`, which then says thank you."""
    state = services.feedback_state(feedback)
    form = FeedbackForm(posted(request) if state == "open" else None, respondent=feedback.respondent)
    if state == "open" and form.is_bound and form.is_valid():
        if form_action(form, lambda: services.feedback_answer(feedback=feedback, answer=form.answer())):
            messages.success(request, _("Thank you for your feedback."))
            return redirect(again)
        state = services.feedback_state(feedback)
    context = {
        "feedback": feedback,
        "about": about(feedback),
        "form": form,
        "state": state,
        "shut": STATE_MESSAGES.get(state),
        "for_teacher": feedback.respondent == Feedback.Respondent.TEACHER,
    }
    return render(request, "web/feedback/answer.html", context)


@never_cache
def feedback_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The form behind the e-mail's link, whoever holds it."""
    feedback = selectors.feedback_for_token(token)
    if feedback is None:
        raise Http404
    return _answer_page(request, feedback, again=request.path)


def _asked_of(request: HttpRequest):
    """What was asked of a signed-in teacher or host; anyone else has no such page."""
    if teacher_of(request.user) is None and not company_ids_of(request.user):
        raise Http404
    return selectors.feedback_list_asked_of(request.user)


@login_required
def feedback_mine(request: HttpRequest) -> HttpResponse:
    """The feedback asked of the teacher, or of the host's company: open first, then the rest."""
    asked = list(_asked_of(request)[:200])
    rows = [
        {"feedback": feedback, "about": about(feedback), "state": services.feedback_state(feedback)}
        for feedback in asked
    ]
    context = {
        "open": [row for row in rows if row["state"] == "open"],
        "closed": [row for row in rows if row["state"] != "open"],
    }
    return render(request, "web/feedback/mine.html", context)


@never_cache
@login_required
def feedback_asked(request: HttpRequest, feedback_id: int) -> HttpResponse:
    """One request asked of the user, answered signed in without the link."""
    feedback = get_object_or_404(_asked_of(request), pk=feedback_id)
    return _answer_page(request, feedback, again=request.path)


@consultant_required
def consultant_feedback(request: HttpRequest) -> HttpResponse:
    """Answered feedback in the consultant's area, with its scores and comments."""
    codes = request.user.area_municipality_codes()
    municipalities = Municipality.objects.all() if codes is None else Municipality.objects.filter(code__in=codes)
    form = FeedbackFilterForm(request.GET or None, municipalities=municipalities.order_by("name"))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    feedback = selectors.feedback_list_for_consultant(
        request.user,
        respondent=filters.get("respondent") or "",
        activity_kind=filters.get("activity_kind") or "",
        municipality=filters.get("municipality"),
    )
    page = Paginator(feedback, 50).get_page(request.GET.get("page"))
    rows = [{"feedback": item, "about": about(item)} for item in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "scores": selectors.feedback_scores(feedback),
    }
    return render(request, "web/feedback/consultant.html", context)


urlpatterns: list[URLPattern] = [
    path("feedback/asked/", feedback_mine, name="feedback-mine"),
    path("feedback/asked/<id:feedback_id>/", feedback_asked, name="feedback-asked"),
    path("feedback/<str:token>/", feedback_answer, name="feedback-answer"),
    path("workspace/feedback/", consultant_feedback, name="consultant-feedback"),
]
