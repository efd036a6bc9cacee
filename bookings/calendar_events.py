"""Bookings and free slots described as calendar events: the one description invites and
feeds share. notifications.calendar writes them."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.models import Booking, Slot
from core.sites import site_url
from notifications.calendar import CalendarEvent, Person, event_uid
from notifications.rendering import long_datetime, site_domain


def booking_url(booking: Booking) -> str:
    return site_url(f"/bookings/{booking.pk}/")


def organizer_for(booking: Booking) -> Person:
    """The installation's own mailbox, shown with the company's name: replies go to Brobyg,
    the calendar shows who the visit is with."""
    return Person(settings.CALENDAR_ORGANIZER_EMAIL, booking.slot.offer.company.name)


def booking_description(booking: Booking) -> str:
    """What a teacher needs on the day, in the active language."""
    offer, school_class = booking.slot.offer, booking.school_class
    lines = [offer.description.strip(), ""]
    if offer.is_private and booking.message.strip():
        # A private offer's text is the same for every booking; what the booker wrote (the
        # adoption activity, where the class meets) is what says what this day is.
        lines[1:1] = ["", booking.message.strip()]
    ends = f"{timezone.localtime(booking.slot.end):%H:%M}"
    lines.append(_("Time: %(start)s–%(end)s") % {"start": long_datetime(booking.slot.start), "end": ends})
    lines.append(_("Address: %(address)s") % {"address": offer.place})
    if offer.meeting_point:
        lines.append(_("Meeting point: %(place)s") % {"place": offer.meeting_point})
    contact = offer.contact.user if offer.contact_id else None
    if contact is not None:
        phone = f", {contact.phone}" if contact.phone else ""
        who = f"{contact.get_full_name()}{phone}, {contact.email}"
        lines.append(_("Contact: %(who)s") % {"who": who})
    elif offer.company.phone or offer.company.email:
        who = f"{offer.company.name}, {offer.company.phone or offer.company.email}"
        lines.append(_("Contact: %(who)s") % {"who": who})
    if booking.is_for_teacher:
        # A teacher visit: the teacher comes alone, so there is nobody to count.
        lines.append(
            _("Teacher: %(teacher)s, %(school)s") % {"teacher": booking.participant, "school": booking.school.name}
        )
    else:
        people = ngettext("%(count)d pupil", "%(count)d pupils", booking.pupils) % {"count": booking.pupils}
        if booking.adults:
            adults = ngettext("%(count)d adult", "%(count)d adults", booking.adults) % {"count": booking.adults}
            people = f"{people}, {adults}"
        lines.append(
            _("Class: %(class)s, %(school)s (%(people)s)")
            % {"class": school_class.name, "school": school_class.school.name, "people": people}
        )
    if offer.practical_notes:
        lines += ["", _("Practical notes: %(notes)s") % {"notes": offer.practical_notes.strip()}]
    lines += ["", _("The booking in Brobyg: %(url)s") % {"url": booking_url(booking)}]
    return "\n".join(lines).strip()


def booking_summary(booking: Booking) -> str:
    """The offer and who comes: a class, or on a teacher visit the teacher, with their school."""
    return f"{booking.slot.offer.title} – {booking.participant}, {booking.school.name}"


def booking_event(
    booking: Booking, *, sequence: int, cancelled: bool, attendees: tuple[Person, ...] = ()
) -> CalendarEvent:
    return CalendarEvent(
        uid=event_uid("booking", booking.pk, site_domain()),
        sequence=sequence,
        start=booking.slot.start,
        end=booking.slot.end,
        summary=booking_summary(booking),
        organizer=organizer_for(booking),
        location=booking.slot.offer.place,
        description=booking_description(booking),
        url=booking_url(booking),
        attendees=attendees,
        cancelled=cancelled,
        tentative=booking.status == Booking.Status.REQUESTED,
        created=booking.created_at,
        last_modified=booking.updated_at,
    )


def slot_event(slot: Slot, *, language: str = "da") -> CalendarEvent:
    """A free slot in an offer's public feed."""
    offer = slot.offer
    with translation.override(language):
        free = ngettext("Room for %(classes)d more class", "Room for %(classes)d more classes", slot.free_classes) % {
            "classes": slot.free_classes
        }
    return CalendarEvent(
        uid=event_uid("slot", slot.pk, site_domain()),
        sequence=0,
        start=slot.start,
        end=slot.end,
        summary=f"{offer.title} ({offer.company.name})",
        organizer=Person(settings.CALENDAR_ORGANIZER_EMAIL, offer.company.name),
        location=offer.place,
        description=f"{offer.description.strip()}\n\n{free}",
        url=site_url(f"/offers/{offer.pk}/"),
        tentative=True,
        last_modified=slot.updated_at,
    )
