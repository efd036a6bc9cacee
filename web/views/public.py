"""Pages anyone may see: the visitor's home, the offer catalogue and an offer's page (where
a teacher books). Thin: forms, selectors and services."""

from __future__ import annotations

import calendar
import datetime as dt

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings import selectors, services
from bookings.filters import OfferCatalogueFilter
from bookings.models import Booking, Offer, Slot
from core.dates import school_year_of
from core.errors import DomainError
from schools.selectors import class_list_for_user, teacher_of
from web.forms.booking import BookingForm, TeacherVisitForm
from web.views.shared import bookable_slots_of

PAGE_SIZE = 20


def visitor_home(request: HttpRequest) -> HttpResponse:
    """What Brobyg is, and the way into the public catalogue."""
    return render(request, "web/public/visitor_home.html")


# How far from today the month calendar goes: enough for any school year being planned, and
# far from the edges of Python's dates (year 1 and 9999), where month arithmetic overflows.
CALENDAR_YEARS = 5


def _asked_month(value: str | None) -> dt.date | None:
    """The first day of the month asked for as YYYY-MM, if it is one within reach."""
    try:
        first = dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None
    this_year = timezone.localdate().year
    if abs(first.year - this_year) > CALENDAR_YEARS:
        return None
    return first


def _first_free_month(slots: QuerySet[Slot]) -> dt.date:
    """The month of the first slot with free places, so the calendar does not open on an
    empty month; this month if nothing is free."""
    first_free = (
        slots.filter(booked_classes__lt=F("capacity_classes"), booked_pupils__lt=F("capacity_pupils"))
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )
    if first_free is None:
        return timezone.localdate().replace(day=1)
    return timezone.localtime(first_free).date().replace(day=1)


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
        bookable = selectors.bookable_slots().filter(offer__in=found)
        first = _asked_month(request.GET.get("month")) or _first_free_month(bookable)
        after = (first + dt.timedelta(days=32)).replace(day=1)
        slots = list(
            bookable.filter(start__date__gte=first, start__date__lt=after)
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
    return render(request, "web/public/offer_catalogue.html", context)


def _booking_form(request: HttpRequest, offer: Offer) -> BookingForm | TeacherVisitForm:
    """A class's booking form; on a teacher visit, the teacher's own (no class, no pupils)."""
    data = request.POST if request.method == "POST" else None
    if offer.kind == Offer.Kind.TEACHER_VISIT:
        return TeacherVisitForm(data, slots=bookable_slots_of(offer), offer_slots=offer.slots.all())
    classes = class_list_for_user(request.user).filter(school_year__gte=school_year_of(timezone.localdate()))
    return BookingForm(
        data,
        slots=bookable_slots_of(offer),
        offer_slots=offer.slots.all(),
        classes=classes.order_by("grade", "name"),
    )


def _created_message(booking: Booking) -> str:
    if booking.is_for_teacher:
        return {
            Booking.Status.CONFIRMED: _("Your teacher visit is confirmed. You can find it on your page."),
            Booking.Status.WAITLISTED: _(
                "The time is full, so you are on the waitlist. You will hear from us if a place becomes free."
            ),
        }.get(booking.status, _("The booking is sent and awaits the host's confirmation."))
    if booking.status == Booking.Status.CONFIRMED:
        return _("The booking is confirmed. You can find it on the class's page.")
    if booking.status == Booking.Status.WAITLISTED:
        return _("The time is full, so the class is on the waitlist. You will hear from us if a place becomes free.")
    return _("The booking is sent and awaits the host's confirmation.")


def _book(request: HttpRequest, data: dict) -> Booking:
    """A class's booking from the form, or without a class the teacher's own teacher visit."""
    if "school_class" not in data:
        return services.booking_create(actor=request.user, slot_id=data["slot"].pk, message=data["message"])
    return services.booking_create(
        actor=request.user,
        slot_id=data["slot"].pk,
        school_class_id=data["school_class"].pk,
        pupils=data["pupils"],
        adults=data["adults"],
        message=data["message"],
    )


def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    """An offer with its company, practicalities, role models and bookable times; teachers book here."""
    offer = get_object_or_404(selectors.offer_list_for_user(request.user), pk=offer_id)
    can_book = teacher_of(request.user) is not None
    if request.method == "POST" and not can_book:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    form = _booking_form(request, offer) if can_book else None
    if form is not None and form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            booking = _book(request, data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _created_message(booking))
            return redirect("booking-page", booking.pk)
    context = {
        "offer": offer,
        "slots": bookable_slots_of(offer),
        "role_models": offer.company.role_models.all(),
        "form": form,
        "for_teachers": offer.kind == Offer.Kind.TEACHER_VISIT,
    }
    return render(request, "web/public/offer_detail.html", context)
