"""Invites, updates and cancellations as people receive them: through a real SMTP server,
read back with the standard library's e-mail parser and three calendar parsers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from bookings import services
from bookings.calendar_events import booking_url
from bookings.messages import Change, Kind, Recipient, booking_messages_enqueue, booking_subject_key, reminder_days_of
from bookings.models import Booking
from notifications import delivery
from notifications.delivery import MAX_ATTEMPTS, deliver_due, deliver_one
from notifications.models import OutgoingMessage
from tests import factories
from tests.notifications.conftest import (
    body_text,
    calendar_part,
    deliver,
    free_port,
    in_language,
    invite_calendar,
    make_visit,
    only_message,
    organizer_email,
    running_smtp_server,
    use_smtp,
)

Status = OutgoingMessage.Status
INVITE_PARTS = ["multipart/alternative", "text/plain", "text/html", "text/calendar"]
PLAIN_PARTS = ["multipart/alternative", "text/plain", "text/html"]


def subject(message) -> str:
    """The decoded subject. Django folds a long encoded subject onto a continuation line
    ("Subject:" CRLF SP "=?utf-8?b?…?="); mail programs drop the folding white space, the
    standard library parser keeps one space of it."""
    return str(message["Subject"]).strip()


def content_types(message) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def attendees_of(component) -> dict[str, dict[str, str]]:
    """{e-mail: parameters} of a VEVENT's ATTENDEEs."""
    values = component.get("ATTENDEE", [])
    values = values if isinstance(values, list) else [values]
    return {str(value).removeprefix("mailto:").lower(): dict(value.params) for value in values}


def attendees_shown_to(visit, address: str) -> set[str]:
    """Whom a copy of the invite lists: a role model only themself; the teacher and the host
    each other (role models' addresses are theirs to give)."""
    return {address} if address == visit.role_model_email else {visit.teacher_email, visit.host_email}


# An invite as it arrives ------------------------------------------------------------------


def test_auto_confirmed_booking_sends_one_invite_each_to_teacher_host_and_role_model(visit, mailbox):
    """Booking an offer that confirms at once sends exactly one e-mail each to the teacher, the
    offer's contact and the role model named on the slot: plain text, HTML and a
    text/calendar REQUEST inside multipart/alternative."""
    visit.book()

    received = deliver(mailbox)

    assert set(received) == visit.everyone
    for address in visit.everyone:
        message = only_message(received, address)
        assert content_types(message) == INVITE_PARTS
        assert message["To"].addresses[0].addr_spec == address
        assert calendar_part(message).get_param("method") == "REQUEST"
        assert invite_calendar(message).method == "REQUEST"


def test_invite_calendar_has_utc_stamp_brobyg_as_organizer_and_the_people_it_may_show_as_attendees(visit, mailbox):
    """Every VEVENT has DTSTAMP in UTC; the ORGANIZER is the installation's calendar address
    shown with the company's name; the recipient and those their copy may show (see
    attendees_shown_to) are ATTENDEEs asked to reply (RSVP=TRUE)."""
    visit.book()

    received = deliver(mailbox)

    for address in visit.everyone:
        parsed = invite_calendar(only_message(received, address))
        for component in parsed.icalendar.walk("VEVENT"):
            assert component["DTSTAMP"].to_ical().endswith(b"Z")
            assert component.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
            organizer = component["ORGANIZER"]
            assert str(organizer).lower() == f"mailto:{organizer_email()}".lower()
            assert organizer.params["CN"] == "Bølge & Strøm Værft A/S"
            attendees = attendees_of(component)
            assert set(attendees) == attendees_shown_to(visit, address)
            assert all(params.get("RSVP") == "TRUE" for params in attendees.values())
        # An independent parser reads the same people.
        ical_event = parsed.ical.events[0]
        assert ical_event.organizer.common_name == "Bølge & Strøm Værft A/S"
        shown = {attendee.uri.removeprefix("mailto:").lower() for attendee in ical_event.attendees}
        assert shown == attendees_shown_to(visit, address)
        assert all(attendee.rsvp for attendee in ical_event.attendees)


