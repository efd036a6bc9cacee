"""The catalogue of STEM initiatives: public pages (the list, searchable and filterable, and an
initiative's page) for teachers, companies and anyone, and the consultant's pages to create,
change, delete and import. Thin: forms, overview's selectors and services.

The consultant's pages answer 404 to everyone else, exactly like a page that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from overview import selectors, services
from overview.filters import InitiativeFilter
from overview.models import Initiative
from overview.services.initiatives import can_edit_initiatives
from web.forms.initiatives import InitiativeForm, InitiativeImportForm
from web.views.shared import form_action, posted

PAGE_SIZE = 20


def consultant_required(view: Callable) -> Callable:
    """Signed in as a consultant or an administrator; everyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_initiatives(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _initiative(initiative_id: int) -> Initiative:
    return get_object_or_404(selectors.initiative_list(), pk=initiative_id)


def initiative_list(request: HttpRequest) -> HttpResponse:
    """Every initiative, searchable and filterable; ended ones with what they learnt."""
    initiatives = selectors.initiative_list()
    filterset = InitiativeFilter(request.GET or None, queryset=initiatives, regions=selectors.initiative_regions())
    found = filterset.qs if filterset.is_bound and filterset.is_valid() else initiatives
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "may_edit": can_edit_initiatives(request.user) and request.user.is_authenticated,
    }
    return render(request, "web/initiatives/list.html", context)


def initiative_detail(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative(initiative_id)
    context = {
        "initiative": initiative,
        "ended": initiative.ended_on is not None and initiative.ended_on < timezone.localdate(),
        "may_edit": can_edit_initiatives(request.user) and request.user.is_authenticated,
    }
    return render(request, "web/initiatives/detail.html", context)


@consultant_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    form = InitiativeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        initiative = form_action(form, lambda: services.initiative_create(actor=request.user, **form.cleaned_data))
        if initiative is not None:
            messages.success(request, _("The initiative is added to the catalogue."))
            return redirect("initiative-detail", initiative_id=initiative.pk)
    return render(request, "web/initiatives/form.html", {"form": form})


@consultant_required
def initiative_edit(request: HttpRequest, initiative_id: int) -> HttpResponse:
    initiative = _initiative(initiative_id)
    form = InitiativeForm(posted(request), initiative=initiative)
    if request.method == "POST" and form.is_valid():
        saved = form_action(
            form,
            lambda: services.initiative_update(actor=request.user, initiative=initiative, **form.cleaned_data),
        )
        if saved is not None:
            messages.success(request, _("The initiative is saved."))
            return redirect("initiative-detail", initiative_id=initiative.pk)
    return render(request, "web/initiatives/form.html", {"form": form, "initiative": initiative})


@consultant_required
def initiative_delete(request: HttpRequest, initiative_id: int) -> HttpResponse:
    """Asks first; only the POST deletes."""
    initiative = _initiative(initiative_id)
    if request.method == "POST":
        services.initiative_delete(actor=request.user, initiative=initiative)
        messages.success(request, _("The initiative is deleted."))
        return redirect("initiative-list")
    return render(request, "web/initiatives/delete.html", {"initiative": initiative})


@consultant_required
def initiative_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file; the page then shows what became of each line. A problem with the file
    itself is shown on the form, and nothing is saved."""
    form = InitiativeImportForm(posted(request), request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.initiatives_import(actor=request.user, file=form.cleaned_data["file"])
        except DomainError as error:
            form.add_error("file", error.message)
    return render(request, "web/initiatives/import.html", {"form": form, "report": report})


urlpatterns = [
    path("initiatives/", initiative_list, name="initiative-list"),
    path("initiatives/new/", initiative_create, name="initiative-create"),
    path("initiatives/import/", initiative_import, name="initiative-import"),
    path("initiatives/<id:initiative_id>/", initiative_detail, name="initiative-detail"),
    path("initiatives/<id:initiative_id>/edit/", initiative_edit, name="initiative-edit"),
    path("initiatives/<id:initiative_id>/delete/", initiative_delete, name="initiative-delete"),
]
