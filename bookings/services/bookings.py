"""A booking's life: created (confirmed, requested or waitlisted), confirmed, declined,
cancelled, moved, expired. Each change is a transaction that locks the booking, decides on
the locked row, changes its status with a conditional UPDATE, records and announces it."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from bookings import booking_sql
from bookings.messages import Change
from bookings.models import MAX_ADULTS_PER_BOOKING, Booking, BookingEvent, Offer, Slot
from bookings.permissions import is_company_side, is_school_side
from bookings.services import capacity
from bookings.services.announce import announce, recipients, record
from bookings.services.eligibility import check_bookable, check_class_free, check_teacher_free, refuse_conflict
from bookings.services.errors import (
    ADULTS_OUT_OF_RANGE,
    ALREADY_BOOKED,
    CANCELLATION_DEADLINE_PASSED,
    CLASS_NOT_FOR_TEACHER_VISIT,
    CLASS_NOT_FOUND,
    CLASS_REQUIRED,
    MOVE_TO_OTHER_OFFER,
    MOVE_TO_SAME_SLOT,
    NO_PUPILS_ON_TEACHER_VISIT,
    NOT_ALLOWED,
    PUPILS_REQUIRED,
    SLOT_FULL,
    SLOT_NOT_FOUND,
    TEACHER_NOT_FOUND,
    WRONG_STATUS,
)
from bookings.services.states import locked, status_after_claim, transition
from bookings.services.waitlist import waitlist_promote
from companies.models import Company
from core.errors import DomainError
from schools.models import School, SchoolClass, Teacher
from schools.selectors import teacher_of

REQUEST_EXPIRED_NOTE = "Expired: the host did not answer before the booking deadline."


def booking_create(
    *,
    actor: User,
    slot_id: int,
    school_class_id: int | None = None,
    pupils: int = 0,
    adults: int = 1,
    message: str = "",
    teacher_id: int | None = None,
) -> Booking:
    """Book a slot for a class: confirmed or requested if a place is free, waitlisted if the
    slot is full and the offer keeps a waitlist; refused otherwise. A teacher visit is booked
    without a class: by a teacher for themselves (or by a consultant for `teacher_id`), with
    no pupils; the teacher takes one of the slot's places."""
    try:
        if school_class_id is None:
            return _teacher_visit_create(
                actor=actor, slot_id=slot_id, teacher_id=teacher_id, pupils=pupils, message=message
            )
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
    """Reads and checks come before the writes, and the write transaction holds its locks (on
    SQLite: the one write lock) only for what must be atomic: the class's conflict check under
    the class's lock, the capacity claim, the booking, its event and its audit entry. Its
    e-mails are written later (bookings_announce_new). On PostgreSQL, where each statement is
    a round trip, the read also takes the class's lock and the rest is one statement
    (booking_sql.place_booking); on SQLite the reads come before the transaction, which
    would otherwise hold the write lock while Python checks them."""
    _check_adults(adults)
    school_id = _class_scope(actor)
    if capacity.claims_in_one_statement():
        with transaction.atomic():
            school_class, slot, now = _class_and_slot(
                class_id=school_class_id, school_id=school_id, slot_id=slot_id, pupils=pupils, lock_class=True
            )
            booking = _place(
                slot,
                coming=booking_sql.CLASS,
                coming_id=school_class.id,
                actor=actor,
                now=now,
                school_class_id=school_class.id,
                pupils=pupils,
                adults=adults,
                message=message,
            )
    else:
        school_class, slot, now = _class_and_slot(
            class_id=school_class_id, school_id=school_id, slot_id=slot_id, pupils=pupils
        )
        with transaction.atomic():
            check_class_free(class_id=school_class.id, slot=slot)
            booking = _claim_and_insert(
                slot,
                actor=actor,
                now=now,
                school_class_id=school_class.id,
                pupils=pupils,
                adults=adults,
                message=message,
            )
    _attach_rows(booking, slot=slot, school_class=school_class)
    return booking


