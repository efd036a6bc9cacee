"""The one domain error. Services raise it; the API and pages show its message."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused an action. `code` is stable; `message` is for people."""

    def __init__(self, message: str | Promise, *, code: str, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.field = field
