"""Pages for offers and bookings (teachers, hosts and visitors). Thin: forms and services."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from bookings import selectors, services
from bookings.filters import OfferCatalogueFilter
from bookings.forms import BookingForm, MoveForm, NoteForm
from bookings.models import Booking, Offer, Slot
from companies.selectors import company_ids_of
from core.dates import school_year_of
from core.errors import DomainError
from schools.selectors import class_list_for_user, teacher_of

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


def _booking_form(request: HttpRequest, offer: Offer) -> BookingForm:
    classes = class_list_for_user(request.user).filter(school_year__gte=school_year_of(timezone.localdate()))
    return BookingForm(
        request.POST if request.method == "POST" else None,
        slots=_bookable_slots_of(offer),
        offer_slots=offer.slots.all(),
        classes=classes.order_by("grade", "name"),
    )


def _bookable_slots_of(offer: Offer) -> QuerySet[Slot]:
    return selectors.bookable_slots().filter(offer=offer).order_by("start", "id")


def _created_message(booking: Booking) -> str:
    if booking.status == Booking.Status.CONFIRMED:
        return _("The booking is confirmed. You can find it on the class's page.")
    if booking.status == Booking.Status.WAITLISTED:
        return _("The time is full, so the class is on the waitlist. You will hear from us if a place becomes free.")
    return _("The booking is sent and awaits the host's confirmation.")


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
            booking = services.booking_create(
                actor=request.user,
                slot_id=data["slot"].pk,
                school_class_id=data["school_class"].pk,
                pupils=data["pupils"],
                adults=data["adults"],
                message=data["message"],
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _created_message(booking))
            return redirect("booking-page", booking.pk)
    context = {
        "offer": offer,
        "slots": _bookable_slots_of(offer),
        "role_models": offer.company.role_models.all(),
        "form": form,
    }
    return render(request, "bookings/offer_detail.html", context)


def _booking_of(request: HttpRequest, booking_id: int) -> Booking:
    return get_object_or_404(selectors.booking_list_for_user(request.user), pk=booking_id)


def _sides(user, booking: Booking) -> tuple[bool, bool]:
    """(school side, company side): which actions the page offers. The services decide."""
    if user.sees_everything:
        return True, True
    teacher = teacher_of(user)
    school_side = teacher is not None and teacher.school_id == booking.school_class.school_id
    return school_side, booking.slot.offer.company_id in company_ids_of(user)


@login_required
def booking_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The stable address of a booking that e-mails and calendar events link to."""
    booking = _booking_of(request, booking_id)
    school_side, company_side = _sides(request.user, booking)
    active = booking.status in Booking.ACTIVE
    context = {
        "booking": booking,
        "events": selectors.booking_history(booking),
        "can_cancel": school_side and active,
        "can_move": school_side and booking.holds_place,
        "can_confirm": company_side and booking.status == Booking.Status.REQUESTED,
        "can_decline": company_side and booking.status in (Booking.Status.REQUESTED, Booking.Status.WAITLISTED),
    }
    if context["can_cancel"]:
        context["cancel_form"] = NoteForm(auto_id="cancel_%s")
    if context["can_move"]:
        slots = _bookable_slots_of(booking.slot.offer).exclude(pk=booking.slot_id)
        context["move_form"] = MoveForm(auto_id="move_%s", slots=slots, offer_slots=slots)
    if context["can_confirm"] or context["can_decline"]:
        context["decide_form"] = NoteForm(auto_id="decide_%s")
    return render(request, "bookings/booking_page.html", context)


def _act(request: HttpRequest, booking: Booking, done: str, action, **arguments) -> HttpResponse:
    try:
        action(booking=booking, actor=request.user, **arguments)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("booking-page", booking.pk)


def _form_errors(request: HttpRequest, booking: Booking, form: forms.Form) -> HttpResponse:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)
    return redirect("booking-page", booking.pk)


def _note_action(service: Callable[..., Booking], done: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """A POST-only view that applies `service` with the note from the form, then goes back
    to the booking page saying `done` (or why not)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, booking_id: int) -> HttpResponse:
        booking = _booking_of(request, booking_id)
        form = NoteForm(request.POST)
        if not form.is_valid():
            return _form_errors(request, booking, form)
        return _act(request, booking, _(done), service, note=form.cleaned_data["note"])

    return view


booking_cancel = _note_action(services.booking_cancel, gettext_noop("The booking is cancelled."))
booking_confirm = _note_action(services.booking_confirm, gettext_noop("The booking is confirmed."))
booking_decline = _note_action(services.booking_decline, gettext_noop("The booking is declined."))


@login_required
@require_POST
def booking_move(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = _booking_of(request, booking_id)
    offer_slots = Slot.objects.filter(offer_id=booking.slot.offer_id)
    form = MoveForm(request.POST, slots=offer_slots, offer_slots=offer_slots)
    if not form.is_valid():
        return _form_errors(request, booking, form)
    return _act(
        request,
        booking,
        _("The booking is moved."),
        services.booking_move,
        slot_id=form.cleaned_data["slot"].pk,
        note=form.cleaned_data["note"],
    )
