"""The demo's school year so far: what the demo logins rely on to try the feedback pages and
attendance, and a "this year" on the dashboard that is not empty beside last year's.

Loaded on a fixed day well into the autumn (and on one just past mid-September), so that the
assertions do not depend on the day the suite runs; the loader itself is tested on any day in
test_load_demo.py."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from adoptions.models import PlanActivity
from bookings import services as booking_services
from bookings.models import Booking, Slot
from companies.models import CompanyMember
from core.dates import school_year_of
from notifications.delivery import deliver_one
from notifications.models import OutgoingMessage
from notifications.registry import subject_key
from overview.models import Feedback
from overview.selectors import feedback_list_asked_of
from overview.services import feedback_state
from schools.models import SchoolClass

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
LATE_NOVEMBER = dt.datetime(2026, 11, 26, 10, 30, tzinfo=COPENHAGEN)  # a Thursday
MID_SEPTEMBER = dt.datetime(2026, 9, 16, 10, 30, tzinfo=COPENHAGEN)
TEACHERS, HOSTS = ("laerer", "laerer2"), ("vaert", "vaert2")


def load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


def year_start(school_year: int) -> dt.datetime:
    return dt.datetime(school_year, 8, 1, tzinfo=COPENHAGEN)


def this_years_visits(school_year: int):
    """This school year's public visits that began before now."""
    return Booking.objects.filter(
        slot__start__gte=year_start(school_year), slot__start__lt=timezone.now(), slot__offer__is_private=False
    )


def reached(school_year: int) -> int:
    return (
        SchoolClass.objects.filter(school_year=school_year, bookings__status=Booking.Status.COMPLETED)
        .distinct()
        .count()
    )


