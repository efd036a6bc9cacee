# ruff: noqa: F811 (pytest fixtures imported from plan_helpers are parameters by the same name)
"""The roll-over runs by itself each year on 1 August: a django-q2 schedule made by a
migration (once, however often it runs) calls a thin task that rolls over the school year
that has just ended."""

import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django_q.models import Schedule

from adoptions import tasks
from adoptions.models import Adoption
from tests.adoptions.plan_helpers import adoption  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
migration = importlib.import_module("adoptions.migrations.0003_roll_over_schedule")


def test_migrations_schedule_the_roll_over_yearly_on_the_first_of_august():
    schedule = Schedule.objects.get(func="adoptions.tasks.school_year_roll_over")

    assert (schedule.schedule_type, schedule.repeats) == (Schedule.YEARLY, -1)
    next_run = schedule.next_run.astimezone(COPENHAGEN)
    assert (next_run.month, next_run.day, next_run.hour) == (8, 1, 3)
    assert dt.timedelta(0) < schedule.next_run - dt.datetime.now(COPENHAGEN) <= dt.timedelta(days=366)


def test_creating_the_schedule_again_keeps_one_and_its_next_run():
    """Idempotent: a second run (or a re-applied migration) neither duplicates the schedule nor moves it."""
    moved = dt.datetime(2031, 8, 1, 5, 0, tzinfo=COPENHAGEN)
    Schedule.objects.filter(name=migration.NAME).update(next_run=moved)

    migration.create(apps, None)

    schedule = Schedule.objects.get(name=migration.NAME)
    assert schedule.next_run == moved


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2027, 7, 31, 12, 0), dt.date(2027, 8, 1)),
        (dt.datetime(2027, 8, 1, 4, 0), dt.date(2028, 8, 1)),
    ],
)
def test_the_first_run_is_the_next_first_of_august(now, expected):
    assert migration.next_first_of_august(now.replace(tzinfo=COPENHAGEN)).date() == expected


def test_the_task_on_the_first_of_august_ends_the_school_year_just_ended(adoption):
    school_year = adoption.school_year
    first_of_august = dt.datetime(school_year + 1, 8, 1, 3, 0, tzinfo=COPENHAGEN)

    with time_machine.travel(first_of_august, tick=False):
        report = tasks.school_year_roll_over()

    adoption.refresh_from_db()
    assert adoption.status == Adoption.Status.ENDED
    assert report.startswith(f"School year {school_year}:")
