"""Delivering the outbox: claim a due row, render it, send it, record the outcome.

A row is claimed with a conditional UPDATE (pending → sending), so two workers never send the
same row. Sending happens outside any transaction. The claim is a lease: while the worker
renders and sends, a thread of the delivery pass renews it every third of the claim timeout
(settings.OUTBOX_CLAIM_TIMEOUT_SECONDS, 30 s by default), so a slow send keeps its row however
long it takes. A worker killed mid-send (SIGKILL, out of memory, a lost host; with the Redis
broker the task dies with it) stops renewing: once the claim is older than the claim timeout,
the row is pending again and is sent by the next run. The one gap no sender can close is a
crash after the mail server accepted a message but before the row was marked sent: that
message goes out twice, with the same Message-ID, so the receiving side can tell.
bench/outbox_sigkill.py kills workers mid-delivery to show that nothing else is lost or
doubled.

What a row says is its domain's business: the domain registered for the row's subject type
(notifications/registry.py) loads the subject, says whether the message is still current
and renders it. A row whose subject no longer exists, or no longer holds, is withdrawn.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import socket
import threading
import time

from django import db
from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone

from notifications.models import OutgoingMessage
from notifications.registry import message_source, message_sources, split_subject_key

logger = logging.getLogger(__name__)
Status = OutgoingMessage.Status

CLAIM_TIMEOUT = dt.timedelta(seconds=30)  # the default of settings.OUTBOX_CLAIM_TIMEOUT_SECONDS
MAX_ATTEMPTS = 10
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=2)


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, … minutes, at most two hours: ten attempts span about seven hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


def claim_timeout() -> dt.timedelta:
    """How long a claim holds unless renewed: settings.OUTBOX_CLAIM_TIMEOUT_SECONDS, read at
    each call (tests use a few seconds). It is how long a message waits after its worker died,
    and it must outlast two missed renewals (a worker starved of CPU, a slow database), or a
    live worker's row could be released and sent a second time by another."""
    seconds = getattr(settings, "OUTBOX_CLAIM_TIMEOUT_SECONDS", None)
    return CLAIM_TIMEOUT if seconds is None else dt.timedelta(seconds=float(seconds))


STALE_CLAIM = "The claim timed out: the worker sending it stopped (killed, or out of time)."


def release_stale_claims(*, now: dt.datetime) -> int:
    """Put rows whose claim timed out back to pending, to be sent by the next pass. The claim
    counted as an attempt, so a message that kills every worker sending it ends FAILED
    after MAX_ATTEMPTS instead of being claimed again forever."""
    stale = OutgoingMessage.objects.filter(status=Status.SENDING, claimed_at__lt=now - claim_timeout())
    given_up = stale.filter(attempts__gte=MAX_ATTEMPTS).update(status=Status.FAILED, last_error=STALE_CLAIM)
    return given_up + stale.update(status=Status.PENDING, last_error=STALE_CLAIM)