def test_invite_keeps_danish_letters_in_subject_body_and_calendar(visit, mailbox):
    """æ, ø and å survive the trip through SMTP in the subject, the plain and HTML bodies and
    the calendar's SUMMARY, LOCATION and DESCRIPTION."""
    visit.book()

    message = only_message(deliver(mailbox), visit.teacher_email)

    assert "Besøg på værftet: sådan bygges en færge" in subject(message)
    assert message["To"].addresses[0].display_name == "Søren Ærø"
    for subtype in ("plain", "html"):
        body = body_text(message, subtype)
        assert "Søren Ærø" in body
        assert "Den blå port ved Ærøvej 3" in body
        assert "Medbring sikkerhedssko og madpakke. Høreværn får I udleveret." in body
    event = invite_calendar(message).event
    assert event.summary == "Besøg på værftet: sådan bygges en færge – 8.Ø, Sønderbro Skole"
    assert event.location == "Skibsbyggervej 7, 9400 Nørresundby"
    assert "Se hvordan en færge bliver svejset, malet og søsat." in event.description


def test_invite_description_has_what_the_teacher_needs_on_the_day(visit, mailbox):
    """DESCRIPTION carries the address, the meeting point, the contact with phone and e-mail,
    the number of pupils, the practical notes and the link to the booking."""
    booking = visit.book(pupils=21, adults=2)

    description = invite_calendar(only_message(deliver(mailbox), visit.teacher_email)).event.description

    assert "Adresse: Skibsbyggervej 7, 9400 Nørresundby" in description
    assert "Mødested: Den blå port ved Ærøvej 3" in description
    assert "Kontakt: Åse Bækgård, +45 21 43 65 87, aase.baekgaard@example.dk" in description
    assert "Klasse: 8.Ø, Sønderbro Skole (21 elever, 2 voksne)" in description
    assert "Praktiske oplysninger: Medbring sikkerhedssko og madpakke. Høreværn får I udleveret." in description
    assert booking_url(booking) in description
    assert booking_url(booking).startswith(settings.SITE_URL)


# One event, from invite to cancellation ---------------------------------------------------


def _step(mailbox, addresses) -> dict[str, object]:
    received = deliver(mailbox)
    assert set(received) == set(addresses)
    return {address: invite_calendar(only_message(received, address)) for address in addresses}


def test_invite_then_move_then_cancel_keep_one_uid_with_rising_sequence(visit, mailbox):
    """Confirm → REQUEST with SEQUENCE 0; move to another slot of the offer → REQUEST with the
    same UID, a higher SEQUENCE and the new start; cancel → CANCEL with the same UID, a higher
    SEQUENCE again and STATUS:CANCELLED. Teacher, host and role model get every step."""
    booking = visit.book()
    invited = _step(mailbox, visit.everyone)

    services.booking_move(booking=booking, actor=visit.teacher.user, slot_id=visit.other_slot.pk)
    moved = _step(mailbox, visit.everyone)

    services.booking_cancel(booking=booking, actor=visit.teacher.user)
    cancelled = _step(mailbox, visit.everyone)

    uid = invited[visit.teacher_email].event.uid
    for address in visit.everyone:
        first, second, third = invited[address], moved[address], cancelled[address]
        assert (first.method, second.method, third.method) == ("REQUEST", "REQUEST", "CANCEL")
        assert first.event.uid == second.event.uid == third.event.uid == uid
        assert first.event.sequence == 0
        assert first.event.sequence < second.event.sequence < third.event.sequence
        assert first.event.start == visit.slot.start
        assert second.event.start == visit.other_slot.start
        assert second.event.status == "CONFIRMED"
        assert third.event.status == "CANCELLED"
        for parsed in (second, third):  # an update and a cancellation go to the same attendees
            assert set(attendees_of(parsed.component())) == attendees_shown_to(visit, address)
            assert str(parsed.component()["ORGANIZER"]).lower() == f"mailto:{organizer_email()}".lower()


