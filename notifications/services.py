"""What a booking change tells whom: outbox rows written in the caller's transaction.

Bookings' services call `booking_messages_enqueue` after each change, inside their own
transaction, so a message exists exactly when the change does. The one exception is a new
booking: it is only marked (`Booking.messages_pending`, in its own transaction), and its
messages are written by `bookings.services.bookings_announce_new` at the start of each
delivery pass, or by the booking's next change. Nothing is sent here.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from bookings.models import Booking
from notifications.models import OutgoingMessage

Kind = OutgoingMessage.Kind
Role = OutgoingMessage.Role


class Change(enum.Enum):
    CREATED = "created"
    CONFIRMED = "confirmed"
    PROMOTED = "promoted"
    MOVED = "moved"
    RESCHEDULED = "rescheduled"  # the slot's time or place changed
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


ENDED = (Change.DECLINED, Change.CANCELLED, Change.EXPIRED)
# Pending messages a change makes obsolete; any change not listed withdraws both kinds.
WITHDRAWN_BY = {
    Change.CREATED: [],
    Change.CONFIRMED: [Kind.PENDING_NUDGE],
    Change.RESCHEDULED: [Kind.REMINDER],
}


@dataclass(frozen=True)
class Recipient:
    role: str
    email: str
    name: str = ""
    language: str = "da"


def reminder_days_of(offer_reminder_days: str) -> list[int]:
    if offer_reminder_days.strip():
        return sorted({int(day) for day in offer_reminder_days.split(",") if day.strip()}, reverse=True)
    return list(settings.REMINDER_DAYS)


_COLUMNS = (
    "kind",
    "booking_id",
    "role",
    "recipient_email",
    "recipient_name",
    "language",
    "sequence",
    "due_at",
    "dedup_key",
    "status",
    "attempts",
    "last_error",
    "subject",
    "created_at",
)


def days_before(moment: dt.datetime, days: int) -> dt.datetime:
    """The same wall-clock time `days` calendar days earlier in Copenhagen, so a reminder
    of a 10:00 visit comes at 10:00 also across a daylight-saving switch."""
    return timezone.make_aware(timezone.localtime(moment).replace(tzinfo=None) - dt.timedelta(days=days))


def _row(
    kind: str, booking: Booking, recipient: Recipient, *, due_at: dt.datetime, sequence: int | None, key: str
) -> tuple:
    """One outbox row as the values of `_COLUMNS` minus the four constant ones."""
    return (
        kind,
        booking.pk,
        recipient.role,
        recipient.email,
        recipient.name,
        recipient.language,
        sequence,
        due_at,
        f"{kind}:{booking.pk}:{booking.slot_id}:{key}:{recipient.email}"[:200],
    )


def _insert(rows: list[tuple], *, now: dt.datetime) -> None:
    """Insert outbox rows in one statement, skipping any whose dedup key exists. Written as
    SQL because it runs inside every booking's transaction, and bulk_create's model
    instances cost more than the statement (see bookings/booking_sql.py)."""
    created = connection.ops.adapt_datetimefield_value(now)
    values = []
    for row in rows:
        values.extend([*row[:7], connection.ops.adapt_datetimefield_value(row[7]), row[8]])
        values.extend([OutgoingMessage.Status.PENDING, 0, "", "", created])
    columns = ", ".join(f'"{column}"' for column in _COLUMNS)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{OutgoingMessage._meta.db_table}" ({columns}) VALUES {marks} ON CONFLICT DO NOTHING',
            values,
        )


def _messages(
    booking: Booking,
    change: Change,
    *,
    start: dt.datetime,
    deadline: dt.datetime,
    recipients: list[Recipient],
    reminder_days: list[int],
    now: dt.datetime,
) -> list[tuple]:
    teachers = [r for r in recipients if r.role == Role.TEACHER]
    hosts = [r for r in recipients if r.role == Role.HOST]
    sequence = booking.invite_sequence
    rows: list[tuple] = []

    def add(kind: str, people: list[Recipient], *, due_at: dt.datetime = now, key: str = "") -> None:
        rows.extend(
            _row(kind, booking, person, due_at=due_at, sequence=sequence, key=key or str(sequence)) for person in people
        )

    if change in ENDED:
        if sequence is not None:  # it was in calendars: take it out
            add(Kind.CANCELLATION, recipients)
        if change == Change.EXPIRED:
            add(Kind.REQUEST_EXPIRED, teachers)
        elif sequence is None and change == Change.DECLINED:
            add(Kind.DECLINED, teachers)
        elif sequence is None:
            add(Kind.CANCELLED, teachers + hosts)
        return rows

    if sequence is not None and booking.holds_place:
        add(Kind.INVITE, recipients)
    if booking.status == Booking.Status.CONFIRMED:
        for days in reminder_days:
            due = days_before(start, days)
            if due > now:
                add(Kind.REMINDER, teachers + hosts, due_at=due, key=f"{sequence}:{days}d")
    elif booking.status == Booking.Status.REQUESTED and change != Change.RESCHEDULED:
        add(Kind.REQUEST_RECEIVED, teachers)
        add(Kind.NEW_REQUEST, hosts)
        # Nudge after N days, but at the latest a day before the request would expire.
        nudge = min(
            now + dt.timedelta(days=settings.PENDING_NUDGE_DAYS),
            deadline - dt.timedelta(days=1),
        )
        if nudge > now:
            add(Kind.PENDING_NUDGE, hosts, due_at=nudge)
    elif booking.status == Booking.Status.WAITLISTED:
        add(Kind.WAITLISTED, teachers)
    return rows


def booking_messages_enqueue(
    *,
    booking: Booking,
    change: Change,
    start: dt.datetime,
    deadline: dt.datetime,
    recipients: list[Recipient],
    reminder_days: list[int],
    now: dt.datetime,
    removed: list[Recipient] | tuple[Recipient, ...] = (),
) -> None:
    """Write the messages a change causes. `removed` are people no longer on the booking (a
    role model of the old slot, say): they get the event's cancellation. Pending reminders
    and nudges that no longer apply are withdrawn; a change saved twice writes nothing new
    and withdraws nothing it wrote itself (the dedup key is unique)."""
    rows = _messages(
        booking, change, start=start, deadline=deadline, recipients=recipients, reminder_days=reminder_days, now=now
    )
    if removed and booking.invite_sequence is not None:
        rows += [
            _row(
                Kind.CANCELLATION,
                booking,
                person,
                due_at=now,
                sequence=booking.invite_sequence,
                key=str(booking.invite_sequence),
            )
            for person in removed
        ]
    withdrawn = WITHDRAWN_BY.get(change, [Kind.REMINDER, Kind.PENDING_NUDGE])
    if withdrawn:
        OutgoingMessage.objects.filter(
            booking_id=booking.pk, status=OutgoingMessage.Status.PENDING, kind__in=withdrawn
        ).exclude(dedup_key__in=[row[8] for row in rows]).update(status=OutgoingMessage.Status.WITHDRAWN)
    if rows:
        _insert(rows, now=now)
