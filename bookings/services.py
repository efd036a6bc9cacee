"""Writes and business rules for offers, slots and bookings.

Capacity is claimed with one conditional UPDATE (`booking_sql.claim_place`): the database evaluates the
free-place condition and the increment in the same statement, so two requests can never
both take the last place, on SQLite (whose IMMEDIATE transactions queue writers) and on
PostgreSQL (which re-checks the WHERE clause on the newest row version after a concurrent
update). Check constraints on Slot make an overbooking fail even if code forgets this.
A class's bookings are serialised by locking the class row, which makes the overlap check
race-free per class.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule as rfc5545
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from bookings import booking_sql
from bookings.models import MAX_REMINDER_DAYS, Booking, BookingEvent, Offer, Slot, SlotSeries
from companies.models import Company
from companies.selectors import company_ids_of
from core.dates import holiday_name
from core.errors import DomainError
from notifications.services import Change, Recipient, Role, booking_messages_enqueue, reminder_days_of
from schools.models import School, SchoolClass
from schools.selectors import teacher_of

SLOT_NOT_FOUND = _("This slot does not exist or is not open for booking.")
CLASS_NOT_FOUND = _("This class does not exist or is not one of your school's classes.")
SLOT_FULL = _("The slot is full.")
SLOT_TOO_SMALL = _("The slot does not take that many pupils.")
TOO_MANY_PUPILS_FOR_CLASS = _("The class has only %(pupils)s pupils.")
SLOT_IN_PAST = _("The slot has already started.")
DEADLINE_PASSED = _("The booking deadline for this slot has passed.")
GRADE_NOT_ELIGIBLE = _("This offer is not for the class's grade.")
CLASS_BUSY = _("The class already has a booking at that time.")
ALREADY_BOOKED = _("The class has already booked this slot.")
NOT_ALLOWED = _("You may not do this with this booking.")
WRONG_STATUS = _("The booking is no longer in a state that allows this.")
CANCELLATION_DEADLINE_PASSED = _("The cancellation deadline has passed; contact the host.")
MOVE_TO_OTHER_OFFER = _("A booking can only be moved to another slot of the same offer.")
MOVE_TO_SAME_SLOT = _("The booking is already on this slot.")
CAPACITY_BELOW_BOOKED = _("Capacity cannot be lower than the places already booked.")
END_BEFORE_START = _("The end must be after the start.")
CONTACT_NOT_MEMBER = _("The contact person must work for the offer's company.")
ON_HOLIDAY = _("%(date)s is a holiday (%(name)s). Allow holidays on the offer to add slots then.")
BAD_RRULE = _("This is not a valid recurrence rule: %(error)s")
RRULE_UNBOUNDED = _("The recurrence rule needs an end: UNTIL or COUNT.")
RRULE_TOO_MANY = _("A series can hold at most %(limit)s slots.")
SERIES_EMPTY = _("The series produces no slots (all dates are holidays or exceptions).")
SLOT_START_IN_PAST = _("A slot must start in the future.")
SLOT_START_TOO_FAR = _("A slot can start at most %(years)s years ahead.")
DEADLINE_AFTER_START = _("The booking deadline must not be after the start.")
SLOT_HORIZON_YEARS = 3
MAX_SERIES_SLOTS = 200


# Capacity ----------------------------------------------------------------------------------


def _slot_claim(*, slot_id: int, pupils: int) -> bool:
    """Take one class place and `pupils` pupil places if they are free. True if taken."""
    return booking_sql.claim_place(slot_id=slot_id, pupils=pupils, open_status=Slot.Status.OPEN)


def _slot_release(*, slot_id: int, pupils: int) -> None:
    Slot.objects.filter(pk=slot_id).update(
        booked_classes=F("booked_classes") - 1, booked_pupils=F("booked_pupils") - pupils
    )


# Rules -------------------------------------------------------------------------------------


def _check_bookable(*, slot: booking_sql.SlotRow, grade: int, pupils: int, class_pupils: int, now: dt.datetime) -> None:
    if slot.status != Slot.Status.OPEN or not slot.is_published:
        raise DomainError(SLOT_NOT_FOUND, code="slot_not_open", field="slot")
    if slot.start <= now:
        raise DomainError(SLOT_IN_PAST, code="slot_in_past", field="slot")
    if slot.booking_deadline <= now:
        raise DomainError(DEADLINE_PASSED, code="deadline_passed", field="slot")
    if not slot.grade_min <= grade <= slot.grade_max:
        raise DomainError(GRADE_NOT_ELIGIBLE, code="grade_not_eligible", field="school_class")
    if pupils > slot.capacity_pupils:
        raise DomainError(SLOT_TOO_SMALL, code="too_many_pupils", field="pupils")
    if pupils > class_pupils:
        message = TOO_MANY_PUPILS_FOR_CLASS % {"pupils": class_pupils}
        raise DomainError(message, code="too_many_pupils_for_class", field="pupils")


def _conflicting_slot_id(
    *, class_id: int, slot_id: int, start: dt.datetime, end: dt.datetime, exclude_booking_id: int | None = None
) -> int | None:
    """Locks the class row on PostgreSQL for the rest of the transaction (see booking_sql)."""
    return booking_sql.lock_class_and_find_conflict(
        class_id=class_id,
        slot_id=slot_id,
        start=start,
        end=end,
        holding=Booking.HOLDING_PLACE,
        active=Booking.ACTIVE,
        exclude_booking_id=exclude_booking_id,
    )


def _check_class_free(*, class_id: int, slot: booking_sql.SlotRow, exclude_booking_id: int | None = None) -> None:
    conflict = _conflicting_slot_id(
        class_id=class_id, slot_id=slot.id, start=slot.start, end=slot.end, exclude_booking_id=exclude_booking_id
    )
    if conflict == slot.id:
        raise DomainError(ALREADY_BOOKED, code="already_booked", field="slot")
    if conflict is not None:
        raise DomainError(CLASS_BUSY, code="class_busy", field="school_class")


def _status_after_claim(offer: Offer | booking_sql.SlotRow) -> str:
    return Booking.Status.CONFIRMED if offer.auto_confirm else Booking.Status.REQUESTED


def _record(booking: Booking, *, action: str, actor: User | None, from_status: str = "", note: str = "") -> None:
    BookingEvent.objects.create(
        booking=booking, action=action, actor=actor, from_status=from_status, to_status=booking.status, note=note
    )


def _is_company_side(actor: User, booking: Booking) -> bool:
    return actor.sees_everything or booking.slot.offer.company_id in company_ids_of(actor)


def _is_school_side(actor: User, booking: Booking) -> bool:
    if actor.sees_everything:
        return True
    teacher = teacher_of(actor)
    return teacher is not None and teacher.school_id == booking.school_class.school_id


def _locked(booking: Booking) -> Booking:
    """The booking as it is now, locked for this transaction. Decisions are made on this row,
    never on an instance loaded before the transaction began, which may be stale."""
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("slot__offer__company", "slot__offer__contact__user", "school_class__school", "booked_by")
        .get(pk=booking.pk)
    )
    _announce_creation([locked])
    return locked


def _next_sequence(booking: Booking, to_status: str) -> int | None:
    """The calendar SEQUENCE after a change: the first confirmation invites with 0; once a
    booking is in people's calendars every change (move, cancel, …) is one higher."""
    if booking.invite_sequence is not None:
        return booking.invite_sequence + 1
    return 0 if to_status == Booking.Status.CONFIRMED else None


