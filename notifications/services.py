"""The outbox writer (rows written in the caller's transaction, nothing sent here), and the
personal addresses of calendar feeds.

A domain decides what a change tells whom (a booking's change, say) and hands the
rows to `messages_enqueue` inside the transaction of the change, so a message exists exactly
when the change does. Delivery (notifications/delivery.py) sends them later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record, audited
from accounts.models import User
from core.errors import DomainError
from notifications.models import CalendarFeed, CalendarSubscription, OutgoingMessage, feed_token_hash, new_feed_token
from notifications.selectors import subscription_for_token
from schools.selectors import teacher_of

SUBSCRIPTION_REFUSED = _("You cannot subscribe to this calendar.")

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


@audited("notifications.message.retry_now")
def messages_retry_now(*, message_ids: Iterable[int], now: dt.datetime | None = None) -> int:
    """Send the given failed messages, and those waiting to be retried, at the next delivery
    pass, with their attempts counted afresh. A message not tried yet keeps its time: a reminder
    due next week is not sent today. Returns how many will be sent."""
    now = now or timezone.now()
    Status = OutgoingMessage.Status
    retrying = Q(status=Status.FAILED) | Q(status=Status.PENDING, attempts__gt=0)
    return OutgoingMessage.objects.filter(retrying, pk__in=list(message_ids)).update(
        status=Status.PENDING, due_at=now, attempts=0
    )


# The addresses of the private calendar feeds.


def calendar_subscription_issue(*, feed: CalendarFeed, holder: User, stop_shared_address: bool = False) -> str:
    """A new address of `feed` for `holder`, replacing the holder's previous one (which then
    answers 404) and no one else's. Returns the token, the only time it is known: only its
    SHA-256 is stored. For a teacher's or a class's feed the address is tied to the school the
    holder teaches at now. `stop_shared_address` also stops the class's or company's address
    from before addresses were personal, for everyone who still uses it.

    Refused if the holder may not read the feed (selectors.subscription_for_token decides,
    as it does at every request), so an address that would not work is never handed out."""
    teacher = teacher_of(holder)
    at_school = feed.kind in (CalendarFeed.Kind.TEACHER, CalendarFeed.Kind.SCHOOL_CLASS)
    school_id = teacher.school_id if at_school and teacher is not None else None
    token = new_feed_token()
    fields = {"token_hash": feed_token_hash(token), "school_id": school_id}
    with transaction.atomic():
        CalendarSubscription.objects.update_or_create(
            feed=feed, holder=holder, defaults={**fields, "reset_at": timezone.now()}, create_defaults=fields
        )
        if subscription_for_token(token) is None:
            raise DomainError(SUBSCRIPTION_REFUSED, code="calendar_subscription_refused")
        if stop_shared_address and feed.is_shared:
            CalendarSubscription.objects.filter(feed=feed, holder__isnull=True).delete()
        audit_record(
            actor=holder,
            action="notifications.calendar_subscription.issue",
            target=feed,
            details={"stop_shared_address": stop_shared_address},
        )
    return token


def person_messages_erase(sender: object, *, users: list[User], email: str, **kwargs: object) -> dict[str, int]:
    """Erasure (accounts.services.person_erase): messages to the address are withdrawn if not
    yet sent and keep no address, name, subject line, context or error (an SMTP error quotes
    the address); the person's own calendar feeds and feed addresses are deleted. A message's
    deduplication key ends in its recipient's address, so every key holding the address becomes
    one of the row's own. Messages to others are rendered when they are sent, but the subject
    line kept of one that went out may name the person ("New request: <teacher> for …"): such
    subjects are blanked."""
    to_them = OutgoingMessage.objects.filter(recipient_email__iexact=email)
    withdrawn = to_them.filter(status=OutgoingMessage.Status.PENDING).update(status=OutgoingMessage.Status.WITHDRAWN)
    blanked = to_them.update(recipient_email="", recipient_name="", subject="", context={}, last_error="")
    OutgoingMessage.objects.filter(dedup_key__icontains=email).update(
        dedup_key=Concat(Value("erased:"), Cast("pk", CharField()))
    )
    names = {user.get_full_name() for user in users} - {""}
    if names:
        naming = Q()
        for name in names:
            naming |= Q(subject__icontains=name)
        blanked += OutgoingMessage.objects.filter(naming).update(subject="")
    ids = [user.pk for user in users]
    addresses = CalendarSubscription.objects.filter(holder_id__in=ids).delete()[0]
    feeds = CalendarFeed.objects.filter(user_id__in=ids).delete()[0]
    return {
        "messages withdrawn": withdrawn,
        "messages blanked": blanked,
        "calendar addresses deleted": addresses,
        "calendar feeds deleted": feeds,
    }
