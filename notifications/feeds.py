"""Subscribable calendar feeds (webcal:// and https://).

A feed carries no METHOD, uses the same UIDs as the invites and shows changes through
SEQUENCE and LAST-MODIFIED. ETag / If-None-Match is answered from one aggregate query before
anything is rendered, and a rendered feed is cached under its ETag."""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from bookings.models import Offer
from notifications.calendar import build_calendar
from notifications.events import booking_event, slot_event
from notifications.models import CalendarFeed
from notifications.selectors import feed_bookings, feed_bookings_for_rendering, feed_version, open_slots_of_offer

CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_SECONDS = 24 * 3600


def feed_name(feed: CalendarFeed) -> str:
    owner = feed.user.get_full_name() if feed.user_id else feed.school_class or feed.company
    return f"Brobyg – {owner}"


def _etag(*parts: object) -> str:
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def _calendar_response(request: HttpRequest, etag: str, render) -> HttpResponse:
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        body = cache.get(f"feed:{etag}")
        if body is None:
            body = render()
            cache.set(f"feed:{etag}", body, CACHE_SECONDS)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = 'inline; filename="brobyg.ics"'
    response["ETag"] = etag
    patch_cache_control(response, private=True, max_age=300)
    return response


@require_GET
def private_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = CalendarFeed.objects.select_related("user", "school_class__school", "company").filter(token=token).first()
    if feed is None:
        raise Http404
    etag = _etag(feed.token, feed_version(feed_bookings(feed)))

    def render() -> bytes:
        events = [
            booking_event(booking, sequence=booking.invite_sequence or 0, cancelled=not booking.holds_place)
            for booking in feed_bookings_for_rendering(feed)
        ]
        return build_calendar(events, name=feed_name(feed))

    return _calendar_response(request, etag, render)


@require_GET
def offer_feed(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The free slots of a published offer, for anyone."""
    offer = get_object_or_404(Offer.objects.select_related("company"), pk=offer_id, is_published=True)
    slots = open_slots_of_offer(offer)
    etag = _etag("offer", offer.pk, offer.updated_at, tuple(slots.values_list("id", "updated_at", "booked_classes")))

    def render() -> bytes:
        return build_calendar([slot_event(slot) for slot in slots], name=f"{offer.title} ({offer.company.name})")

    return _calendar_response(request, etag, render)
