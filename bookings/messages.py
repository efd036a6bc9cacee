"""What a booking change tells whom, and how those e-mails read.

Bookings' services call `booking_messages_enqueue` after each change, inside their own
transaction, so a message exists exactly when the change does. The one exception is a new
booking: it is only marked (`Booking.messages_pending`, in its own transaction), and its
messages are written by `bookings.services.bookings_announce_new` at the start of each
delivery pass, or by the booking's next change. The rows go through notifications' outbox,
keyed "booking:<id>"; notifications delivers them through the functions this module
registers (bookings/apps.py): `booking_for_message`, `is_current` and `render`.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.calendar_events import booking_description, booking_event, booking_url
from bookings.models import Booking, BookingEvent, Slot
from notifications.calendar import Person
from notifications.models import OutgoingMessage
from notifications.registry import subject_key
from notifications.rendering import attendees, compose, long_datetime
from notifications.services import Message, Recipient, days_before, messages_enqueue

SUBJECT_TYPE = "booking"

logger = logging.getLogger(__name__)


class Kind(models.TextChoices):
    INVITE = "invite", gettext_lazy("Calendar invite")
    CANCELLATION = "cancellation", gettext_lazy("Calendar cancellation")
    REQUEST_RECEIVED = "request_received", gettext_lazy("Request received")
    NEW_REQUEST = "new_request", gettext_lazy("New request")
    WAITLISTED = "waitlisted", gettext_lazy("Waitlisted")
    DECLINED = "declined", gettext_lazy("Declined")
    CANCELLED = "cancelled", gettext_lazy("Cancelled")
    REMINDER = "reminder", gettext_lazy("Reminder")
    PENDING_NUDGE = "pending_nudge", gettext_lazy("Unanswered request")
    REQUEST_EXPIRED = "request_expired", gettext_lazy("Request expired")
    TIME_CHANGED = "time_changed", gettext_lazy("Time changed")


class Role(models.TextChoices):
    TEACHER = "teacher", gettext_lazy("Teacher")
    HOST = "host", gettext_lazy("Host")
    ROLE_MODEL = "role_model", gettext_lazy("Role model")


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
# Pending messages a change makes obsolete; any change not listed withdraws all of these (a
# request moved twice before delivery tells of its last move only).
WITHDRAWN = [Kind.REMINDER, Kind.PENDING_NUDGE, Kind.REQUEST_RECEIVED, Kind.NEW_REQUEST, Kind.WAITLISTED]
WITHDRAWN_BY = {
    Change.CREATED: [],
    Change.CONFIRMED: [Kind.PENDING_NUDGE],
    Change.RESCHEDULED: [Kind.REMINDER, Kind.TIME_CHANGED],
}


def booking_subject_key(booking_id: int) -> str:
    """The outbox's name for a booking: "booking:42"."""
    return subject_key(SUBJECT_TYPE, booking_id)


def reminder_days_of(offer_reminder_days: str) -> list[int]:
    if offer_reminder_days.strip():
        return sorted({int(day) for day in offer_reminder_days.split(",") if day.strip()}, reverse=True)
    return list(settings.REMINDER_DAYS)


# Writing -----------------------------------------------------------------------------------


def change_number(booking: Booking, change: Change) -> int:
    """How many changes the booking has had, counting its creation: the booking's recorded
    events (a slot's new time is no event of its own, but raises the calendar sequence).
    A booking's creation is always its first event, so that needs no query."""
    if change == Change.CREATED:
        return 1
    return BookingEvent.objects.filter(booking_id=booking.pk).count()


def _message(
    kind: str,
    booking: Booking,
    recipient: Recipient,
    *,
    due_at: dt.datetime,
    key: str,
    number: int,
    context: dict | None = None,
) -> Message:
    """The dedup key names the change (`number`, see change_number), so a new change of the
    same kind (a request moved and moved back, say) is a new message, while the same change
    saved twice is one."""
    sequence = booking.invite_sequence
    return Message(
        kind=kind,
        recipient=recipient,
        due_at=due_at,
        sequence=sequence,
        dedup_key=f"{kind}:{booking.pk}:{booking.slot_id}:{key}:#{number}:{recipient.email}",
        context=context,
    )