def _class_and_slot(
    *, class_id: int, school_id: int | None, slot_id: int, pupils: int, lock_class: bool = False
) -> tuple[booking_sql.ClassRow, booking_sql.SlotRow, dt.datetime]:
    """The class and the slot a class's booking asks for, refused if either is missing or the
    slot is not one the class may book now; with the time the checks were made at."""
    school_class, slot = booking_sql.class_and_slot_rows(
        class_id=class_id, school_id=school_id, slot_id=slot_id, lock_class=lock_class
    )
    if school_class is None:
        raise DomainError(CLASS_NOT_FOUND, code="class_not_found", field="school_class")
    if slot is None:
        raise DomainError(SLOT_NOT_FOUND, code="slot_not_found", field="slot")
    if slot.offer_kind == Offer.Kind.TEACHER_VISIT:
        raise DomainError(CLASS_NOT_FOR_TEACHER_VISIT, code="class_not_for_teacher_visit", field="school_class")
    if pupils < 1:
        raise DomainError(PUPILS_REQUIRED, code="pupils_required", field="pupils")
    now = timezone.now()
    check_bookable(slot=slot, grade=school_class.grade, pupils=pupils, class_pupils=school_class.pupils, now=now)
    return school_class, slot, now


def _check_adults(adults: int) -> None:
    """The bound of the model, checked here because the booking is inserted without full_clean."""
    if not 0 <= adults <= MAX_ADULTS_PER_BOOKING:
        message = ADULTS_OUT_OF_RANGE % {"low": 0, "high": MAX_ADULTS_PER_BOOKING}
        raise DomainError(message, code="adults_out_of_range", field="adults")


def _check_waitlist_open(*, slot_id: int) -> None:
    """A booking that found no free place joins the waitlist only if the slot is still open
    and keeps a waitlist now: the row read before the transaction may be stale. The place-
    holding branch needs no such check, as the claim's UPDATE itself requires an open slot."""
    status, waitlist_enabled = booking_sql.slot_state_now(slot_id=slot_id)
    if status != Slot.Status.OPEN:
        raise DomainError(SLOT_NOT_FOUND, code="slot_not_open", field="slot")
    if not waitlist_enabled:
        raise DomainError(SLOT_FULL, code="slot_full", field="slot")


def _claim(slot: booking_sql.SlotRow, *, pupils: int) -> str:
    """The new booking's status: a place if one is free, else the waitlist if the offer keeps one."""
    if capacity.slot_claim(slot_id=slot.id, pupils=pupils):
        return status_after_claim(slot)
    if slot.waitlist_enabled:
        _check_waitlist_open(slot_id=slot.id)
        return Booking.Status.WAITLISTED
    raise DomainError(SLOT_FULL, code="slot_full", field="slot")


def _new_booking(
    slot: booking_sql.SlotRow,
    *,
    status: str,
    actor: User,
    now: dt.datetime,
    school_class_id: int | None,
    teacher_id: int | None,
    pupils: int,
    adults: int,
    message: str,
) -> Booking:
    return Booking(
        slot_id=slot.id,
        school_class_id=school_class_id,
        teacher_id=teacher_id,
        booked_by=actor,
        pupils=pupils,
        adults=adults,
        message=message,
        status=status,
        invite_sequence=0 if status == Booking.Status.CONFIRMED else None,
        created_at=now,
        updated_at=now,
    )


def _claim_and_insert(
    slot: booking_sql.SlotRow,
    *,
    actor: User,
    now: dt.datetime,
    school_class_id: int | None = None,
    teacher_id: int | None = None,
    pupils: int,
    adults: int,
    message: str,
) -> Booking:
    """The place (or the waitlist) and the new booking with its event and audit entry, for a
    class or, on a teacher visit, a teacher: the end of the write transaction once the
    conflict check has locked whoever comes."""
    status = _claim(slot, pupils=pupils)
    booking = _new_booking(
        slot,
        status=status,
        actor=actor,
        now=now,
        school_class_id=school_class_id,
        teacher_id=teacher_id,
        pupils=pupils,
        adults=adults,
        message=message,
    )
    booking_sql.insert_booking(booking)
    return booking


