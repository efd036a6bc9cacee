"""The daily retention round for what is kept about people outside the domains' own rules
(docs/privacy.md): old outbox rows, old audit entries and expired sessions."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, Replace
from django.utils import timezone

from accounts.services import audit_entries_blank_old
from notifications.models import OutgoingMessage

FINISHED = (OutgoingMessage.Status.SENT, OutgoingMessage.Status.FAILED, OutgoingMessage.Status.WITHDRAWN)


def messages_blank_old(*, now: dt.datetime | None = None) -> int:
    """Messages finished more than OUTBOX_RETENTION_DAYS ago keep their kind, status, times
    and dedup key (so the same change is still never sent twice) but no address, name, subject
    line, context or error. A dedup key ends in its recipient's address, which becomes the row's
    id there (unique as the address was). Returns how many were blanked."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    finished_long_ago = Q(sent_at__lt=cutoff) | Q(sent_at__isnull=True, due_at__lt=cutoff)
    old = OutgoingMessage.objects.filter(finished_long_ago, status__in=FINISHED).exclude(
        recipient_email="", recipient_name="", subject="", context={}, last_error=""
    )
    return old.update(
        dedup_key=Replace(F("dedup_key"), F("recipient_email"), Concat(Value("row-"), Cast("pk", CharField()))),
        recipient_email="",
        recipient_name="",
        subject="",
        context={},
        last_error="",
    )


def retention_round(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Everything the round does, with how many rows each step changed."""
    now = now or timezone.now()
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    session_store.clear_expired()
    return {
        "messages blanked": messages_blank_old(now=now),
        "audit entries blanked": audit_entries_blank_old(now=now),
    }