@pytest.mark.django_db
class TestTheSchoolYearSoFar:
    @pytest.fixture(scope="class", autouse=True)
    def demo(self, django_db_setup, django_db_blocker) -> Iterator[None]:
        with (
            time_machine.travel(LATE_NOVEMBER, tick=False),
            django_db_blocker.unblock(),
            transaction.atomic(),
        ):
            load_demo()
            yield
            transaction.set_rollback(True)

    def test_this_autumns_visits_ended_in_every_state_and_reached_part_of_the_classes(self):
        """This autumn's visits ended attended, no-show, cancelled or declined, or (only in the
        last school days) are still waiting for the host to mark them; they reached fewer
        classes than last year did, but some in every kind of school and outside Aalborg."""
        school_year = school_year_of(timezone.localdate())
        visits = this_years_visits(school_year)
        statuses = set(visits.values_list("status", flat=True))
        assert {"completed", "no_show", "cancelled", "declined"} <= statuses <= {
            "completed", "no_show", "cancelled", "declined", "confirmed"
        }  # fmt: skip
        unmarked = visits.filter(status=Booking.Status.CONFIRMED)
        assert unmarked.exists()
        assert not unmarked.filter(slot__start__lt=timezone.now() - dt.timedelta(days=7)).exists()
        this_year, last_year = reached(school_year), reached(school_year - 1)
        assert 0.2 * last_year < this_year < last_year
        met = SchoolClass.objects.filter(school_year=school_year, bookings__status=Booking.Status.COMPLETED)
        assert met.exclude(school__municipality=851).exists()
        assert len(set(met.values_list("school__kind", flat=True))) >= 2

    def test_no_class_is_booked_twice_at_once_and_slot_counters_hold(self):
        """This autumn's visits keep to the rules of the coming ones."""
        held = Booking.objects.filter(
            school_class__isnull=False, status__in=(*Booking.HOLDING_PLACE, "completed", "no_show")
        ).select_related("slot")
        by_class: dict[int, list[Booking]] = {}
        for booking in held:
            by_class.setdefault(booking.school_class_id, []).append(booking)
        for bookings in by_class.values():
            bookings.sort(key=lambda b: b.slot.start)
            for a, b in pairwise(bookings):
                assert a.slot.end <= b.slot.start
        taken = Q(bookings__status__in=(*Booking.HOLDING_PLACE, "completed", "no_show"))
        for slot in Slot.objects.filter(start__lt=timezone.now()).annotate(holding=Count("bookings", filter=taken)):
            assert slot.booked_classes == slot.holding

    def test_each_demo_teacher_and_host_has_feedback_to_give_and_feedback_given(self):
        """From their own feedback page each demo teacher and host has a request still open
        (with a link that works) and one answered."""
        for username in TEACHERS + HOSTS:
            asked = list(feedback_list_asked_of(User.objects.get(username=username)))
            states = {feedback_state(feedback) for feedback in asked}
            assert {"open", "answered"} <= states, username
            assert all(feedback.link_nonce for feedback in asked if feedback_state(feedback) == "open")

    def test_the_demo_logins_feedback_page_lists_what_is_open_and_answers_it(self, client):
        for username in TEACHERS + HOSTS:
            user = User.objects.get(username=username)
            client.force_login(user)
            page = client.get(reverse("feedback-mine"))
            assert page.status_code == 200
            open_one = next(f for f in feedback_list_asked_of(user) if feedback_state(f) == "open")
            assert reverse("feedback-asked", args=[open_one.pk]) in page.content.decode()
            assert client.get(reverse("feedback-asked", args=[open_one.pk])).status_code == 200

    def test_an_open_request_waits_in_the_outbox_and_its_email_link_opens_the_form(self, client):
        """The open requests' last e-mail is still to be sent (the demo's delivery writes it to
        var/mail/); the e-mails of the days gone by were sent at the time."""
        for username in ("laerer", "vaert"):
            user = User.objects.get(username=username)
            open_one = next(f for f in feedback_list_asked_of(user) if feedback_state(f) == "open")
            waiting = OutgoingMessage.objects.get(
                subject_key=subject_key("feedback", open_one.pk),
                recipient_email=user.email,
                status=OutgoingMessage.Status.PENDING,
            )
            mail.outbox.clear()
            deliver_one(waiting.pk)
            (email,) = mail.outbox
            link = re.search(r"https?://\S+/feedback/\S+", email.body).group(0).rstrip(".")
            path = link.split("://", 1)[1].split("/", 1)[1]
            assert client.get(f"/{path}").status_code == 200
        answered = Feedback.objects.filter(answered_at__isnull=False).values_list("pk", flat=True)
        keys = [subject_key("feedback", pk) for pk in answered]
        assert not OutgoingMessage.objects.filter(subject_key__in=keys, status=OutgoingMessage.Status.PENDING).exists()

    def test_each_demo_host_has_a_visit_begun_in_the_last_days_to_mark(self):
        """A class's visit of the last school days the host has not yet said whether it came;
        marking it is possible now."""
        for username in HOSTS:
            member = CompanyMember.objects.select_related("user").get(user__username=username)
            unmarked = Booking.objects.filter(
                slot__offer__company=member.company,
                status=Booking.Status.CONFIRMED,
                slot__start__lt=timezone.now(),
                slot__start__gt=timezone.now() - dt.timedelta(days=5),
            )
            booking = unmarked.first()
            assert booking is not None, username
            marked = booking_services.booking_attendance_mark(booking=booking, actor=member.user, attended=True)
            assert marked.status == Booking.Status.COMPLETED

    def test_this_years_adoption_activities_done_were_asked_about_and_some_answered(self):
        school_year = school_year_of(timezone.localdate())
        done = PlanActivity.objects.filter(
            plan__adoption__school_year=school_year, status=PlanActivity.Status.DONE, booking__isnull=True
        )
        asked = Feedback.objects.filter(plan_activity__in=done)
        assert asked.count() == 2 * done.count() > 0
        assert asked.filter(answered_at__isnull=False).exists()

    def test_requests_were_asked_the_day_after_and_written_when_sent(self):
        school_year = school_year_of(timezone.localdate())
        asked = Feedback.objects.filter(sent_at__gte=year_start(school_year)).select_related("booking__slot")
        assert asked.count() >= 40
        for row in asked:
            assert row.created_at == row.sent_at < timezone.now()
            if row.booking:
                assert dt.timedelta(0) < row.sent_at - row.booking.slot.end < dt.timedelta(days=1)
            if row.answered_at:
                assert row.sent_at < row.answered_at < min(timezone.now(), row.expires_at)
        assert asked.filter(reminded_at__isnull=False).exists()


def test_just_past_mid_september_this_year_has_reached_some_classes(db):
    with time_machine.travel(MID_SEPTEMBER, tick=False):
        load_demo()
        school_year = school_year_of(timezone.localdate())
        assert 0 < reached(school_year) < 0.5 * reached(school_year - 1)
        assert Feedback.objects.filter(sent_at__gte=year_start(school_year), answered_at__isnull=True).exists()
