"""The statements of booking creation, written as plain SQL.

Creating a booking is the one hot path of Brobyg: a rush of teachers on a popular slot. The
ORM spends far longer building these statements than the database spends running them, and
on SQLite every microsecond inside the write transaction holds the single write lock. So
the few statements of a booking are written here once, portable between SQLite and
PostgreSQL (double-quoted identifiers, %s parameters, RETURNING), and everything else stays
in the ORM. Tests run them on both databases.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.db import connection

from accounts.models import AuditEntry


class ClassRow(NamedTuple):
    id: int
    name: str
    grade: int
    pupils: int
    school_year: int
    school_id: int
    school_name: str


class TeacherRow(NamedTuple):
    id: int
    user_id: int
    first_name: str
    last_name: str
    username: str
    school_id: int
    school_name: str


class SlotRow(NamedTuple):
    id: int
    start: dt.datetime
    end: dt.datetime
    booking_deadline: dt.datetime
    status: str
    capacity_pupils: int
    offer_id: int
    offer_title: str
    is_published: bool
    grade_min: int
    grade_max: int
    auto_confirm: bool
    waitlist_enabled: bool
    company_id: int
    company_name: str
    offer_kind: str


def _aware(value: Any) -> dt.datetime:
    """SQLite hands back naive UTC datetimes, PostgreSQL aware ones."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _one(sql: str, params: list[Any]) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


_CLASS_COLUMNS = 'c."id", c."name", c."grade", c."pupils", c."school_year", c."school_id", s."name"'
_CLASS_TABLES = '"schools_schoolclass" c JOIN "schools_school" s ON s."id" = c."school_id"'
_SLOT_COLUMNS = (
    't."id", t."start", t."end", t."booking_deadline", t."status", t."capacity_pupils", '
    'o."id", o."title", o."is_published", o."grade_min", o."grade_max", o."auto_confirm", '
    'o."waitlist_enabled", y."id", y."name", o."kind"'
)
_SLOT_TABLES = (
    '"bookings_slot" t JOIN "bookings_offer" o ON o."id" = t."offer_id" '
    'JOIN "companies_company" y ON y."id" = o."company_id"'
)


def _slot(values: tuple) -> SlotRow:
    start, end, deadline = (_aware(value) for value in values[1:4])
    return SlotRow(values[0], start, end, deadline, *values[4:])


def _school_filter(school_id: int | None) -> tuple[str, list[Any]]:
    return (' AND c."school_id" = %s', [school_id]) if school_id is not None else ("", [])


def class_and_slot_rows(
    *, class_id: int, school_id: int | None, slot_id: int, lock_class: bool = False
) -> tuple[ClassRow | None, SlotRow | None]:
    """The class (if it belongs to `school_id`; None means any school) and the slot with its
    offer, in one round trip when both exist, which is the common case. `lock_class` (inside
    a transaction on PostgreSQL) also locks the class row FOR UPDATE in that round trip, as
    lock_and_find_conflict would in a statement of its own."""
    school_sql, school_params = _school_filter(school_id)
    lock = " FOR UPDATE OF c" if lock_class else ""
    row = _one(
        f"SELECT {_CLASS_COLUMNS}, {_SLOT_COLUMNS} FROM {_CLASS_TABLES} CROSS JOIN {_SLOT_TABLES} "
        f'WHERE c."id" = %s AND t."id" = %s{school_sql}{lock}',
        [class_id, slot_id, *school_params],
    )
    if row:
        return ClassRow(*row[:7]), _slot(row[7:])
    class_row = _one(
        f'SELECT {_CLASS_COLUMNS} FROM {_CLASS_TABLES} WHERE c."id" = %s{school_sql}', [class_id, *school_params]
    )
    return (ClassRow(*class_row) if class_row else None), slot_row(slot_id=slot_id)


def slot_row(*, slot_id: int) -> SlotRow | None:
    row = _one(f'SELECT {_SLOT_COLUMNS} FROM {_SLOT_TABLES} WHERE t."id" = %s', [slot_id])
    return _slot(row) if row else None


def teacher_row(*, teacher_id: int | None = None, user_id: int | None = None) -> TeacherRow | None:
    """A teacher with their name and school, by the teacher's id or their user's id."""
    column, key = ('e."id"', teacher_id) if teacher_id is not None else ('e."user_id"', user_id)
    row = _one(
        'SELECT e."id", u."id", u."first_name", u."last_name", u."username", s."id", s."name" '
        'FROM "schools_teacher" e JOIN "accounts_user" u ON u."id" = e."user_id" '
        f'JOIN "schools_school" s ON s."id" = e."school_id" WHERE {column} = %s',
        [key],
    )
    return TeacherRow(*row) if row else None


class Coming(NamedTuple):
    """Who a booking brings, as the conflict check sees it: the booking's column naming them
    and the table that column points to, whose row is the lock."""

    column: str
    table: str


