"""Subscribable calendar feeds (webcal:// and https://).

A feed carries no METHOD, uses the same UIDs as the invites and shows changes through
SEQUENCE and LAST-MODIFIED. ETag / If-None-Match is answered from one aggregate query before
anything is rendered, and the rendered feed is cached, one copy per feed, with its ETag.

A feed is written in its owner's language (a teacher's or company member's own language;
Danish for a class or a company), never in the language of whoever fetched it, so the same
ETag always means the same body.

Each person reads a private feed through an address of their own (CalendarSubscription),
checked at every request in the query that finds it: it answers 404 once its holder is
deactivated or has left the school or company.

A private feed merges the events every domain contributes (notifications/registry.py,
FeedSource): each describes its events and says, in one cheap query, which version of them
the feed holds. A domain's own public feeds are served through `calendar_response` too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.utils.cache import parse_etags, patch_cache_control
from django.views.decorators.http import require_GET

from notifications.calendar import build_calendar
from notifications.models import CalendarFeed
from notifications.registry import feed_sources
from notifications.selectors import subscription_for_token

CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_SECONDS = 24 * 3600
# Part of every ETag: raise it when a deployment changes what a feed looks like, so that
# subscribers holding an old ETag download the new form instead of getting 304.
FORMAT_VERSION = 3


def feed_name(feed: CalendarFeed) -> str:
    if feed.user_id:
        return f"Brobyg – {feed.user.get_full_name() or feed.user.get_username()}"
    return f"Brobyg – {feed.school_class or feed.company}"


def feed_language(feed: CalendarFeed) -> str:
    """The owner's language: a person's own, Danish (the default) for a class or company."""
    language = feed.user.language if feed.user_id else ""
    return language or settings.LANGUAGE_CODE


def cache_key(feed: CalendarFeed) -> str:
    """Where the feed's last rendering is cached (with its ETag)."""
    return f"calendar-feed:{feed.pk}"


def feed_etag(*parts: object) -> str:
    """An ETag made of `parts` and FORMAT_VERSION."""
    return '"' + hashlib.sha256(repr((FORMAT_VERSION, *parts)).encode()).hexdigest()[:32] + '"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    """If-None-Match holds this ETag (weak comparison, RFC 9110 13.1.2) or "*"."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def calendar_response(request: HttpRequest, *, key: str, etag: str, render: Callable[[], bytes]) -> HttpResponse:
    """304 if the client has this version; else the body cached for this feed if it is this
    version, else a new rendering, which replaces the cached one (one copy per feed)."""
    if _not_modified(request, etag):
        response = HttpResponseNotModified()
    else:
        cached = cache.get(key)
        if cached is not None and cached[0] == etag:
            body = cached[1]
        else:
            body = render()
            cache.set(key, (etag, body), CACHE_SECONDS)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = 'inline; filename="brobyg.ics"'
    response["ETag"] = etag
    patch_cache_control(response, private=True, max_age=300)
    return response


def render_feed(feed: CalendarFeed, *, now: dt.datetime | None = None) -> bytes:
    """The calendar of a private feed, in its owner's language: every domain's events, in
    time order (each domain gives its own in time order; the sort keeps ties as given)."""
    now = now or dt.datetime.now(dt.UTC)
    with translation.override(feed_language(feed)):
        sources = feed_sources()
        events = [event for source in sources for event in source.events(feed, now)]
        if len(sources) > 1:
            events.sort(key=lambda event: event.start)
        return build_calendar(events, name=feed_name(feed), now=now)


def feed_version(feed: CalendarFeed, now: dt.datetime) -> tuple:
    """Changes whenever any event of the feed changes: each domain's version, in order."""
    return tuple(source.version(feed, now) for source in feed_sources())


@require_GET
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    """A private feed, through its holder's address: 404 unless the holder may still read it.
    The ETag and the cached body are the feed's, the same whoever's address it is read by."""
    subscription = subscription_for_token(token)
    if subscription is None:
        raise Http404
    feed = subscription.feed
    now = dt.datetime.now(dt.UTC)
    version = feed_etag(feed.pk, feed_language(feed), feed_name(feed), feed_version(feed, now))
    return calendar_response(request, key=cache_key(feed), etag=version, render=lambda: render_feed(feed, now=now))
