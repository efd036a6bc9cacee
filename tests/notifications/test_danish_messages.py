"""Danish that reads as Danish: dates written out ("torsdag den 25. marts 2027 kl. 10:00",
weekdays and months in lower case) and counts in the singular for one, in every e-mail's
subject, text and HTML body and in the calendar's DESCRIPTION."""

from __future__ import annotations

import re

from django.utils import timezone, translation

from bookings import services
from bookings.calendar_events import slot_event
from tests.dates import DANISH_MONTHS as MONTHS
from tests.dates import DANISH_WEEKDAYS as WEEKDAYS
from tests.dates import ISO_DATE
from tests.notifications.conftest import body_text, calendar_part, deliver, invite_calendar

CAPITALISED = re.compile(r"\b(" + "|".join(name.capitalize() for name in WEEKDAYS + MONTHS) + r")\b")


def danish(moment) -> str:
    local = timezone.localtime(moment)
    return f"{WEEKDAYS[local.weekday()]} den {local.day}. {MONTHS[local.month - 1]} {local.year} kl. {local:%H:%M}"


def _texts(message) -> dict[str, str]:
    texts = {
        "subject": str(message["Subject"]).strip(),
        "text": body_text(message),
        "html": body_text(message, "html"),
    }
    if calendar_part(message) is not None:
        texts["DESCRIPTION"] = invite_calendar(message).event.description
    return texts


def _assert_danish(message, moment) -> None:
    for where, text in _texts(message).items():
        if where != "DESCRIPTION":  # the calendar gives the time in DTSTART; its text may too
            assert danish(moment) in text, f"{where}: {text}"
        assert not ISO_DATE.search(text), f"{where}: {text}"
        assert not CAPITALISED.search(text), f"{where}: {text}"


def test_every_message_of_a_request_writes_the_date_in_danish(manual_visit, mailbox):
    """A request, its confirmation and its cancellation: each e-mail, to each person, gives
    the visit's date written out in Danish."""
    visit = manual_visit
    booking = visit.book(pupils=1, adults=1)
    steps = [
        lambda: None,
        lambda: services.booking_confirm(booking=booking, actor=visit.host.user),
        lambda: services.booking_cancel(booking=booking, actor=visit.host.user),
    ]
    checked = 0
    for step in steps:
        step()
        for messages in deliver(mailbox).values():
            for message in messages:
                _assert_danish(message, visit.slot.start)
                checked += 1
    assert checked >= 2 + 3 + 3


def test_one_pupil_and_one_adult_are_written_in_the_singular(visit, mailbox):
    visit.book(pupils=1, adults=1)

    message = deliver(mailbox)[visit.teacher_email][0]

    for where, text in _texts(message).items():
        if where != "subject":
            assert "(1 elev, 1 voksen)" in text, f"{where}: {text}"


def test_free_slot_says_how_many_classes_it_has_room_for_in_danish(visit):
    visit.slot.capacity_classes = 1
    visit.other_slot.capacity_classes = 2
    with translation.override("da"):
        one, two = slot_event(visit.slot).description, slot_event(visit.other_slot).description

    assert "Plads til 1 klasse mere" in one
    assert "Plads til 2 klasser mere" in two
