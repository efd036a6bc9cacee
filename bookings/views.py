"""Pages for offers and bookings (teachers, hosts and visitors). Thin: forms and services."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from bookings import selectors
from bookings.filters import OfferCatalogueFilter
from bookings.models import Slot
from schools.selectors import teacher_of

PAGE_SIZE = 20


def _month(value: str | None) -> dt.date:
    """The first day of the month asked for as YYYY-MM; this month if absent or malformed."""
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


def _month_weeks(first: dt.date, slots: list[Slot]) -> list[list[dict]]:
    by_day: dict[dt.date, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(timezone.localtime(slot.start).date(), []).append(slot)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return [
        [{"date": day, "in_month": day.month == first.month, "slots": by_day.get(day, [])} for day in week]
        for week in weeks
    ]


def offer_catalogue(request: HttpRequest) -> HttpResponse:
    """Published offers, filtered the way a teacher looks for them; as a list or a month."""
    teacher = teacher_of(request.user)
    offers = selectors.offer_list_for_user(request.user).filter(is_published=True).order_by("title", "id")
    filterset = OfferCatalogueFilter(request.GET or None, queryset=offers, school=teacher.school if teacher else None)
    found = filterset.qs if filterset.is_bound and filterset.is_valid() else offers
    context = {"filter": filterset, "view": request.GET.get("view", "list")}
    if context["view"] == "calendar":
        first = _month(request.GET.get("month"))
        after = (first + dt.timedelta(days=32)).replace(day=1)
        slots = list(
            selectors.bookable_slots()
            .filter(offer__in=found, start__date__gte=first, start__date__lt=after)
            .select_related("offer__company")
            .order_by("start")
        )
        context |= {
            "month": first,
            "weeks": _month_weeks(first, slots),
            "previous_month": (first - dt.timedelta(days=1)).strftime("%Y-%m"),
            "next_month": after.strftime("%Y-%m"),
        }
    else:
        context["page"] = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("view", None)
    query.pop("month", None)
    context["query"] = query.urlencode()
    return render(request, "bookings/offer_catalogue.html", context)


def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = get_object_or_404(selectors.offer_list_for_user(request.user), pk=offer_id)
    return render(request, "bookings/offer_detail.html", {"offer": offer})


@login_required
def booking_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The stable address of a booking that e-mails and calendar events link to."""
    booking = get_object_or_404(selectors.booking_list_for_user(request.user), pk=booking_id)
    return render(request, "bookings/booking_page.html", {"booking": booking})
