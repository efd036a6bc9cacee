"""Reminders, the pending nudge and request expiry, on a frozen clock.

The clock (time_machine, not ticking) starts on Tuesday 1 September 2026 at 08:00 in
Copenhagen, far from a DST switch and from school holidays. Each test moves it to the instants
that matter: one second before a message is due, and the exact instant it is due. Mail goes
to Django's locmem backend (config.test_settings); `deliver_due()` is the one pass the
django-q2 schedule makes every second.
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parseaddr
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from bookings import services
from bookings.messages import Kind, booking_subject_key
from bookings.models import Booking, BookingEvent
from bookings.tasks import expire_unanswered_requests
from notifications.delivery import deliver_due
from notifications.models import OutgoingMessage
from tests import factories

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
NOW = dt.datetime(2026, 9, 1, 8, 0, tzinfo=COPENHAGEN)
SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)

Status = OutgoingMessage.Status


@pytest.fixture(autouse=True)
def clock():
    """Frozen at NOW before any other fixture writes a row; `clock.move_to(instant)`."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def slot_at(offer, start: dt.datetime, **fields):
    fields.setdefault("booking_deadline", start - DAY)
    return factories.SlotFactory(offer=offer, start=start, end=start + dt.timedelta(hours=2), **fields)


def book(teacher, school_class, slot) -> Booking:
    """Book, and write the booking's messages as the delivery task does within a second."""
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    services.bookings_announce_new()
    return booking


def rows(booking: Booking, kind: str, **filters):
    return OutgoingMessage.objects.filter(subject_key=booking_subject_key(booking.pk), kind=kind, **filters).order_by(
        "due_at", "role"
    )


def schedule(booking: Booking, kind: str, **filters) -> list[tuple[dt.datetime, str, str]]:
    """(due, role, recipient) of a booking's messages of one kind, sorted."""
    return sorted(rows(booking, kind, **filters).values_list("due_at", "role", "recipient_email"))


def expected(people, *dues: dt.datetime) -> list[tuple[dt.datetime, str, str]]:
    return sorted((due, role, email) for due in dues for role, email in people)


def people_of(teacher, host) -> list[tuple[str, str]]:
    return [("teacher", teacher.user.email), ("host", host.user.email)]


def sent_now() -> list[tuple[str, str, str]]:
    """Deliver what is due now; (kind, recipient, subject) of each e-mail sent, sorted. The
    kind is read from the outbox row named by the e-mail's Message-ID."""
    mail.outbox.clear()
    deliver_due()
    sent = []
    for message in mail.outbox:
        row_id = int(re.match(r"<brobyg-message-(\d+)@", message.extra_headers["Message-ID"]).group(1))
        sent.append((OutgoingMessage.objects.get(pk=row_id).kind, parseaddr(message.to[0])[1], message.subject))
    return sorted(sent)


def subject_prefix(template: str) -> str:
    """The fixed start of a subject (e.g. "Reminder: "), in the language it is sent in."""
    return gettext(template).split("%(")[0]


# Reminders ---------------------------------------------------------------------------------


def test_booking_ten_days_ahead_gets_reminders_exactly_7_and_1_days_before(teacher, host, school_class, offer):
    start = NOW + 10 * DAY + dt.timedelta(hours=2)
    booking = book(teacher, school_class, slot_at(offer, start))

    assert booking.status == Booking.Status.CONFIRMED
    assert schedule(booking, Kind.REMINDER) == expected(people_of(teacher, host), start - 7 * DAY, start - DAY)
    assert set(rows(booking, Kind.REMINDER).values_list("status", "sequence")) == {(Status.PENDING, 0)}


def test_booking_three_days_ahead_only_gets_the_one_day_reminder(teacher, host, school_class, offer):
    start = NOW + 3 * DAY
    booking = book(teacher, school_class, slot_at(offer, start))

    assert schedule(booking, Kind.REMINDER) == expected(people_of(teacher, host), start - DAY)


def test_booking_less_than_a_day_ahead_gets_no_reminder(teacher, school_class, offer):
    start = NOW + dt.timedelta(hours=20)
    booking = book(teacher, school_class, slot_at(offer, start, booking_deadline=start - dt.timedelta(hours=2)))

    assert schedule(booking, Kind.REMINDER) == []
    assert rows(booking, Kind.INVITE).count() == 2


