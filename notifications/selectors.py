"""Reads for calendar feeds."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, F, Max, Model, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, Offer, Slot
from companies.models import Company, CompanyMember
from companies.selectors import company_ids_of
from notifications.models import CalendarFeed
from schools.models import School, SchoolClass
from schools.selectors import teacher_of

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
        CalendarFeed.Kind.TEACHER: Q(booked_by_id=feed.user_id),
        CalendarFeed.Kind.SCHOOL_CLASS: Q(school_class_id=feed.school_class_id),
        CalendarFeed.Kind.COMPANY: Q(slot__offer__company_id=feed.company_id),
        CalendarFeed.Kind.MEMBER: Q(slot__offer__contact__user_id=feed.user_id),
    }[feed.kind]
    return Booking.objects.filter(owner).filter(Q(status__in=Booking.HOLDING_PLACE) | happened | recently_ended)


# What notifications.events.booking_event reads, table by table, and nothing else: (name,
# path from Booking, model, columns, foreign keys to fill from tables listed before it). A
# column events.py starts to read that is not listed here is loaded on first access, one
# query per event; tests/notifications/test_feeds.py counts the queries.
RENDER_TABLES: tuple[tuple[str, str, type[Model], tuple[str, ...], tuple[str, ...]], ...] = (
    ("company", "slot__offer__company__", Company, ("id", "name", "address", "postcode", "city", "phone", "email"), ()),
    ("user", "slot__offer__contact__user__", User, ("id", "first_name", "last_name", "phone", "email"), ()),
    ("contact", "slot__offer__contact__", CompanyMember, ("id", "user_id"), ("user",)),
    (
        "offer",
        "slot__offer__",
        Offer,
        ("id", "title", "description", "location", "meeting_point", "practical_notes", "company_id", "contact_id"),
        ("company", "contact"),
    ),
    ("slot", "slot__", Slot, ("id", "start", "end", "offer_id"), ("offer",)),
    ("school", "school_class__school__", School, ("id", "name"), ()),
    ("school_class", "school_class__", SchoolClass, ("id", "name", "school_id"), ("school",)),
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
            "created_at",
            "updated_at",
            "slot_id",
            "school_class_id",
        ),
        ("slot", "school_class"),
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
                    setattr(instance, link, made[link])
                shared[name][key] = instance
            made[name] = instance  # None: an offer without a contact person
        bookings.append(made["booking"])
    return bookings


def _in_field_order(model: type[Model], columns: tuple[str, ...]) -> list[str]:
    order = [field.attname for field in model._meta.concrete_fields]
    return sorted(columns, key=order.index)


def feed_version(bookings: QuerySet[Booking]) -> tuple:
    """Changes whenever any event of the feed changes; the ETag is made from it. One aggregate
    over the rows an event is made of: how many and which bookings (count, sum of ids) and
    the newest change of each of them. (The contact person's name, phone and e-mail live on
    accounts.User, which keeps no updated_at, so a change of those alone is not seen.)"""
    version = bookings.aggregate(
        v_count=Count("id"),
        v_ids=Sum("id"),
        v_sequences=Sum("invite_sequence"),
        v_booking=Max("updated_at"),
        v_slot=Max("slot__updated_at"),
        v_offer=Max("slot__offer__updated_at"),
        v_company=Max("slot__offer__company__updated_at"),
        v_contact=Max("slot__offer__contact__updated_at"),
        v_class=Max("school_class__updated_at"),
        v_school=Max("school_class__school__updated_at"),
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


OWNER_FIELD = {
    CalendarFeed.Kind.TEACHER: "user_id",
    CalendarFeed.Kind.SCHOOL_CLASS: "school_class_id",
    CalendarFeed.Kind.COMPANY: "company_id",
    CalendarFeed.Kind.MEMBER: "user_id",
}


def feeds_for_user(user: User) -> list[CalendarFeed]:
    """Every feed the user may subscribe to, created on first request: a teacher's own feed
    and one per class of their school; a company member's own feed (the offers they are the
    contact of) and one per company they work for. A few statements however many classes."""
    Kind = CalendarFeed.Kind
    wanted: list[tuple[str, int]] = []  # (kind, id of the owner)
    teacher = teacher_of(user)
    if teacher is not None:
        wanted.append((Kind.TEACHER, user.pk))
        # The classes of the teacher's own school, also for a consultant or administrator who
        # is a teacher too (class_list_for_user would give them every class in the region).
        classes = SchoolClass.objects.filter(school_id=teacher.school_id).order_by("name", "id")
        wanted += [(Kind.SCHOOL_CLASS, pk) for pk in classes.values_list("pk", flat=True)]
    company_ids = sorted(company_ids_of(user))
    if company_ids:
        wanted.append((Kind.MEMBER, user.pk))
        wanted += [(Kind.COMPANY, company_id) for company_id in company_ids]
    if not wanted:
        return []
    mine = Q()
    for kind, field in OWNER_FIELD.items():
        owners = [owner for wanted_kind, owner in wanted if wanted_kind == kind]
        if owners:
            mine |= Q(kind=kind, **{f"{field}__in": owners})

    def existing() -> dict[tuple[str, int], CalendarFeed]:
        return {(feed.kind, getattr(feed, OWNER_FIELD[feed.kind])): feed for feed in CalendarFeed.objects.filter(mine)}

    feeds = existing()
    missing = [
        CalendarFeed(kind=kind, **{OWNER_FIELD[kind]: owner}) for kind, owner in wanted if (kind, owner) not in feeds
    ]
    if missing:  # another request may create the same feeds meanwhile: theirs are kept
        CalendarFeed.objects.bulk_create(missing, ignore_conflicts=True)
        feeds = existing()
    return [feeds[key] for key in wanted]
