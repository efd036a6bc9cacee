"""A teacher visit's e-mails and calendar events name the visiting teacher instead of a class,
and show no pupils; it is in the teacher's and the host's calendars, not in any class's."""

from __future__ import annotations

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from bookings import services
from bookings.calendar_events import booking_event
from bookings.feeds import feed_bookings_for_rendering
from bookings.models import Booking, Offer
from notifications.calendar import build_calendar
from notifications.feeds import feed_name, render_feed
from notifications.models import CalendarFeed
from notifications.services import calendar_subscription_issue
from tests import factories
from tests.notifications.conftest import Visit, body_text, deliver, invite_calendar, only_message

SUMMARY = "Lærerpraktik – Søren Ærø, Sønderbro Skole"


@pytest.fixture
def teacher_visit(visit: Visit) -> Visit:
    Offer.objects.filter(pk=visit.offer.pk).update(kind=Offer.Kind.TEACHER_VISIT, title="Lærerpraktik")
    visit.offer.refresh_from_db()
    return visit


@pytest.fixture(autouse=True)
def _fresh_feeds():
    cache.clear()
    yield
    cache.clear()


def book_visit(visit: Visit, *, actor=None, teacher_id: int | None = None) -> Booking:
    booking = services.booking_create(actor=actor or visit.teacher.user, slot_id=visit.slot.pk, teacher_id=teacher_id)
    services.bookings_announce_new()
    return booking


def test_teacher_visit_invite_names_the_teacher_and_no_pupils(teacher_visit, mailbox):
    """The invite's summary is "offer – teacher, school"; its description says who comes
    ("Lærer: …") and has no line counting pupils."""
    book_visit(teacher_visit)

    received = deliver(mailbox)

    for address in (teacher_visit.teacher_email, teacher_visit.host_email):
        event = invite_calendar(only_message(received, address)).event
        assert event.summary == SUMMARY
        assert "Lærer: Søren Ærø, Sønderbro Skole" in event.description
        assert "Klasse:" not in event.description
        assert "elev" not in event.description


def test_host_is_asked_to_answer_a_teachers_request(manual_visit, mailbox):
    Offer.objects.filter(pk=manual_visit.offer.pk).update(kind=Offer.Kind.TEACHER_VISIT, title="Lærerpraktik")

    book_visit(manual_visit)

    message = only_message(deliver(mailbox), manual_visit.host_email)
    assert "Søren Ærø" in str(message["Subject"])
    assert "En lærer vil gerne komme" in body_text(message)


def test_teacher_visit_booked_by_a_consultant_invites_the_visiting_teacher(teacher_visit, consultant, mailbox):
    book_visit(teacher_visit, actor=consultant, teacher_id=teacher_visit.teacher.pk)

    received = deliver(mailbox)

    assert invite_calendar(only_message(received, teacher_visit.teacher_email)).event.summary == SUMMARY


def _events(client, feed: CalendarFeed, holder) -> list[str]:
    """The summaries of the feed's events, read through `holder`'s own address of it."""
    token = calendar_subscription_issue(feed=feed, holder=holder)
    response = client.get(reverse("calendar-feed", args=[token]))
    assert response.status_code == 200
    return [str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(response.content).walk("VEVENT")]


def test_teacher_visit_is_in_the_teachers_and_the_companys_feeds_not_the_classes(client, teacher_visit, consultant):
    """Booked by a consultant, it is still in the visiting teacher's own feed."""
    book_visit(teacher_visit, actor=consultant, teacher_id=teacher_visit.teacher.pk)
    teacher_feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.TEACHER, user=teacher_visit.teacher.user)
    company_feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.COMPANY, company=teacher_visit.company)
    class_feed = CalendarFeed.objects.create(
        kind=CalendarFeed.Kind.SCHOOL_CLASS, school_class=teacher_visit.school_class
    )

    assert _events(client, teacher_feed, teacher_visit.teacher.user) == [SUMMARY]
    assert _events(client, company_feed, teacher_visit.host.user) == [SUMMARY]
    assert _events(client, class_feed, teacher_visit.teacher.user) == []


def test_feed_loading_describes_a_teacher_visit_as_loaded_one_by_one(teacher_visit):
    """The feed's one-query loading fills the teacher, their user and school as the ORM does:
    one query, and the same calendar, byte for byte."""
    book_visit(teacher_visit)
    feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.TEACHER, user=teacher_visit.teacher.user)
    now = timezone.now()

    with CaptureQueriesContext(connection) as queries, translation.override("da"):
        for booking in feed_bookings_for_rendering(feed):
            booking_event(booking, sequence=0, cancelled=False)
    with translation.override("da"):
        events = [booking_event(booking, sequence=0, cancelled=False) for booking in Booking.objects.all()]
        expected = build_calendar(events, name=feed_name(feed), now=now)

    assert len(queries) == 1
    assert render_feed(feed, now=now) == expected


def test_colleagues_class_feed_stays_empty(client, teacher_visit):
    colleague_class = factories.SchoolClassFactory(school=teacher_visit.teacher.school, name="9.Æ", grade=9)
    book_visit(teacher_visit)
    feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.SCHOOL_CLASS, school_class=colleague_class)

    assert _events(client, feed, teacher_visit.teacher.user) == []
