"""A visit that has happened and an adoption activity held at school, for the feedback tests
(tests/overview and the pages' tests import them)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from adoptions.models import PlanActivity
from adoptions.services import adoption_create
from bookings import services
from bookings.models import Booking
from tests import factories

__all__ = ["days_after", "held_activity", "visit"]


@pytest.fixture
def visit(teacher, host, school_class, slot) -> Booking:
    """`teacher`'s class booked on `host`'s offer; the slot is two weeks ahead."""
    host.user.email = "vaert@example.dk"
    host.user.save()
    teacher.user.email = "laerer@example.dk"
    teacher.user.save()
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)


def days_after(moment: dt.datetime, days: float) -> time_machine.travel:
    """The clock `days` after `moment`, standing still."""
    return time_machine.travel(moment + dt.timedelta(days=days), tick=False)


@pytest.fixture
def held_activity(teacher, host, school_class) -> PlanActivity:
    """An adoption activity of `teacher`'s class with `host`'s company, held at school two weeks
    ahead without a booking (marked done by the tests once its day has come)."""
    adoption = adoption_create(school_class=school_class, company=host.company)
    start = factories.SlotFactory.build().start
    return PlanActivity.objects.create(
        plan=adoption.plan,
        title="Vindmøller i klassen",
        kind=PlanActivity.Kind.EXPERT_AT_SCHOOL,
        status=PlanActivity.Status.PLANNED,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
