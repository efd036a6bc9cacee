"""API tokens: issued at the token endpoint, stored only as their SHA-256, valid for
API_TOKEN_DAYS, revoked when the password changes or the account is deactivated, checked in one
SQL statement; the migration from DRF's authtoken hashes the keys it finds."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuditEntry
from accounts.services import api_tokens_revoke
from schools.authentication import TokenAuthentication
from tests import factories

PASSWORD = "Fjordhest-2031"


@pytest.fixture
def teacher(db):
    return factories.TeacherFactory(user__username="lene", user__password=PASSWORD)


def issue(username: str = "lene", password: str = PASSWORD) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_token_is_stored_only_as_its_hash(teacher):
    """The database holds the key's SHA-256, never the key; the issue is in the audit log."""
    key = issue()

    stored = ApiToken.objects.get(user=teacher.user)
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert not ApiToken.objects.filter(key_hash=key).exists()
    assert AuditEntry.objects.filter(action="accounts.api_token.issue", actor=teacher.user).count() == 1


def test_issued_token_opens_the_api(teacher):
    """A fresh key reads the teacher's own bookings."""
    assert with_key(issue()).get("/api/v1/bookings/").status_code == 200


def test_token_expires_after_api_token_days(teacher, settings):
    """A key works until API_TOKEN_DAYS after it was issued and answers 401 after that."""
    settings.API_TOKEN_DAYS = 90
    with time_machine.travel(timezone.now(), tick=False) as clock:
        key = issue()
        clock.shift(dt.timedelta(days=89))
        assert with_key(key).get("/api/v1/bookings/").status_code == 200
        clock.shift(dt.timedelta(days=2))

        assert with_key(key).get("/api/v1/bookings/").status_code == 401


def test_issuing_removes_the_users_expired_tokens(teacher, settings):
    """Only keys that still work stay in the table: an expired one goes when a new one is issued."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        issue()
        clock.shift(dt.timedelta(days=settings.API_TOKEN_DAYS + 1))
        issue()

    assert ApiToken.objects.filter(user=teacher.user).count() == 1


def test_password_change_revokes_every_token(teacher):
    """Setting a new password (reset link, invitation, admin: all end in set_password) deletes
    the user's keys, and the old keys answer 401."""
    keys = [issue(), issue()]

    teacher.user.set_password("Ny-adgangskode-2032")
    teacher.user.save()

    assert not ApiToken.objects.filter(user=teacher.user).exists()
    assert {with_key(key).get("/api/v1/bookings/").status_code for key in keys} == {401}


def test_password_reset_page_revokes_tokens(teacher, client):
    """Choosing a new password through the e-mailed reset link revokes the keys."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    key = issue()
    uid = urlsafe_base64_encode(force_bytes(teacher.user.pk))
    token = default_token_generator.make_token(teacher.user)
    form = client.get(f"/password/reset/{uid}/{token}/", follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": "Ny-adgangskode-2032", "new_password2": "Ny-adgangskode-2032"}
    )

    assert with_key(key).get("/api/v1/bookings/").status_code == 401


def test_deactivation_revokes_every_token(teacher):
    """A deactivated account's keys are deleted (and would be refused anyway)."""
    key = issue()

    teacher.user.is_active = False
    teacher.user.save()

    assert not ApiToken.objects.filter(user=teacher.user).exists()
    assert with_key(key).get("/api/v1/bookings/").status_code == 401


def test_saving_a_user_without_a_new_password_keeps_the_tokens(teacher):
    """Changing a name is not a password change: the key keeps working."""
    key = issue()

    teacher.user.first_name = "Lene Marie"
    teacher.user.save()

    assert with_key(key).get("/api/v1/bookings/").status_code == 200


def test_revoke_service_deletes_the_keys_and_records_it(teacher):
    """api_tokens_revoke signs out every script of the user, with an audit entry."""
    key = issue()

    assert api_tokens_revoke(user=teacher.user) == 1
    assert with_key(key).get("/api/v1/bookings/").status_code == 401
    assert AuditEntry.objects.filter(action="accounts.api_token.revoke").exists()


def test_token_check_is_one_sql_statement(teacher):
    """Authenticating a key reads the token, the user and the teacher profile in one statement."""
    key = issue()

    with CaptureQueriesContext(connection) as queries:
        user, _key = TokenAuthentication().authenticate_credentials(key)
        assert user.teacher == teacher

    assert len(queries) == 1


def test_unknown_key_answers_401(db):
    """A key that was never issued is refused like an expired one."""
    assert with_key("0" * 40).get("/api/v1/bookings/").status_code == 401


def test_migration_hashes_existing_keys_and_drops_the_plain_ones(teacher, settings):
    """Upgrading from DRF's authtoken: each key in the old table becomes a hashed token that works,
    and the table with the plain keys is gone."""
    migration = importlib.import_module("accounts.migrations.0004_api_tokens")
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "authtoken_token" ("key" varchar(40) PRIMARY KEY, "user_id" bigint, "created" timestamp)'
        )
        cursor.execute('INSERT INTO "authtoken_token" VALUES (%s, %s, %s)', ["a" * 40, teacher.user.pk, "2025-01-01"])

    # What the migration uses of its schema editor; SQLite's own cannot open inside a test's transaction.
    editor = SimpleNamespace(connection=connection, execute=lambda sql: connection.cursor().execute(sql))
    migration.hash_existing_keys(apps, editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    assert ApiToken.objects.get(user=teacher.user).key_hash == hashlib.sha256(b"a" * 40).hexdigest()
    assert with_key("a" * 40).get("/api/v1/bookings/").status_code == 200
