"""Helpers shared by the pages of more than one audience."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from bookings import selectors
from bookings.models import Booking, Offer, Slot
from core.errors import DomainError
from web.forms.offer import add_domain_error, add_validation_error


def bookable_slots_of(offer: Offer) -> QuerySet[Slot]:
    return selectors.bookable_slots().filter(offer=offer).order_by("start", "id")


def booking_of(request: HttpRequest, booking_id: int) -> Booking:
    """A booking the user may see; anyone else's answers 404, like one that does not exist."""
    return get_object_or_404(selectors.booking_list_for_user(request.user), pk=booking_id)


def back(request: HttpRequest, default: str) -> HttpResponse:
    """To the page the form came from (its `next`), if that is a path on this site; else `default`."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def report_form_errors(request: HttpRequest, form: forms.Form) -> None:
    """A POST-only action has no page of its own to show its form on, so its errors become messages."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def posted(request: HttpRequest):
    """The posted data for a form, or None for an unbound form on a GET."""
    return request.POST if request.method == "POST" else None


def form_action(form: forms.Form, action: Callable[[], Any], aliases: dict[str, str] | None = None) -> Any:
    """Run a service for a valid form and return what it returns; a refusal goes next to the
    field it names (or above the form) and gives None. A service returning None is wrapped
    (`lambda: service(...) or True`) to tell success from refusal."""
    try:
        return action()
    except DomainError as error:
        add_domain_error(form, error, aliases)
    except ValidationError as error:
        add_validation_error(form, error)
    return None