@pytest.mark.parametrize("path", ["auto-confirmed", "confirmed by the host"])
def test_offer_reminder_days_replace_the_default(path, teacher, host, school_class, offer):
    """Both ways a booking becomes confirmed read the offer's own reminder days: creation
    (from the slot row read in SQL) and the host's confirmation (from the offer)."""
    offer.reminder_days = "2"
    offer.auto_confirm = path == "auto-confirmed"
    offer.save()
    start = NOW + 10 * DAY
    booking = book(teacher, school_class, slot_at(offer, start))
    if path == "confirmed by the host":
        booking = services.booking_confirm(booking=booking, actor=host.user)

    assert booking.status == Booking.Status.CONFIRMED
    assert schedule(booking, Kind.REMINDER) == expected(people_of(teacher, host), start - 2 * DAY)


def test_reminder_is_sent_when_due_and_not_a_second_before(clock, teacher, host, school_class, offer):
    start = NOW + 10 * DAY
    booking = book(teacher, school_class, slot_at(offer, start))
    assert [kind for kind, _, _ in sent_now()] == [Kind.INVITE, Kind.INVITE]
    reminder = subject_prefix("Reminder: %(title)s, %(when)s")

    for days in (7, 1):
        due = start - days * DAY
        clock.move_to(due - SECOND)
        assert sent_now() == [], f"{days}-day reminder sent early"
        clock.move_to(due)
        sent = sent_now()
        assert [(kind, to) for kind, to, _ in sent] == sorted(
            [(Kind.REMINDER, teacher.user.email), (Kind.REMINDER, host.user.email)]
        )
        assert all(subject.startswith(reminder) for _, _, subject in sent)
        assert set(rows(booking, Kind.REMINDER, due_at=due).values_list("status", flat=True)) == {Status.SENT}

    clock.move_to(start + DAY)
    assert sent_now() == []
    assert rows(booking, Kind.REMINDER, status=Status.SENT).count() == 4


def test_moving_a_booking_withdraws_old_reminders_and_schedules_new_ones(clock, teacher, host, school_class, offer):
    old_start, new_start = NOW + 10 * DAY, NOW + 20 * DAY
    old_slot, new_slot = slot_at(offer, old_start), slot_at(offer, new_start)
    booking = book(teacher, school_class, old_slot)
    old_reminders = list(rows(booking, Kind.REMINDER).values_list("pk", flat=True))

    clock.move_to(NOW + DAY)
    booking = services.booking_move(booking=booking, actor=teacher.user, slot_id=new_slot.pk)

    assert booking.invite_sequence == 1
    assert set(OutgoingMessage.objects.filter(pk__in=old_reminders).values_list("status", flat=True)) == {
        Status.WITHDRAWN
    }
    people = people_of(teacher, host)
    assert schedule(booking, Kind.REMINDER, status=Status.PENDING) == expected(
        people, new_start - 7 * DAY, new_start - DAY
    )
    assert set(rows(booking, Kind.REMINDER, status=Status.PENDING).values_list("sequence", flat=True)) == {1}
    sent_now()  # the invites (the first is superseded and withdrawn, the second goes out)

    for due in (old_start - 7 * DAY, old_start - DAY):
        clock.move_to(due)
        assert sent_now() == [], "a reminder of the old time was sent"
    for due in (new_start - 7 * DAY, new_start - DAY):
        clock.move_to(due)
        assert [(kind, to) for kind, to, _ in sent_now()] == sorted(
            [(Kind.REMINDER, teacher.user.email), (Kind.REMINDER, host.user.email)]
        )


