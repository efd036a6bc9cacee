"""Pages for offers and bookings (teachers, hosts and visitors). Thin: forms and services."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from bookings import selectors


def offer_catalogue(request: HttpRequest) -> HttpResponse:
    offers = selectors.offer_list_for_user(request.user).filter(is_published=True).order_by("title")
    return render(request, "bookings/offer_catalogue.html", {"offers": offers})


def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = get_object_or_404(selectors.offer_list_for_user(request.user), pk=offer_id)
    return render(request, "bookings/offer_detail.html", {"offer": offer})


@login_required
def booking_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The stable address of a booking that e-mails and calendar events link to."""
    booking = get_object_or_404(selectors.booking_list_for_user(request.user), pk=booking_id)
    return render(request, "bookings/booking_page.html", {"booking": booking})