def _transition(booking: Booking, *, from_statuses: tuple[str, ...], to_status: str, **also: Any) -> str:
    """Change the status (and the calendar sequence) only if nobody changed the status first.
    Returns the old status."""
    sequence = _next_sequence(booking, to_status)
    changed = Booking.objects.filter(pk=booking.pk, status__in=from_statuses).update(
        status=to_status, invite_sequence=sequence, updated_at=timezone.now(), **also
    )
    if changed != 1:
        raise DomainError(WRONG_STATUS, code="wrong_status")
    old_status, booking.status, booking.invite_sequence = booking.status, to_status, sequence
    return old_status


def _recipients(booking: Booking) -> list[Recipient]:
    """Who hears about a booking: the teacher who booked, the offer's contact (or the
    company's address), and the role models named on the slot."""
    teacher, offer = booking.booked_by, booking.slot.offer
    people = [Recipient(Role.TEACHER, teacher.email, teacher.get_full_name(), teacher.language)]
    if offer.contact_id is not None:
        host = offer.contact.user
        people.append(Recipient(Role.HOST, host.email, host.get_full_name(), host.language))
    elif offer.company.email:
        people.append(Recipient(Role.HOST, offer.company.email, offer.company.name))
    people += [
        Recipient(Role.ROLE_MODEL, role_model.email, role_model.name)
        for role_model in booking.slot.role_models.all()
        if role_model.email
    ]
    return [person for person in people if person.email]


