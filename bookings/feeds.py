"""The bookings' calendar feeds: their part of every private feed, and the public feed of an
offer's bookable slots.

A private feed (notifications/feeds.py) merges the events each domain registers; bookings
registers `feed_events` and `feed_version_of` (bookings/apps.py). Events are described by
bookings.calendar_events exactly as for the e-mail invites and written by
notifications.calendar.build_calendar. With the single-query loading in
`feed_bookings_for_rendering`, a cold feed of 10,000 bookings renders in under a second
(bench/feed_render.py).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Max, Model, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import User
from bookings.calendar_events import booking_event, slot_event
from bookings.models import Booking, Offer, Slot
from companies.models import Company, CompanyMember
from notifications.calendar import CalendarEvent, build_calendar
from notifications.feeds import calendar_response, feed_etag
from notifications.models import CalendarFeed
from schools.models import School, SchoolClass, Teacher

# Bookings that end in people's calendars as STATUS:CANCELLED for FEED_KEEP_CANCELLED_DAYS,
# if they had been sent as an invite (invite_sequence is set), and then drop out of the feed.
ENDED = (Booking.Status.CANCELLED, Booking.Status.DECLINED)
# Bookings whose visit took place (or was due): they stay in the calendar as they were.
HAPPENED = (Booking.Status.COMPLETED, Booking.Status.NO_SHOW)


def feed_bookings(feed: CalendarFeed, *, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """The bookings a feed shows: those holding a place, those whose visit took place (a
    completed visit stays in the calendar), and for a while those cancelled or declined after
    they were in calendars, so subscribers see them as STATUS:CANCELLED. Requests appear as
    TENTATIVE; a request that is declined or cancelled before it was ever confirmed drops out."""
    now = now or timezone.now()
    recently_ended = Q(
        status__in=ENDED,
        invite_sequence__isnull=False,
        updated_at__gte=now - dt.timedelta(days=settings.FEED_KEEP_CANCELLED_DAYS),
    )
    happened = Q(status__in=HAPPENED, invite_sequence__isnull=False)
    owner = {
        # What the teacher booked, and the teacher visits booked for them by someone else.
        CalendarFeed.Kind.TEACHER: Q(booked_by_id=feed.user_id) | Q(teacher__user_id=feed.user_id),
        CalendarFeed.Kind.SCHOOL_CLASS: Q(school_class_id=feed.school_class_id),
        CalendarFeed.Kind.COMPANY: Q(slot__offer__company_id=feed.company_id),
        CalendarFeed.Kind.MEMBER: Q(slot__offer__contact__user_id=feed.user_id),
    }[feed.kind]
    return Booking.objects.filter(owner).filter(Q(status__in=Booking.HOLDING_PLACE) | happened | recently_ended)


# What bookings.calendar_events.booking_event reads, table by table, and nothing else: (name,
# path from Booking, model, columns, foreign keys to fill from tables listed before it, each
# "field" for the table of that name or "field:table" for a table named otherwise). A
# column calendar_events.py starts to read that is not listed here is loaded on first access, one
# query per event; tests/notifications/test_feeds.py counts the queries.
RENDER_TABLES: tuple[tuple[str, str, type[Model], tuple[str, ...], tuple[str, ...]], ...] = (
    ("company", "slot__offer__company__", Company, ("id", "name", "address", "postcode", "city", "phone", "email"), ()),
    ("user", "slot__offer__contact__user__", User, ("id", "first_name", "last_name", "phone", "email"), ()),
    ("contact", "slot__offer__contact__", CompanyMember, ("id", "user_id"), ("user",)),
    (
        "offer",
        "slot__offer__",
        Offer,
        (
            "id",
            "title",
            "description",
            "location",
            "meeting_point",
            "practical_notes",
            "is_private",
            "company_id",
            "contact_id",
        ),
        ("company", "contact"),
    ),
    ("slot", "slot__", Slot, ("id", "start", "end", "offer_id"), ("offer",)),
    ("school", "school_class__school__", School, ("id", "name"), ()),
    ("school_class", "school_class__", SchoolClass, ("id", "name", "school_id"), ("school",)),
    ("teacher_user", "teacher__user__", User, ("id", "username", "first_name", "last_name"), ()),
    ("teacher_school", "teacher__school__", School, ("id", "name"), ()),
    (
        "teacher",
        "teacher__",
        Teacher,
        ("id", "user_id", "school_id"),
        ("user:teacher_user", "school:teacher_school"),
    ),
    (
        "booking",
        "",
        Booking,
        (
            "id",
            "status",
            "invite_sequence",
            "pupils",
            "adults",
            "message",
            "created_at",
            "updated_at",
            "slot_id",
            "school_class_id",
            "teacher_id",
        ),
        ("slot", "school_class", "teacher"),
    ),
)


def feed_bookings_for_rendering(feed: CalendarFeed, *, now: dt.datetime | None = None) -> list[Booking]:
    """The feed's bookings, in time order, with everything an event shows, from one query.

    A feed of 10,000 bookings is 10,000 rows but only a few hundred slots and a handful of
    offers, companies, contacts and classes. select_related would build eight model instances
    per row (80,000 for such a feed, most of the render time); here the rows come as tuples and
    each slot, offer, company, contact, class and school becomes one instance, shared by its
    bookings. Instances are made with Model.from_db, as the ORM makes them (the columns not
    read stay deferred), and linked through their foreign keys as select_related links them."""
    tables = []
    position = 0
    for name, prefix, model, columns, links in RENDER_TABLES:
        ordered = _in_field_order(model, columns)  # Model.from_db takes values in field order
        tables.append((name, model, ordered, [prefix + column for column in ordered], position, links))
        position += len(ordered)
    rows = (
        feed_bookings(feed, now=now)
        .order_by("slot__start", "id")
        .values_list(*(path for table in tables for path in table[3]))
    )
    database = rows.db
    shared: dict[str, dict[object, Model]] = {table[0]: {} for table in tables}
    bookings = []
    for row in rows:
        made: dict[str, Model | None] = {}
        for name, model, columns, _paths, first, links in tables:
            key = row[first]
            instance = shared[name].get(key) if key is not None else None
            if instance is None and key is not None:
                instance = model.from_db(database, columns, row[first : first + len(columns)])
                for link in links:
                    field, _, table = link.partition(":")
                    setattr(instance, field, made[table or field])
                shared[name][key] = instance
            made[name] = instance  # None: an offer without a contact person
        bookings.append(made["booking"])
    return bookings


def _in_field_order(model: type[Model], columns: tuple[str, ...]) -> list[str]:
    order = [field.attname for field in model._meta.concrete_fields]
    return sorted(columns, key=order.index)


# The rows a booking's event is made of, as paths from the booking: the booking itself, its
# slot and offer, the company and its contact person, and the class and school or, on a
# teacher visit, the teacher and their school.
EVENT_ROWS = (
    "",
    "slot__",
    "slot__offer__",
    "slot__offer__company__",
    "slot__offer__contact__",
    "school_class__",
    "school_class__school__",
    "teacher__",
    "teacher__school__",
)


def feed_version(bookings: QuerySet[Booking]) -> tuple:
    """Changes whenever any event of the feed changes; the ETag is made from it. One aggregate
    over the rows an event is made of: how many and which bookings (count, sum of ids), their
    calendar sequences, and the newest change of each of EVENT_ROWS. (The contact person's
    name, phone and e-mail live on accounts.User, which keeps no updated_at, so a change of
    those alone is not seen.)"""
    version = bookings.aggregate(
        Count("id"), Sum("id"), Sum("invite_sequence"), *(Max(f"{row}updated_at") for row in EVENT_ROWS)
    )
    return tuple(version.values())


def open_slots_of_offer(offer: Offer, *, now: dt.datetime | None = None) -> QuerySet[Slot]:
    """The slots of an offer a class can still book: open, in the future, before the booking
    deadline and with a place free. Full slots are left out (not shown as full): the public
    feed is for finding a time to book, and a full slot leaves the subscriber's calendar."""
    now = now or timezone.now()
    return (
        Slot.objects.filter(
            offer=offer,
            status=Slot.Status.OPEN,
            start__gt=now,
            booking_deadline__gt=now,
            booked_classes__lt=F("capacity_classes"),
            booked_pupils__lt=F("capacity_pupils"),
        )
        .select_related("offer__company")
        .order_by("start", "id")
    )