def _place(
    slot: booking_sql.SlotRow,
    *,
    coming: booking_sql.Coming,
    coming_id: int,
    actor: User,
    now: dt.datetime,
    school_class_id: int | None = None,
    teacher_id: int | None = None,
    pupils: int,
    adults: int,
    message: str,
) -> Booking:
    """_claim_and_insert's work with the conflict check before it, in one statement
    (PostgreSQL; whoever comes is already locked). Only a full slot takes more: whether it
    still keeps a waitlist, and the waitlisted booking."""
    booking = _new_booking(
        slot,
        status=status_after_claim(slot),
        actor=actor,
        now=now,
        school_class_id=school_class_id,
        teacher_id=teacher_id,
        pupils=pupils,
        adults=adults,
        message=message,
    )
    placed = booking_sql.place_booking(
        booking,
        coming=coming,
        coming_id=coming_id,
        start=slot.start,
        end=slot.end,
        holding=Booking.HOLDING_PLACE,
        active=Booking.ACTIVE,
        open_status=Slot.Status.OPEN,
    )
    if placed.conflict_slot_id is not None:
        refuse_conflict(placed.conflict_slot_id, slot_id=slot.id, for_teacher=teacher_id is not None)
    if placed.booking_id is None:
        if not slot.waitlist_enabled:
            raise DomainError(SLOT_FULL, code="slot_full", field="slot")
        _check_waitlist_open(slot_id=slot.id)
        booking.status, booking.invite_sequence = Booking.Status.WAITLISTED, None
        booking_sql.insert_booking(booking)
    return booking


def _teacher_coming(actor: User, teacher_id: int | None) -> booking_sql.TeacherRow:
    """Who a teacher visit is for: the teacher who books it, or whichever teacher someone who
    sees everything (a consultant) names. Another teacher's id answers "does not exist"."""
    if teacher_id is not None and actor.sees_everything:
        teacher = booking_sql.teacher_row(teacher_id=teacher_id)
    else:
        teacher = booking_sql.teacher_row(user_id=actor.pk)
        if teacher is not None and teacher_id is not None and teacher.id != teacher_id:
            teacher = None
    if teacher is None:
        raise DomainError(TEACHER_NOT_FOUND, code="teacher_not_found", field="teacher")
    return teacher


def _teacher_visit_create(*, actor: User, slot_id: int, teacher_id: int | None, pupils: int, message: str) -> Booking:
    """A teacher's own place on a teacher visit: no class, no pupils, the teacher the one
    adult. Not the rush path of class bookings, so it reads the slot and the teacher apart;
    the transaction is the same: the teacher's conflict check (which locks the teacher), the
    claim of one place (and no pupil places), the booking and its event."""
    slot = booking_sql.slot_row(slot_id=slot_id)
    if slot is None:
        raise DomainError(SLOT_NOT_FOUND, code="slot_not_found", field="slot")
    if slot.offer_kind != Offer.Kind.TEACHER_VISIT:
        raise DomainError(CLASS_REQUIRED, code="class_required", field="school_class")
    if pupils:
        raise DomainError(NO_PUPILS_ON_TEACHER_VISIT, code="no_pupils_on_teacher_visit", field="pupils")
    teacher = _teacher_coming(actor, teacher_id)
    now = timezone.now()
    check_bookable(slot=slot, grade=None, pupils=0, now=now)
    with transaction.atomic():
        if capacity.claims_in_one_statement():
            booking_sql.lock_coming(coming=booking_sql.TEACHER, coming_id=teacher.id)
            booking = _place(
                slot,
                coming=booking_sql.TEACHER,
                coming_id=teacher.id,
                actor=actor,
                now=now,
                teacher_id=teacher.id,
                pupils=0,
                adults=1,
                message=message,
            )
        else:
            check_teacher_free(teacher_id=teacher.id, slot=slot)
            booking = _claim_and_insert(
                slot, actor=actor, now=now, teacher_id=teacher.id, pupils=0, adults=1, message=message
            )
    _attach_rows(booking, slot=slot, school_class=None, teacher=teacher)
    return booking


def _teacher_instance(teacher: booking_sql.TeacherRow) -> Teacher:
    user = User.from_db(
        "default",
        ["id", "username", "first_name", "last_name"],
        [teacher.user_id, teacher.username, teacher.first_name, teacher.last_name],
    )
    school = School.from_db("default", ["id", "name"], [teacher.school_id, teacher.school_name])
    instance = Teacher.from_db(
        "default", ["id", "user_id", "school_id"], [teacher.id, teacher.user_id, teacher.school_id]
    )
    instance.user, instance.school = user, school
    return instance