def due_message_ids(*, now: dt.datetime, limit: int) -> list[int]:
    return list(
        OutgoingMessage.objects.filter(status=Status.PENDING, due_at__lte=now)
        .order_by("due_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def _claim(message_id: int, now: dt.datetime) -> bool:
    return (
        OutgoingMessage.objects.filter(pk=message_id, status=Status.PENDING).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
        == 1
    )


def renewal_interval() -> float:
    """Seconds between renewals of a claim: a third of the claim timeout, so a claim lapses
    only after two renewals in a row did not happen."""
    return claim_timeout().total_seconds() / 3


LOST_CLAIM = "Outbox message %s: its claim was released while it was being sent; it may go out twice."


class ClaimRenewer:
    """Renews the claim of the message being sent, every renewal_interval() seconds, from a
    thread of its own with a database connection of its own. One per delivery pass, so a pass
    pays for one thread, not one per message; `holding(id)` names the message being sent.

    The lock keeps a renewal and the end of a hold apart: once `holding` has returned, no
    renewal of that message is under way, and the row can be marked sent without a renewal
    finding it no longer claimed and crying wolf."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> ClaimRenewer:
        self._thread = threading.Thread(target=self._run, args=(renewal_interval(),), name="claims", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    @contextlib.contextmanager
    def holding(self, message_id: int):
        with self._lock:
            self._current = message_id
        try:
            yield
        finally:
            with self._lock:
                self._current = None

    def _run(self, interval: float) -> None:
        try:
            while not self._stop.wait(interval):
                with self._lock:
                    if self._current is not None:
                        self._renew(self._current)
        finally:
            db.connection.close()

    @staticmethod
    def _renew(message_id: int) -> None:
        try:
            renewed = OutgoingMessage.objects.filter(pk=message_id, status=Status.SENDING).update(
                claimed_at=timezone.now()
            )
        except Exception:
            logger.exception("Renewing the claim of outbox message %s failed", message_id)
            return
        if not renewed:
            logger.error(LOST_CLAIM, message_id)


def _finish(message_id: int, **fields) -> None:
    OutgoingMessage.objects.filter(pk=message_id, status=Status.SENDING).update(**fields)


def deliver_one(message_id: int, *, connection=None, renewer: ClaimRenewer | None = None) -> str | None:
    """Send one due message if this worker wins the claim. Returns the row's new status.
    `renewer` keeps the claim while it is sent: a delivery pass passes its own; without one,
    this call runs one."""
    if renewer is None:
        with ClaimRenewer() as renewer:
            return deliver_one(message_id, connection=connection, renewer=renewer)
    now = timezone.now()
    if not _claim(message_id, now):
        return None
    message = OutgoingMessage.objects.get(pk=message_id)
    source = message_source(message.subject_key)
    if source is None and message.subject_key:  # no domain renders it: an administrator may send it again
        _finish(message_id, status=Status.FAILED, last_error=f"No domain renders {message.subject_key!r}.")
        return Status.FAILED
    try:
        with renewer.holding(message_id):
            # Loading and checking the subject are the domain's code too: a failure there is this
            # message's, recorded and retried like a failed send, and never stops the pass.
            subject = source.load(split_subject_key(message.subject_key)[1]) if source else None
            current = subject is not None and source.is_current(message, subject)
            if current:
                email = source.render(message, subject)
                (connection or get_connection()).send_messages([email])
    except Exception as error:
        logger.warning("Sending outbox message %s failed: %s", message_id, error)
        failed = message.attempts >= MAX_ATTEMPTS
        _finish(
            message_id,
            status=Status.FAILED if failed else Status.PENDING,
            due_at=now + retry_delay(message.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return Status.FAILED if failed else Status.PENDING
    if not current:
        _finish(message_id, status=Status.WITHDRAWN, last_error="superseded")
        return Status.WITHDRAWN
    _finish(message_id, status=Status.SENT, sent_at=timezone.now(), subject=email.subject[:300], last_error="")
    return Status.SENT


def _shut_down(connection) -> None:
    """Shut the socket of an SMTP connection (Django's backend keeps smtplib's SMTP object as
    `connection.connection`), so that a send blocked on it fails at once. Called from a timer
    thread; shutdown() wakes a blocked recv() where close() would not."""
    sock = getattr(getattr(connection, "connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):  # already closed: nothing to cut
            sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def _cut_off(connection, at: float | None):
    """Shut the mail connection down at `at` (a time.monotonic() value) if it is still in use
    then. EMAIL_TIMEOUT bounds each socket operation, not a send: a server answering each
    line just inside it holds a send for many times that."""
    if at is None:
        yield
        return
    timer = threading.Timer(max(at - time.monotonic(), 0.0), _shut_down, args=(connection,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _reopen(connection) -> None:
    """A fresh connection after a failed send. A server that answered 421 or dropped the
    connection leaves Django's SMTP backend holding a closed one, which it does not reopen by
    itself: every later message of the pass would fail on it."""
    with contextlib.suppress(Exception):  # closing a broken connection may fail; nothing to record
        connection.close()
    try:
        connection.open()
    except Exception as error:
        logger.warning("Mail server unavailable: %s", error)


def write_pending(*, deadline: float | None = None) -> None:
    """Have each domain write the messages it deferred (a new booking's, say), batch
    after batch while it has more and the time lasts. A domain that fails is logged and
    asked again next pass: its failure must not keep what is already due from being sent."""
    for source in message_sources():
        if source.write_pending is None:
            continue
        try:
            while source.write_pending() and (deadline is None or time.monotonic() < deadline):
                pass
        except Exception:
            logger.exception("Writing the deferred %s messages failed", source.subject_type)


def deliver_due(*, limit: int = 500, deadline: float | None = None, cutoff: float | None = None) -> int:
    """Write the messages domains deferred, then send what is due now over one mail
    connection. Returns how many were sent.

    For a caller with a time limit (the django-q2 task), two time.monotonic() values: no
    message is claimed after `deadline`, and at `cutoff` the mail connection is shut, which
    ends a send still going (it is retried later, as any failed send). A worker is then never
    killed in the middle of a send, which would leave its row claimed for the claim timeout."""
    write_pending(deadline=deadline)
    now = timezone.now()
    release_stale_claims(now=now)
    ids = due_message_ids(now=now, limit=limit)
    if not ids:
        return 0

    def out_of_time() -> bool:
        return deadline is not None and time.monotonic() >= deadline

    sent = 0
    connection = get_connection()
    with _cut_off(connection, cutoff), ClaimRenewer() as renewer:
        try:
            connection.open()
        except Exception as error:
            logger.warning("Mail server unavailable: %s", error)
        try:
            for message_id in ids:
                if out_of_time():
                    break
                status = deliver_one(message_id, connection=connection, renewer=renewer)
                if status == Status.SENT:
                    sent += 1
                elif status in (Status.PENDING, Status.FAILED) and not out_of_time():
                    _reopen(connection)
        finally:
            with contextlib.suppress(Exception):  # closing a broken connection may fail; nothing to record
                connection.close()
    return sent