def _announce(
    booking: Booking, change: Change, *, before: list[Recipient] | None = None, now: dt.datetime | None = None
) -> None:
    """Enqueue what the change tells whom. `before` is who was on the booking before the
    change; anyone no longer on it gets the event's cancellation."""
    recipients = _recipients(booking)
    still_on = {person.email for person in recipients}
    booking_messages_enqueue(
        booking=booking,
        change=change,
        start=booking.slot.start,
        deadline=booking.slot.booking_deadline,
        recipients=recipients,
        # An offer saved before reminders were bounded may ask for more; such reminders are skipped.
        reminder_days=[
            days for days in reminder_days_of(booking.slot.offer.reminder_days) if days <= MAX_REMINDER_DAYS
        ],
        now=now or timezone.now(),
        removed=[person for person in before or [] if person.email not in still_on],
    )


def _announce_creation(bookings: list[Booking]) -> None:
    """Write the messages of the new bookings among `bookings` whose messages are not written
    yet. Called on bookings loaded (and locked) for a change, before the change, so that
    what the booking's creation tells comes first and from the booking as it was created."""
    pending = [booking for booking in bookings if booking.messages_pending]
    for booking in pending:
        _announce(booking, Change.CREATED, now=booking.created_at)
        booking.messages_pending = False
    if pending:
        Booking.objects.filter(pk__in=[booking.pk for booking in pending]).update(messages_pending=False)


ANNOUNCE_BATCH = 100


def bookings_announce_new(*, limit: int = ANNOUNCE_BATCH) -> int:
    """Write the messages of up to `limit` new bookings, oldest first, in one short
    transaction; returns how many. Creating a booking only marks it (booking_sql.insert_booking)
    so that a rush of bookings does not also write every invite and reminder while it holds
    the slot; the delivery task calls this every second, before it sends what is due. Bookings
    locked by a change in progress are skipped: that change writes their messages itself."""
    with transaction.atomic():
        pending = list(
            Booking.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(messages_pending=True)
            .select_related("slot__offer__company", "slot__offer__contact__user", "booked_by")
            .prefetch_related("slot__role_models")
            .order_by("id")[:limit]
        )
        _announce_creation(pending)
    return len(pending)


# Bookings ----------------------------------------------------------------------------------


def booking_create(
    *,
    actor: User,
    slot_id: int,
    school_class_id: int,
    pupils: int,
    adults: int = 1,
    message: str = "",
) -> Booking:
    """Book a slot for a class: confirmed or requested if a place is free, waitlisted if the
    slot is full and the offer keeps a waitlist; refused otherwise."""
    try:
        return _booking_create(
            actor=actor, slot_id=slot_id, school_class_id=school_class_id, pupils=pupils, adults=adults, message=message
        )
    except IntegrityError as error:
        # Only reachable if two transactions slipped past the class lock; the unique
        # constraint is the last line of defence, and the whole transaction rolled back.
        if "one_active_booking" not in str(error) and "bookings_booking.slot_id" not in str(error):
            raise
        raise DomainError(ALREADY_BOOKED, code="already_booked", field="slot") from error