def feed_events(feed: CalendarFeed, now: dt.datetime) -> list[CalendarEvent]:
    """The feed's bookings as events, in time order, in the active language."""
    return [
        booking_event(booking, sequence=booking.invite_sequence or 0, cancelled=booking.status in ENDED)
        for booking in feed_bookings_for_rendering(feed, now=now)
    ]


def feed_version_of(feed: CalendarFeed, now: dt.datetime) -> tuple:
    """The version of the feed's bookings, for its ETag (see feed_version)."""
    return feed_version(feed_bookings(feed, now=now))


@require_GET
def offer_feed(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The bookable slots of a published offer, for anyone. Full slots are left out."""
    offer = get_object_or_404(Offer.objects.select_related("company"), pk=offer_id, is_published=True)
    slots = list(open_slots_of_offer(offer))
    name = f"{offer.title} ({offer.company.name})"
    version = feed_etag(
        "offer",
        offer.pk,
        name,
        offer.updated_at,
        offer.company.updated_at,
        [(slot.pk, slot.updated_at, slot.capacity_classes, slot.booked_classes) for slot in slots],
    )
    return calendar_response(
        request,
        key=f"offer-feed:{offer.pk}",
        etag=version,
        render=lambda: build_calendar([slot_event(slot) for slot in slots], name=name),
    )
