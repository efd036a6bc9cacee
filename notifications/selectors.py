"""Reads for calendar feeds."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking, Offer, Slot
from companies.selectors import company_ids_of
from notifications.models import CalendarFeed
from schools.selectors import class_list_for_user, teacher_of


def feed_bookings(feed: CalendarFeed, *, now: dt.datetime | None = None) -> QuerySet[Booking]:
    """The bookings a feed shows: those holding a place, and for a while those cancelled or
    declined after they were in calendars, so subscribers see them as STATUS:CANCELLED."""
    now = now or timezone.now()
    recently_ended = Q(
        status__in=[Booking.Status.CANCELLED, Booking.Status.DECLINED],
        invite_sequence__isnull=False,
        updated_at__gte=now - dt.timedelta(days=settings.FEED_KEEP_CANCELLED_DAYS),
    )
    owner = {
        CalendarFeed.Kind.TEACHER: Q(booked_by_id=feed.user_id),
        CalendarFeed.Kind.SCHOOL_CLASS: Q(school_class_id=feed.school_class_id),
        CalendarFeed.Kind.COMPANY: Q(slot__offer__company_id=feed.company_id),
        CalendarFeed.Kind.MEMBER: Q(slot__offer__contact__user_id=feed.user_id),
    }[feed.kind]
    return Booking.objects.filter(owner).filter(Q(status__in=Booking.HOLDING_PLACE) | recently_ended)


def feed_bookings_for_rendering(feed: CalendarFeed) -> QuerySet[Booking]:
    return (
        feed_bookings(feed)
        .select_related("slot__offer__company", "slot__offer__contact__user", "school_class__school")
        .order_by("slot__start", "id")
    )


def feed_version(bookings: QuerySet[Booking]) -> tuple:
    """Changes whenever any event of the feed changes; the ETag is made from it."""
    return tuple(
        bookings.aggregate(
            count=Count("id"),
            booking=Max("updated_at"),
            slot=Max("slot__updated_at"),
            offer=Max("slot__offer__updated_at"),
        ).values()
    )


def open_slots_of_offer(offer: Offer) -> QuerySet[Slot]:
    now = timezone.now()
    return (
        Slot.objects.filter(offer=offer, status=Slot.Status.OPEN, start__gt=now, booking_deadline__gt=now)
        .select_related("offer__company")
        .order_by("start")
    )


def feeds_for_user(user: User) -> list[CalendarFeed]:
    """Every feed the user may subscribe to, created on first request."""
    feeds = []
    if teacher_of(user) is not None:
        feeds.append(CalendarFeed.objects.get_or_create(kind=CalendarFeed.Kind.TEACHER, user=user)[0])
        for school_class in class_list_for_user(user):
            feeds.append(
                CalendarFeed.objects.get_or_create(kind=CalendarFeed.Kind.SCHOOL_CLASS, school_class=school_class)[0]
            )
    company_ids = company_ids_of(user)
    if company_ids:
        feeds.append(CalendarFeed.objects.get_or_create(kind=CalendarFeed.Kind.MEMBER, user=user)[0])
        for company_id in company_ids:
            feeds.append(CalendarFeed.objects.get_or_create(kind=CalendarFeed.Kind.COMPANY, company_id=company_id)[0])
    return feeds
