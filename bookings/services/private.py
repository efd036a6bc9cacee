"""Private bookings: a class adoption's dated activity booked for the adopted class on a slot
of its own. The company's private offer (one per kind, never published) holds one-class
slots, so the class does not compete with the public catalogue, while the booking follows the
booking rules of any other: the class's overlap check under its lock, the place claimed by the
same conditional UPDATE, the invites and reminders written by the normal booking messages."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
from bookings import booking_sql
from bookings.models import MAX_PUPILS_PER_SLOT, Booking, Offer, Slot
from bookings.services.bookings import _claim_and_insert
from bookings.services.eligibility import check_class_free
from bookings.services.errors import (
    END_BEFORE_START,
    PRIVATE_NOT_ALLOWED,
    PUPILS_REQUIRED,
    VISIT_NOT_SAME_DAY,
    VISIT_ON_HOLIDAY,
    VISIT_ON_WEEKEND,
    VISIT_TOO_LONG,
    VISIT_TOO_SHORT,
)
from bookings.services.slots import _check_future
from companies.models import Company, CompanyMember
from companies.selectors import company_ids_of
from core.dates import holiday_name
from core.errors import DomainError
from schools.models import SchoolClass
from schools.selectors import teacher_of

PRIVATE_KINDS = (Offer.Kind.COMPANY_VISIT, Offer.Kind.EXPERT_VISIT)
PRIVATE_OFFER_TITLES = {
    Offer.Kind.COMPANY_VISIT: "Klasseadoption: besøg",
    Offer.Kind.EXPERT_VISIT: "Klasseadoption: eksperter på skolen",
}
# The offer's own text is content, written in Danish like the catalogue's, not a translated label.
PRIVATE_OFFER_DESCRIPTION = "Aktiviteter for virksomhedens adopterede klasser, booket fra deres årsplaner."
# An expert comes to the class: without a location the invites would send the class to the company.
PRIVATE_OFFER_LOCATIONS = {Offer.Kind.EXPERT_VISIT: "Hos klassen på skolen"}
# How long a class visit may last: a lesson's worth at least, a school day at most.
MIN_VISIT = dt.timedelta(minutes=15)
MAX_VISIT = dt.timedelta(hours=8)


def _check_may_book(actor: User, *, company: Company, school_class: SchoolClass) -> None:
    """Either side of the pair books: a teacher of the class's school, a member of the
    company, or someone who sees everything."""
    if actor.sees_everything or company.pk in company_ids_of(actor):
        return
    teacher = teacher_of(actor)
    if teacher is None or teacher.school_id != school_class.school_id:
        raise DomainError(PRIVATE_NOT_ALLOWED, code="not_allowed")


def _check_visit_time(start: dt.datetime, end: dt.datetime) -> None:
    """A class visit's time: a school day (no weekend, no public or school holiday) and a
    sensible length ending on the same day. The private offer allows holidays so that its own
    settings never refuse a slot; the class's school calendar decides instead."""
    day = timezone.localtime(start).date()
    if day.weekday() >= 5:
        raise DomainError(VISIT_ON_WEEKEND % {"date": date_format(day, "DATE_FORMAT")}, code="weekend", field="start")
    name = holiday_name(day)
    if name:
        raise DomainError(
            VISIT_ON_HOLIDAY % {"date": date_format(day, "DATE_FORMAT"), "name": name}, code="holiday", field="start"
        )
    if timezone.localtime(end).date() != day:
        raise DomainError(VISIT_NOT_SAME_DAY, code="visit_not_same_day", field="end")
    if end - start < MIN_VISIT:
        minutes = int(MIN_VISIT.total_seconds() // 60)
        raise DomainError(VISIT_TOO_SHORT % {"minutes": minutes}, code="visit_too_short", field="end")
    if end - start > MAX_VISIT:
        hours = int(MAX_VISIT.total_seconds() // 3600)
        raise DomainError(VISIT_TOO_LONG % {"hours": hours}, code="visit_too_long", field="end")


def private_offer_of(company: Company, *, kind: str) -> Offer:
    """The company's private offer of `kind`, created the first time it is needed."""
    offer = Offer.objects.filter(company=company, kind=kind, is_private=True).order_by("id").first()
    if offer is not None:
        return offer
    offer = Offer.objects.create(
        company=company,
        kind=kind,
        title=PRIVATE_OFFER_TITLES[kind],
        description=PRIVATE_OFFER_DESCRIPTION,
        location=PRIVATE_OFFER_LOCATIONS.get(kind, ""),
        grade_min=0,
        grade_max=10,
        default_capacity_classes=1,
        default_capacity_pupils=MAX_PUPILS_PER_SLOT,
        auto_confirm=True,
        waitlist_enabled=False,
        booking_deadline_hours=0,
        allow_holidays=True,
        is_published=False,
        is_private=True,
        contact=CompanyMember.objects.filter(company=company).order_by("id").first(),
    )
    offer.sectors.set([company.sector_id] if company.sector_id else [])
    return offer


@transaction.atomic
def private_booking_create(
    *,
    actor: User,
    company: Company,
    school_class: SchoolClass,
    kind: str,
    start: dt.datetime,
    end: dt.datetime,
    message: str = "",
    booked_for: User | None = None,
) -> Booking:
    """Book `school_class` with `company` from `start` to `end` on a new one-class slot of the
    company's private offer of `kind` (company_visit or expert_visit): confirmed at once,
    refused if the class has another booking then or the time is not a class visit's (a
    school day in the future, 15 minutes to a school day, ending that day). `message` says where and what, for the
    invites. `booked_for` is the teacher the booking is for (its booker, who gets the
    teacher's invite and reminders) when someone else (a host, a consultant) books."""
    if kind not in PRIVATE_KINDS:
        raise ValueError(f"Not a private offer kind: {kind}")
    _check_may_book(actor, company=company, school_class=school_class)
    if end <= start:
        raise DomainError(END_BEFORE_START, code="end_before_start", field="end")
    _check_future(start)
    _check_visit_time(start, end)
    if school_class.pupils < 1:
        raise DomainError(PUPILS_REQUIRED, code="pupils_required", field="pupils")
    offer = private_offer_of(company, kind=kind)
    slot = Slot.objects.create(
        offer=offer,
        start=start,
        end=end,
        capacity_classes=1,
        capacity_pupils=min(max(school_class.pupils, 1), MAX_PUPILS_PER_SLOT),
        booking_deadline=start,
    )
    row = booking_sql.slot_row(slot_id=slot.pk)
    check_class_free(class_id=school_class.pk, slot=row)
    booking = _claim_and_insert(
        row,
        actor=booked_for or actor,
        now=timezone.now(),
        school_class_id=school_class.pk,
        pupils=slot.capacity_pupils,
        adults=1,
        message=message,
    )
    return Booking.objects.select_related("slot__offer__company", "school_class__school").get(pk=booking.pk)
