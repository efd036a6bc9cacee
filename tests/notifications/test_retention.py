"""The daily retention round: old finished messages and old audit entries keep the anonymous
fact, not who they were about; recent ones and pending messages are untouched."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_q.models import Schedule

from accounts.audit import audit_record
from accounts.models import AuditEntry
from notifications.models import OutgoingMessage
from notifications.retention import retention_round
from tests import factories


def message(*, key: str, status: str, sent_days_ago: int | None, due_days_ago: int = 0) -> OutgoingMessage:
    now = timezone.now()
    return OutgoingMessage.objects.create(
        kind="test",
        subject_key=f"test:{key}",
        role="teacher",
        recipient_email=f"{key}@skole.dk",
        recipient_name="Mette",
        subject="Din booking",
        context={"slot": 1},
        status=status,
        due_at=now - dt.timedelta(days=due_days_ago),
        sent_at=None if sent_days_ago is None else now - dt.timedelta(days=sent_days_ago),
        dedup_key=f"test:{key}:#1:{key}@skole.dk",
    )


@pytest.mark.django_db
def test_messages_finished_long_ago_keep_no_address_but_keep_their_dedup_key(settings):
    settings.OUTBOX_RETENTION_DAYS = 180
    old = message(key="old", status=OutgoingMessage.Status.SENT, sent_days_ago=200)
    given_up = message(key="failed", status=OutgoingMessage.Status.FAILED, sent_days_ago=None, due_days_ago=200)
    recent = message(key="recent", status=OutgoingMessage.Status.SENT, sent_days_ago=10)
    pending = message(key="pending", status=OutgoingMessage.Status.PENDING, sent_days_ago=None, due_days_ago=200)
    assert retention_round()["messages blanked"] == 2
    for row in (old, given_up):
        row.refresh_from_db()
        assert (row.recipient_email, row.recipient_name, row.subject, row.context) == ("", "", "", {})
        assert row.dedup_key.startswith("test:")
        assert "@skole.dk" not in row.dedup_key  # a key ends in its recipient's address
    for row in (recent, pending):
        row.refresh_from_db()
        assert row.recipient_email.endswith("@skole.dk")
    assert retention_round()["messages blanked"] == 0


@pytest.mark.django_db
def test_audit_entries_past_retention_keep_what_happened_but_not_who(settings, time_machine):
    settings.AUDIT_RETENTION_DAYS = 730
    user = factories.UserFactory()
    time_machine.move_to(timezone.now() - dt.timedelta(days=800))
    old = audit_record(actor=user, action="schools.class.update", details={"fields": ["name"]})
    time_machine.move_to(timezone.now() + dt.timedelta(days=790))
    recent = audit_record(actor=user, action="schools.class.update")
    assert retention_round()["audit entries blanked"] == 1
    old = AuditEntry.objects.get(pk=old.pk)
    assert (old.actor, old.details, old.action) == (None, {}, "schools.class.update")
    assert AuditEntry.objects.get(pk=recent.pk).actor == user


@pytest.mark.django_db
def test_expired_sessions_are_removed(client):
    client.force_login(factories.UserFactory())
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(days=1))
    retention_round()
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_the_round_is_scheduled_daily():
    schedule = Schedule.objects.get(name="Personal data: the daily retention round")
    assert (schedule.func, schedule.schedule_type) == ("notifications.tasks.retention_daily", Schedule.DAILY)
