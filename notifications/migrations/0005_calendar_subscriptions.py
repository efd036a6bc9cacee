"""Each person reads a calendar feed through an address of their own, stored as the SHA-256
of its token (CalendarSubscription), so that access is checked per holder and a reset
touches no one else's address.

Existing addresses keep working: each feed's token becomes a subscription holding its hash.
A teacher's or member's feed token is attributed to that person (it stops working if they
leave); a class's or company's token, which everyone at the school or company could have
copied, is kept without a holder until someone stops it from the subscriptions page.

Going back cannot restore tokens from their hashes: the feeds are deleted (they are made
again, with new addresses, the next time someone opens the subscriptions page)."""

import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

PERSONAL = ("teacher", "member")


def hash_tokens(apps, schema_editor):
    CalendarFeed = apps.get_model("notifications", "CalendarFeed")
    CalendarSubscription = apps.get_model("notifications", "CalendarSubscription")
    Teacher = apps.get_model("schools", "Teacher")
    school_of = dict(Teacher.objects.values_list("user_id", "school_id"))
    subscriptions = []
    for feed in CalendarFeed.objects.select_related("school_class").iterator():
        school = None
        if feed.kind == "teacher":
            school = school_of.get(feed.user_id)
        elif feed.kind == "class":
            school = feed.school_class.school_id
        subscriptions.append(
            CalendarSubscription(
                feed_id=feed.pk,
                holder_id=feed.user_id if feed.kind in PERSONAL else None,
                school_id=school,
                token_hash=hashlib.sha256(feed.token.encode()).hexdigest(),
                reset_at=feed.reset_at,
            )
        )
    CalendarSubscription.objects.bulk_create(subscriptions, batch_size=500)
    made = CalendarFeed.objects.filter(pk=OuterRef("feed_id"))
    CalendarSubscription.objects.update(created_at=Subquery(made.values("created_at")[:1]))


def forget_feeds(apps, schema_editor):
    apps.get_model("notifications", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_outgoing_message_context"),
        ("schools", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="CalendarSubscription",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token_hash", models.CharField(max_length=64, unique=True, verbose_name="token (SHA-256)")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("reset_at", models.DateTimeField(blank=True, null=True, verbose_name="token reset")),
                (
                    "feed",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subscriptions",
                        to="notifications.calendarfeed",
                    ),
                ),
                (
                    "holder",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="calendar_subscriptions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="holder",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        blank=True,
                        help_text="Where the holder taught when the address was made; it stops working if they move.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="schools.school",
                        verbose_name="school",
                    ),
                ),
            ],
            options={
                "verbose_name": "calendar subscription",
                "verbose_name_plural": "calendar subscriptions",
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("holder__isnull", False)),
                        fields=("feed", "holder"),
                        name="one_address_per_holder",
                    )
                ],
            },
        ),
        migrations.RunPython(hash_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="reset_at"),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        migrations.RunPython(migrations.RunPython.noop, forget_feeds),
    ]
