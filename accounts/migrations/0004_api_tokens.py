"""API tokens stored as their SHA-256, with an expiry, in place of DRF's authtoken table, whose
keys were stored as they are. Existing keys are hashed into the new table (so scripts using them
keep working until they expire, API_TOKEN_DAYS from this migration) and the old table, plain
keys and all, is dropped. There is no way back: a hash gives no key."""

import hashlib
from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def hash_existing_keys(apps, schema_editor) -> None:
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT "key", "user_id" FROM "{OLD_TABLE}"')
        rows = cursor.fetchall()
    now = timezone.now()
    expires = now + timedelta(days=settings.API_TOKEN_DAYS)
    ApiToken.objects.bulk_create(
        [
            ApiToken(user_id=user_id, key_hash=hashlib.sha256(key.encode()).hexdigest(), created=now, expires=expires)
            for key, user_id in rows
        ]
    )
    schema_editor.execute(f'DROP TABLE "{OLD_TABLE}"')


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_audit_entry"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key_hash", models.CharField(max_length=64, unique=True, verbose_name="key hash")),
                ("created", models.DateTimeField(verbose_name="created")),
                ("expires", models.DateTimeField(verbose_name="expires")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "API token",
                "verbose_name_plural": "API tokens",
                "indexes": [models.Index(fields=["user", "expires"], name="api_token_user_expires")],
            },
        ),
        migrations.RunPython(hash_existing_keys, migrations.RunPython.noop),
    ]