def _class_scope(actor: User) -> int | None:
    """The school whose classes the actor may book for; None for a consultant or administrator."""
    if actor.sees_everything:
        return None
    teacher = teacher_of(actor)
    if teacher is None:
        raise DomainError(CLASS_NOT_FOUND, code="class_not_found", field="school_class")
    return teacher.school_id


def _booking_create(
    *, actor: User, slot_id: int, school_class_id: int, pupils: int, adults: int, message: str
) -> Booking:
    """Reads, checks and everything else that can be prepared happen before the write
    transaction, so that it holds its locks (on SQLite: the one write lock) only for what
    must be atomic: the class's conflict check (which locks the class), the capacity claim,
    the booking and its event. Its e-mails are written later (bookings_announce_new)."""
    school_class, slot = booking_sql.class_and_slot_rows(
        class_id=school_class_id, school_id=_class_scope(actor), slot_id=slot_id
    )
    if school_class is None:
        raise DomainError(CLASS_NOT_FOUND, code="class_not_found", field="school_class")
    if slot is None:
        raise DomainError(SLOT_NOT_FOUND, code="slot_not_found", field="slot")
    now = timezone.now()
    _check_bookable(slot=slot, grade=school_class.grade, pupils=pupils, class_pupils=school_class.pupils, now=now)
    with transaction.atomic():
        _check_class_free(class_id=school_class.id, slot=slot)
        if _slot_claim(slot_id=slot.id, pupils=pupils):
            status = _status_after_claim(slot)
        elif slot.waitlist_enabled:
            status = Booking.Status.WAITLISTED
        else:
            raise DomainError(SLOT_FULL, code="slot_full", field="slot")
        booking = Booking(
            slot_id=slot.id,
            school_class_id=school_class.id,
            booked_by=actor,
            pupils=pupils,
            adults=adults,
            message=message,
            status=status,
            invite_sequence=0 if status == Booking.Status.CONFIRMED else None,
            created_at=now,
            updated_at=now,
        )
        booking_sql.insert_booking(booking)
    _attach_rows(booking, slot=slot, school_class=school_class)
    return booking


def _attach_rows(booking: Booking, *, slot: booking_sql.SlotRow, school_class: booking_sql.ClassRow) -> None:
    """The new booking with the related rows already read, as model instances whose other
    fields load on first access (Model.from_db marks them deferred), so nothing is made up."""
    company = Company.from_db("default", ["id", "name"], [slot.company_id, slot.company_name])
    offer = Offer.from_db(
        "default",
        ["id", "company_id", "title", "is_published", "grade_min", "grade_max", "auto_confirm", "waitlist_enabled"],
        [
            slot.offer_id,
            slot.company_id,
            slot.offer_title,
            slot.is_published,
            slot.grade_min,
            slot.grade_max,
            slot.auto_confirm,
            slot.waitlist_enabled,
        ],
    )
    offer.company = company
    slot_instance = Slot.from_db(
        "default",
        ["id", "offer_id", "start", "end", "booking_deadline", "status", "capacity_pupils"],
        [slot.id, slot.offer_id, slot.start, slot.end, slot.booking_deadline, slot.status, slot.capacity_pupils],
    )
    slot_instance.offer = offer
    school = School.from_db("default", ["id", "name"], [school_class.school_id, school_class.school_name])
    class_instance = SchoolClass.from_db(
        "default",
        ["id", "school_id", "name", "grade", "school_year", "pupils"],
        [
            school_class.id,
            school_class.school_id,
            school_class.name,
            school_class.grade,
            school_class.school_year,
            school_class.pupils,
        ],
    )
    class_instance.school = school
    booking.slot, booking.school_class = slot_instance, class_instance


