"""Slots: the dated occurrences of an offer, one at a time or as a series from a recurrence
rule (RFC 5545, expanded by core.recurrence). A change of time or people is sent to every
booking's calendar; a cancelled slot cancels its bookings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from accounts.audit import audit_record, audited
from accounts.models import User
from bookings.messages import Change, Recipient, Role
from bookings.models import MAX_CLASSES_PER_SLOT, MAX_PUPILS_PER_SLOT, Booking, Offer, Slot, SlotSeries
from bookings.services.announce import announce, announce_creation
from bookings.services.bookings import end_as_cancelled
from bookings.services.eligibility import conflicting_slot_id
from bookings.services.errors import (
    CAPACITY_BELOW_BOOKED,
    CAPACITY_OUT_OF_RANGE,
    CLASS_BUSY_AFTER_MOVE,
    DEADLINE_AFTER_START,
    END_BEFORE_START,
    ON_HOLIDAY,
    ROLE_MODEL_NOT_MEMBER,
    SERIES_EMPTY,
    SLOT_HAS_BOOKINGS,
    SLOT_NOT_OPEN_FOR_CHANGE,
    SLOT_START_IN_PAST,
    SLOT_START_TOO_FAR,
)
from bookings.services.offers import check_may_manage
from bookings.services.states import bookings_on
from bookings.services.waitlist import waitlist_promote
from companies.models import RoleModel
from core.dates import holiday_name
from core.errors import DomainError
from core.recurrence import MAX_SERIES_YEARS, RRULE_NO_DATES, expand_rrule

# How far ahead a slot may start: a school plans a year or two ahead, and dates stay far from overflow.
SLOT_HORIZON_YEARS = 3


def _default_deadline(offer: Offer, start: dt.datetime) -> dt.datetime:
    return start - dt.timedelta(hours=offer.booking_deadline_hours)


def _check_role_models(offer: Offer, role_models: list[RoleModel] | None) -> None:
    """The people named on a slot are the offer's company's own role models."""
    if any(role_model.company_id != offer.company_id for role_model in role_models or []):
        raise DomainError(ROLE_MODEL_NOT_MEMBER, code="role_model_not_member", field="role_models")


def _check_capacities(*, capacity_classes: int | None, capacity_pupils: int | None) -> None:
    """The model's bounds, checked here because slots are saved without full_clean (and by
    bulk_create and conditional UPDATEs). None means the value is not given."""
    for field, value, high in (
        ("capacity_classes", capacity_classes, MAX_CLASSES_PER_SLOT),
        ("capacity_pupils", capacity_pupils, MAX_PUPILS_PER_SLOT),
    ):
        if value is not None and not 1 <= value <= high:
            raise DomainError(
                CAPACITY_OUT_OF_RANGE % {"low": 1, "high": high}, code="capacity_out_of_range", field=field
            )


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise DomainError(END_BEFORE_START, code="end_before_start", field="end")


@transaction.atomic
@audited("bookings.slot.create")
def slot_create(
    *,
    actor: User,
    offer: Offer,
    start: dt.datetime,
    end: dt.datetime | None = None,
    capacity_classes: int | None = None,
    capacity_pupils: int | None = None,
    booking_deadline: dt.datetime | None = None,
    role_models: list[RoleModel] | None = None,
) -> Slot:
    """Add a slot to an offer the actor manages; what is not given comes from the offer."""
    check_may_manage(actor, offer)
    _check_capacities(capacity_classes=capacity_classes, capacity_pupils=capacity_pupils)
    _check_role_models(offer, role_models)
    end = end or start + dt.timedelta(minutes=offer.duration_minutes)
    booking_deadline = booking_deadline or _default_deadline(offer, start)
    _check_times(start, end)
    _check_future(start)
    _check_deadline(start, booking_deadline)
    _check_not_holiday(offer, start)
    slot = Slot.objects.create(
        offer=offer,
        start=start,
        end=end,
        capacity_classes=offer.default_capacity_classes if capacity_classes is None else capacity_classes,
        capacity_pupils=offer.default_capacity_pupils if capacity_pupils is None else capacity_pupils,
        booking_deadline=booking_deadline,
    )
    if role_models:
        slot.role_models.set(role_models)
    return slot


@transaction.atomic
@audited("bookings.slot.update", target="slot", fields=True)
def slot_update(*, slot: Slot, actor: User, role_models: list[RoleModel] | None = None, **fields: Any) -> Slot:
    """Change a slot's time, capacity, deadline or role models, on an offer the actor manages.
    Only an open slot changes: a closed or cancelled slot's bookings are over. Capacity is set
    with a conditional UPDATE (which also requires the slot still open) so that a booking or a
    cancellation arriving meanwhile cannot leave it above the new capacity or changed after all. Places the change frees (more capacity, or a waitlisted class
    no longer busy at the new time) go to the waitlist in order in the same transaction,
    before any newcomer can take them."""
    check_may_manage(actor, slot.offer)
    if slot.status != Slot.Status.OPEN:
        raise _not_open()
    offer = fields.get("offer", slot.offer)
    check_may_manage(actor, offer)
    _check_capacities(capacity_classes=fields.get("capacity_classes"), capacity_pupils=fields.get("capacity_pupils"))
    _check_role_models(offer, role_models)
    start, end = fields.get("start", slot.start), fields.get("end", slot.end)
    _check_times(start, end)
    _announce_creation_on(slot)
    if start != slot.start:
        _check_future(start)
        _check_not_holiday(slot.offer, start)
        fields.setdefault("booking_deadline", slot.booking_deadline + (start - slot.start))
    _check_deadline(start, fields.get("booking_deadline", slot.booking_deadline))
    capacity_classes = fields.get("capacity_classes", slot.capacity_classes)
    capacity_pupils = fields.get("capacity_pupils", slot.capacity_pupils)
    changed = Slot.objects.filter(
        pk=slot.pk, status=Slot.Status.OPEN, booked_classes__lte=capacity_classes, booked_pupils__lte=capacity_pupils
    ).update(updated_at=timezone.now(), **fields)
    if changed != 1:
        if Slot.objects.filter(pk=slot.pk).exclude(status=Slot.Status.OPEN).exists():
            raise _not_open()
        raise DomainError(CAPACITY_BELOW_BOOKED, code="capacity_below_booked", field="capacity_classes")
    time_changed = start != slot.start or end != slot.end
    if time_changed:
        _check_classes_free(slot, start=start, end=end)
    role_models_before = set(slot.role_models.all())
    if role_models is not None:
        slot.role_models.set(role_models)
    dropped = role_models_before - set(slot.role_models.all()) if role_models is not None else set()
    if time_changed or role_models_before != set(slot.role_models.all()):
        _reschedule_bookings(slot, dropped_role_models=dropped, time_changed=time_changed)
    waitlist_promote(slot_id=slot.pk)
    slot.refresh_from_db()
    return slot


def _not_open() -> DomainError:
    return DomainError(SLOT_NOT_OPEN_FOR_CHANGE, code="slot_not_open")


def _announce_creation_on(slot: Slot) -> None:
    """Write the pending messages of the slot's new bookings before the slot changes."""
    announce_creation(bookings_on(slot, Booking.ACTIVE, messages_pending=True))


