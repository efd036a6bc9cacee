"""The note a person writes with a change (a cancellation, a decline, a confirmation, a move)
reaches the other side in the change's e-mail, labelled with who wrote it, in the text and the
HTML body (escaped there). It stays out of the calendar event, whose description is also in
shared feeds, and out of the role models' e-mails and later reminders."""

from __future__ import annotations

import datetime as dt
from html import escape

import pytest
from django.utils import timezone

from bookings import services
from bookings.messages import Kind, booking_subject_key
from bookings.models import Booking
from notifications.models import OutgoingMessage
from tests.notifications.conftest import Visit, body_text, calendar_part, deliver, invite_calendar, only_message

NOTE = "Vi har influenza i 8.Ø <b>desværre</b> & må aflyse.\nVi booker igen til foråret."
FROM_TEACHER = f"Besked fra læreren: {NOTE}"
FROM_HOST = f"Besked fra værten: {NOTE}"


def assert_quotes(message, quoted: str) -> None:
    """The text body quotes the note as written; the HTML body quotes it escaped."""
    text = body_text(message).replace("\r\n", "\n")
    assert quoted in text, text
    html = body_text(message, "html").replace("\r\n", "\n")
    assert escape(quoted, quote=False) in html, html
    assert "<b>desværre</b>" not in html


def assert_not_in_calendar(message) -> None:
    if calendar_part(message) is not None:
        assert "influenza" not in invite_calendar(message).event.description


def test_teacher_cancel_note_reaches_the_host_but_not_the_calendar_or_role_model(visit, mailbox):
    """A teacher cancels with a note: the host's (and the teacher's own) "Aflyst:" e-mail
    quotes it as the teacher's; the calendar cancellation and the role model's e-mail do not."""
    booking = visit.book()
    deliver(mailbox)

    services.booking_cancel(booking=booking, actor=visit.teacher.user, note=NOTE)
    received = deliver(mailbox)

    for address in (visit.host_email, visit.teacher_email):
        message = only_message(received, address)
        assert str(message["Subject"]).strip().startswith("Aflyst: ")
        assert_quotes(message, FROM_TEACHER)
        assert_not_in_calendar(message)
    role_model = only_message(received, visit.role_model_email)
    assert "influenza" not in body_text(role_model) + body_text(role_model, "html")


def _decline(visit: Visit, booking: Booking) -> None:
    services.booking_decline(booking=booking, actor=visit.host.user, note=NOTE)


def _confirm(visit: Visit, booking: Booking) -> None:
    services.booking_confirm(booking=booking, actor=visit.host.user, note=NOTE)


def _cancel(visit: Visit, booking: Booking) -> None:
    services.booking_cancel(booking=booking, actor=visit.host.user, note=NOTE)


def _move(visit: Visit, booking: Booking) -> None:
    services.booking_move(booking=booking, actor=visit.host.user, slot_id=visit.other_slot.pk, note=NOTE)


@pytest.mark.parametrize(
    ("auto_confirm", "change", "subject"),
    [
        (False, _decline, "Afvist: "),
        (False, _confirm, "Bekræftet: "),
        (True, _cancel, "Aflyst: "),
        (True, _move, "Flyttet: "),
    ],
    ids=["decline", "confirm", "cancel", "move"],
)
def test_host_note_reaches_the_teacher(visit, mailbox, auto_confirm, change, subject):
    """The host's "message to the teacher" on a decline, a confirmation, a cancellation or a
    move is in the teacher's e-mail of that change, labelled as the host's."""
    visit.offer.auto_confirm = auto_confirm
    visit.offer.save()
    booking = visit.book()
    deliver(mailbox)

    change(visit, booking)
    received = deliver(mailbox)

    message = only_message(received, visit.teacher_email)
    assert str(message["Subject"]).strip().startswith(subject)
    assert_quotes(message, FROM_HOST)
    assert_not_in_calendar(message)


def test_confirmation_note_is_not_repeated_in_reminders(manual_visit):
    """The note is news of the confirmation: the reminders the confirmation writes for later
    do not carry it."""
    booking = manual_visit.book()
    _confirm(manual_visit, booking)

    rows = OutgoingMessage.objects.filter(subject_key=booking_subject_key(booking.pk))
    reminders = [row.context for row in rows if row.kind == Kind.REMINDER]
    assert reminders
    assert all("note" not in context for context in reminders)
    assert any(row.context.get("note") == NOTE.strip() for row in rows if row.kind == Kind.INVITE)


def test_expired_request_e_mail_has_no_note(manual_visit, mailbox):
    """An expiry's note is for the booking's history (Brobyg wrote it, in English): the
    teacher's e-mail says the request expired and quotes nothing."""
    booking = manual_visit.book()
    deliver(mailbox)
    past = timezone.now() - dt.timedelta(minutes=1)
    type(manual_visit.slot).objects.filter(pk=booking.slot_id).update(booking_deadline=past)

    services.requests_expire()
    received = deliver(mailbox)

    body = body_text(only_message(received, manual_visit.teacher_email))
    assert "Besked fra" not in body and "Expired:" not in body