@transaction.atomic
def booking_confirm(*, booking: Booking, actor: User, note: str = "") -> Booking:
    booking = _locked(booking)
    if not _is_company_side(actor, booking):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    old = _transition(booking, from_statuses=(Booking.Status.REQUESTED,), to_status=Booking.Status.CONFIRMED)
    _record(booking, action=BookingEvent.Action.CONFIRMED, actor=actor, from_status=old, note=note)
    _announce(booking, Change.CONFIRMED)
    return booking


@transaction.atomic
def booking_decline(*, booking: Booking, actor: User, note: str = "") -> Booking:
    """The host says no to a request or a waitlisted class; a held place goes to the waitlist."""
    booking = _locked(booking)
    if not _is_company_side(actor, booking):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    old = _transition(
        booking,
        from_statuses=(Booking.Status.REQUESTED, Booking.Status.WAITLISTED),
        to_status=Booking.Status.DECLINED,
    )
    _record(booking, action=BookingEvent.Action.DECLINED, actor=actor, from_status=old, note=note)
    _announce(booking, Change.DECLINED)
    if old in Booking.HOLDING_PLACE:
        _slot_release(slot_id=booking.slot_id, pupils=booking.pupils)
        waitlist_promote(slot_id=booking.slot_id)
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, actor: User, note: str = "") -> Booking:
    """Cancel a booking. Teachers must respect the offer's cancellation deadline for a held
    place; the host may always cancel. The freed place goes to the waitlist in order."""
    booking = _locked(booking)
    school_side, company_side = _is_school_side(actor, booking), _is_company_side(actor, booking)
    if not (school_side or company_side):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    if not company_side and booking.holds_place and _cancellation_deadline_passed(booking):
        raise DomainError(CANCELLATION_DEADLINE_PASSED, code="cancellation_deadline_passed")
    old = _transition(booking, from_statuses=Booking.ACTIVE, to_status=Booking.Status.CANCELLED)
    _record(booking, action=BookingEvent.Action.CANCELLED, actor=actor, from_status=old, note=note)
    _announce(booking, Change.CANCELLED)
    if old in Booking.HOLDING_PLACE:
        _slot_release(slot_id=booking.slot_id, pupils=booking.pupils)
        waitlist_promote(slot_id=booking.slot_id)
    return booking


def _cancellation_deadline_passed(booking: Booking) -> bool:
    deadline = booking.slot.start - dt.timedelta(hours=booking.slot.offer.cancellation_deadline_hours)
    return timezone.now() > deadline


@transaction.atomic
def booking_move(*, booking: Booking, actor: User, slot_id: int, note: str = "") -> Booking:
    """Move a held booking to another slot of the same offer. The new place is claimed before
    the old one is released, so a failed move leaves the booking where it was."""
    booking = _locked(booking)
    if not _is_school_side(actor, booking) and not _is_company_side(actor, booking):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    if not booking.holds_place:
        raise DomainError(WRONG_STATUS, code="wrong_status")
    if not _is_company_side(actor, booking) and _cancellation_deadline_passed(booking):
        raise DomainError(CANCELLATION_DEADLINE_PASSED, code="cancellation_deadline_passed")
    new_slot = booking_sql.slot_row(slot_id=slot_id)
    if new_slot is None:
        raise DomainError(SLOT_NOT_FOUND, code="slot_not_found", field="slot")
    if new_slot.offer_id != booking.slot.offer_id:
        raise DomainError(MOVE_TO_OTHER_OFFER, code="other_offer", field="slot")
    if new_slot.id == booking.slot_id:
        raise DomainError(MOVE_TO_SAME_SLOT, code="same_slot", field="slot")
    _check_bookable(
        slot=new_slot,
        grade=booking.school_class.grade,
        pupils=booking.pupils,
        class_pupils=booking.school_class.pupils,
        now=timezone.now(),
    )
    _check_class_free(class_id=booking.school_class_id, slot=new_slot, exclude_booking_id=booking.pk)
    if not _slot_claim(slot_id=new_slot.id, pupils=booking.pupils):
        raise DomainError(SLOT_FULL, code="slot_full", field="slot")

    old_slot_id, before = booking.slot_id, _recipients(booking)
    _slot_release(slot_id=old_slot_id, pupils=booking.pupils)
    old_status = _transition(
        booking, from_statuses=(booking.status,), to_status=_status_after_claim(new_slot), slot_id=new_slot.id
    )
    booking = _locked(booking)
    _record(booking, action=BookingEvent.Action.MOVED, actor=actor, from_status=old_status, note=note)
    _announce(booking, Change.MOVED, before=before)
    waitlist_promote(slot_id=old_slot_id)
    return booking


