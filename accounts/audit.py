"""The audit log's one write: every service that changes state, and every refused
authorisation, records an AuditEntry through here, inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from accounts.models import AuditEntry, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    outcome: str = AuditEntry.Outcome.DONE,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry. Call it inside the transaction of the change it records, so that the
    change and its entry are saved together or not at all."""
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        action=action,
        outcome=outcome,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        details=details or {},
    )