def test_role_model_invite_shows_neither_the_teacher_nor_the_other_attendees(visit, mailbox):
    """A role model (perhaps an apprentice of 17) gets an invite that lists the organizer and
    themself only: no ATTENDEE line for the teacher or the host, and the teacher's name and
    e-mail address nowhere in the e-mail or its calendar."""
    visit.book()

    message = only_message(deliver(mailbox), visit.role_model_email)

    parsed = invite_calendar(message)
    assert set(attendees_of(parsed.component())) == {visit.role_model_email}
    assert visit.teacher_email not in parsed.event.description
    raw = message.as_string()
    for teacher in (visit.teacher_email, visit.teacher.user.get_full_name()):
        assert teacher not in raw
        for part in message.walk():
            if not part.is_multipart():
                assert teacher not in part.get_content()


def test_role_model_of_the_old_slot_hears_that_a_moved_visit_left_their_calendar(visit, mailbox):
    """When a booking moves to a slot the role model is not named on, the role model, who has
    the visit in their calendar from the first invite, gets a CANCEL for it (same UID, higher
    SEQUENCE); otherwise they would turn up for a visit that is no longer there."""
    visit.other_slot.role_models.clear()
    booking = visit.book()
    invite = _step(mailbox, visit.everyone)[visit.role_model_email]

    services.booking_move(booking=booking, actor=visit.teacher.user, slot_id=visit.other_slot.pk)
    received = deliver(mailbox)

    assert visit.role_model_email in received, "the role model is not told that the visit moved away"
    cancellation = invite_calendar(only_message(received, visit.role_model_email))
    assert cancellation.method == "CANCEL"
    assert cancellation.event.uid == invite.event.uid
    assert cancellation.event.sequence > invite.event.sequence


def test_request_on_manual_offer_tells_teacher_and_host_without_a_calendar(manual_visit, mailbox):
    """A request on an offer the host confirms by hand: the teacher gets "request sent", the
    host gets "new request", both without a calendar part; the role model hears nothing yet."""
    visit = manual_visit
    visit.book()

    received = deliver(mailbox)

    assert set(received) == {visit.teacher_email, visit.host_email}
    teacher_mail = only_message(received, visit.teacher_email)
    host_mail = only_message(received, visit.host_email)
    for message in (teacher_mail, host_mail):
        assert content_types(message) == PLAIN_PARTS
    assert subject(teacher_mail).startswith(in_language("da", "Request sent: %(title)s, %(when)s").split("%")[0])
    assert subject(host_mail).startswith(
        in_language("da", "New request: %(class)s for %(title)s, %(when)s").split("%")[0]
    )
    assert "8.Ø" in subject(host_mail)


def test_host_confirming_a_request_sends_the_invite(manual_visit, mailbox):
    """When the host confirms a request, teacher, host and role model get a REQUEST with
    SEQUENCE 0."""
    visit = manual_visit
    booking = visit.book()
    deliver(mailbox)

    services.booking_confirm(booking=booking, actor=visit.host.user)
    invites = _step(mailbox, visit.everyone)

    for parsed in invites.values():
        assert parsed.method == "REQUEST"
        assert parsed.event.sequence == 0
        assert parsed.event.status == "CONFIRMED"


def test_declined_request_sends_the_teacher_a_plain_email_and_no_cancel(manual_visit, mailbox):
    """A declined request was never in anyone's calendar: the teacher gets a plain "declined"
    e-mail, nobody gets a CANCEL."""
    visit = manual_visit
    booking = visit.book()
    deliver(mailbox)

    services.booking_decline(booking=booking, actor=visit.host.user)
    received = deliver(mailbox)

    assert set(received) == {visit.teacher_email}
    message = only_message(received, visit.teacher_email)
    assert content_types(message) == PLAIN_PARTS
    assert subject(message).startswith(in_language("da", "Declined: %(title)s, %(when)s").split("%")[0])


def test_slot_time_change_sends_everyone_an_update(visit, mailbox):
    """When the host moves the slot to another time, everyone gets a REQUEST with the same
    UID, a higher SEQUENCE and the new start and end."""
    visit.book()
    invited = _step(mailbox, visit.everyone)
    new_start = visit.slot.start + dt.timedelta(hours=2)

    services.slot_update(slot=visit.slot, actor=visit.host.user, start=new_start, end=new_start + dt.timedelta(hours=3))
    updated = _step(mailbox, visit.everyone)

    for address in visit.everyone:
        before, after = invited[address].event, updated[address]
        assert after.method == "REQUEST"
        assert after.event.uid == before.uid
        assert after.event.sequence > before.sequence
        assert after.event.start == new_start
        assert after.event.end == new_start + dt.timedelta(hours=3)


