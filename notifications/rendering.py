"""The e-mail every outbox message becomes, whatever domain wrote it.

A domain renders its messages (see notifications/registry.py) by saying what they say
(subject, intro, details, a link) and, for an invite or its cancellation, which calendar
event they carry; `compose` makes the e-mail. An invite carries its calendar as a
`text/calendar; method=…` part inside multipart/alternative, beside the plain-text and HTML
bodies (RFC 6047), which is what makes Outlook, Google and Apple show Accept / Decline.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from email.headerregistry import Address
from email.mime.text import MIMEText
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format

from notifications.calendar import CalendarEvent, Person, build_calendar
from notifications.models import OutgoingMessage


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


def long_datetime(moment: dt.datetime) -> str:
    """A moment as people write it in a letter, in the active language and Copenhagen time:
    "torsdag den 25. marts 2027 kl. 10:00", "Thursday 25 March 2027, 10:00" (the language's
    LONG_DATETIME_FORMAT, config/formats)."""
    return _long_datetime(moment, translation.get_language(), timezone.get_current_timezone_name())


@functools.lru_cache(maxsize=4096)
def _long_datetime(moment: dt.datetime, language: str | None, zone: str) -> str:
    """Cached by language and time zone: a feed of 10,000 bookings has a few hundred slot
    times, and formatting one costs some 40 µs."""
    return date_format(timezone.localtime(moment), "LONG_DATETIME_FORMAT")


def site_domain() -> str:
    """The installation's host name: the right-hand side of every UID and Message-ID."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def attendees(message: OutgoingMessage, *, roles: Iterable[str] | None = None) -> tuple[Person, ...]:
    """Everyone this version of the event went to (with `roles`, those of these roles): each
    gets their own e-mail, and a copy lists them, as a meeting invite does. Which roles a
    recipient may see is their domain's decision."""
    rows = OutgoingMessage.objects.filter(
        subject_key=message.subject_key, kind=message.kind, sequence=message.sequence
    ).order_by("id")
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    return tuple(Person(email, name) for email, name in rows.values_list("recipient_email", "recipient_name"))


def compose(
    message: OutgoingMessage,
    *,
    subject: str,
    intro: str,
    details: str,
    url: str,
    link_text: str,
    note: str = "",
    event: CalendarEvent | None = None,
    method: str | None = None,
) -> EmailMultiAlternatives:
    """The e-mail of an outbox row, in plain text and HTML; with an `event` and a `method`
    (REQUEST or CANCEL) also its iTIP calendar. `note` (text a person wrote, already
    labelled) comes after the intro; the HTML body escapes it. Call it in the message's
    language."""
    context = {
        "recipient_name": message.recipient_name,
        "intro": intro,
        "note": note,
        "details": details,
        "url": url,
        "link_text": link_text,
        "subject": subject,
    }
    arguments = {
        "subject": subject,
        "body": render_to_string("notifications/email.txt", context),
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": [_address(message)],
        "headers": {"Message-ID": message_id(message), "Auto-Submitted": "auto-generated"},
    }
    if event is None or method is None:
        email = EmailMultiAlternatives(**arguments)
    else:
        email = CalendarEmail(**arguments, calendar=build_calendar([event], method=method), method=method)
    email.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return email


def _address(message: OutgoingMessage) -> str:
    return str(Address(display_name=message.recipient_name, addr_spec=message.recipient_email))


def message_id(message: OutgoingMessage) -> str:
    """Stable per outbox row, so a message sent twice (see delivery) is recognisably the same."""
    return f"<brobyg-message-{message.pk}@{site_domain()}>"
