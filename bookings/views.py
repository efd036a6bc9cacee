from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse


def booking_page(request: HttpRequest, booking_id: int) -> HttpResponseRedirect:
    """The stable address of a booking that e-mails and calendar events link to. Until the
    web app has a booking page it opens the booking in the browsable API, which asks the
    visitor to sign in and shows the booking only to those allowed to see it."""
    return HttpResponseRedirect(reverse("booking-detail", args=[booking_id]))