CLASS = Coming("school_class_id", "schools_schoolclass")
TEACHER = Coming("teacher_id", "schools_teacher")  # a teacher visit: the teacher comes


def lock_and_find_conflict(
    *,
    coming: Coming,
    coming_id: int,
    slot_id: int,
    start: dt.datetime,
    end: dt.datetime,
    holding: tuple[str, ...],
    active: tuple[str, ...],
    exclude_booking_id: int | None = None,
) -> int | None:
    """The slot of a booking that stops who is `coming` (a class, or a teacher on a teacher
    visit) from booking this slot (an active booking of the same slot, or a place-holding
    booking of a slot overlapping it in time), read while their row is locked, so one class's
    (or one teacher's) bookings are decided one at a time. On PostgreSQL the lock is FOR
    UPDATE on that row, taken by a statement of its own: a check in the same statement would
    read the snapshot from before the wait for the lock and miss the booking the lock holder
    just committed. SQLite needs no lock, as its IMMEDIATE write transaction already admits
    one writer at a time."""
    conflict, params = _conflict_query(
        coming=coming,
        coming_id=coming_id,
        slot_id=slot_id,
        start=start,
        end=end,
        holding=holding,
        active=active,
        exclude_booking_id=exclude_booking_id,
    )
    if connection.features.has_select_for_update:
        lock_coming(coming=coming, coming_id=coming_id)
    row = _one(conflict, params)
    return row[0] if row else None


def lock_coming(*, coming: Coming, coming_id: int) -> None:
    """Lock the row of who is coming (PostgreSQL) until the transaction ends: see lock_and_find_conflict."""
    _one(f'SELECT 1 FROM "{coming.table}" WHERE "id" = %s FOR UPDATE', [coming_id])


def _conflict_query(
    *,
    coming: Coming,
    coming_id: int,
    slot_id: int,
    start: dt.datetime,
    end: dt.datetime,
    holding: tuple[str, ...],
    active: tuple[str, ...],
    exclude_booking_id: int | None = None,
) -> tuple[str, list[Any]]:
    """The query for lock_and_find_conflict's slot, with its parameters."""
    conflict = (
        'SELECT b."slot_id" FROM "bookings_booking" b JOIN "bookings_slot" t ON t."id" = b."slot_id" '
        f'WHERE b."{coming.column}" = %s AND ((b."slot_id" = %s AND b."status" IN ({_marks(active)})) '
        f'OR (b."status" IN ({_marks(holding)}) AND t."start" < %s AND t."end" > %s))'
    )
    params: list[Any] = [coming_id, slot_id, *active, *holding, _db_datetime(end), _db_datetime(start)]
    if exclude_booking_id is not None:
        conflict += ' AND b."id" <> %s'
        params.append(exclude_booking_id)
    return conflict + " LIMIT 1", params


def _marks(values: tuple[str, ...]) -> str:
    return ", ".join(["%s"] * len(values))


def claim_place(*, slot_id: int, pupils: int, open_status: str) -> bool:
    """Take one class place and `pupils` pupil places if they are free, in one statement.
    A teacher visit takes one place (counted as a class's) and no pupil places."""
    with connection.cursor() as cursor:
        cursor.execute(
            'UPDATE "bookings_slot" SET "booked_classes" = "booked_classes" + 1, '
            '"booked_pupils" = "booked_pupils" + %s '
            'WHERE "id" = %s AND "status" = %s AND "booked_classes" < "capacity_classes" '
            'AND "booked_pupils" + %s <= "capacity_pupils"',
            [pupils, slot_id, open_status, pupils],
        )
        return cursor.rowcount == 1


def slot_state_now(*, slot_id: int) -> tuple[str, bool]:
    """The slot's status and whether its offer keeps a waitlist, read inside the write
    transaction of a booking that found no free place, to decide between the waitlist and a
    refusal, and why. The slot row read earlier may be stale: a slot cancelled since must not
    get a waitlisted booking. On PostgreSQL the row is
    share-locked until commit, so a concurrent slot_cancel either waits for this booking and
    then cancels it with the others, or has committed and is seen here; SQLite's single
    writer needs no lock."""
    lock = " FOR SHARE OF t" if connection.features.has_select_for_update else ""
    row = _one(
        'SELECT t."status", o."waitlist_enabled" FROM "bookings_slot" t '
        f'JOIN "bookings_offer" o ON o."id" = t."offer_id" WHERE t."id" = %s{lock}',
        [slot_id],
    )
    return row[0], bool(row[1])


CREATE_ACTION = "bookings.booking.create"


def _audit_values(booking: Any) -> list[Any]:
    """The audit entry of a new booking: the booker, the booking, its slot and first status
    (accounts.models.AuditEntry; nothing a person typed)."""
    details = {"slot": booking.slot_id, "to_status": booking.status}
    return [
        _db_datetime(booking.created_at),
        booking.booked_by_id,
        CREATE_ACTION,
        AuditEntry.Outcome.DONE,
        "bookings.booking",
        AuditEntry._meta.get_field("details").get_db_prep_value(details, connection),
    ]


