"""What the open-day services share: the marker of an argument an update leaves out, and a
refusal whose message is filled in with its values."""

from __future__ import annotations

import enum

from core.errors import DomainError


class Keep(enum.Enum):
    """Marks an argument of an update left out: the row keeps what it has (None may be a value)."""

    KEEP = enum.auto()


KEEP = Keep.KEEP


def refuse(message, *, code: str, field: str | None = None, **params: object) -> DomainError:
    """The DomainError of `message` with `params` filled in, in the active language."""
    return DomainError(message % params if params else message, code=code, field=field)