def _check_classes_free(slot: Slot, *, start: dt.datetime, end: dt.datetime) -> None:
    """Refuse a new time at which a class (on a teacher visit: the teacher) holding a place on
    the slot has another booking, naming them: silently double-booking is wrong, and
    cancelling one of the other bookings would surprise the teacher. Checked after the slot's
    row is updated (and so locked until commit), each class or teacher under its lock, so a
    booking made meanwhile by one of them is either seen here or sees the new time. A
    waitlisted booking is not checked: it may wait while busy, and the waitlist skips it then."""
    holding = (
        Booking.objects.filter(slot=slot, status__in=Booking.HOLDING_PLACE)
        .select_related("school_class__school", "teacher__user", "teacher__school")
        .order_by("school_class_id", "teacher_id")
    )
    busy = [
        booking
        for booking in holding
        if conflicting_slot_id(
            class_id=booking.school_class_id,
            teacher_id=booking.teacher_id,
            slot_id=slot.pk,
            start=start,
            end=end,
            exclude_booking_id=booking.pk,
        )
    ]
    if busy:
        names = ", ".join(f"{booking.participant} ({booking.school.name})" for booking in busy)
        raise DomainError(CLASS_BUSY_AFTER_MOVE % {"participants": names}, code="class_busy_after_move", field="start")


def _reschedule_bookings(slot: Slot, *, dropped_role_models: set = frozenset(), time_changed: bool = False) -> None:
    """Send the new time or people to everyone whose calendar holds a booking of this slot;
    role models taken off the slot get the cancellation. A new time is also news to the
    classes with no calendar entry (a request, a waitlisted class): they get an e-mail."""
    dropped = [Recipient(Role.ROLE_MODEL, model.email, model.name) for model in dropped_role_models if model.email]
    for booking in bookings_on(slot, Booking.ACTIVE):
        if booking.invite_sequence is None:
            if time_changed:
                announce(booking, Change.RESCHEDULED)
        else:
            booking.invite_sequence += 1
            booking.updated_at = timezone.now()
            Booking.objects.filter(pk=booking.pk).update(
                invite_sequence=booking.invite_sequence, updated_at=booking.updated_at
            )
            announce(booking, Change.RESCHEDULED, before=dropped)


