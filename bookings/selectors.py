"""Reads of offers, slots and bookings, scoped to what the user may see.
Something the user may not see looks exactly like something that does not exist."""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, Offer, Slot
from companies.selectors import company_ids_of
from schools.selectors import teacher_of


def offer_list_for_user(user: User) -> QuerySet[Offer]:
    """Published offers for everyone; a company's own drafts for its members; all for staff."""
    offers = Offer.objects.select_related("company", "company__municipality", "contact__user").prefetch_related(
        "subjects", "sectors"
    )
    if user.is_authenticated and user.sees_everything:
        return offers
    return offers.filter(Q(is_published=True) | Q(company_id__in=company_ids_of(user)))


def offer_list_editable_by(user: User) -> QuerySet[Offer]:
    if user.is_authenticated and user.sees_everything:
        return Offer.objects.all()
    return Offer.objects.filter(company_id__in=company_ids_of(user))


def slot_list_for_user(user: User) -> QuerySet[Slot]:
    slots = Slot.objects.select_related("offer", "offer__company").prefetch_related("role_models")
    if user.is_authenticated and user.sees_everything:
        return slots
    return slots.filter(Q(offer__is_published=True) | Q(offer__company_id__in=company_ids_of(user)))


def slot_list_editable_by(user: User) -> QuerySet[Slot]:
    slots = Slot.objects.select_related("offer")
    if user.is_authenticated and user.sees_everything:
        return slots
    return slots.filter(offer__company_id__in=company_ids_of(user))


def booking_list_for_user(user: User) -> QuerySet[Booking]:
    """A teacher sees their school's bookings (its classes' and its teachers' teacher visits);
    a company member the bookings on their company's offers; a consultant with an area the
    bookings of the schools in it (and, like anyone, those of their own school or companies);
    an administrator, and a consultant without an area, every booking."""
    bookings = Booking.objects.select_related(
        "slot",
        "slot__offer",
        "slot__offer__company",
        "school_class",
        "school_class__school",
        "teacher__user",
        "teacher__school",
        "booked_by",
    )
    if not user.is_authenticated:
        return bookings.none()
    if user.sees_everything:
        codes = user.area_municipality_codes()
        if codes is None:
            return bookings
        return bookings.filter(_area_q(codes) | _own_q(user))
    return bookings.filter(_own_q(user))


def _area_q(codes: list[int]) -> Q:
    """Bookings of schools in the municipalities `codes`: a class's school, or on a teacher
    visit the visiting teacher's school."""
    return Q(school_class__school__municipality__in=codes) | Q(teacher__school__municipality__in=codes)


def _own_q(user: User) -> Q:
    """Bookings on the user's companies' offers and of the user's own school."""
    scope = Q(slot__offer__company_id__in=company_ids_of(user))
    teacher = teacher_of(user)
    if teacher is not None:
        scope |= Q(school_class__school_id=teacher.school_id) | Q(teacher__school_id=teacher.school_id)
    return scope


def waitlist_list_for_user(user: User) -> QuerySet[Booking]:
    """The waitlisted bookings the user may see, each with its place in its slot's queue."""
    return booking_list_for_user(user).filter(status=Booking.Status.WAITLISTED).with_waitlist_position()


def booking_history(booking: Booking) -> QuerySet:
    return booking.events.select_related("actor")


def bookable_slots() -> QuerySet[Slot]:
    """Open slots that can still be booked: in the future and before their deadline."""
    now = timezone.now()
    return Slot.objects.filter(status=Slot.Status.OPEN, start__gt=now, booking_deadline__gt=now)


def with_waitlist_position(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Each waitlisted booking's place in its slot's queue as `position` (1 is next in line):
    first come, first served, with the id breaking ties."""
    ahead = (
        Booking.objects.filter(slot=OuterRef("slot"), status=Booking.Status.WAITLISTED)
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__lte=OuterRef("id")))
        .values("slot")
        .annotate(n=Count("id"))
        .values("n")
    )
    return bookings.filter(status=Booking.Status.WAITLISTED).annotate(position=Coalesce(Subquery(ahead), 0))


def slots_with_disagreeing_counters() -> QuerySet[Slot]:
    """Slots whose counters differ from what their bookings holding a place or marked as held or
    missed add up to (Booking.COUNTED_IN_SLOT), annotated with those sums (`held_classes`,
    `held_pupils`). One aggregate statement: it
    reads counters and bookings in one snapshot, and a booking changes both in one
    transaction, so a booking made while the check runs is never a false alarm. Every slot,
    not scoped to a user: for the periodic check and the administrators' slot list."""
    holding = Q(bookings__status__in=Booking.COUNTED_IN_SLOT)
    return (
        Slot.objects.annotate(
            held_classes=Count("bookings", filter=holding),
            held_pupils=Coalesce(Sum("bookings__pupils", filter=holding), 0),
        )
        .filter(~Q(booked_classes=F("held_classes")) | ~Q(booked_pupils=F("held_pupils")))
        .order_by("pk")
    )
