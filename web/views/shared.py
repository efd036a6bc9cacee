"""Helpers shared by the pages of more than one audience."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from bookings import selectors
from bookings.models import Booking, Offer, Slot


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
