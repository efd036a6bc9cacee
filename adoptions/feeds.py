"""The annual plans' part of the private calendar feeds: dated plan activities that hold no
booking (a booked activity is already in the feed as its booking, bookings/feeds.py), in the
feeds of the school's teachers and classes and of the company and its members. Registered in
adoptions/apps.py. Also the events of one plan, for the plan's own .ics file."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse

from adoptions.models import Adoption, AnnualPlan, PlanActivity
from bookings.models import Booking
from notifications.calendar import CalendarEvent, Person, event_uid
from notifications.models import CalendarFeed
from notifications.rendering import site_domain

EVENT_KIND = "plan-activity"
# SEQUENCE must grow with every change: the seconds of the last change since this moment do.
SEQUENCE_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def unbooked_dated(activities: QuerySet[PlanActivity]) -> QuerySet[PlanActivity]:
    """Activities with a date and no booking holding a place (those are the booking's events)."""
    return activities.filter(starts_at__isnull=False, ends_at__isnull=False).exclude(
        booking__status__in=Booking.HOLDING_PLACE
    )


def feed_activities(feed: CalendarFeed) -> QuerySet[PlanActivity]:
    owner = {
        CalendarFeed.Kind.TEACHER: Q(plan__adoption__school_class__school__teachers__user_id=feed.user_id),
        CalendarFeed.Kind.SCHOOL_CLASS: Q(plan__adoption__school_class_id=feed.school_class_id),
        CalendarFeed.Kind.COMPANY: Q(plan__adoption__company_id=feed.company_id),
        CalendarFeed.Kind.MEMBER: Q(plan__adoption__company__members__user_id=feed.user_id),
    }[feed.kind]
    activities = PlanActivity.objects.filter(owner, plan__adoption__status=Adoption.Status.ACTIVE)
    return unbooked_dated(activities).distinct()


def activity_event(activity: PlanActivity) -> CalendarEvent:
    """One plan activity as a calendar event; an idea is tentative."""
    adoption = activity.plan.adoption
    company, school_class = adoption.company, adoption.school_class
    phases = [activity.preparation, activity.description, activity.follow_up]
    return CalendarEvent(
        uid=event_uid(EVENT_KIND, activity.pk, site_domain()),
        sequence=max(0, int((activity.updated_at - SEQUENCE_EPOCH).total_seconds())),
        start=activity.starts_at,
        end=activity.ends_at,
        summary=f"{activity.title} ({company.name} – {school_class.name})",
        organizer=Person(company.email or f"noreply@{site_domain()}", company.name),
        location=company.full_address if activity.kind == PlanActivity.Kind.COMPANY_VISIT else school_class.school.name,
        description="\n\n".join(phase for phase in phases if phase),
        url=settings.SITE_URL.rstrip("/") + reverse("plan-detail", args=[activity.plan_id]),
        tentative=activity.status == PlanActivity.Status.IDEA,
        last_modified=activity.updated_at,
        created=activity.created_at,
    )


def _for_rendering(activities: QuerySet[PlanActivity]) -> list[PlanActivity]:
    return list(
        activities.select_related(
            "plan__adoption__company", "plan__adoption__school_class__school", "booking"
        ).order_by("starts_at", "id")
    )


def feed_events(feed: CalendarFeed, now: dt.datetime) -> list[CalendarEvent]:
    return [activity_event(activity) for activity in _for_rendering(feed_activities(feed))]


def feed_version_of(feed: CalendarFeed, now: dt.datetime) -> tuple:
    """Changes whenever an activity of the feed changes, appears or drops out."""
    summary = feed_activities(feed).aggregate(count=Count("id", distinct=True), last=Max("updated_at"))
    return ("plans", summary["count"], summary["last"])


def plan_events(plan: AnnualPlan) -> list[CalendarEvent]:
    """The plan's dated activities that hold no booking, for the plan's own .ics file."""
    return [activity_event(activity) for activity in _for_rendering(unbooked_dated(plan.activities.all()))]
