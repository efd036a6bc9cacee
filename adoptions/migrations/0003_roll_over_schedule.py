"""The django-q2 schedule that rolls the adoptions over each year on 1 August, at night.

Created idempotently by name, like notifications' schedules; its first run is the next
1 August from when the migration runs, and django-q2 moves a yearly schedule a year on after
each run. A schedule already there keeps its next run (an operator may have moved it)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

NAME = "Roll over the school year"
FUNC = "adoptions.tasks.school_year_roll_over"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
AT = dt.time(3, 0)


def next_first_of_august(now: dt.datetime) -> dt.datetime:
    """The next 1 August at 03:00 in Copenhagen after `now`."""
    local = now.astimezone(COPENHAGEN)
    year = local.year if local < dt.datetime.combine(dt.date(local.year, 8, 1), AT, tzinfo=COPENHAGEN) else local.year + 1
    return dt.datetime.combine(dt.date(year, 8, 1), AT, tzinfo=COPENHAGEN)


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "Y", "repeats": -1},
        create_defaults={
            "func": FUNC,
            "schedule_type": "Y",
            "repeats": -1,
            "next_run": next_first_of_august(timezone.now()),
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("adoptions", "0002_retire_adoption_offers"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
