"""Who is told what: a booking's changes are recorded as BookingEvents and written to the
outbox as messages (what a change tells whom is in bookings/messages.py).

A new booking's messages are not written by its creation, which must be quick while a rush
holds the slot: creation marks the booking (`messages_pending`), and its messages are written
by the delivery task (`bookings_announce_new`) or by the booking's next change, whichever
comes first (`announce_creation`), so that what the creation tells always comes first."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import User
from bookings.messages import (
    Change,
    Recipient,
    Role,
    booking_messages_enqueue,
    booking_messages_failed,
    reminder_days_of,
)
from bookings.models import MAX_REMINDER_DAYS, Booking, BookingEvent
from bookings.permissions import is_company_side

ANNOUNCE_BATCH = 100


# The audit log's name of each change a booking's history records (creation's is
# booking_sql.CREATE_ACTION). Attendance is not a change of the booking's place: the
# attendance service audits it itself.
AUDIT_ACTIONS = {
    BookingEvent.Action.CONFIRMED: "bookings.booking.confirm",
    BookingEvent.Action.DECLINED: "bookings.booking.decline",
    BookingEvent.Action.PROMOTED: "bookings.booking.promote",
    BookingEvent.Action.CANCELLED: "bookings.booking.cancel",
    BookingEvent.Action.MOVED: "bookings.booking.move",
    BookingEvent.Action.EXPIRED: "bookings.booking.expire",
}


def record(
    booking: Booking,
    *,
    action: str,
    actor: User | None,
    from_status: str = "",
    note: str = "",
    from_slot_id: int | None = None,
) -> None:
    """Keep the change in the booking's history (who did what, from which status to which)
    and in the audit log, in the transaction of the change. The audit entry holds no note:
    it is text a person wrote. `from_slot_id` is where a moved booking was."""
    BookingEvent.objects.create(
        booking=booking, action=action, actor=actor, from_status=from_status, to_status=booking.status, note=note
    )
    if action not in AUDIT_ACTIONS:
        return
    details = {"slot": booking.slot_id, "from_status": from_status, "to_status": booking.status}
    if from_slot_id is not None:
        details["from_slot"] = from_slot_id
    audit_record(actor=actor, action=AUDIT_ACTIONS[action], target=booking, details=details)


def recipients(booking: Booking) -> list[Recipient]:
    """Who hears about a booking: the teacher who booked (and on a teacher visit booked for
    someone else, the visiting teacher), the offer's contact (or the company's address), and
    the role models named on the slot."""
    teacher, offer = booking.booked_by, booking.slot.offer
    people = [Recipient(Role.TEACHER, teacher.email, teacher.get_full_name(), teacher.language)]
    if booking.teacher_id is not None and booking.teacher.user_id != teacher.pk:
        visitor = booking.teacher.user
        people.append(Recipient(Role.TEACHER, visitor.email, visitor.get_full_name(), visitor.language))
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


def note_author(actor: User | None, booking: Booking) -> str:
    """Who wrote the note of a change, as its e-mails name them (bookings.messages.NOTE_LABELS):
    "host" for the offer's company, "school" for the booking's teacher or school, "brobyg" for
    someone who sees everything (a consultant) acting for either. Empty for a change Brobyg
    made itself (an expiry), whose note is for the booking's history only."""
    if actor is None:
        return ""
    if actor.sees_everything:
        return "brobyg"
    return "host" if is_company_side(actor, booking) else "school"


def announce(
    booking: Booking,
    change: Change,
    *,
    before: list[Recipient] | None = None,
    now: dt.datetime | None = None,
    note: str = "",
    actor: User | None = None,
) -> None:
    """Enqueue what the change tells whom. `before` is who was on the booking before the
    change; anyone no longer on it gets the event's cancellation. `note` is what `actor`
    wrote to the other side with the change; the change's e-mails quote it."""
    people = recipients(booking)
    still_on = {person.email for person in people}
    booking_messages_enqueue(
        booking=booking,
        change=change,
        recipients=people,
        # An offer saved before reminders were bounded may ask for more; such reminders are skipped.
        reminder_days=[
            days for days in reminder_days_of(booking.slot.offer.reminder_days) if days <= MAX_REMINDER_DAYS
        ],
        now=now or timezone.now(),
        removed=[person for person in before or [] if person.email not in still_on],
        note=note,
        by=note_author(actor, booking) if note else "",
    )


def announce_creation(bookings: list[Booking]) -> None:
    """Write the messages of the new bookings among `bookings` whose messages are not written
    yet. Called on bookings loaded (and locked) for a change, before the change, so that
    what the booking's creation tells comes first and from the booking as it was created.
    Each booking is written in its own savepoint: one that fails (bad data on its offer,
    say) keeps the error on the booking and is not tried again, and neither stops the
    others' messages nor the change in progress."""
    pending = [booking for booking in bookings if booking.messages_pending]
    for booking in pending:
        try:
            with transaction.atomic():
                announce(booking, Change.CREATED, now=booking.created_at)
        except Exception as error:  # any failure stays with this booking
            booking_messages_failed(booking=booking, error=error)
        booking.messages_pending = False
    if pending:
        Booking.objects.filter(pk__in=[booking.pk for booking in pending]).update(messages_pending=False)


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
        announce_creation(pending)
    return len(pending)


def bookings_announce_next_batch() -> bool:
    """Write the messages of the next batch of new bookings (the outbox's deferred messages,
    registered in bookings/apps.py); True if the batch was full, so more may be waiting."""
    return bookings_announce_new() == ANNOUNCE_BATCH
