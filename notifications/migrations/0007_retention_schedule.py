"""The django-q2 schedule of the daily retention round (notifications.tasks.retention_daily):
old outbox rows and audit entries lose who they were about, expired sessions go
(docs/privacy.md).

Created idempotently by name, like the other schedules; it first runs at the next 04:15 in
Copenhagen. A schedule already there keeps its next run (an operator may have moved it)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations
from django.utils import timezone

NAME = "Personal data: the daily retention round"
FUNC = "notifications.tasks.retention_daily"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
AT = dt.time(4, 15)


def next_run_after(now: dt.datetime) -> dt.datetime:
    """The next 04:15 in Copenhagen after `now`."""
    local = now.astimezone(COPENHAGEN)
    today = dt.datetime.combine(local.date(), AT, tzinfo=COPENHAGEN)
    return today if local < today else dt.datetime.combine(local.date() + dt.timedelta(days=1), AT, tzinfo=COPENHAGEN)


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=NAME,
        defaults={"func": FUNC, "schedule_type": "D", "repeats": -1},
        create_defaults={"func": FUNC, "schedule_type": "D", "repeats": -1, "next_run": next_run_after(timezone.now())},
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_outgoing_message_email_subject_name"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
