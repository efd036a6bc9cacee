"""The django-q2 schedules that deliver the outbox and expire unanswered requests.

Created idempotently by name (django-q2's own schedule() checks then inserts, which is not
safe to run twice at once)."""

from django.db import migrations

SCHEDULES = [
    ("Deliver due e-mails", "notifications.tasks.deliver_due_messages", 1),
    ("Expire unanswered requests", "bookings.tasks.expire_unanswered_requests", 15),
]


def create(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    for name, func, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name, defaults={"func": func, "schedule_type": "I", "minutes": minutes, "repeats": -1}
        )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name__in=[name for name, _, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