def test_rescheduling_the_slot_moves_the_reminders(clock, teacher, host, school_class, offer):
    """The host moving the slot itself (slot_update) is the other way a booking's time changes."""
    start, later = NOW + 10 * DAY, NOW + 12 * DAY
    slot = slot_at(offer, start)
    booking = book(teacher, school_class, slot)

    services.slot_update(slot=slot, actor=host.user, start=later, end=later + dt.timedelta(hours=2))

    assert set(rows(booking, Kind.REMINDER, sequence=0).values_list("status", flat=True)) == {Status.WITHDRAWN}
    assert schedule(booking, Kind.REMINDER, status=Status.PENDING) == expected(
        people_of(teacher, host), later - 7 * DAY, later - DAY
    )
    sent_now()
    clock.move_to(start - 7 * DAY)
    assert sent_now() == []
    clock.move_to(later - 7 * DAY)
    assert len(sent_now()) == 2


@pytest.mark.parametrize("who", ["teacher cancels the booking", "host cancels the slot"])
def test_cancelling_withdraws_pending_reminders_and_none_is_sent_afterwards(
    who, clock, teacher, host, school_class, offer
):
    start = NOW + 10 * DAY
    slot = slot_at(offer, start)
    booking = book(teacher, school_class, slot)
    sent_now()

    clock.move_to(NOW + DAY)
    if who == "teacher cancels the booking":
        services.booking_cancel(booking=booking, actor=teacher.user)
    else:
        services.slot_cancel(slot=slot, actor=host.user)

    assert set(rows(booking, Kind.REMINDER).values_list("status", flat=True)) == {Status.WITHDRAWN}
    assert rows(booking, Kind.REMINDER).count() == 4
    cancellations = sent_now()
    assert [(kind, to) for kind, to, _ in cancellations] == sorted(
        [(Kind.CANCELLATION, teacher.user.email), (Kind.CANCELLATION, host.user.email)]
    )
    for moment in (start - 7 * DAY, start - DAY, start):
        clock.move_to(moment)
        assert sent_now() == []
    assert not rows(booking, Kind.REMINDER).exclude(status=Status.WITHDRAWN).exists()


