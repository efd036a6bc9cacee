"""Whether a class may take a place on a slot: the slot is open and ahead, the class fits the
offer, and the class has no other booking then. A class's bookings are serialised by locking
the class row, which makes the overlap check race-free per class. On a teacher visit the
teacher takes the place, and the teacher's row is the lock."""

from __future__ import annotations

import datetime as dt

from bookings import booking_sql
from bookings.models import Booking, Slot, grade_accepted
from bookings.services.errors import (
    ALREADY_BOOKED,
    CLASS_BUSY,
    DEADLINE_PASSED,
    GRADE_NOT_ELIGIBLE,
    SLOT_IN_PAST,
    SLOT_NOT_FOUND,
    SLOT_TOO_SMALL,
    TEACHER_ALREADY_BOOKED,
    TEACHER_BUSY,
    TOO_MANY_PUPILS_FOR_CLASS,
)
from core.errors import DomainError


def check_bookable(
    *, slot: booking_sql.SlotRow, grade: int | None, pupils: int, class_pupils: int | None = None, now: dt.datetime
) -> None:
    """Refuse a slot that is closed, started or past its deadline, not for the class's grade,
    or too small for the pupils; and more pupils than the class has. A teacher's booking
    (`grade` and `class_pupils` None) has no grade or class to check."""
    if slot.status != Slot.Status.OPEN or not slot.is_published:
        raise DomainError(SLOT_NOT_FOUND, code="slot_not_open", field="slot")
    if slot.start <= now:
        raise DomainError(SLOT_IN_PAST, code="slot_in_past", field="slot")
    if slot.booking_deadline <= now:
        raise DomainError(DEADLINE_PASSED, code="deadline_passed", field="slot")
    if grade is not None and not grade_accepted(grade, grade_min=slot.grade_min, grade_max=slot.grade_max):
        raise DomainError(GRADE_NOT_ELIGIBLE, code="grade_not_eligible", field="school_class")
    if pupils > slot.capacity_pupils:
        raise DomainError(SLOT_TOO_SMALL, code="too_many_pupils", field="pupils")
    if class_pupils is not None and pupils > class_pupils:
        message = TOO_MANY_PUPILS_FOR_CLASS % {"pupils": class_pupils}
        raise DomainError(message, code="too_many_pupils_for_class", field="pupils")


def conflicting_slot_id(
    *,
    class_id: int | None,
    slot_id: int,
    start: dt.datetime,
    end: dt.datetime,
    exclude_booking_id: int | None = None,
    teacher_id: int | None = None,
) -> int | None:
    """Locks the class row (for a teacher's booking, `class_id` None: the teacher row) on
    PostgreSQL for the rest of the transaction (see booking_sql)."""
    coming, coming_id = (booking_sql.TEACHER, teacher_id) if class_id is None else (booking_sql.CLASS, class_id)
    return booking_sql.lock_and_find_conflict(
        coming=coming,
        coming_id=coming_id,
        slot_id=slot_id,
        start=start,
        end=end,
        holding=Booking.HOLDING_PLACE,
        active=Booking.ACTIVE,
        exclude_booking_id=exclude_booking_id,
    )


def refuse_conflict(conflict_slot_id: int, *, slot_id: int, for_teacher: bool = False) -> None:
    """Refuse a booking whose conflict check found `conflict_slot_id`: the same slot booked
    already, or another the class (on a teacher visit: the teacher) holds at the same time."""
    if conflict_slot_id == slot_id:
        message = TEACHER_ALREADY_BOOKED if for_teacher else ALREADY_BOOKED
        raise DomainError(message, code="already_booked", field="slot")
    if for_teacher:
        raise DomainError(TEACHER_BUSY, code="teacher_busy", field="slot")
    raise DomainError(CLASS_BUSY, code="class_busy", field="school_class")


def check_class_free(*, class_id: int, slot: booking_sql.SlotRow, exclude_booking_id: int | None = None) -> None:
    """Refuse a second booking of the same slot, or a slot overlapping one the class holds."""
    conflict = conflicting_slot_id(
        class_id=class_id, slot_id=slot.id, start=slot.start, end=slot.end, exclude_booking_id=exclude_booking_id
    )
    if conflict is not None:
        refuse_conflict(conflict, slot_id=slot.id)


def check_teacher_free(*, teacher_id: int, slot: booking_sql.SlotRow, exclude_booking_id: int | None = None) -> None:
    """Refuse a teacher a second booking of the same slot, or a teacher visit overlapping one
    they hold: a teacher is in one place at a time."""
    conflict = conflicting_slot_id(
        class_id=None,
        teacher_id=teacher_id,
        slot_id=slot.id,
        start=slot.start,
        end=slot.end,
        exclude_booking_id=exclude_booking_id,
    )
    if conflict is not None:
        refuse_conflict(conflict, slot_id=slot.id, for_teacher=True)
