"""Where domains tell notifications about their messages and calendar events.

Notifications knows no domain: an outbox row names its subject by a key such as
"booking:42", and the domain that owns the subject type ("booking") says how to load the
subject, whether a message about it is still true, how to render it, and which messages it
still has to write before a delivery pass. Likewise each domain adds its events to the
private calendar feeds. Domains register in their AppConfig.ready(), so the registry is
complete before the first request or task.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.core.mail import EmailMessage

    from notifications.calendar import CalendarEvent
    from notifications.models import CalendarFeed, OutgoingMessage


@dataclass(frozen=True)
class MessageSource:
    """How one subject type's messages are delivered.

    `load(pk)` returns the subject as it is now, or None if it no longer exists (its messages
    are then withdrawn). `write_pending()` writes messages the domain deferred (a new
    booking's, say) and returns True while more may be waiting; delivery calls it again until
    it returns False or the pass runs out of time. `admin_url(pk)` links the admin's outbox
    to the subject. `kind_labels` and `role_labels` name the domain's message kinds and
    recipient roles (stored as codes) for people, in the active language."""

    subject_type: str
    load: Callable[[str], Any | None]
    render: Callable[[OutgoingMessage, Any], EmailMessage]
    is_current: Callable[[OutgoingMessage, Any], bool]
    write_pending: Callable[[], bool] | None = None
    admin_url: Callable[[str], str] | None = None
    kind_labels: Mapping[str, str] = field(default_factory=dict)
    role_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FeedSource:
    """One domain's part of the private calendar feeds.

    `events(feed, now)` are the feed's events of this domain, described in the active
    language; `version(feed, now)` changes whenever any of them changes, and is read (in one
    cheap query) to answer If-None-Match before anything is rendered."""

    name: str
    events: Callable[[CalendarFeed, dt.datetime], list[CalendarEvent]]
    version: Callable[[CalendarFeed, dt.datetime], tuple]


_message_sources: dict[str, MessageSource] = {}
_feed_sources: dict[str, FeedSource] = {}


def subject_key(subject_type: str, pk: object) -> str:
    """The key an outbox row names its subject by: "booking:42"."""
    return f"{subject_type}:{pk}"


def split_subject_key(key: str) -> tuple[str, str]:
    """("booking", "42") for "booking:42"; ("", "") for a row without a subject."""
    subject_type, _, pk = key.partition(":")
    return subject_type, pk


def register_messages(source: MessageSource) -> None:
    """Make `source` deliver the messages of its subject type. Registering a type again
    replaces it (a test's fake domain, a reloaded app)."""
    _message_sources[source.subject_type] = source


def unregister_messages(subject_type: str) -> None:
    _message_sources.pop(subject_type, None)


def message_source(key: str) -> MessageSource | None:
    """The source of the subject type `key` names, None if no domain registered it."""
    return _message_sources.get(split_subject_key(key)[0])


def message_sources() -> list[MessageSource]:
    return list(_message_sources.values())


def kind_label(key: str, kind: str) -> str:
    """The name of a message kind as the domain of subject `key` gives it; the code where
    the domain gives none."""
    source = message_source(key)
    return str(source.kind_labels.get(kind, kind)) if source else kind


def role_label(key: str, role: str) -> str:
    """The name of a recipient's role as the domain of subject `key` gives it; the code
    where the domain gives none."""
    source = message_source(key)
    return str(source.role_labels.get(role, role)) if source else role


def kind_labels() -> dict[str, str]:
    """Every registered domain's message kinds by code, for choosing among them."""
    return {code: str(label) for source in message_sources() for code, label in source.kind_labels.items()}


def role_labels() -> dict[str, str]:
    """Every registered domain's recipient roles by code, for choosing among them."""
    return {code: str(label) for source in message_sources() for code, label in source.role_labels.items()}


def register_feed_source(source: FeedSource) -> None:
    """Add `source`'s events to every private feed. Registering a name again replaces it."""
    _feed_sources[source.name] = source


def unregister_feed_source(name: str) -> None:
    _feed_sources.pop(name, None)


def feed_sources() -> list[FeedSource]:
    """In registration order, so a feed's events and its version are always read alike."""
    return list(_feed_sources.values())