REQUEST_EXPIRED_NOTE = "Expired: the host did not answer before the booking deadline."


def requests_expire() -> list[Booking]:
    """Expire requests the host has not answered by the slot's booking deadline: the place is
    freed and the teacher is told. Each request expires in its own transaction."""
    expired = []
    due = Booking.objects.filter(status=Booking.Status.REQUESTED, slot__booking_deadline__lte=timezone.now())
    for booking in due.only("pk"):
        with transaction.atomic():
            booking = _locked(booking)
            if booking.status != Booking.Status.REQUESTED:
                continue
            old = _transition(booking, from_statuses=(Booking.Status.REQUESTED,), to_status=Booking.Status.CANCELLED)
            _record(booking, action=BookingEvent.Action.EXPIRED, actor=None, from_status=old, note=REQUEST_EXPIRED_NOTE)
            _announce(booking, Change.EXPIRED)
            _slot_release(slot_id=booking.slot_id, pupils=booking.pupils)
        expired.append(booking)
    return expired


def waitlist_promote(*, slot_id: int) -> list[Booking]:
    """Give freed places to waitlisted classes in the order they joined. A class that no
    longer fits (too many pupils for what is free, or busy elsewhere then) keeps its place
    in the queue and the next one is tried. Runs inside the caller's transaction."""
    promoted: list[Booking] = []
    waiting = (
        Booking.objects.filter(slot_id=slot_id, status=Booking.Status.WAITLISTED)
        .select_related("slot__offer__company", "slot__offer__contact__user", "booked_by")
        .order_by("created_at", "id")
    )
    for candidate in waiting:
        _announce_creation([candidate])
        slot = candidate.slot
        if slot.status != Slot.Status.OPEN or slot.start <= timezone.now():
            break
        if _conflicting_slot_id(
            class_id=candidate.school_class_id,
            slot_id=slot.pk,
            start=slot.start,
            end=slot.end,
            exclude_booking_id=candidate.pk,
        ):
            continue
        if not _slot_claim(slot_id=slot_id, pupils=candidate.pupils):
            slot.refresh_from_db(fields=["booked_classes", "booked_pupils"])
            if slot.free_classes <= 0:
                break
            continue
        try:
            old = _transition(
                candidate, from_statuses=(Booking.Status.WAITLISTED,), to_status=_status_after_claim(slot.offer)
            )
        except DomainError:  # withdrawn meanwhile: give the place back and ask the next class
            _slot_release(slot_id=slot_id, pupils=candidate.pupils)
            continue
        _record(candidate, action=BookingEvent.Action.PROMOTED, actor=None, from_status=old)
        _announce(candidate, Change.PROMOTED)
        promoted.append(candidate)
    return promoted


# Offers and slots --------------------------------------------------------------------------


def _check_contact(offer: Offer) -> None:
    if offer.contact_id is not None and offer.contact.company_id != offer.company_id:
        raise DomainError(CONTACT_NOT_MEMBER, code="contact_not_member", field="contact")


