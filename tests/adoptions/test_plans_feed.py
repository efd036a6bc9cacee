# ruff: noqa: F811 (pytest fixtures imported from plan_helpers are parameters by the same name)
"""Dated plan activities without a booking appear in the private feeds of the school's
teachers and the company's members; booked ones appear once, as their booking."""

import pytest

from adoptions.feeds import plan_events
from adoptions.models import PlanActivity
from adoptions.services import activity_book, activity_create
from notifications.feeds import feed_version, render_feed
from notifications.models import CalendarFeed
from tests.adoptions.plan_helpers import adoption, plan  # noqa: F401 (fixtures)
from tests.dates import at, school_day

pytestmark = pytest.mark.django_db


def dated(plan, actor, title, weekday=1):
    day = school_day(weekday=weekday)
    return activity_create(
        actor=actor,
        plan=plan,
        title=title,
        kind=PlanActivity.Kind.COMPANY_VISIT,
        starts_at=at(day, 9),
        ends_at=at(day, 11),
    )


def test_dated_activity_is_in_teacher_and_member_feeds(plan, teacher, host, company):
    activity = dated(plan, teacher.user, "Vindmølleværksted")
    activity_create(actor=teacher.user, plan=plan, title="Udateret idé", kind=PlanActivity.Kind.PROJECT)
    for feed in (
        CalendarFeed.objects.create(kind=CalendarFeed.Kind.TEACHER, user=teacher.user),
        CalendarFeed.objects.create(kind=CalendarFeed.Kind.MEMBER, user=host.user),
        CalendarFeed.objects.create(kind=CalendarFeed.Kind.COMPANY, company=company),
    ):
        body = render_feed(feed).decode()
        assert "Vindmølleværksted" in body
        assert f"brobyg-plan-activity-{activity.pk}@" in body
        assert "Udateret idé" not in body


def test_booked_activity_is_in_the_feed_once_as_its_booking(plan, teacher):
    activity = dated(plan, teacher.user, "Booket besøg")
    feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.TEACHER, user=teacher.user)
    version = feed_version(feed, at(school_day(), 0))
    activity_book(actor=teacher.user, activity=activity, starts_at=activity.starts_at, ends_at=activity.ends_at)
    body = render_feed(feed).decode()
    assert f"brobyg-plan-activity-{activity.pk}@" not in body
    assert f"brobyg-booking-{activity.booking_id}@" in body
    assert feed_version(feed, at(school_day(), 0)) != version
    assert plan_events(plan) == []


def test_other_schools_teacher_does_not_see_the_activity(plan, teacher, other_teacher):
    dated(plan, teacher.user, "Hemmeligt besøg")
    feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.TEACHER, user=other_teacher.user)
    assert "Hemmeligt besøg" not in render_feed(feed).decode()