def test_cancelled_slot_sends_everyone_a_cancel(visit, mailbox):
    """When the host cancels the slot, everyone gets a CANCEL for the booking's event."""
    visit.book()
    invited = _step(mailbox, visit.everyone)

    services.slot_cancel(slot=visit.slot, actor=visit.host.user)
    cancelled = _step(mailbox, visit.everyone)

    for address in visit.everyone:
        assert cancelled[address].method == "CANCEL"
        assert cancelled[address].event.uid == invited[address].event.uid
        assert cancelled[address].event.sequence > invited[address].event.sequence
        assert cancelled[address].event.status == "CANCELLED"


# Language ----------------------------------------------------------------------------------


@pytest.fixture
def english_visit(db):
    return make_visit(teacher_language="en")


def test_english_teacher_gets_english_invite(english_visit, mailbox):
    """A teacher who chose English gets the subject, the body and the calendar text in English,
    while the Danish host's copy of the same invite is in Danish."""
    visit = english_visit
    visit.book()

    received = deliver(mailbox)

    message = only_message(received, visit.teacher_email)
    assert subject(message).startswith("Confirmed: Besøg på værftet")
    assert "The visit is confirmed and in your calendar." in body_text(message)
    assert "Dear Søren Ærø," in body_text(message)
    assert "Meeting point: Den blå port ved Ærøvej 3" in invite_calendar(message).event.description
    host_copy = only_message(received, visit.host_email)
    assert subject(host_copy).startswith(in_language("da", "Confirmed: %(title)s, %(when)s").split("%")[0])


def test_danish_teacher_gets_danish_invite(visit, mailbox):
    """A teacher with Danish (the default) gets a Danish subject, body and calendar text."""
    visit.book()

    message = only_message(deliver(mailbox), visit.teacher_email)

    assert subject(message).startswith("Bekræftet: Besøg på værftet")
    body = body_text(message)
    assert "Søren Ærø" in body
    assert "The visit is confirmed" not in body
    description = invite_calendar(message).event.description
    for english, danish in [("Address", "Adresse"), ("Meeting point", "Mødested"), ("Contact", "Kontakt")]:
        assert f"{english}:" not in description
        assert f"{danish}:" in description
    assert "Mødested: Den blå port ved Ærøvej 3" in description


# The mail server is down -------------------------------------------------------------------


def test_messages_wait_and_retry_while_the_mail_server_is_down(visit, settings):
    """With the mail server unreachable nothing is lost: each message stays pending with one
    attempt, the error and a later due time. Once the server is up and the retry time has
    come, each is delivered exactly once."""
    port = free_port()
    use_smtp(settings, port)  # nobody listens there
    visit.book()
    invites = OutgoingMessage.objects.filter(kind=Kind.INVITE)

    assert deliver_due() == 0

    now = timezone.now()
    assert invites.count() == 3
    for message in invites:
        assert message.status == Status.PENDING
        assert message.attempts == 1
        assert message.last_error
        assert message.due_at > now
    retry_at = max(message.due_at for message in invites)

    with running_smtp_server(port) as server:
        assert deliver_due() == 0  # not yet due again
        with time_machine.travel(retry_at + dt.timedelta(seconds=1), tick=False):
            assert deliver_due() == 3
            assert deliver_due() == 0

    assert sorted(r.rcpt_tos[0] for r in server.received) == sorted(visit.everyone)
    assert set(invites.values_list("status", flat=True)) == {Status.SENT}