@transaction.atomic
def offer_create(*, actor: User, subjects: list | None = None, sectors: list | None = None, **fields: Any) -> Offer:
    offer = Offer(**fields)
    _check_contact(offer)
    offer.full_clean()
    offer.save()
    offer.subjects.set(subjects or [])
    offer.sectors.set(sectors or [offer.company.sector_id])
    return offer


@transaction.atomic
def offer_update(
    *, offer: Offer, actor: User, subjects: list | None = None, sectors: list | None = None, **fields: Any
) -> Offer:
    for name, value in fields.items():
        setattr(offer, name, value)
    _check_contact(offer)
    offer.full_clean()
    offer.save()
    if subjects is not None:
        offer.subjects.set(subjects)
    if sectors is not None:
        offer.sectors.set(sectors)
    return offer


def _default_deadline(offer: Offer, start: dt.datetime) -> dt.datetime:
    return start - dt.timedelta(hours=offer.booking_deadline_hours)


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise DomainError(END_BEFORE_START, code="end_before_start", field="end")


@transaction.atomic
def slot_create(
    *,
    actor: User,
    offer: Offer,
    start: dt.datetime,
    end: dt.datetime | None = None,
    capacity_classes: int | None = None,
    capacity_pupils: int | None = None,
    booking_deadline: dt.datetime | None = None,
    role_models: list | None = None,
) -> Slot:
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
        capacity_classes=capacity_classes or offer.default_capacity_classes,
        capacity_pupils=capacity_pupils or offer.default_capacity_pupils,
        booking_deadline=booking_deadline,
    )
    if role_models:
        slot.role_models.set(role_models)
    return slot


@transaction.atomic
def slot_update(*, slot: Slot, actor: User, role_models: list | None = None, **fields: Any) -> Slot:
    """Change a slot's time, capacity or deadline. Capacity is set with a conditional UPDATE
    so that a booking arriving meanwhile cannot end up above the new capacity."""
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
        pk=slot.pk, booked_classes__lte=capacity_classes, booked_pupils__lte=capacity_pupils
    ).update(updated_at=timezone.now(), **fields)
    if changed != 1:
        raise DomainError(CAPACITY_BELOW_BOOKED, code="capacity_below_booked", field="capacity_classes")
    role_models_before = set(slot.role_models.all())
    if role_models is not None:
        slot.role_models.set(role_models)
    dropped = role_models_before - set(slot.role_models.all()) if role_models is not None else set()
    if start != slot.start or end != slot.end or role_models_before != set(slot.role_models.all()):
        _reschedule_bookings(slot, dropped_role_models=dropped)
    slot.refresh_from_db()
    return slot


def _bookings_on(slot: Slot, statuses: tuple[str, ...], **filters: Any) -> list[Booking]:
    return list(
        Booking.objects.select_for_update(of=("self",))
        .filter(slot=slot, status__in=statuses, **filters)
        .select_related("slot__offer__company", "slot__offer__contact__user", "booked_by")
    )


def _announce_creation_on(slot: Slot) -> None:
    """Write the pending messages of the slot's new bookings before the slot changes."""
    _announce_creation(_bookings_on(slot, Booking.ACTIVE, messages_pending=True))


def _reschedule_bookings(slot: Slot, *, dropped_role_models: set = frozenset()) -> None:
    """Send the new time or people to everyone whose calendar holds a booking of this slot;
    role models taken off the slot get the cancellation."""
    dropped = [Recipient(Role.ROLE_MODEL, model.email, model.name) for model in dropped_role_models if model.email]
    for booking in _bookings_on(slot, Booking.HOLDING_PLACE):
        if booking.invite_sequence is not None:
            booking.invite_sequence += 1
            booking.updated_at = timezone.now()
            Booking.objects.filter(pk=booking.pk).update(
                invite_sequence=booking.invite_sequence, updated_at=booking.updated_at
            )
            _announce(booking, Change.RESCHEDULED, before=dropped)


