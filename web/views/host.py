"""Pages for company hosts: home, answering requests, offers, slots and series, participants.
Thin: forms, selectors and services.

A company member sees only their own company's offers, slots and bookings; anything else
answers 404, exactly like something that does not exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from adoptions import services as adoption_services
from bookings import selectors, services
from bookings.models import Booking, Offer, Slot
from bookings.permissions import can_manage_offers, is_company_side
from companies.selectors import company_list_editable_by
from core.dates import holiday_name
from core.errors import DomainError
from web.exports import csv_response
from web.forms.booking import NoteForm
from web.forms.offer import (
    OfferForm,
    SeriesForm,
    SlotCancelForm,
    SlotEditForm,
    SlotForm,
    add_domain_error,
    add_validation_error,
    label_for_teacher_visit,
)
from web.views.shared import back, booking_of, report_form_errors


def host_required(view: Callable) -> Callable:
    """Signed in and acting for at least one company; everyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage_offers(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _offer(request: HttpRequest, offer_id: int) -> Offer:
    return get_object_or_404(selectors.offer_list_editable_by(request.user).select_related("company"), pk=offer_id)


# How far back the host's home lists visits still to be marked as attended or not.
ATTENDANCE_LOOKBACK = dt.timedelta(days=30)


def _host_bookings(request: HttpRequest):
    return selectors.booking_list_for_user(request.user).filter(
        slot__offer__in=selectors.offer_list_editable_by(request.user)
    )


# Home --------------------------------------------------------------------------------------


def host_home(request: HttpRequest) -> HttpResponse:
    """Requests awaiting an answer, visits that have begun and still wait to be marked (did the
    class come?), then the coming bookings day by day."""
    bookings = _host_bookings(request)
    requests = bookings.filter(status=Booking.Status.REQUESTED).order_by("slot__start", "created_at")
    now = timezone.now()
    to_mark = bookings.filter(
        status=Booking.Status.CONFIRMED, slot__start__lte=now, slot__start__gte=now - ATTENDANCE_LOOKBACK
    ).order_by("slot__start", "id")
    coming = bookings.filter(status=Booking.Status.CONFIRMED, slot__end__gte=now).order_by(
        "slot__start", "school_class__name"
    )
    days: dict[dt.date, list[Booking]] = {}
    for booking in coming:
        days.setdefault(timezone.localtime(booking.slot.start).date(), []).append(booking)
    return render(
        request,
        "web/host/home.html",
        {"requests": requests, "to_mark": to_mark, "days": list(days.items())},
    )


def _answer(request: HttpRequest, booking_id: int, service: Callable, done: str) -> HttpResponse:
    """Confirm or decline with the host's note, from the host's home or the booking's page;
    then back to that page (its `next`), else to the booking's page."""
    booking = booking_of(request, booking_id)
    if not is_company_side(request.user, booking):
        raise PermissionDenied
    default = reverse("booking-page", args=[booking.pk])
    form = NoteForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return back(request, default)
    try:
        service(booking=booking, actor=request.user, note=form.cleaned_data["note"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done % {"school_class": booking.participant})
    return back(request, default)


@login_required
@require_POST
def booking_confirm(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _answer(request, booking_id, services.booking_confirm, _("The booking for %(school_class)s is confirmed."))


@login_required
@require_POST
def booking_decline(request: HttpRequest, booking_id: int) -> HttpResponse:
    return _answer(request, booking_id, services.booking_decline, _("The request from %(school_class)s is declined."))


@login_required
@require_POST
def booking_attendance(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Whether a class came, from the host's home or the offer's slots; back to that page."""
    booking = booking_of(request, booking_id)
    if not is_company_side(request.user, booking):
        raise PermissionDenied
    default = f"{reverse('host-offer', args=[booking.slot.offer_id])}#slot-{booking.slot_id}"
    attended = {"yes": True, "no": False}.get(request.POST.get("attended", ""))
    if attended is None:
        messages.error(request, _("Choose whether the class came."))
        return back(request, default)
    try:
        services.booking_attendance_mark(booking=booking, actor=request.user, attended=attended)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        done = (
            _("%(school_class)s is marked as having come.")
            if attended
            else _("%(school_class)s is marked as a no-show.")
        )
        messages.success(request, done % {"school_class": booking.participant})
    return back(request, default)


# Offers ------------------------------------------------------------------------------------


@host_required
def host_offers(request: HttpRequest) -> HttpResponse:
    offers = selectors.offer_list_editable_by(request.user).select_related("company").order_by("title", "id")
    return render(request, "web/host/offers.html", {"offers": offers})


def _save_offer(request: HttpRequest, form: OfferForm, offer: Offer | None) -> Offer | None:
    subjects, sectors, fields = form.service_fields()
    try:
        if offer is None:
            return services.offer_create(actor=request.user, subjects=subjects, sectors=sectors, **fields)
        return services.offer_update(offer=offer, actor=request.user, subjects=subjects, sectors=sectors, **fields)
    except DomainError as error:
        add_domain_error(form, error)
    except ValidationError as error:
        add_validation_error(form, error)
    return None


def _offer_form(request: HttpRequest, offer: Offer | None) -> HttpResponse:
    companies = company_list_editable_by(request.user).order_by("name")
    form = OfferForm(request.POST or None, instance=offer, companies=companies)
    if request.method == "POST" and form.is_valid():
        saved = _save_offer(request, form, offer)
        if saved is not None:
            messages.success(request, _("The offer is saved."))
            return redirect("host-offer", offer_id=saved.pk)
    return render(request, "web/host/offer_form.html", {"form": form, "offer": offer})


@host_required
def offer_create(request: HttpRequest) -> HttpResponse:
    return _offer_form(request, None)


@host_required
def offer_edit(request: HttpRequest, offer_id: int) -> HttpResponse:
    return _offer_form(request, _offer(request, offer_id))


# One offer's slots -------------------------------------------------------------------------


def _slot_rows(offer: Offer, cancel_form: tuple[int, SlotCancelForm] | None) -> list[dict]:
    bookings = Booking.objects.select_related(
        "school_class__school", "teacher__user", "teacher__school", "booked_by"
    ).order_by(*Booking.WAITLIST_ORDER)
    slots = offer.slots.prefetch_related(Prefetch("bookings", queryset=bookings)).order_by("start", "id")
    rows = []
    for slot in slots:
        on_slot = list(slot.bookings.all())
        rows.append(
            {
                "slot": slot,
                "bookings": [booking for booking in on_slot if booking.status != Booking.Status.WAITLISTED],
                "waitlist": [booking for booking in on_slot if booking.status == Booking.Status.WAITLISTED],
                "cancel_form": cancel_form[1]
                if cancel_form and cancel_form[0] == slot.pk
                else SlotCancelForm(prefix=f"cancel-{slot.pk}"),
            }
        )
    return rows


def _offer_page(
    request: HttpRequest,
    offer: Offer,
    *,
    slot_form: SlotForm | None = None,
    series_form: SeriesForm | None = None,
    cancel_form: tuple[int, SlotCancelForm] | None = None,
) -> HttpResponse:
    slot_form, series_form = slot_form or SlotForm(), series_form or SeriesForm()
    if offer.kind == Offer.Kind.TEACHER_VISIT:
        label_for_teacher_visit(slot_form)
        label_for_teacher_visit(series_form)
    context = {
        "offer": offer,
        "rows": _slot_rows(offer, cancel_form),
        "slot_form": slot_form,
        "series_form": series_form,
        "open_status": Slot.Status.OPEN,
        "for_teachers": offer.kind == Offer.Kind.TEACHER_VISIT,
        "now": timezone.now(),
        "markable": services.ATTENDANCE_MARKABLE,
    }
    return render(request, "web/host/offer_manage.html", context)


@host_required
def offer_manage(request: HttpRequest, offer_id: int) -> HttpResponse:
    return _offer_page(request, _offer(request, offer_id))


@require_POST
@host_required
def slot_create(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _offer(request, offer_id)
    form = SlotForm(request.POST)
    if form.is_valid():
        try:
            slot = services.slot_create(actor=request.user, offer=offer, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error, form.error_aliases)
        else:
            messages.success(request, _("The slot is added."))
            _warn_month_capacity(request, offer, slot.start)
            return redirect("host-offer", offer_id=offer.pk)
    return _offer_page(request, offer, slot_form=form)


def _warn_month_capacity(request: HttpRequest, offer: Offer, start: dt.datetime) -> None:
    """Warn when a booking of the new slot would take the company over the activities a month
    it said it can host (its adoption capacity), counting adoption activities and visits."""
    month = timezone.localtime(start).date().replace(day=1)
    load = adoption_services.company_month_load(company=offer.company, month=month)
    warning = adoption_services.month_warning(load, offer.company, adding=1)
    if warning:
        messages.warning(request, warning)


@require_POST
@host_required
def series_create(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = _offer(request, offer_id)
    form = SeriesForm(request.POST)
    if form.is_valid():
        try:
            series = services.slot_series_create(actor=request.user, offer=offer, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error, form.error_aliases)
        else:
            created = {timezone.localtime(start).date() for start in series.slots.values_list("start", flat=True)}
            count = len(created)
            messages.success(
                request, ngettext("%(count)s slot was added.", "%(count)s slots were added.", count) % {"count": count}
            )
            skipped = [
                f"{date_format(day, 'DATE_FORMAT')} ({holiday_name(day) or _('not added')})"
                for day in form.asked_dates()
                if day not in created
            ]
            if skipped:
                messages.warning(request, _("Skipped as holidays: %(dates)s.") % {"dates": ", ".join(skipped)})
            return redirect("host-offer", offer_id=offer.pk)
    return _offer_page(request, offer, series_form=form)


@require_POST
@host_required
def slot_cancel(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = get_object_or_404(selectors.slot_list_editable_by(request.user), pk=slot_id)
    form = SlotCancelForm(request.POST, prefix=f"cancel-{slot.pk}")
    if form.is_valid():
        try:
            services.slot_cancel(slot=slot, actor=request.user, note=form.cleaned_data["note"])
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The slot is cancelled and everyone booked on it is told."))
        return redirect("host-offer", offer_id=slot.offer_id)
    return _offer_page(request, slot.offer, cancel_form=(slot.pk, form))


def _editable_slot(request: HttpRequest, slot_id: int) -> Slot:
    return get_object_or_404(selectors.slot_list_editable_by(request.user).select_related("offer"), pk=slot_id)


@host_required
def slot_edit(request: HttpRequest, slot_id: int) -> HttpResponse:
    """Change an open slot's time, capacity, deadline and role models; whoever is booked on it
    is sent the new time by the service."""
    slot = _editable_slot(request, slot_id)
    if slot.status != Slot.Status.OPEN:
        messages.error(request, _("Only an open slot can be changed."))
        return redirect("host-offer", offer_id=slot.offer_id)
    form = SlotEditForm(request.POST if request.method == "POST" else None, slot=slot)
    if slot.offer.kind == Offer.Kind.TEACHER_VISIT:
        label_for_teacher_visit(form)
    if form.is_bound and form.is_valid():
        try:
            services.slot_update(slot=slot, actor=request.user, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error, form.error_aliases)
        else:
            messages.success(request, _("The slot is saved."))
            return redirect(f"{reverse('host-offer', args=[slot.offer_id])}#slot-{slot.pk}")
    return render(request, "web/host/slot_form.html", {"form": form, "slot": slot, "offer": slot.offer})


@require_POST
@host_required
def slot_delete(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = _editable_slot(request, slot_id)
    try:
        services.slot_delete(slot=slot, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The slot is deleted."))
    return redirect("host-offer", offer_id=slot.offer_id)


CSV_HEADER = [
    gettext_lazy("date"),
    gettext_lazy("time"),
    gettext_lazy("school"),
    gettext_lazy("class"),
    gettext_lazy("pupils"),
    gettext_lazy("adults"),
    gettext_lazy("teacher"),
    gettext_lazy("e-mail"),
    gettext_lazy("status"),
    gettext_lazy("message"),
]


@host_required
def participants_csv(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Every active booking on the offer, for Excel."""
    offer = _offer(request, offer_id)
    bookings = (
        _host_bookings(request)
        .filter(slot__offer=offer, status__in=Booking.ACTIVE)
        .order_by("slot__start", "slot_id", "created_at", "id")
    )
    # Translators: the start of a CSV file's name, followed by the offer's title.
    filename = f"{_('participants')}-{slugify(offer.title, allow_unicode=True) or offer.pk}.csv"
    return csv_response(filename, CSV_HEADER, (_participant_row(booking) for booking in bookings))


def _participant_row(booking: Booking) -> list[object]:
    start, end = timezone.localtime(booking.slot.start), timezone.localtime(booking.slot.end)
    teacher = booking.booked_by
    return [
        f"{start:%d.%m.%Y}",
        f"{start:%H:%M}-{end:%H:%M}",
        booking.school.name,
        "" if booking.is_for_teacher else booking.school_class.name,
        booking.pupils,
        booking.adults,
        teacher.get_full_name() or teacher.username,
        teacher.email,
        booking.get_status_display(),
        booking.message,
    ]