# A message people have been told (or are being told right now).
TOLD = (OutgoingMessage.Status.SENT, OutgoingMessage.Status.SENDING)


def _slot_before_move(booking: Booking) -> dict | None:
    """The time a moved booking moved from, {"start": …, "end": …} in ISO 8601: the time people
    were last told of, which is the slot of the newest message that went out, as that slot
    has it now (which is as it was at the move). None if nothing went out yet, or if the
    booking is back at the slot they were told of: a move before anyone heard of the booking
    is no news of its own (see `_first_news`)."""
    newest = (
        OutgoingMessage.objects.filter(
            subject_key=booking_subject_key(booking.pk), context__has_key="slot", status__in=TOLD
        )
        .order_by("-id")
        .values_list("context", flat=True)
        .first()
    )
    if newest is None or newest["slot"] == booking.slot_id:
        return None
    old = Slot.objects.filter(pk=newest["slot"]).values("start", "end").first()
    return {"start": old["start"].isoformat(), "end": old["end"].isoformat()} if old else None


def _context(booking: Booking, change: Change, *, note: str, by: str) -> dict:
    """What the messages of a change keep for rendering: the booking's slot, after a move the
    time it moved from, and the note its author wrote to the other side with the change
    (`by`: NOTE_LABELS' key for who wrote it)."""
    context: dict = {"slot": booking.slot_id}
    moved_from = _slot_before_move(booking) if change == Change.MOVED else None
    if moved_from:
        context["moved_from"] = moved_from
    if note.strip() and by:
        context |= {"note": note.strip(), "by": by}
    return context


def _without_note(context: dict) -> dict:
    return {key: value for key, value in context.items() if key not in ("note", "by")}


