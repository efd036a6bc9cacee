"""The django-q2 schedule that deletes Idempotency-Keys older than a day, hourly.

Created idempotently by name, like notifications' schedules."""

from django.db import migrations

NAME = "Expire idempotency keys"
FUNC = "core.tasks.idempotency_keys_expire"


def create(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME, defaults={"func": FUNC, "schedule_type": "H", "repeats": -1}
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_idempotency_key"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