def _booking_values(booking: Any) -> list[Any]:
    stamp = _db_datetime(booking.created_at)
    return [
        stamp,
        stamp,
        booking.slot_id,
        booking.school_class_id,
        booking.teacher_id,
        booking.booked_by_id,
        booking.pupils,
        booking.adults,
        booking.message,
        booking.status,
        booking.invite_sequence,
        True,
    ]


_BOOKING_COLUMNS = (
    '"created_at", "updated_at", "slot_id", "school_class_id", "teacher_id", "booked_by_id", "pupils", "adults", '
    '"message", "status", "invite_sequence", "messages_pending"'
)
_EVENT_COLUMNS = '"booking_id", "action", "actor_id", "from_status", "to_status", "note", "at"'
_AUDIT_COLUMNS = '"at", "actor_id", "action", "outcome", "target_type", "details", "target_id"'
_BOOKING_MARKS = ", ".join(["%s"] * 12)


def _created(booking: Any, booking_id: int) -> None:
    booking.pk = booking_id
    booking.messages_pending = True
    booking._state.adding = False


def insert_booking(booking: Any) -> None:
    """Insert a new Booking instance, its first event (actor: the booker) and its audit entry;
    sets its id. The booking is marked as having messages to write: the e-mails a new booking
    causes are written to the outbox outside the rush (see services.bookings_announce_new)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "bookings_booking" ({_BOOKING_COLUMNS}) VALUES ({_BOOKING_MARKS}) RETURNING "id"',
            _booking_values(booking),
        )
        booking_id = cursor.fetchone()[0]
        cursor.execute(
            f'INSERT INTO "bookings_bookingevent" ({_EVENT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)',
            [
                booking_id,
                booking.status,
                booking.booked_by_id,
                "",
                booking.status,
                "",
                _db_datetime(booking.created_at),
            ],
        )
        cursor.execute(
            f'INSERT INTO "accounts_auditentry" ({_AUDIT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s)',
            [*_audit_values(booking), booking_id],
        )
    _created(booking, booking_id)


class Placed(NamedTuple):
    """What place_booking did: the slot of a conflicting booking (nothing written), or the new
    booking's id, or neither when no place was free (nothing written either)."""

    conflict_slot_id: int | None
    booking_id: int | None


def place_booking(
    booking: Any,
    *,
    coming: Coming,
    coming_id: int,
    start: dt.datetime,
    end: dt.datetime,
    holding: tuple[str, ...],
    active: tuple[str, ...],
    open_status: str,
) -> Placed:
    """PostgreSQL only, in the transaction that locked who is `coming` (lock_coming or
    class_and_slot_rows' lock_class): the conflict check, the claim of a place (claim_place's
    conditional UPDATE), the booking (already given its status for a free place), its event
    and its audit entry in one data-modifying statement, one round trip instead of five. The
    claim only runs if nothing conflicts and the inserts only if the claim took a place, so a
    refusal writes nothing. A statement of its own after the lock: its snapshot is taken once
    the lock is held, so it sees a booking the lock's previous holder just committed."""
    conflict, conflict_params = _conflict_query(
        coming=coming,
        coming_id=coming_id,
        slot_id=booking.slot_id,
        start=start,
        end=end,
        holding=holding,
        active=active,
    )
    values, stamp = _booking_values(booking), _db_datetime(booking.created_at)
    row = _one(
        f"WITH conflict AS ({conflict}), "
        'claim AS (UPDATE "bookings_slot" SET "booked_classes" = "booked_classes" + 1, '
        '"booked_pupils" = "booked_pupils" + %s WHERE "id" = %s AND "status" = %s '
        'AND "booked_classes" < "capacity_classes" AND "booked_pupils" + %s <= "capacity_pupils" '
        'AND NOT EXISTS (SELECT 1 FROM conflict) RETURNING "id"), '
        f'booking AS (INSERT INTO "bookings_booking" ({_BOOKING_COLUMNS}) SELECT {_BOOKING_MARKS} FROM claim '
        'RETURNING "id"), '
        f'event AS (INSERT INTO "bookings_bookingevent" ({_EVENT_COLUMNS}) '
        'SELECT "id", %s, %s, %s, %s, %s, %s FROM booking), '
        f'audit AS (INSERT INTO "accounts_auditentry" ({_AUDIT_COLUMNS}) '
        'SELECT %s, %s, %s, %s, %s, %s, "id" FROM booking) '
        'SELECT (SELECT "slot_id" FROM conflict), (SELECT "id" FROM booking)',
        [
            *conflict_params,
            booking.pupils,
            booking.slot_id,
            open_status,
            booking.pupils,
            *values,
            booking.status,
            booking.booked_by_id,
            "",
            booking.status,
            "",
            stamp,
            *_audit_values(booking),
        ],
    )
    placed = Placed(*row)
    if placed.booking_id is not None:
        _created(booking, placed.booking_id)
    return placed