def test_message_that_keeps_failing_ends_failed_and_shows_in_admin(visit, settings, client):
    """A message that fails MAX_ATTEMPTS times is marked failed with its last error, and the
    outbox in the admin lists it under status "failed"."""
    use_smtp(settings, free_port())
    visit.book()
    invite = OutgoingMessage.objects.get(kind=Kind.INVITE, recipient_email=visit.teacher_email)

    for _ in range(MAX_ATTEMPTS):
        invite.refresh_from_db()
        assert invite.status == Status.PENDING
        with time_machine.travel(invite.due_at + dt.timedelta(seconds=1), tick=False):
            deliver_due()

    invite.refresh_from_db()
    assert invite.status == Status.FAILED
    assert invite.attempts == MAX_ATTEMPTS
    assert invite.last_error.startswith("ConnectionRefusedError")
    assert invite.sent_at is None

    admin = factories.UserFactory(username="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/notifications/outgoingmessage/?status__exact=failed")
    assert response.status_code == 200
    page = response.content.decode()
    assert visit.teacher_email in page
    assert "ConnectionRefusedError" in page
    assert response.context["cl"].result_count == OutgoingMessage.objects.filter(status=Status.FAILED).count()


def test_retry_delay_grows_and_is_bounded():
    """Retries wait 1, 2, 4, … minutes and never more than two hours."""
    assert delivery.retry_delay(1) == dt.timedelta(minutes=1)
    assert delivery.retry_delay(2) == dt.timedelta(minutes=2)
    assert delivery.retry_delay(3) == dt.timedelta(minutes=4)
    assert delivery.retry_delay(MAX_ATTEMPTS) == dt.timedelta(hours=2)


# Sent once ---------------------------------------------------------------------------------


def test_delivering_twice_sends_nothing_new(visit, mailbox):
    """A second delivery run right after the first sends nothing."""
    visit.book()

    assert deliver_due() == 3
    assert deliver_due() == 0

    assert len(mailbox.received) == 3


def test_one_message_delivered_twice_is_sent_once(visit, mailbox):
    """Two deliveries of the same outbox row send one e-mail."""
    visit.book()
    message = OutgoingMessage.objects.get(kind=Kind.INVITE, recipient_email=visit.host_email)

    assert deliver_one(message.pk) == Status.SENT
    assert deliver_one(message.pk) is None

    assert [r.rcpt_tos for r in mailbox.received] == [(visit.host_email,)]
    assert deliver_due() == 2  # the other two, not this one again


def _enqueue_again(booking: Booking, change: Change) -> None:
    """What bookings.services._announce writes for `change`, written once more."""
    booking = Booking.objects.select_related("slot__offer__company", "slot__offer__contact__user", "booked_by").get(
        pk=booking.pk
    )
    teacher, host = booking.booked_by, booking.slot.offer.contact.user
    booking_messages_enqueue(
        booking=booking,
        change=change,
        recipients=[
            Recipient("teacher", teacher.email, teacher.get_full_name(), teacher.language),
            Recipient("host", host.email, host.get_full_name(), host.language),
            *(Recipient("role_model", model.email, model.name) for model in booking.slot.role_models.all()),
        ],
        reminder_days=reminder_days_of(booking.slot.offer.reminder_days),
        now=timezone.now(),
    )


def _outbox(booking: Booking) -> list[tuple]:
    return sorted(
        OutgoingMessage.objects.filter(subject_key=booking_subject_key(booking.pk)).values_list(
            "kind", "recipient_email", "sequence", "status", "due_at"
        )
    )


def test_same_change_saved_twice_creates_no_duplicate_messages(visit):
    """Writing the messages of the same change again adds no rows."""
    booking = visit.book()
    before = _outbox(booking)
    assert len([row for row in before if row[0] == Kind.INVITE]) == 3

    _enqueue_again(booking, Change.CREATED)
    _enqueue_again(booking, Change.CREATED)

    assert _outbox(booking) == before


def test_same_move_saved_twice_keeps_its_reminders(visit):
    """Writing the messages of a move a second time changes nothing: no duplicate rows, and
    the reminders for the new time stay pending."""
    booking = visit.book()
    services.booking_move(booking=booking, actor=visit.teacher.user, slot_id=visit.other_slot.pk)
    before = _outbox(booking)
    pending_reminders = [row for row in before if row[0] == Kind.REMINDER and row[3] == Status.PENDING]
    assert len(pending_reminders) == 4  # 7 and 1 days before, to teacher and host

    _enqueue_again(booking, Change.MOVED)

    assert _outbox(booking) == before
