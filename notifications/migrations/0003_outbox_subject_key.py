"""Outbox rows name their subject by a key ("booking:42") instead of a foreign key to a
booking, so that notifications depends on no domain. The key is filled from booking_id
before the foreign key goes, so rows written before this migration are still delivered.
Kind and role lose their choices: they are the words of the domain that writes the row."""

from django.db import migrations, models
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat


def fill_subject_key(apps, schema_editor):
    OutgoingMessage = apps.get_model("notifications", "OutgoingMessage")
    OutgoingMessage.objects.filter(booking__isnull=False).update(
        subject_key=Concat(Value("booking:"), Cast("booking_id", CharField()), output_field=CharField())
    )


def fill_booking(apps, schema_editor):
    OutgoingMessage = apps.get_model("notifications", "OutgoingMessage")
    Booking = apps.get_model("bookings", "Booking")
    keys = OutgoingMessage.objects.filter(subject_key__startswith="booking:").values_list("pk", "subject_key")
    existing = set(Booking.objects.values_list("pk", flat=True))
    for pk, key in keys:
        booking_id = int(key.removeprefix("booking:"))
        if booking_id in existing:
            OutgoingMessage.objects.filter(pk=pk).update(booking_id=booking_id)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_schedules"),
    ]

    operations = [
        migrations.AddField(
            model_name="outgoingmessage",
            name="subject_key",
            field=models.CharField(
                default="",
                help_text="What the message is about, as type:id, e.g. booking:42.",
                max_length=100,
                verbose_name="about",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_subject_key, fill_booking, elidable=False),
        migrations.RemoveIndex(model_name="outgoingmessage", name="notificatio_booking_6a3f1d_idx"),
        migrations.RemoveField(model_name="outgoingmessage", name="booking"),
        migrations.AddIndex(
            model_name="outgoingmessage",
            index=models.Index(fields=["subject_key", "status"], name="notificatio_subject_25db10_idx"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="kind",
            field=models.CharField(max_length=40, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="outgoingmessage",
            name="role",
            field=models.CharField(max_length=20, verbose_name="recipient's role"),
        ),
    ]
