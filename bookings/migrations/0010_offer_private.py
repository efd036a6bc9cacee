from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0009_booking_event_status_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="is_private",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="private (class adoption activities)"
            ),
        ),
    ]