def _attach_rows(
    booking: Booking,
    *,
    slot: booking_sql.SlotRow,
    school_class: booking_sql.ClassRow | None,
    teacher: booking_sql.TeacherRow | None = None,
) -> None:
    """The new booking with the related rows already read, as model instances whose other
    fields load on first access (Model.from_db marks them deferred), so nothing is made up."""
    company = Company.from_db("default", ["id", "name"], [slot.company_id, slot.company_name])
    offer = Offer.from_db(
        "default",
        [
            "id",
            "company_id",
            "kind",
            "title",
            "is_published",
            "grade_min",
            "grade_max",
            "auto_confirm",
            "waitlist_enabled",
        ],
        [
            slot.offer_id,
            slot.company_id,
            slot.offer_kind,
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
    booking.slot = slot_instance
    if school_class is None:
        booking.school_class, booking.teacher = None, _teacher_instance(teacher)
        return
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
    booking.school_class = class_instance


@transaction.atomic
def booking_confirm(*, booking: Booking, actor: User, note: str = "") -> Booking:
    """The host says yes to a request."""
    booking = locked(booking)
    if not is_company_side(actor, booking):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    old = transition(booking, from_statuses=(Booking.Status.REQUESTED,), to_status=Booking.Status.CONFIRMED)
    record(booking, action=BookingEvent.Action.CONFIRMED, actor=actor, from_status=old, note=note)
    announce(booking, Change.CONFIRMED, note=note, actor=actor)
    return booking


@transaction.atomic
def booking_decline(*, booking: Booking, actor: User, note: str = "") -> Booking:
    """The host says no to a request or a waitlisted class; a held place goes to the waitlist."""
    booking = locked(booking)
    if not is_company_side(actor, booking):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    end_booking(
        booking,
        from_statuses=(Booking.Status.REQUESTED, Booking.Status.WAITLISTED),
        to_status=Booking.Status.DECLINED,
        action=BookingEvent.Action.DECLINED,
        actor=actor,
        note=note,
        change=Change.DECLINED,
    )
    return booking


@transaction.atomic
def booking_cancel(*, booking: Booking, actor: User, note: str = "") -> Booking:
    """Cancel a booking. Teachers must respect the offer's cancellation deadline for a held
    place; the host may always cancel. The freed place goes to the waitlist in order."""
    booking = locked(booking)
    school_side, company_side = is_school_side(actor, booking), is_company_side(actor, booking)
    if not (school_side or company_side):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    if not company_side and booking.holds_place and _cancellation_deadline_passed(booking):
        raise DomainError(CANCELLATION_DEADLINE_PASSED, code="cancellation_deadline_passed")
    end_as_cancelled(booking, actor=actor, note=note)
    return booking


def end_booking(
    booking: Booking,
    *,
    from_statuses: tuple[str, ...],
    to_status: str,
    action: str,
    actor: User | None,
    note: str,
    change: Change,
    promote: bool = True,
) -> str:
    """End a locked booking (declined, cancelled, expired): change its status if it is still
    in `from_statuses`, record and announce the change, and free the place it held, which
    goes to the waitlist unless `promote` is False (a cancelled slot takes nobody). Returns
    the old status."""
    old = transition(booking, from_statuses=from_statuses, to_status=to_status)
    record(booking, action=action, actor=actor, from_status=old, note=note)
    announce(booking, change, note=note, actor=actor)
    if old in Booking.HOLDING_PLACE:
        _free_place(slot_id=booking.slot_id, pupils=booking.pupils, promote=promote)
    return old


def end_as_cancelled(booking: Booking, *, actor: User, note: str, promote: bool = True) -> str:
    """Cancel a locked booking that is still active (see end_booking), by the school, the host
    or with its slot; returns the old status."""
    return end_booking(
        booking,
        from_statuses=Booking.ACTIVE,
        to_status=Booking.Status.CANCELLED,
        action=BookingEvent.Action.CANCELLED,
        actor=actor,
        note=note,
        change=Change.CANCELLED,
        promote=promote,
    )


def _free_place(*, slot_id: int, pupils: int, promote: bool = True) -> None:
    """Give back a booking's place on the slot and offer it to the slot's waitlist."""
    capacity.slot_release(slot_id=slot_id, pupils=pupils)
    if promote:
        waitlist_promote(slot_id=slot_id)


def _cancellation_deadline_passed(booking: Booking) -> bool:
    deadline = booking.slot.start - dt.timedelta(hours=booking.slot.offer.cancellation_deadline_hours)
    return timezone.now() > deadline


def _status_after_move(booking: Booking, actor: User, new_slot: booking_sql.SlotRow) -> str:
    """A confirmed booking the company side moves stays confirmed: the host chose the new
    time. A time the school side chose is claimed like a new booking's place."""
    if booking.status == Booking.Status.CONFIRMED and is_company_side(actor, booking):
        return Booking.Status.CONFIRMED
    return status_after_claim(new_slot)


@transaction.atomic
def booking_move(*, booking: Booking, actor: User, slot_id: int, note: str = "") -> Booking:
    """Move a held booking to another slot of the same offer. The new place is claimed before
    the old one is released, so a failed move leaves the booking where it was."""
    booking = locked(booking)
    if not is_school_side(actor, booking) and not is_company_side(actor, booking):
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    if not booking.holds_place:
        raise DomainError(WRONG_STATUS, code="wrong_status")
    if not is_company_side(actor, booking) and _cancellation_deadline_passed(booking):
        raise DomainError(CANCELLATION_DEADLINE_PASSED, code="cancellation_deadline_passed")
    new_slot = booking_sql.slot_row(slot_id=slot_id)
    if new_slot is None:
        raise DomainError(SLOT_NOT_FOUND, code="slot_not_found", field="slot")
    if new_slot.offer_id != booking.slot.offer_id:
        raise DomainError(MOVE_TO_OTHER_OFFER, code="other_offer", field="slot")
    if new_slot.id == booking.slot_id:
        raise DomainError(MOVE_TO_SAME_SLOT, code="same_slot", field="slot")
    grade = None if booking.is_for_teacher else booking.school_class.grade
    class_pupils = None if booking.is_for_teacher else booking.school_class.pupils
    check_bookable(slot=new_slot, grade=grade, pupils=booking.pupils, class_pupils=class_pupils, now=timezone.now())
    if booking.is_for_teacher:
        check_teacher_free(teacher_id=booking.teacher_id, slot=new_slot, exclude_booking_id=booking.pk)
    else:
        check_class_free(class_id=booking.school_class_id, slot=new_slot, exclude_booking_id=booking.pk)
    if not capacity.slot_claim(slot_id=new_slot.id, pupils=booking.pupils):
        # The claim requires an open slot: say which it was if it closed since it was read.
        if booking_sql.slot_state_now(slot_id=new_slot.id)[0] != Slot.Status.OPEN:
            raise DomainError(SLOT_NOT_FOUND, code="slot_not_open", field="slot")
        raise DomainError(SLOT_FULL, code="slot_full", field="slot")

    old_slot_id, before = booking.slot_id, recipients(booking)
    old_status = transition(
        booking,
        from_statuses=(booking.status,),
        to_status=_status_after_move(booking, actor, new_slot),
        slot_id=new_slot.id,
    )
    booking = locked(booking)
    record(
        booking,
        action=BookingEvent.Action.MOVED,
        actor=actor,
        from_status=old_status,
        note=note,
        from_slot_id=old_slot_id,
    )
    announce(booking, Change.MOVED, before=before, note=note, actor=actor)
    _free_place(slot_id=old_slot_id, pupils=booking.pupils)
    return booking


def requests_expire() -> list[Booking]:
    """Expire requests the host has not answered by the slot's booking deadline: the teacher
    is told, and the freed place goes to the waitlist, which the host kept for this (see
    waitlist_promote for who can still be promoted then). Each request expires in its own
    transaction."""
    expired = []
    due = Booking.objects.filter(status=Booking.Status.REQUESTED, slot__booking_deadline__lte=timezone.now())
    for booking in due.only("pk"):
        with transaction.atomic():
            booking = locked(booking)
            if booking.status != Booking.Status.REQUESTED:
                continue
            end_booking(
                booking,
                from_statuses=(Booking.Status.REQUESTED,),
                to_status=Booking.Status.CANCELLED,
                action=BookingEvent.Action.EXPIRED,
                actor=None,
                note=REQUEST_EXPIRED_NOTE,
                change=Change.EXPIRED,
            )
        expired.append(booking)
    return expired
