"""Subscribable calendar feeds (webcal:// and https://).

A feed carries no METHOD, uses the same UIDs as the invites and shows changes through
SEQUENCE and LAST-MODIFIED. ETag / If-None-Match is answered from one aggregate query before
anything is rendered, and the rendered feed is cached, one copy per feed, with its ETag.

A feed is written in its owner's language (a teacher's or company member's own language;
Danish for a class or a company), never in the language of whoever fetched it, so the same
ETag always means the same body.

Rendering: events are described by notifications.events exactly as for the e-mail invites
and written by notifications.calendar.build_calendar. With the single-query loading in
selectors.feed_bookings_for_rendering, a cold feed of 10,000 bookings renders in under a
second (bench/feed_render.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import parse_etags, patch_cache_control
from django.views.decorators.http import require_GET

from bookings.models import Offer
from notifications.calendar import build_calendar
from notifications.events import booking_event, slot_event
from notifications.models import CalendarFeed
from notifications.selectors import ENDED, feed_bookings, feed_bookings_for_rendering, feed_version, open_slots_of_offer

CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_SECONDS = 24 * 3600
# Part of every ETag: raise it when a deployment changes what a feed looks like, so that
# subscribers holding an old ETag download the new form instead of getting 304.
FORMAT_VERSION = 2


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


def _etag(*parts: object) -> str:
    return '"' + hashlib.sha256(repr((FORMAT_VERSION, *parts)).encode()).hexdigest()[:32] + '"'


def _not_modified(request: HttpRequest, etag: str) -> bool:
    """If-None-Match holds this ETag (weak comparison, RFC 9110 13.1.2) or "*"."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def _calendar_response(request: HttpRequest, *, key: str, etag: str, render: Callable[[], bytes]) -> HttpResponse:
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
    """The calendar of a private feed, in its owner's language."""
    with translation.override(feed_language(feed)):
        events = [
            booking_event(booking, sequence=booking.invite_sequence or 0, cancelled=booking.status in ENDED)
            for booking in feed_bookings_for_rendering(feed, now=now)
        ]
        return build_calendar(events, name=feed_name(feed), now=now)


@require_GET
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("user", "school_class__school", "company").filter(token=token).first()
    if feed is None:
        raise Http404
    now = dt.datetime.now(dt.UTC)
    etag = _etag(feed.token, feed_language(feed), feed_name(feed), feed_version(feed_bookings(feed, now=now)))
    return _calendar_response(request, key=cache_key(feed), etag=etag, render=lambda: render_feed(feed, now=now))


@require_GET
def offer_feed(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The bookable slots of a published offer, for anyone. Full slots are left out."""
    offer = get_object_or_404(Offer.objects.select_related("company"), pk=offer_id, is_published=True)
    slots = list(open_slots_of_offer(offer))
    name = f"{offer.title} ({offer.company.name})"
    etag = _etag(
        "offer",
        offer.pk,
        name,
        offer.updated_at,
        offer.company.updated_at,
        [(slot.pk, slot.updated_at, slot.capacity_classes, slot.booked_classes) for slot in slots],
    )
    return _calendar_response(
        request,
        key=f"offer-feed:{offer.pk}",
        etag=etag,
        render=lambda: build_calendar([slot_event(slot) for slot in slots], name=name),
    )
