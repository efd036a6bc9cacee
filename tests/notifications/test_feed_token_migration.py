"""Calendar addresses made before each person had their own keep working after the migration
that stores tokens as SHA-256: a teacher's or member's own address becomes theirs (and stops
when they leave), a class's or company's shared address works until someone stops it."""

from __future__ import annotations

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from notifications.models import CalendarFeed, CalendarSubscription
from notifications.selectors import addresses_for_user, feeds_for_user
from notifications.services import calendar_subscription_issue
from tests import factories

BEFORE = [("notifications", "0003_outbox_subject_key")]
# Migrating needs real transactions; the reference data the migrations loaded is restored
# after each test for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
OLD_TOKENS = {"teacher": "t" * 43, "class": "c" * 43, "company": "y" * 43, "member": "m" * 43}


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def feeds_with_plain_tokens(teacher, school_class, host, company):
    """A feed of each kind as they were before the migration, with its token in plain text;
    the database is migrated forward again afterwards, whatever the test did."""
    apps = migrate(BEFORE).loader.project_state(BEFORE).apps
    OldFeed = apps.get_model("notifications", "CalendarFeed")
    OldFeed.objects.create(kind="teacher", user_id=teacher.user.pk, token=OLD_TOKENS["teacher"])
    OldFeed.objects.create(kind="class", school_class_id=school_class.pk, token=OLD_TOKENS["class"])
    OldFeed.objects.create(kind="company", company_id=company.pk, token=OLD_TOKENS["company"])
    OldFeed.objects.create(kind="member", user_id=host.user.pk, token=OLD_TOKENS["member"])
    migrate(latest())
    yield
    migrate(latest())


def status(token: str) -> int:
    return Client().get(f"/calendar/{token}.ics").status_code


def test_every_address_works_after_the_migration_and_only_its_hash_is_kept(feeds_with_plain_tokens):
    assert {kind: status(token) for kind, token in OLD_TOKENS.items()} == dict.fromkeys(OLD_TOKENS, 200)
    assert set(CalendarSubscription.objects.values_list("token_hash", flat=True)) == {
        hashlib.sha256(token.encode()).hexdigest() for token in OLD_TOKENS.values()
    }


def test_a_persons_own_address_becomes_theirs_and_stops_when_they_leave(feeds_with_plain_tokens, teacher, host):
    own = CalendarSubscription.objects.filter(feed__kind__in=["teacher", "member"])
    assert sorted(own.values_list("holder_id", flat=True)) == sorted([teacher.user.pk, host.user.pk])

    teacher.school = factories.SchoolFactory()
    teacher.save()
    host.delete()

    assert (status(OLD_TOKENS["teacher"]), status(OLD_TOKENS["member"])) == (404, 404)
    assert (status(OLD_TOKENS["class"]), status(OLD_TOKENS["company"])) == (200, 200)


def test_a_shared_address_works_until_someone_stops_it_and_their_own_keep_working(
    feeds_with_plain_tokens, teacher, school_class
):
    colleague = factories.TeacherFactory(school=teacher.school)
    class_feed = CalendarFeed.objects.get(kind=CalendarFeed.Kind.SCHOOL_CLASS)
    assert class_feed.pk in addresses_for_user(teacher.user, feeds_for_user(teacher.user)).shared_from_before
    theirs = calendar_subscription_issue(feed=class_feed, holder=colleague.user)
    mine = calendar_subscription_issue(feed=class_feed, holder=teacher.user)
    assert status(OLD_TOKENS["class"]) == 200

    renewed = calendar_subscription_issue(feed=class_feed, holder=teacher.user, stop_shared_address=True)

    assert (status(OLD_TOKENS["class"]), status(mine), status(renewed), status(theirs)) == (404, 404, 200, 200)
    assert not addresses_for_user(teacher.user, [class_feed]).shared_from_before