def _messages(
    booking: Booking,
    change: Change,
    *,
    recipients: list[Recipient],
    reminder_days: list[int],
    now: dt.datetime,
    number: int,
    context: dict,
) -> list[Message]:
    teachers = [r for r in recipients if r.role == Role.TEACHER]
    hosts = [r for r in recipients if r.role == Role.HOST]
    sequence = booking.invite_sequence
    messages: list[Message] = []
    # A note is news of the change: a reminder or a nudge days later does not repeat it.
    later_context = _without_note(context)

    def add(kind: str, people: list[Recipient], *, due_at: dt.datetime = now, key: str = "") -> None:
        kept = context if due_at <= now else later_context
        messages.extend(
            _message(kind, booking, person, due_at=due_at, key=key or str(sequence), number=number, context=kept)
            for person in people
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
        return messages

    if change == Change.RESCHEDULED and sequence is None:
        # No calendar entry to update (a request, a waitlisted class): the teacher is told
        # by e-mail. Announced only for a change of time (bookings.services.slots); each
        # change is news, so its moment is in the key.
        add(Kind.TIME_CHANGED, teachers, key=now.isoformat())
        return messages
    invited = sequence is not None and booking.holds_place
    if invited:
        add(Kind.INVITE, recipients)
    if booking.status == Booking.Status.CONFIRMED:
        for days in reminder_days:
            due = days_before(booking.slot.start, days)
            if due > now:
                add(Kind.REMINDER, teachers + hosts, due_at=due, key=f"{sequence}:{days}d")
    elif booking.status == Booking.Status.REQUESTED and change != Change.RESCHEDULED:
        # A request already in calendars (a confirmed booking moved to a time the host must
        # accept) gets the tentative invite only: it says the visit awaits the host, and asks
        # the host for an answer (_intro); a request notice too would tell of one change twice.
        if not invited:
            add(Kind.REQUEST_RECEIVED, teachers)
            add(Kind.NEW_REQUEST, hosts)
        # Nudge after N days, but at the latest a day before the request would expire.
        nudge = min(
            now + dt.timedelta(days=settings.PENDING_NUDGE_DAYS),
            booking.slot.booking_deadline - dt.timedelta(days=1),
        )
        if nudge > now:
            add(Kind.PENDING_NUDGE, hosts, due_at=nudge)
    elif booking.status == Booking.Status.WAITLISTED:
        add(Kind.WAITLISTED, teachers)
    return messages


def booking_messages_enqueue(
    *,
    booking: Booking,
    change: Change,
    recipients: list[Recipient],
    reminder_days: list[int],
    now: dt.datetime,
    removed: list[Recipient] | tuple[Recipient, ...] = (),
    note: str = "",
    by: str = "",
) -> None:
    """Write the messages a change causes, timed by the booking's slot (reminders before its
    start, a nudge before its booking deadline). `removed` are people no longer on the booking (a
    role model of the old slot, say): they get the event's cancellation. `note` is what the
    person who made the change wrote to the other side, `by` which side that is (a key of
    NOTE_LABELS); the e-mails of the change quote it. Pending reminders and nudges that no
    longer apply are withdrawn; a change saved twice writes nothing new and withdraws nothing
    it wrote itself (the dedup key is unique)."""
    number, context = change_number(booking, change), _context(booking, change, note=note, by=by)
    messages = _messages(
        booking,
        change,
        recipients=recipients,
        reminder_days=reminder_days,
        now=now,
        number=number,
        context=context,
    )
    if removed and booking.invite_sequence is not None:
        # Someone taken off the booking gets the cancellation, not the note to those on it.
        key, plain = str(booking.invite_sequence), _without_note(context)
        messages += [
            _message(Kind.CANCELLATION, booking, person, due_at=now, key=key, number=number, context=plain)
            for person in removed
        ]
    messages_enqueue(
        subject_key=booking_subject_key(booking.pk),
        messages=messages,
        withdrawing=WITHDRAWN_BY.get(change, WITHDRAWN),
        now=now,
    )


def booking_messages_failed(*, booking: Booking, error: Exception) -> None:
    """Record on the booking why its new-booking messages could not be written, for the
    admin to see. Logged as an error: someone has to look at the booking's data."""
    logger.error("Writing the messages of new booking %s failed", booking.pk, exc_info=error)
    booking.messages_error = f"{timezone.now():%Y-%m-%d %H:%M}: {type(error).__name__}: {error}"[:2000]
    Booking.objects.filter(pk=booking.pk).update(messages_error=booking.messages_error)


# Delivering --------------------------------------------------------------------------------


# Messages about a state of the booking: true only while the booking is in it.
STATE_KINDS = {
    Kind.REQUEST_RECEIVED: Booking.Status.REQUESTED,
    Kind.NEW_REQUEST: Booking.Status.REQUESTED,
    Kind.PENDING_NUDGE: Booking.Status.REQUESTED,
    Kind.WAITLISTED: Booking.Status.WAITLISTED,
}


def booking_for_message(pk: str) -> Booking | None:
    """The booking an outbox row is about, with everything its e-mail shows; None if gone."""
    return (
        Booking.objects.select_related(
            "slot__offer__company",
            "slot__offer__contact__user",
            "school_class__school",
            "teacher__user",
            "teacher__school",
            "booked_by",
        )
        .filter(pk=int(pk))
        .first()
    )


def is_current(message: OutgoingMessage, booking: Booking) -> bool:
    """Whether the message still says something true. A newer invite replaces an older one;
    a reminder of a booking that was cancelled or moved is not sent, nor is a message about a
    request or a waitlist place once the booking has left that state."""
    if message.kind in STATE_KINDS:
        return booking.status == STATE_KINDS[message.kind]
    if message.kind == Kind.INVITE:
        return booking.holds_place and booking.invite_sequence == message.sequence
    if message.kind == Kind.REMINDER:
        return (
            booking.status == Booking.Status.CONFIRMED
            and booking.invite_sequence == message.sequence
            and booking.slot.start > timezone.now()
        )
    if message.kind == Kind.TIME_CHANGED:
        return booking.status in Booking.ACTIVE
    return True


def _first_news(message: OutgoingMessage) -> bool:
    """Whether nothing about the booking has gone out to this recipient yet. A booking changed
    before its creation e-mails went out (moved a second after it was made, say) has those
    withdrawn as out of date, so the change's e-mail is the first the recipient hears: it
    must read as the news of the booking, not of a change to something they never heard of."""
    return (
        not OutgoingMessage.objects.filter(
            subject_key=message.subject_key, recipient_email=message.recipient_email, status__in=TOLD
        )
        .exclude(pk=message.pk)
        .exists()
    )


def _moved_from(message: OutgoingMessage, *, first_news: bool) -> dt.datetime | None:
    """The time the booking moved from, if the message is about a move the recipient can
    place: never in their first news of the booking."""
    moved_from = (message.context or {}).get("moved_from")
    return dt.datetime.fromisoformat(moved_from["start"]) if moved_from and not first_news else None


MOVED_SUBJECTS = {
    Kind.INVITE: gettext_lazy("Moved: %(title)s, %(when)s"),
    Kind.REQUEST_RECEIVED: gettext_lazy("Request moved: %(title)s, %(when)s"),
    Kind.NEW_REQUEST: gettext_lazy("Request moved: %(class)s for %(title)s, %(when)s"),
}
MOVED_INTROS = {
    Kind.INVITE: gettext_lazy("The visit has been moved from %(old)s to %(new)s."),
    Kind.REQUEST_RECEIVED: gettext_lazy(
        "Your request has been moved from %(old)s to %(new)s. The host will confirm or decline it."
    ),
    Kind.NEW_REQUEST: gettext_lazy(
        "A class has moved its request from %(old)s to %(new)s. Please confirm or decline it in Brobyg."
    ),
}
MOVED_TENTATIVE = gettext_lazy(
    "The visit has been moved from %(old)s to %(new)s and awaits the host's confirmation. "
    "Your calendar shows it as tentative."
)


def _subject(message: OutgoingMessage, booking: Booking, *, first_news: bool) -> str:
    kind, sequence = message.kind, message.sequence
    title, when = booking.slot.offer.title, long_datetime(booking.slot.start)
    values = {"title": title, "when": when, "class": booking.participant}
    if kind in MOVED_SUBJECTS and _moved_from(message, first_news=first_news):
        return MOVED_SUBJECTS[kind] % values
    confirmed = not sequence or first_news
    subjects = {
        Kind.INVITE: _("Confirmed: %(title)s, %(when)s") if confirmed else _("Changed: %(title)s, %(when)s"),
        Kind.CANCELLATION: _("Cancelled: %(title)s, %(when)s"),
        Kind.CANCELLED: _("Cancelled: %(title)s, %(when)s"),
        Kind.REQUEST_RECEIVED: _("Request sent: %(title)s, %(when)s"),
        Kind.NEW_REQUEST: _("New request: %(class)s for %(title)s, %(when)s"),
        Kind.WAITLISTED: _("On the waitlist: %(title)s, %(when)s"),
        Kind.DECLINED: _("Declined: %(title)s, %(when)s"),
        Kind.REMINDER: _("Reminder: %(title)s, %(when)s"),
        Kind.PENDING_NUDGE: _("Waiting for your answer: %(class)s for %(title)s, %(when)s"),
        Kind.REQUEST_EXPIRED: _("Request expired: %(title)s, %(when)s"),
        Kind.TIME_CHANGED: _("New time: %(title)s, %(when)s"),
    }
    return subjects[kind] % values


def _intro(message: OutgoingMessage, booking: Booking, *, first_news: bool) -> str:
    kind, moved_from = message.kind, _moved_from(message, first_news=first_news)
    if kind in MOVED_INTROS and moved_from:
        times = {"old": long_datetime(moved_from), "new": long_datetime(booking.slot.start)}
        if kind == Kind.INVITE and booking.status == Booking.Status.REQUESTED:
            return MOVED_TENTATIVE % times
        return MOVED_INTROS[kind] % times
    intros = {
        Kind.INVITE: _("The visit is confirmed and in your calendar. Details below."),
        Kind.CANCELLATION: _("The visit is cancelled and removed from your calendar."),
        Kind.CANCELLED: _("The request has been cancelled."),
        Kind.REQUEST_RECEIVED: _("Your request has been sent. The host will confirm or decline it."),
        Kind.NEW_REQUEST: _("A class has asked to come. Please confirm or decline the request in Brobyg."),
        Kind.WAITLISTED: _(
            "The slot is full, so the class is on the waitlist. You will hear from us if a place frees."
        ),
        Kind.DECLINED: _("Unfortunately the host has declined the request."),
        Kind.REMINDER: _("A reminder of the coming visit."),
        Kind.PENDING_NUDGE: _("This request is still waiting for your answer."),
        Kind.REQUEST_EXPIRED: _("The host did not answer before the booking deadline, so the request has expired."),
    }
    if kind == Kind.TIME_CHANGED:
        when = {"when": long_datetime(booking.slot.start)}
        if booking.status == Booking.Status.WAITLISTED:
            return _("The host has moved the visit to %(when)s. The class keeps its place on the waitlist.") % when
        return (
            _("The host has moved the visit to %(when)s. Your request moves with it and awaits the host's answer.")
            % when
        )
    if booking.is_for_teacher and kind == Kind.NEW_REQUEST:
        return _("A teacher has asked to come. Please confirm or decline the request in Brobyg.")
    if booking.is_for_teacher and kind == Kind.WAITLISTED:
        return _("The slot is full, so you are on the waitlist. You will hear from us if a place frees.")
    if kind == Kind.INVITE and booking.status == Booking.Status.REQUESTED and first_news:
        return _("The visit awaits the host's confirmation. Your calendar shows it as tentative.")
    if kind == Kind.INVITE and booking.status == Booking.Status.REQUESTED:
        return _("The visit has been moved and awaits the host's confirmation. Your calendar shows it as tentative.")
    return intros[kind]


def _intro_for(message: OutgoingMessage, booking: Booking, *, first_news: bool) -> str:
    """The intro, and for the host of a request that is in calendars (whose tentative invite is
    the only message of its change) the request's question."""
    intro = _intro(message, booking, first_news=first_news)
    if message.kind == Kind.INVITE and message.role == Role.HOST and booking.status == Booking.Status.REQUESTED:
        return f"{intro} {_('Please confirm or decline it in Brobyg.')}"
    return intro


# How an e-mail quotes the note written with a change, by who wrote it ("by" in the context).
NOTE_LABELS = {
    "host": gettext_lazy("Message from the host: %(note)s"),
    "school": gettext_lazy("Message from the teacher: %(note)s"),
    "brobyg": gettext_lazy("Message from Brobyg: %(note)s"),
}


def _note(message: OutgoingMessage) -> str:
    """The note written with the change, labelled with who wrote it, for the teacher and the
    host. Not for a role model, and never in the calendar event: a note is a private word
    between the two sides, and calendar feeds are shared."""
    context = message.context or {}
    note, label = context.get("note"), NOTE_LABELS.get(context.get("by", ""))
    if not note or label is None or message.role == Role.ROLE_MODEL:
        return ""
    return label % {"note": note}


CALENDAR_METHODS = {Kind.INVITE: "REQUEST", Kind.CANCELLATION: "CANCEL"}


def _attendees(message: OutgoingMessage) -> tuple[Person, ...]:
    """Whom a copy of the invite lists. A role model (perhaps an apprentice of 17) sees only
    themself: not the teacher's address, nor anyone else's. The teacher and the host see
    each other; a role model's address is not theirs to hand out."""
    if message.role == Role.ROLE_MODEL:
        return (Person(message.recipient_email, message.recipient_name),)
    return attendees(message, roles=(Role.TEACHER, Role.HOST))


def render(message: OutgoingMessage, booking: Booking) -> EmailMultiAlternatives:
    """The e-mail of a booking message, from the booking as it is now, in the recipient's
    language; an invite or cancellation carries the booking's calendar event."""
    first_news = _first_news(message)
    with translation.override(message.language):
        method = CALENDAR_METHODS.get(message.kind)
        event = None
        if method is not None:
            event = booking_event(
                booking,
                sequence=message.sequence or 0,
                cancelled=method == "CANCEL",
                attendees=_attendees(message),
            )
        return compose(
            message,
            subject=_subject(message, booking, first_news=first_news),
            intro=_intro_for(message, booking, first_news=first_news),
            note=_note(message),
            details=booking_description(booking),
            url=booking_url(booking),
            link_text=_("Open the booking in Brobyg"),
            event=event,
            method=method,
        )


def booking_admin_url(pk: str) -> str:
    return reverse("admin:bookings_booking_change", args=[int(pk)])
