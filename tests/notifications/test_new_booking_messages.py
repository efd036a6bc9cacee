"""A new booking's e-mails are written by the delivery pass, not by the request that books.

Creating a booking only marks it (`messages_pending`); `deliver_due()` (the django-q2 task's
pass, every second) first writes the messages of marked bookings, then sends. A booking changed
before that pass gets its creation messages written by the change itself, first. Whichever way,
every person hears the same things: these tests compare a booking whose messages were written
before its change with one whose change came first.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bookings import messages, services
from bookings.messages import Change, Kind, booking_subject_key
from bookings.models import Booking
from notifications.models import OutgoingMessage
from tests import factories
from tests.notifications.conftest import Visit, deliver


def create(visit: Visit, school_class=None, *, slot=None) -> Booking:
    """Book as the API does: no messages written yet."""
    return services.booking_create(
        actor=visit.teacher.user,
        slot_id=(slot or visit.slot).pk,
        school_class_id=(school_class or visit.school_class).pk,
        pupils=20,
    )


def outbox(booking: Booking) -> list[tuple]:
    """What each person is told about `booking`, and what became of it; reminders with their due time."""
    rows = OutgoingMessage.objects.filter(subject_key=booking_subject_key(booking.pk)).values_list(
        "kind", "role", "recipient_email", "sequence", "status", "due_at"
    )
    return sorted((*row[:5], row[5] if row[0] == Kind.REMINDER else None) for row in rows)


def test_booking_writes_no_message_itself_and_the_delivery_pass_sends_its_invites(visit, mailbox):
    booking = create(visit)
    assert Booking.objects.get(pk=booking.pk).messages_pending
    assert not OutgoingMessage.objects.filter(subject_key=booking_subject_key(booking.pk)).exists()

    received = deliver(mailbox)

    assert set(received) == visit.everyone
    assert not Booking.objects.get(pk=booking.pk).messages_pending
    assert deliver(mailbox) == {}


def test_writing_new_bookings_messages_twice_writes_nothing_more(visit):
    booking = create(visit)
    assert services.bookings_announce_new() == 1
    written = outbox(booking)

    assert services.bookings_announce_new() == 0
    Booking.objects.filter(pk=booking.pk).update(messages_pending=True)  # as if two passes raced
    assert services.bookings_announce_new() == 1

    assert outbox(booking) == written
    assert [row[0] for row in written].count(Kind.INVITE) == 3


def _cancel(visit: Visit, booking: Booking) -> None:
    services.booking_cancel(booking=booking, actor=visit.teacher.user)


def _move(visit: Visit, booking: Booking) -> None:
    services.booking_move(booking=booking, actor=visit.teacher.user, slot_id=visit.other_slot.pk)


def _confirm(visit: Visit, booking: Booking) -> None:
    services.booking_confirm(booking=booking, actor=visit.host.user)


def _decline(visit: Visit, booking: Booking) -> None:
    services.booking_decline(booking=booking, actor=visit.host.user)


@pytest.mark.parametrize(
    ("auto_confirm", "change"),
    [(True, _cancel), (True, _move), (False, _confirm), (False, _decline), (False, _cancel)],
    ids=["cancel", "move", "confirm-request", "decline-request", "cancel-request"],
)
def test_change_before_the_delivery_pass_tells_everyone_what_it_would_have_after(visit, auto_confirm, change):
    """Class A's booking has its messages written, then changes; class B's changes first. Both
    end with the same messages, in the same states."""
    visit.offer.auto_confirm = auto_confirm
    visit.offer.save()
    written_first = create(visit)
    services.bookings_announce_new()
    changed_first = create(visit, factories.SchoolClassFactory(school=visit.school_class.school, grade=8))

    change(visit, written_first)
    change(visit, changed_first)
    services.bookings_announce_new()

    assert outbox(changed_first) == outbox(written_first)
    assert outbox(written_first)  # the comparison is not between two empty outboxes


@pytest.mark.parametrize("slot_change", ["cancel", "new time"])
def test_slot_change_before_the_delivery_pass_tells_everyone_what_it_would_have_after(visit, slot_change):
    written_first = create(visit)
    services.bookings_announce_new()
    changed_first = create(visit, factories.SchoolClassFactory(school=visit.school_class.school, grade=8))

    if slot_change == "cancel":
        services.slot_cancel(slot=visit.slot, actor=visit.host.user)
    else:
        start = visit.slot.start + dt.timedelta(hours=1)
        services.slot_update(slot=visit.slot, actor=visit.host.user, start=start, end=start + dt.timedelta(hours=2))
    services.bookings_announce_new()

    assert outbox(changed_first) == outbox(written_first)
    assert {row[0] for row in outbox(written_first)} >= {
        Kind.CANCELLATION if slot_change == "cancel" else Kind.REMINDER
    }


def test_waitlisted_class_promoted_before_the_delivery_pass_hears_both_in_order(visit):
    """A class that went on the waitlist and got a place before any message was written has
    both written, in order: on the waitlist, then the invite (the first is withdrawn, not
    sent, as the booking has left the waitlist)."""
    visit.slot.capacity_classes = 1
    visit.slot.save()
    holder = create(visit)
    services.bookings_announce_new()
    waiting = create(visit, factories.SchoolClassFactory(school=visit.school_class.school, grade=8))
    assert waiting.status == Booking.Status.WAITLISTED

    _cancel(visit, holder)

    messages = OutgoingMessage.objects.filter(
        subject_key=booking_subject_key(waiting.pk), recipient_email=visit.teacher_email
    ).order_by("id")
    assert [message.kind for message in messages if message.kind != Kind.REMINDER] == [Kind.WAITLISTED, Kind.INVITE]
    assert not Booking.objects.get(pk=waiting.pk).messages_pending


# One booking that cannot be announced ------------------------------------------------------


def _fail_creation_of(monkeypatch, bad: Booking) -> None:
    """Make writing `bad`'s creation messages fail (as an offer whose reminder days overflow a
    date would); its other changes and every other booking are written as usual."""
    real = messages._messages

    def failing(booking, change, **arguments):
        if booking.pk == bad.pk and change == Change.CREATED:
            raise OverflowError("date value out of range")
        return real(booking, change, **arguments)

    monkeypatch.setattr(messages, "_messages", failing)


def _three_bookings(visit: Visit) -> list[Booking]:
    visit.slot.capacity_classes = 3
    visit.slot.save()
    school = visit.school_class.school
    classes = [visit.school_class, *(factories.SchoolClassFactory(school=school, grade=8) for _ in range(2))]
    return [create(visit, school_class) for school_class in classes]


def test_booking_whose_messages_fail_does_not_stop_the_other_bookings_e_mails(visit, mailbox, monkeypatch):
    """Of three new bookings, the middle one's messages cannot be written: the other two
    bookings' invites are written and sent in the same pass; the failure is recorded on the
    bad booking, which is not retried every pass."""
    first, bad, last = _three_bookings(visit)
    _fail_creation_of(monkeypatch, bad)

    deliver(mailbox)

    for booking in (first, last):
        rows = outbox(booking)
        assert [row[0] for row in rows].count(Kind.INVITE) == 3
        assert {row[4] for row in rows if row[0] == Kind.INVITE} == {OutgoingMessage.Status.SENT}
    assert outbox(bad) == []
    bad.refresh_from_db()
    assert "OverflowError: date value out of range" in bad.messages_error
    assert not bad.messages_pending
    assert services.bookings_announce_new() == 0


def test_booking_whose_creation_messages_fail_can_still_be_cancelled(visit, mailbox, monkeypatch):
    """A change of a new booking first writes its creation messages; if those fail, the
    change goes through all the same (no 500), its own messages are written and the
    failure is recorded on the booking."""
    first, bad, last = _three_bookings(visit)
    _fail_creation_of(monkeypatch, bad)

    _cancel(visit, bad)

    bad.refresh_from_db()
    assert bad.status == Booking.Status.CANCELLED
    assert "OverflowError" in bad.messages_error
    assert not bad.messages_pending
    assert {row[0] for row in outbox(bad)} == {Kind.CANCELLATION}
    deliver(mailbox)
    invites = [row for row in outbox(first) + outbox(last) if row[0] == Kind.INVITE]
    assert len(invites) == 6
    assert {row[4] for row in invites} == {OutgoingMessage.Status.SENT}