@transaction.atomic
def slot_cancel(*, slot: Slot, actor: User, note: str = "") -> Slot:
    """Cancel a slot: it takes no more bookings and every active booking on it is cancelled."""
    _announce_creation_on(slot)
    Slot.objects.filter(pk=slot.pk).update(status=Slot.Status.CANCELLED, updated_at=timezone.now())
    slot.status = Slot.Status.CANCELLED
    for booking in _bookings_on(slot, Booking.ACTIVE):
        old = _transition(booking, from_statuses=Booking.ACTIVE, to_status=Booking.Status.CANCELLED)
        _record(booking, action=BookingEvent.Action.CANCELLED, actor=actor, from_status=old, note=note)
        _announce(booking, Change.CANCELLED)
        if old in Booking.HOLDING_PLACE:
            _slot_release(slot_id=slot.pk, pupils=booking.pupils)
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
        raise DomainError(ON_HOLIDAY % {"date": day.isoformat(), "name": name}, code="holiday", field="start")


def _expand_rrule(*, rule: str, first_start: dt.datetime, exdates: set[dt.date]) -> list[dt.datetime]:
    """Occurrences of an RFC 5545 rule in Copenhagen wall-clock time, so that a visit at 10:00
    stays at 10:00 across a daylight-saving switch."""
    zone = ZoneInfo(timezone.get_default_timezone_name())
    local_first = first_start.astimezone(zone).replace(tzinfo=None)
    rule = rule.strip().removeprefix("RRULE:")
    if "UNTIL=" not in rule.upper() and "COUNT=" not in rule.upper():
        raise DomainError(RRULE_UNBOUNDED, code="rrule_unbounded", field="rrule")
    try:
        parsed = rfc5545.rrulestr(_until_in_local_time(rule, zone), dtstart=local_first)
    except (ValueError, TypeError) as error:
        raise DomainError(BAD_RRULE % {"error": error}, code="bad_rrule", field="rrule") from error
    occurrences = []
    for naive in parsed.xafter(local_first, count=MAX_SERIES_SLOTS + 1, inc=True):
        if naive.date() not in exdates:
            occurrences.append(naive.replace(tzinfo=zone))
    if len(occurrences) > MAX_SERIES_SLOTS:
        raise DomainError(RRULE_TOO_MANY % {"limit": MAX_SERIES_SLOTS}, code="rrule_too_many", field="rrule")
    return occurrences


def _until_in_local_time(rule: str, zone: ZoneInfo) -> str:
    """RFC 5545 writes UNTIL in UTC ("…Z"); expansion runs in local wall-clock time."""

    def to_local(match: re.Match[str]) -> str:
        until = dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
        return f"UNTIL={until.astimezone(zone):%Y%m%dT%H%M%S}"

    return re.sub(r"UNTIL=(\d{8}T\d{6})Z", to_local, rule, flags=re.IGNORECASE)


@transaction.atomic
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
    skipped unless the offer allows holidays; explicit exception dates are always skipped."""
    _check_times(start, end)
    _check_future(start)
    duration = end - start
    occurrences = [
        moment
        for moment in _expand_rrule(rule=rrule, first_start=start, exdates=set(exdates or []))
        if offer.allow_holidays or not holiday_name(moment.date())
    ]
    if not occurrences:
        raise DomainError(SERIES_EMPTY, code="series_empty", field="rrule")
    _check_future(occurrences[-1], field="rrule")
    series = SlotSeries.objects.create(
        offer=offer, rrule=rrule, exdates=[day.isoformat() for day in exdates or []], created_by=actor
    )
    Slot.objects.bulk_create(
        Slot(
            offer=offer,
            series=series,
            start=moment,
            end=(moment.replace(tzinfo=None) + duration).replace(tzinfo=moment.tzinfo),
            capacity_classes=capacity_classes or offer.default_capacity_classes,
            capacity_pupils=capacity_pupils or offer.default_capacity_pupils,
            booking_deadline=_default_deadline(offer, moment),
        )
        for moment in occurrences
    )
    return series