def test_reminders_are_withdrawn_in_the_cancelling_transaction(teacher, host, school_class, offer):
    """The withdrawal commits or rolls back with the cancellation: when the cancellation fails
    after the outbox was written, the booking stays confirmed and its reminders stay pending."""
    booking = book(teacher, school_class, slot_at(offer, NOW + 10 * DAY))

    with (
        mock.patch("bookings.services.bookings.waitlist_promote", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        services.booking_cancel(booking=booking, actor=teacher.user)

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert set(rows(booking, Kind.REMINDER).values_list("status", flat=True)) == {Status.PENDING}
    assert not rows(booking, Kind.CANCELLATION).exists()

    services.booking_cancel(booking=booking, actor=teacher.user)
    assert set(rows(booking, Kind.REMINDER).values_list("status", flat=True)) == {Status.WITHDRAWN}


def test_class_promoted_from_the_waitlist_gets_reminders(clock, teacher, host, school, offer):
    first, second = (factories.SchoolClassFactory(school=school, grade=8, pupils=20) for _ in range(2))
    start = NOW + 10 * DAY
    slot = slot_at(offer, start, capacity_classes=1)
    taken = book(teacher, first, slot)
    waiting = book(teacher, second, slot)
    assert waiting.status == Booking.Status.WAITLISTED
    assert schedule(waiting, Kind.REMINDER) == []

    clock.move_to(NOW + DAY)
    services.booking_cancel(booking=taken, actor=teacher.user)

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED
    assert schedule(waiting, Kind.REMINDER) == expected(people_of(teacher, host), start - 7 * DAY, start - DAY)


def test_reminder_left_in_the_outbox_past_the_visit_is_not_sent(clock, teacher, host, school_class, offer):
    """If nothing delivered for a while (the cluster was down over a weekend), reminders that
    fell due meanwhile are still pending when delivery resumes. Those of visits that have
    started must not go out: a "reminder" of yesterday's visit is wrong. Today they are sent."""
    start = NOW + 10 * DAY
    booking = book(teacher, school_class, slot_at(offer, start))
    sent_now()

    clock.move_to(start + dt.timedelta(hours=3))
    sent = sent_now()

    assert [kind for kind, _, _ in sent if kind == Kind.REMINDER] == []
    assert not rows(booking, Kind.REMINDER, status=Status.SENT).exists()


# The pending nudge -------------------------------------------------------------------------


@pytest.fixture
def manual_offer(offer):
    offer.auto_confirm = False
    offer.save()
    return offer


@pytest.mark.parametrize("nudge_days", [None, 2], ids=["default", "setting-2"])
def test_unanswered_request_nudges_the_host_after_pending_nudge_days(
    nudge_days, clock, settings, teacher, host, school_class, manual_offer
):
    if nudge_days is not None:
        settings.PENDING_NUDGE_DAYS = nudge_days
    nudge_at = NOW + settings.PENDING_NUDGE_DAYS * DAY
    booking = book(teacher, school_class, slot_at(manual_offer, NOW + 10 * DAY))

    assert booking.status == Booking.Status.REQUESTED
    assert schedule(booking, Kind.PENDING_NUDGE) == [(nudge_at, "host", host.user.email)]
    assert sorted((kind, to) for kind, to, _ in sent_now()) == sorted(
        [(Kind.REQUEST_RECEIVED, teacher.user.email), (Kind.NEW_REQUEST, host.user.email)]
    )

    clock.move_to(nudge_at - SECOND)
    assert sent_now() == []
    clock.move_to(nudge_at)
    sent = sent_now()
    assert [(kind, to) for kind, to, _ in sent] == [(Kind.PENDING_NUDGE, host.user.email)]
    assert sent[0][2].startswith(subject_prefix("Waiting for your answer: %(class)s for %(title)s, %(when)s"))


def test_messages_written_after_the_request_count_from_when_it_was_made(
    clock, teacher, host, school_class, manual_offer
):
    """The delivery pass writes a new booking's messages a moment after it is made: the nudge
    is still due PENDING_NUDGE_DAYS after the request, not after that moment."""
    booking = services.booking_create(
        actor=teacher.user, slot_id=slot_at(manual_offer, NOW + 10 * DAY).pk, school_class_id=school_class.pk, pupils=20
    )
    clock.move_to(NOW + 30 * SECOND)
    services.bookings_announce_new()

    assert schedule(booking, Kind.PENDING_NUDGE) == [(NOW + settings.PENDING_NUDGE_DAYS * DAY, "host", host.user.email)]
    assert schedule(booking, Kind.REQUEST_RECEIVED) == [(NOW, "teacher", teacher.user.email)]


def test_confirming_before_the_nudge_withdraws_it(clock, teacher, host, school_class, manual_offer):
    nudge_at = NOW + settings.PENDING_NUDGE_DAYS * DAY
    booking = book(teacher, school_class, slot_at(manual_offer, NOW + 20 * DAY))  # no reminder due at nudge_at
    sent_now()

    clock.move_to(nudge_at - dt.timedelta(hours=1))
    services.booking_confirm(booking=booking, actor=host.user)

    assert set(rows(booking, Kind.PENDING_NUDGE).values_list("status", flat=True)) == {Status.WITHDRAWN}
    assert [kind for kind, _, _ in sent_now()] == [Kind.INVITE, Kind.INVITE]
    clock.move_to(nudge_at)
    assert sent_now() == []


def test_declining_before_the_nudge_withdraws_it(clock, teacher, host, school_class, manual_offer):
    nudge_at = NOW + settings.PENDING_NUDGE_DAYS * DAY
    booking = book(teacher, school_class, slot_at(manual_offer, NOW + 10 * DAY))
    sent_now()

    services.booking_decline(booking=booking, actor=host.user)

    assert set(rows(booking, Kind.PENDING_NUDGE).values_list("status", flat=True)) == {Status.WITHDRAWN}
    assert [(kind, to) for kind, to, _ in sent_now()] == [(Kind.DECLINED, teacher.user.email)]
    clock.move_to(nudge_at)
    assert sent_now() == []


# Expiry ------------------------------------------------------------------------------------


def test_request_unanswered_at_the_booking_deadline_expires(clock, teacher, host, school_class, manual_offer):
    start = NOW + 10 * DAY
    deadline = start - DAY
    slot = slot_at(manual_offer, start, booking_deadline=deadline)
    booking = book(teacher, school_class, slot)
    sent_now()
    clock.move_to(NOW + settings.PENDING_NUDGE_DAYS * DAY)
    assert [kind for kind, _, _ in sent_now()] == [Kind.PENDING_NUDGE]

    clock.move_to(deadline - SECOND)
    assert expire_unanswered_requests() == 0
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED

    clock.move_to(deadline)
    assert expire_unanswered_requests() == 1

    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert (slot.booked_classes, slot.booked_pupils) == (0, 0)
    assert booking.events.filter(action=BookingEvent.Action.EXPIRED, actor=None).count() == 1
    sent = sent_now()
    assert [(kind, to) for kind, to, _ in sent] == [(Kind.REQUEST_EXPIRED, teacher.user.email)]
    assert sent[0][2].startswith(subject_prefix("Request expired: %(title)s, %(when)s"))
    assert expire_unanswered_requests() == 0
    assert sent_now() == []


def test_expiry_leaves_confirmed_bookings_and_open_deadlines_alone(clock, teacher, host, school, offer, manual_offer):
    """Only requests whose own slot's deadline has passed expire."""
    other_offer = factories.OfferFactory(company=offer.company, contact=host, auto_confirm=True)
    classes = [factories.SchoolClassFactory(school=school, grade=8, pupils=20) for _ in range(3)]
    soon = slot_at(manual_offer, NOW + 5 * DAY, booking_deadline=NOW + 2 * DAY)
    later = slot_at(manual_offer, NOW + 9 * DAY, booking_deadline=NOW + 6 * DAY)
    confirmed_slot = slot_at(other_offer, NOW + 5 * DAY, booking_deadline=NOW + 2 * DAY)
    expiring = book(teacher, classes[0], soon)
    waiting = book(teacher, classes[1], later)
    confirmed = book(teacher, classes[2], confirmed_slot)

    clock.move_to(NOW + 2 * DAY)
    assert expire_unanswered_requests() == 1

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses == {
        expiring.pk: Booking.Status.CANCELLED,
        waiting.pk: Booking.Status.REQUESTED,
        confirmed.pk: Booking.Status.CONFIRMED,
    }
    assert rows(waiting, Kind.PENDING_NUDGE, status=Status.PENDING).count() == 1


def test_expired_moved_booking_tells_the_teacher_the_request_expired(clock, teacher, host, school_class, manual_offer):
    """A confirmed booking moved on a manual offer is a tentative request again (its calendar
    entry is kept as tentative, so the booking has an invite sequence). When the host does
    not answer by the new slot's deadline the request expires: calendars get the
    cancellation, and the teacher must also learn why; today only the bare cancellation is
    sent ("The visit is cancelled and removed from your calendar."), so a teacher who had a
    confirmed visit loses it without being told that the host never answered."""
    first = slot_at(manual_offer, NOW + 10 * DAY)
    second = slot_at(manual_offer, NOW + 15 * DAY, booking_deadline=NOW + 14 * DAY)
    booking = book(teacher, school_class, first)
    booking = services.booking_confirm(booking=booking, actor=host.user)
    booking = services.booking_move(booking=booking, actor=teacher.user, slot_id=second.pk)
    assert (booking.status, booking.invite_sequence) == (Booking.Status.REQUESTED, 1)
    sent_now()

    clock.move_to(NOW + 14 * DAY)
    assert expire_unanswered_requests() == 1

    to_teacher = {kind for kind, to, _ in sent_now() if to == teacher.user.email}
    assert Kind.CANCELLATION in to_teacher
    assert Kind.REQUEST_EXPIRED in to_teacher


def test_reminders_keep_the_wall_clock_time_across_a_daylight_saving_switch():
    """A 10:00 visit on the Tuesday after the spring switch is reminded at 10:00 a week
    before (in winter time), not at 11:00."""
    from zoneinfo import ZoneInfo

    from notifications.services import days_before

    copenhagen = ZoneInfo("Europe/Copenhagen")
    visit = dt.datetime(2027, 3, 30, 10, 0, tzinfo=copenhagen)

    reminder = days_before(visit, 7).astimezone(copenhagen)

    assert (reminder.date(), reminder.hour, reminder.utcoffset()) == (dt.date(2027, 3, 23), 10, dt.timedelta(hours=1))
