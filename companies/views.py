"""Pages for company hosts. Thin: forms and services."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bookings import selectors


def host_home(request: HttpRequest) -> HttpResponse:
    requests = selectors.booking_list_for_user(request.user).filter(status="requested").order_by("slot__start")
    return render(request, "companies/host_home.html", {"requests": requests})


@login_required
def host_offers(request: HttpRequest) -> HttpResponse:
    offers = selectors.offer_list_editable_by(request.user).order_by("title")
    return render(request, "companies/host_offers.html", {"offers": offers})
