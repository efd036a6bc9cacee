"""Turn an outbox row into the e-mail it stands for, from the booking as it is now.

An invite carries its calendar as a `text/calendar; method=…` part inside
multipart/alternative, beside the plain-text and HTML bodies (RFC 6047), which is what makes
Outlook, Google and Apple show Accept / Decline.
"""

from __future__ import annotations

from email.headerregistry import Address
from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.models import Booking
from notifications.calendar import Person, build_calendar
from notifications.events import booking_description, booking_event, booking_url, site_domain
from notifications.models import OutgoingMessage

Kind = OutgoingMessage.Kind


class CalendarEmail(EmailMultiAlternatives):
    """An e-mail whose multipart/alternative ends with an iTIP calendar part."""

    def __init__(self, *args, calendar: bytes, method: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calendar, self.method = calendar, method

    def message(self, *args, **kwargs):
        message = super().message(*args, **kwargs)
        part = MIMEText(self.calendar.decode("utf-8"), "calendar", "utf-8")
        part.set_param("method", self.method)
        message.attach(part)
        return message


def _subject(kind: str, booking: Booking, sequence: int | None) -> str:
    title, when = booking.slot.offer.title, date_format(timezone.localtime(booking.slot.start), "DATETIME_FORMAT")
    values = {"title": title, "when": when, "class": booking.school_class.name}
    subjects = {
        Kind.INVITE: _("Confirmed: %(title)s, %(when)s") if not sequence else _("Changed: %(title)s, %(when)s"),
        Kind.CANCELLATION: _("Cancelled: %(title)s, %(when)s"),
        Kind.CANCELLED: _("Cancelled: %(title)s, %(when)s"),
        Kind.REQUEST_RECEIVED: _("Request sent: %(title)s, %(when)s"),
        Kind.NEW_REQUEST: _("New request: %(class)s for %(title)s, %(when)s"),
        Kind.WAITLISTED: _("On the waitlist: %(title)s, %(when)s"),
        Kind.DECLINED: _("Declined: %(title)s, %(when)s"),
        Kind.REMINDER: _("Reminder: %(title)s, %(when)s"),
        Kind.PENDING_NUDGE: _("Waiting for your answer: %(class)s for %(title)s, %(when)s"),
        Kind.REQUEST_EXPIRED: _("Request expired: %(title)s, %(when)s"),
    }
    return subjects[kind] % values


def _intro(kind: str, booking: Booking) -> str:
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
    if kind == Kind.INVITE and booking.status == Booking.Status.REQUESTED:
        return _("The visit has been moved and awaits the host's confirmation. Your calendar shows it as tentative.")
    return intros[kind]


def is_current(message: OutgoingMessage, booking: Booking) -> bool:
    """Whether the message still says something true. A newer invite replaces an older one;
    a reminder of a booking that was cancelled or moved is not sent."""
    if message.kind == Kind.INVITE:
        return booking.holds_place and booking.invite_sequence == message.sequence
    if message.kind == Kind.REMINDER:
        return (
            booking.status == Booking.Status.CONFIRMED
            and booking.invite_sequence == message.sequence
            and booking.slot.start > timezone.now()
        )
    if message.kind == Kind.PENDING_NUDGE:
        return booking.status == Booking.Status.REQUESTED
    return True


def _attendees(message: OutgoingMessage) -> tuple[Person, ...]:
    """Everyone this version of the event went to: each gets their own e-mail, and every copy
    lists all of them, as a meeting invite does."""
    rows = OutgoingMessage.objects.filter(booking_id=message.booking_id, kind=message.kind, sequence=message.sequence)
    return tuple(
        Person(email, name) for email, name in rows.order_by("id").values_list("recipient_email", "recipient_name")
    )


def render(message: OutgoingMessage, booking: Booking) -> EmailMultiAlternatives:
    with translation.override(message.language):
        subject = _subject(message.kind, booking, message.sequence)
        context = {
            "recipient_name": message.recipient_name,
            "intro": _intro(message.kind, booking),
            "details": booking_description(booking),
            "booking_url": booking_url(booking),
            "subject": subject,
        }
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
        calendar_method = {Kind.INVITE: "REQUEST", Kind.CANCELLATION: "CANCEL"}.get(message.kind)
        arguments = {
            "subject": subject,
            "body": text,
            "from_email": settings.DEFAULT_FROM_EMAIL,
            "to": [_address(message)],
            "headers": {"Message-ID": message_id(message), "Auto-Submitted": "auto-generated"},
        }
        if calendar_method is None:
            email = EmailMultiAlternatives(**arguments)
        else:
            event = booking_event(
                booking,
                sequence=message.sequence or 0,
                cancelled=calendar_method == "CANCEL",
                attendees=_attendees(message),
            )
            calendar = build_calendar([event], method=calendar_method)
            email = CalendarEmail(**arguments, calendar=calendar, method=calendar_method)
        email.attach_alternative(html, "text/html")
    return email


def _address(message: OutgoingMessage) -> str:
    return str(Address(display_name=message.recipient_name, addr_spec=message.recipient_email))


def message_id(message: OutgoingMessage) -> str:
    """Stable per outbox row, so a message sent twice (see delivery) is recognisably the same."""
    return f"<brobyg-message-{message.pk}@{site_domain()}>"
