"""The messages a page shows after a redirect (django.contrib.messages)."""

from __future__ import annotations

from django.contrib.messages.storage.fallback import FallbackStorage


class UniqueMessageStorage(FallbackStorage):
    """Django's storage (a cookie, the session for what does not fit), keeping each message once.

    A form sent twice before its answer arrives (a double click, or the button pressed again
    while the page loads) adds its message twice: the browser follows only the last redirect,
    and the page after it would tell the same refusal twice. A message equal in level and
    text to one still waiting to be shown is left out."""

    def add(self, level: int, message: object, extra_tags: str = "") -> None:
        waiting = (*self._loaded_messages, *self._queued_messages)
        if any(shown.level == int(level) and str(shown.message) == str(message) for shown in waiting):
            return
        super().add(level, message, extra_tags)
