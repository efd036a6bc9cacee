"""The outbox writer: rows written in the caller's transaction, nothing sent here.

A domain decides what a change tells whom (a booking's change, say) and hands the
rows to `messages_enqueue` inside the transaction of the change, so a message exists exactly
when the change does. Delivery (notifications/delivery.py) sends them later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from notifications.models import OutgoingMessage

DEDUP_KEY_LENGTH = 200  # OutgoingMessage.dedup_key


@dataclass(frozen=True)
class Recipient:
    role: str
    email: str
    name: str = ""
    language: str = "da"


@dataclass(frozen=True, slots=True)
class Message:
    """One outbox row to write. `dedup_key` is the same whenever the same change is saved
    again, so writing it twice makes one row."""

    kind: str
    recipient: Recipient
    due_at: dt.datetime
    dedup_key: str
    sequence: int | None = None
    context: dict | None = None  # stored on the row (JSON) for its domain to render


_COLUMNS = (
    "kind",
    "subject_key",
    "role",
    "recipient_email",
    "recipient_name",
    "language",
    "sequence",
    "due_at",
    "dedup_key",
    "status",
    "attempts",
    "last_error",
    "subject",
    "context",
    "created_at",
)


def days_before(moment: dt.datetime, days: int) -> dt.datetime:
    """The same wall-clock time `days` calendar days earlier in Copenhagen, so a reminder
    of a 10:00 visit comes at 10:00 also across a daylight-saving switch."""
    return timezone.make_aware(timezone.localtime(moment).replace(tzinfo=None) - dt.timedelta(days=days))


def _insert(subject_key: str, messages: Sequence[Message], *, now: dt.datetime) -> None:
    """Insert outbox rows in one statement, skipping any whose dedup key exists. Written as
    SQL because it runs inside every booking's transaction, and bulk_create's model
    instances cost more than the statement."""
    adapt = connection.ops.adapt_datetimefield_value
    adapt_context = OutgoingMessage._meta.get_field("context").get_db_prep_value
    created = adapt(now)
    values: list[object] = []
    for message in messages:
        person = message.recipient
        values += [message.kind, subject_key, person.role, person.email, person.name, person.language]
        values += [message.sequence, adapt(message.due_at), message.dedup_key[:DEDUP_KEY_LENGTH]]
        context = adapt_context(message.context or {}, connection, prepared=False)
        values += [OutgoingMessage.Status.PENDING, 0, "", "", context, created]
    columns = ", ".join(f'"{column}"' for column in _COLUMNS)
    marks = ", ".join(["(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"] * len(messages))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{OutgoingMessage._meta.db_table}" ({columns}) VALUES {marks} ON CONFLICT DO NOTHING',
            values,
        )


def messages_enqueue(
    *,
    subject_key: str,
    messages: Sequence[Message],
    withdrawing: Iterable[str] = (),
    now: dt.datetime,
) -> None:
    """Write `messages` about the subject, and withdraw its pending messages of the kinds in
    `withdrawing` (reminders of a visit that moved, say) unless this call writes them again:
    a change saved twice writes nothing new and withdraws nothing it wrote itself."""
    withdrawing = list(withdrawing)
    if withdrawing:
        OutgoingMessage.objects.filter(
            subject_key=subject_key, status=OutgoingMessage.Status.PENDING, kind__in=withdrawing
        ).exclude(dedup_key__in=[message.dedup_key[:DEDUP_KEY_LENGTH] for message in messages]).update(
            status=OutgoingMessage.Status.WITHDRAWN
        )
    if messages:
        _insert(subject_key, messages, now=now)
