"""The outbox's limits: a message whose sending keeps dying ends failed, a send never outlives
the delivery task's time limit, and a message about a state the booking has left is not sent."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from bookings import services
from bookings.messages import Kind, booking_subject_key
from bookings.models import Booking
from notifications import delivery, tasks
from notifications.delivery import MAX_ATTEMPTS, deliver_due
from notifications.models import OutgoingMessage
from tests import factories, live
from tests.notifications import cluster_harness as harness
from tests.notifications.conftest import deliver

Status = OutgoingMessage.Status


def _invites(booking: Booking):
    return OutgoingMessage.objects.filter(subject_key=booking_subject_key(booking.pk), kind=Kind.INVITE)


def _worker_dies_while_sending(message_id: int, *, claimed_ago: dt.timedelta = dt.timedelta(hours=1)) -> None:
    """Claim the row as a worker does (counting the attempt) and leave it claimed."""
    assert delivery._claim(message_id, timezone.now() - claimed_ago)


# Claims that keep going stale ----------------------------------------------------------------


def test_message_whose_claim_keeps_going_stale_ends_failed_after_max_attempts(visit, mailbox):
    """A worker that dies in the middle of a send leaves its row claimed; the claim timing
    out is an attempt like a failed send, so a message that kills every worker sending it
    (a huge attachment, a crash in the mail library) ends FAILED instead of looping forever."""
    booking = visit.book()
    row = _invites(booking).first()

    for attempt in range(1, MAX_ATTEMPTS + 1):
        _worker_dies_while_sending(row.pk)
        delivery.release_stale_claims(now=timezone.now())
        row.refresh_from_db()
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert row.status == Status.PENDING
        assert "claim" in row.last_error

    assert row.status == Status.FAILED
    deliver(mailbox)
    row.refresh_from_db()
    assert row.status == Status.FAILED
    assert row.attempts == MAX_ATTEMPTS


def test_stale_claim_below_max_attempts_is_sent_by_the_next_pass(visit, mailbox):
    booking = visit.book()
    row = _invites(booking).first()
    _worker_dies_while_sending(row.pk)

    deliver(mailbox)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)


# Time limits ---------------------------------------------------------------------------------


def _smtp_settings(settings, port: int, *, email_timeout: float) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = live.HOST, port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = email_timeout


def test_send_to_a_server_that_stops_answering_is_cut_off_at_the_pass_cutoff(visit, settings):
    """EMAIL_TIMEOUT bounds each socket operation, not a send: the pass shuts the connection
    at its cutoff, so a send that hangs ends there (counted as an attempt, retried later)
    instead of running into the task's time limit."""
    booking = visit.book()
    handler = harness.RecordingHandler(block_at_rcpt=1)
    with harness.RecordingSmtp(handler) as smtp:
        _smtp_settings(settings, smtp.port, email_timeout=30)
        started = time.monotonic()

        sent = deliver_due(deadline=started + 0.5, cutoff=started + 1.0)

        elapsed = time.monotonic() - started
    assert sent == 0
    assert elapsed < 3, f"the pass ran {elapsed:.1f} s past a 1 s cutoff"
    stuck = _invites(booking).exclude(status=Status.PENDING).values_list("status", flat=True)
    assert list(stuck) == []
    assert _invites(booking).filter(attempts=1).count() == 1


def test_delivery_task_ends_inside_the_task_timeout_when_the_mail_server_hangs(visit, settings, monkeypatch):
    """The task claims nothing after the task timeout less one send's worst case (the SMTP
    timeout) and a margin, so even a send that hangs until its SMTP timeout ends before
    django-q2 kills the task."""
    visit.book()
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 4}
    monkeypatch.setattr(tasks, "MARGIN_SECONDS", 1.0)
    handler = harness.RecordingHandler(block_at_rcpt=1)
    with harness.RecordingSmtp(handler) as smtp:
        _smtp_settings(settings, smtp.port, email_timeout=2)
        started = time.monotonic()

        tasks.deliver_due_messages()

        elapsed = time.monotonic() - started
    assert elapsed < 4, f"the task ran {elapsed:.1f} s with a 4 s timeout"


def test_settings_leave_room_for_a_send_inside_the_task_timeout(settings):
    """The installation's settings: the claim window of the task is positive, and a message
    whose worker died waits at most a minute for its claim to lapse, while a claim survives
    two missed renewals of several seconds each."""
    window = tasks.claim_seconds()
    assert window > 0
    assert window + settings.EMAIL_TIMEOUT + tasks.MARGIN_SECONDS <= settings.Q_CLUSTER["timeout"]
    assert 15 <= settings.OUTBOX_CLAIM_TIMEOUT_SECONDS <= 60
    assert delivery.renewal_interval() >= 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_send_longer_than_the_claim_timeout_keeps_its_claim(visit, monkeypatch, settings):
    """The claim is a lease renewed while the message is sent: a send that takes twice the
    claim timeout (a slow mail server) is not released to another worker in the meantime,
    so it goes out once. Another worker's pass releasing stale claims runs in the middle of
    the send here."""
    settings.OUTBOX_CLAIM_TIMEOUT_SECONDS = 0.6
    booking = visit.book()
    row = _invites(booking).first()
    released_during_send: list[int] = []
    backend = type(mail.get_connection())
    original = backend.send_messages

    def slow_send(self, messages):
        time.sleep(1.2)
        released_during_send.append(delivery.release_stale_claims(now=timezone.now()))
        return original(self, messages)

    monkeypatch.setattr(backend, "send_messages", slow_send)

    assert delivery.deliver_one(row.pk) == Status.SENT

    row.refresh_from_db()
    assert released_during_send == [0]
    assert (row.status, row.attempts, len(mail.outbox)) == (Status.SENT, 1, 1)


# Messages about a state the booking has left ---------------------------------------------------


def test_request_confirmed_before_delivery_sends_the_invite_not_the_request_messages(manual_visit, mailbox):
    visit = manual_visit
    booking = visit.book()
    services.booking_confirm(booking=booking, actor=visit.host.user)

    received = deliver(mailbox)

    kinds = dict(
        OutgoingMessage.objects.filter(subject_key=booking_subject_key(booking.pk), status=Status.SENT).values_list(
            "recipient_email", "kind"
        )
    )
    assert kinds == {email: Kind.INVITE for email in visit.everyone}
    assert all(len(messages) == 1 for messages in received.values())


@pytest.mark.parametrize("leaves_by", ["promotion", "cancellation"])
def test_waitlist_message_is_not_sent_once_the_booking_left_the_waitlist(visit, mailbox, leaves_by):
    visit.slot.capacity_classes = 1
    visit.slot.save()
    holder = visit.book()
    deliver(mailbox)
    other_class = factories.SchoolClassFactory(school=visit.school_class.school, grade=8)
    waiting = services.booking_create(
        actor=visit.teacher.user, slot_id=visit.slot.pk, school_class_id=other_class.pk, pupils=20
    )
    services.bookings_announce_new()
    assert waiting.status == Booking.Status.WAITLISTED
    if leaves_by == "promotion":
        services.booking_cancel(booking=holder, actor=visit.teacher.user)
    else:
        services.booking_cancel(booking=waiting, actor=visit.teacher.user)

    deliver(mailbox)

    waitlisted = OutgoingMessage.objects.get(subject_key=booking_subject_key(waiting.pk), kind=Kind.WAITLISTED)
    assert waitlisted.status == Status.WITHDRAWN
