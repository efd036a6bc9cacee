"""Pages a teacher uses: home, a class's bookings, and a booking's page with its actions
(the page is the booking's stable address, so the host sees it too). Thin: forms,
selectors and services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from adoptions.selectors import activities_visible_to
from bookings import selectors, services
from bookings.models import Booking, Slot
from bookings.permissions import is_company_side, is_school_side
from core.dates import school_year_label, school_year_of
from core.errors import DomainError
from schools.selectors import class_list_for_user, teacher_of
from web.forms.booking import MoveForm, NoteForm
from web.views.shared import bookable_slots_of, booking_of, report_form_errors


def teacher_home(request: HttpRequest) -> HttpResponse:
    """What is coming and what needs attention: requests awaiting the host's answer, waitlist
    places with their place in the queue, the coming confirmed visits, the teacher's own
    teacher visits; then the school's classes this school year."""
    year = school_year_of(timezone.localdate())
    teacher = teacher_of(request.user)
    upcoming = Q(bookings__status__in=Booking.ACTIVE, bookings__slot__start__gte=timezone.now())
    classes = (
        class_list_for_user(request.user)
        .filter(school_year=year)
        .annotate(upcoming_bookings=Count("bookings", filter=upcoming))
        .order_by("grade", "name")
    )
    coming = selectors.booking_list_for_user(request.user).filter(slot__end__gte=timezone.now())
    if teacher is not None:
        coming = coming.filter(school_class__school_id=teacher.school_id)
    coming = coming.order_by("slot__start", "school_class__name", "id")
    context = {
        "classes": classes,
        "teacher": teacher,
        "school_year": school_year_label(year),
        "awaiting_host": coming.filter(status=Booking.Status.REQUESTED),
        "waitlisted": selectors.with_waitlist_position(coming),
        "coming": coming.filter(status=Booking.Status.CONFIRMED),
        "teacher_visits": selectors.booking_list_for_user(request.user)
        .filter(teacher__user=request.user, status__in=Booking.ACTIVE, slot__end__gte=timezone.now())
        .order_by("slot__start", "id"),
    }
    return render(request, "web/teacher/home.html", context)


@login_required
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    """A class's bookings in its school year (1 August – 31 July), by date."""
    school_class = get_object_or_404(class_list_for_user(request.user), pk=class_id)
    tz = timezone.get_current_timezone()
    year_start = dt.datetime(school_class.school_year, 8, 1, tzinfo=tz)
    year_end = dt.datetime(school_class.school_year + 1, 8, 1, tzinfo=tz)
    bookings = (
        selectors.booking_list_for_user(request.user)
        .filter(school_class=school_class, slot__start__gte=year_start, slot__start__lt=year_end)
        .order_by("slot__start", "id")
    )
    return render(request, "web/teacher/class_detail.html", {"school_class": school_class, "bookings": bookings})


@login_required
def booking_page(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The stable address of a booking that e-mails and calendar events link to."""
    booking = booking_of(request, booking_id)
    # Which actions the page offers; the services decide whether they are allowed.
    school_side, company_side = is_school_side(request.user, booking), is_company_side(request.user, booking)
    active, confirmed = booking.status in Booking.ACTIVE, booking.status == Booking.Status.CONFIRMED
    context = {
        "booking": booking,
        "events": selectors.booking_history(booking),
        "company_side": company_side,
        # The host answers a request by confirming or declining; a confirmed visit the host may
        # still cancel or move, with a message to the school.
        "can_cancel": (school_side and active) or (company_side and confirmed),
        "can_move": (school_side and booking.holds_place) or (company_side and confirmed),
        "can_confirm": company_side and booking.status == Booking.Status.REQUESTED,
        "can_decline": company_side and booking.status in (Booking.Status.REQUESTED, Booking.Status.WAITLISTED),
        # A class adoption's activity booked on the company's private offer, which has no page of its own.
        "plan_activity": activities_visible_to(request.user).filter(booking=booking).first(),
    }
    if context["can_cancel"]:
        context["cancel_form"] = NoteForm(auto_id="cancel_%s")
    if context["can_move"]:
        slots = bookable_slots_of(booking.slot.offer).exclude(pk=booking.slot_id)
        context["move_form"] = MoveForm(auto_id="move_%s", slots=slots, offer_slots=slots)
        context["move_form"].fields["slot"].for_teachers = booking.is_for_teacher
    if context["can_confirm"] or context["can_decline"]:
        context["decide_form"] = NoteForm(auto_id="decide_%s")
    return render(request, "web/teacher/booking_page.html", context)


def _act(request: HttpRequest, booking: Booking, done: str, action, **arguments) -> HttpResponse:
    try:
        action(booking=booking, actor=request.user, **arguments)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("booking-page", booking.pk)


@login_required
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    """Cancelling asks first, without JavaScript: the page (GET, or a POST without `confirm`)
    shows what will be cancelled with the note; only a POST with `confirm` cancels."""
    booking = booking_of(request, booking_id)
    if booking.status not in Booking.ACTIVE:
        messages.error(request, services.WRONG_STATUS)
        return redirect("booking-page", booking.pk)
    form = NoteForm(request.POST if request.method == "POST" else None, auto_id="cancel_%s")
    if form.is_bound and form.is_valid() and request.POST.get("confirm"):
        return _act(request, booking, _("The booking is cancelled."), services.booking_cancel, **form.cleaned_data)
    return render(request, "web/teacher/booking_cancel.html", {"booking": booking, "form": form})


@login_required
@require_POST
def booking_move(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = booking_of(request, booking_id)
    offer_slots = Slot.objects.filter(offer_id=booking.slot.offer_id)
    form = MoveForm(request.POST, slots=offer_slots, offer_slots=offer_slots)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("booking-page", booking.pk)
    return _act(
        request,
        booking,
        _("The booking is moved."),
        services.booking_move,
        slot_id=form.cleaned_data["slot"].pk,
        note=form.cleaned_data["note"],
    )