@transaction.atomic
@audited("bookings.slot.cancel", target="slot")
def slot_cancel(*, slot: Slot, actor: User, note: str = "") -> Slot:
    """Cancel a slot: it takes no more bookings and every active booking on it is cancelled."""
    check_may_manage(actor, slot.offer)
    _announce_creation_on(slot)
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.CANCELLED, updated_at=timezone.now())
    slot.status = Slot.Status.CANCELLED
    for booking in bookings_on(slot, Booking.ACTIVE):
        end_as_cancelled(booking, actor=actor, note=note, promote=False)
    return slot


def _check_future(start: dt.datetime, *, field: str = "start") -> None:
    """In the future, and not so far ahead that nobody plans for it (nor dates overflow)."""
    now = timezone.now()
    if start <= now:
        raise DomainError(SLOT_START_IN_PAST, code="start_in_past", field=field)
    if start > now + dt.timedelta(days=365 * SLOT_HORIZON_YEARS):
        raise DomainError(SLOT_START_TOO_FAR % {"years": SLOT_HORIZON_YEARS}, code="start_too_far", field=field)


def _check_deadline(start: dt.datetime, deadline: dt.datetime) -> None:
    if deadline > start:
        raise DomainError(DEADLINE_AFTER_START, code="deadline_after_start", field="booking_deadline")


def _check_not_holiday(offer: Offer, start: dt.datetime) -> None:
    day = timezone.localtime(start).date()
    name = holiday_name(day)
    if name and not offer.allow_holidays:
        raise DomainError(
            ON_HOLIDAY % {"date": date_format(day, "DATE_FORMAT"), "name": name}, code="holiday", field="start"
        )


def slot_series_create(
    *,
    actor: User,
    offer: Offer,
    start: dt.datetime,
    end: dt.datetime,
    rrule: str,
    exdates: list[dt.date] | None = None,
    capacity_classes: int | None = None,
    capacity_pupils: int | None = None,
) -> SlotSeries:
    """Create the slots of a recurrence rule. Dates on Danish public or school holidays are
    skipped unless the offer allows holidays; explicit exception dates are always skipped.

    The rule is expanded and holidays looked up before the transaction opens: SQLite has a
    single writer, so every booking waits while a write transaction is open, and the
    transaction only inserts the series and its slots."""
    check_may_manage(actor, offer)
    _check_capacities(capacity_classes=capacity_classes, capacity_pupils=capacity_pupils)
    _check_times(start, end)
    _check_future(start)
    expanded = expand_rrule(rule=rrule, first_start=start)
    if not expanded:
        raise DomainError(RRULE_NO_DATES % {"years": MAX_SERIES_YEARS}, code="series_empty", field="rrule")
    skipped = set(exdates or [])
    occurrences = [
        moment
        for moment in expanded
        if moment.date() not in skipped and (offer.allow_holidays or not holiday_name(moment.date()))
    ]
    if not occurrences:
        raise DomainError(SERIES_EMPTY, code="series_empty", field="rrule")
    duration = end - start
    slots = [
        Slot(
            offer=offer,
            start=moment,
            end=(moment.replace(tzinfo=None) + duration).replace(tzinfo=moment.tzinfo),
            capacity_classes=offer.default_capacity_classes if capacity_classes is None else capacity_classes,
            capacity_pupils=offer.default_capacity_pupils if capacity_pupils is None else capacity_pupils,
            booking_deadline=_default_deadline(offer, moment),
        )
        for moment in occurrences
    ]
    with transaction.atomic():
        series = SlotSeries.objects.create(
            offer=offer, rrule=rrule, exdates=[day.isoformat() for day in exdates or []], created_by=actor
        )
        for slot in slots:
            slot.series = series
        Slot.objects.bulk_create(slots)
        audit_record(actor=actor, action="bookings.slot_series.create", target=series, details={"count": len(slots)})
    return series


@transaction.atomic
@audited("bookings.slot.delete", target="slot")
def slot_delete(*, slot: Slot, actor: User) -> None:
    """Delete a slot nobody has booked, for a time added by mistake. A booking in any status,
    cancelled ones included, keeps the slot: its history and messages refer to it, and the
    way to take back a booked time is slot_cancel, which tells everyone."""
    check_may_manage(actor, slot.offer)
    if Booking.objects.filter(slot_id=slot.pk).exists():
        raise DomainError(SLOT_HAS_BOOKINGS, code="slot_has_bookings")
    try:
        # A booking made meanwhile is still caught: the booking's foreign key protects the slot.
        with transaction.atomic():
            Slot.objects.filter(pk=slot.pk).delete()
    except IntegrityError as error:
        raise DomainError(SLOT_HAS_BOOKINGS, code="slot_has_bookings") from error
