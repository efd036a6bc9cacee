"""What every app's services share."""

from __future__ import annotations

from typing import Any

from django.db import models


def assign_fields(instance: models.Model, allowed: frozenset[str], fields: dict[str, Any]) -> None:
    """Set `fields` on `instance`, refusing any name outside `allowed`. An update service names
    what a caller may change; anything else (a counter, the owner) is a programming error."""
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable field(s) {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)
