"""Writes and business rules for offers, slots and bookings, one module per concern:

- `capacity`: claiming and releasing places on a slot (one conditional UPDATE);
- `eligibility`: whether a class may take a place (slot open, grade, no overlapping booking);
- `states`: locking a booking and changing its status safely;
- `bookings`: a booking's life (create, confirm, decline, cancel, move, expire);
- `attendance`: whether a confirmed class came, once its slot has started;
- `waitlist`: giving freed places to waitlisted classes in order;
- `announce`: recording each change and writing what it tells whom;
- `consistency`: the periodic check that slots' counters equal their bookings;
- `offers`, `slots`: what hosts offer and when, including series;
- `private`: a class adoption's activity booked on a private one-class slot;
- `errors`: the messages of refusals.

Callers import from here (`from bookings import services; services.booking_create(...)`);
the modules are this package's own business."""

from bookings.services.announce import ANNOUNCE_BATCH, bookings_announce_new, bookings_announce_next_batch
from bookings.services.attendance import MARKABLE as ATTENDANCE_MARKABLE
from bookings.services.attendance import booking_attendance_mark
from bookings.services.bookings import (
    REQUEST_EXPIRED_NOTE,
    booking_cancel,
    booking_confirm,
    booking_create,
    booking_decline,
    booking_move,
    requests_expire,
)
from bookings.services.consistency import slot_counters_check
from bookings.services.errors import (
    ALREADY_BOOKED,
    ATTENDANCE_BEFORE_START,
    CANCELLATION_DEADLINE_PASSED,
    CAPACITY_BELOW_BOOKED,
    CLASS_BUSY,
    CLASS_NOT_FOR_TEACHER_VISIT,
    CLASS_NOT_FOUND,
    CLASS_REQUIRED,
    CONTACT_NOT_MEMBER,
    DEADLINE_AFTER_START,
    DEADLINE_PASSED,
    END_BEFORE_START,
    GRADE_NOT_ELIGIBLE,
    GRADE_RANGE_REVERSED,
    MOVE_TO_OTHER_OFFER,
    MOVE_TO_SAME_SLOT,
    NO_PUPILS_ON_TEACHER_VISIT,
    NOT_ALLOWED,
    OFFER_NOT_ALLOWED,
    OFFER_OTHER_COMPANY,
    ON_HOLIDAY,
    PUPILS_REQUIRED,
    ROLE_MODEL_NOT_MEMBER,
    SERIES_EMPTY,
    SLOT_FULL,
    SLOT_HAS_BOOKINGS,
    SLOT_IN_PAST,
    SLOT_NOT_FOUND,
    SLOT_START_IN_PAST,
    SLOT_START_TOO_FAR,
    SLOT_TOO_SMALL,
    TEACHER_ALREADY_BOOKED,
    TEACHER_BUSY,
    TEACHER_NOT_FOUND,
    TOO_MANY_PUPILS_FOR_CLASS,
    WRONG_STATUS,
)
from bookings.services.offers import offer_create, offer_update
from bookings.services.private import private_booking_create, private_offer_of
from bookings.services.slots import slot_cancel, slot_create, slot_delete, slot_series_create, slot_update
from bookings.services.waitlist import waitlist_promote

__all__ = [
    "ALREADY_BOOKED",
    "ANNOUNCE_BATCH",
    "ATTENDANCE_BEFORE_START",
    "ATTENDANCE_MARKABLE",
    "CANCELLATION_DEADLINE_PASSED",
    "CAPACITY_BELOW_BOOKED",
    "CLASS_BUSY",
    "CLASS_NOT_FOR_TEACHER_VISIT",
    "CLASS_NOT_FOUND",
    "CLASS_REQUIRED",
    "CONTACT_NOT_MEMBER",
    "DEADLINE_AFTER_START",
    "DEADLINE_PASSED",
    "END_BEFORE_START",
    "GRADE_NOT_ELIGIBLE",
    "GRADE_RANGE_REVERSED",
    "MOVE_TO_OTHER_OFFER",
    "MOVE_TO_SAME_SLOT",
    "NOT_ALLOWED",
    "NO_PUPILS_ON_TEACHER_VISIT",
    "OFFER_NOT_ALLOWED",
    "OFFER_OTHER_COMPANY",
    "ON_HOLIDAY",
    "PUPILS_REQUIRED",
    "REQUEST_EXPIRED_NOTE",
    "ROLE_MODEL_NOT_MEMBER",
    "SERIES_EMPTY",
    "SLOT_FULL",
    "SLOT_HAS_BOOKINGS",
    "SLOT_IN_PAST",
    "SLOT_NOT_FOUND",
    "SLOT_START_IN_PAST",
    "SLOT_START_TOO_FAR",
    "SLOT_TOO_SMALL",
    "TEACHER_ALREADY_BOOKED",
    "TEACHER_BUSY",
    "TEACHER_NOT_FOUND",
    "TOO_MANY_PUPILS_FOR_CLASS",
    "WRONG_STATUS",
    "booking_attendance_mark",
    "booking_cancel",
    "booking_confirm",
    "booking_create",
    "booking_decline",
    "booking_move",
    "bookings_announce_new",
    "bookings_announce_next_batch",
    "offer_create",
    "offer_update",
    "private_booking_create",
    "private_offer_of",
    "requests_expire",
    "slot_cancel",
    "slot_counters_check",
    "slot_create",
    "slot_delete",
    "slot_series_create",
    "slot_update",
    "waitlist_promote",
]
