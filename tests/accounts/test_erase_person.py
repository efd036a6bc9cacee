"""`manage.py erase_person <email>`: one person erased everywhere, leaving anonymous counts.
The tests look for the address (and the person's name) in every text column of every table."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import ApiToken, AuditEntry, User
from bookings import services as booking_services
from bookings.models import Booking
from core.models import IdempotencyKey
from notifications.models import CalendarFeed, CalendarSubscription, OutgoingMessage
from notifications.services import calendar_subscription_issue
from opendays.models import Application
from overview.models import Feedback
from schools import services as school_services
from tests import factories
from tests.opendays.conftest_applications import apply, make_host, make_open_day

ADDRESS = "mette.kragelund@skole.dk"
SURNAME = "Kragelund"
PUPIL = "freja.vestergaard@example.dk"
GUARDIAN = "hanne.vestergaard@example.dk"


def rows_mentioning(text: str) -> dict[str, int]:
    """Every table and text column (JSON included) holding `text`, case-insensitively, with how
    many rows: the test's eyes on the whole database."""
    found: dict[str, int] = {}
    textual = (models.CharField, models.TextField, models.JSONField)
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            for field in model._meta.concrete_fields:
                if not isinstance(field, textual):
                    continue
                column = connection.ops.quote_name(field.column)
                cursor.execute(
                    f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} "
                    f"WHERE LOWER(CAST({column} AS TEXT)) LIKE %s",
                    [f"%{text.lower()}%"],
                )
                count = cursor.fetchone()[0]
                if count:
                    found[f"{table}.{field.column}"] = count
    return found


@pytest.fixture
def person(db, client):
    """A teacher who also hosts for a company: bookings with a message, e-mails, a calendar
    address, an API token, feedback with a comment, audit entries, a refused sign-in, a role
    model and an admin history entry under the same address."""
    school = factories.SchoolFactory()
    user = factories.UserFactory(
        username=ADDRESS, email=ADDRESS, first_name="Mette", last_name=SURNAME, phone="+45 12 34 56 78"
    )
    teacher = factories.TeacherFactory(school=school, user=user)
    school_class = factories.SchoolClassFactory(school=school, name="8.A", grade=8, pupils=24)
    school_services.school_class_update(actor=user, school_class=school_class, name="8.K")
    slot = factories.SlotFactory(start=timezone.now() + dt.timedelta(days=20))
    booking = booking_services.booking_create(
        actor=user,
        slot_id=slot.pk,
        school_class_id=school_class.pk,
        pupils=20,
        message=f"Ring til mig, Mette {SURNAME}, på {ADDRESS}",
    )
    company = factories.CompanyFactory(email=ADDRESS)
    factories.CompanyMemberFactory(company=company, user=user, job_title=f"Mette {SURNAME}s stilling")
    factories.RoleModelFactory(company=company, name=f"Mette {SURNAME}", email=ADDRESS)
    feed = CalendarFeed.objects.create(kind=CalendarFeed.Kind.TEACHER, user=user)
    calendar_subscription_issue(feed=feed, holder=user)
    account_services.api_token_issue(user=user)
    IdempotencyKey.objects.create(
        user=user,
        key="retry-1",
        fingerprint="0" * 64,
        response_status=201,
        response_body=f'{{"teacher": "Mette {SURNAME}", "email": "{ADDRESS}"}}',
        created_at=timezone.now(),
    )
    Feedback.objects.create(
        booking=booking,
        respondent=Feedback.Respondent.TEACHER,
        recipient=user,
        comment=f"Godt besøg, hilsen Mette {SURNAME}",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    OutgoingMessage.objects.create(
        kind="test",
        subject_key="test:1",
        role="teacher",
        recipient_email=ADDRESS,
        recipient_name=f"Mette {SURNAME}",
        subject=f"Til Mette {SURNAME}",
        due_at=timezone.now(),
        last_error=f"550 {ADDRESS}: mailbox full",
        dedup_key=f"test:1:#1:{ADDRESS}",
    )
    # Sent to the host about the person's booking: the subject as it went out names her.
    OutgoingMessage.objects.create(
        kind="new_request",
        subject_key=f"booking:{booking.pk}",
        role="host",
        status=OutgoingMessage.Status.SENT,
        recipient_email="vaert@firma.dk",
        recipient_name="Søren Vært",
        subject=f"Ny forespørgsel: Mette {SURNAME} til Besøg",
        due_at=timezone.now(),
        sent_at=timezone.now(),
        dedup_key="new_request:1:#1:vaert@firma.dk",
    )
    LogEntry.objects.create(
        user=factories.UserFactory(is_superuser=True),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=f"Mette {SURNAME}",
        action_flag=ADDITION,
        change_message="",
    )
    client.post(reverse("login"), {"username": ADDRESS, "password": "wrong"})
    assert rows_mentioning(ADDRESS), "the fixture must put the address somewhere"
    return teacher


@pytest.mark.django_db
def test_erase_person_leaves_the_address_and_name_nowhere(person):
    call_command("erase_person", ADDRESS.upper(), stdout=StringIO())
    assert rows_mentioning(ADDRESS) == {}
    assert rows_mentioning(SURNAME) == {}


@pytest.mark.django_db
def test_erase_person_keeps_the_anonymous_counts(person):
    bookings, feedback = Booking.objects.count(), Feedback.objects.count()
    call_command("erase_person", ADDRESS, stdout=StringIO())
    assert (Booking.objects.count(), Feedback.objects.count()) == (bookings, feedback)
    booking = Booking.objects.get()
    assert (booking.pupils, booking.booked_by_id, booking.message) == (20, person.user_id, "")
    assert AuditEntry.objects.filter(action="schools.class.update", actor__isnull=True).exists()


@pytest.mark.django_db
def test_erase_person_shuts_every_door_of_the_account(person, client):
    call_command("erase_person", ADDRESS, stdout=StringIO())
    user = User.objects.get(pk=person.user_id)
    assert not user.is_active and not user.has_usable_password()
    assert (user.username, user.email, user.first_name, user.last_name, user.phone) == (
        f"erased-{user.pk}",
        "",
        "",
        "",
        "",
    )
    assert not ApiToken.objects.filter(user=user).exists()
    assert not CalendarSubscription.objects.filter(holder=user).exists()
    assert not user.company_memberships.exists()
    assert not AuditEntry.objects.filter(actor=user).exists()
    assert not OutgoingMessage.objects.filter(status=OutgoingMessage.Status.PENDING, recipient_email="").exists()


@pytest.mark.django_db
def test_erase_person_is_recorded_in_the_audit_log_without_the_address(person):
    call_command("erase_person", ADDRESS, stdout=StringIO())
    entry = AuditEntry.objects.get(action="accounts.person.erase")
    assert entry.details["accounts"] == 1
    assert ADDRESS not in str(entry.details)


@pytest.mark.django_db
def test_erase_person_erases_a_pupils_open_day_applications(db):
    day = make_open_day()
    hosts = [make_host(day) for _ in range(3)]
    application = apply(day, hosts, email=PUPIL, age=13, guardian_email=GUARDIAN)
    other = apply(day, hosts, email="anden@example.dk", first_name="Ida")
    assert rows_mentioning(PUPIL)
    out = StringIO()
    call_command("erase_person", PUPIL, stdout=out)
    assert rows_mentioning(PUPIL) == {}
    application.refresh_from_db()
    assert application.erased_at is not None and application.first_name == ""
    assert Application.objects.get(pk=other.pk).first_name == "Ida"
    assert "open-day applications erased: 1" in out.getvalue()


@pytest.mark.django_db
def test_erase_person_with_an_unknown_address_changes_nothing_but_says_so(db):
    out = StringIO()
    call_command("erase_person", "ingen@example.dk", stdout=out)
    assert "accounts erased: 0" in out.getvalue()


@pytest.mark.django_db
def test_erase_person_refuses_an_empty_address(db):
    with pytest.raises(CommandError):
        call_command("erase_person", "  ", stdout=StringIO())


@pytest.mark.django_db
def test_erase_person_deletes_django_axes_sign_in_attempts_when_axes_is_installed(person, monkeypatch):
    """django-axes is not installed on this branch: a stand-in for its three models shows that
    each is asked to delete the attempts under the address and the user name."""
    asked: list[tuple[str, str]] = []

    class Attempts:
        def __init__(self, name: str) -> None:
            self.name = name

        def filter(self, *, username__iexact: str):
            asked.append((self.name, username__iexact))
            return self

        def delete(self) -> tuple[int, dict]:
            return 1, {}

    class Model:
        def __init__(self, name: str) -> None:
            self.objects = Attempts(name)

    is_installed = apps.is_installed
    get_model = apps.get_model
    monkeypatch.setattr(apps, "is_installed", lambda name: name == "axes" or is_installed(name))
    monkeypatch.setattr(
        apps, "get_model", lambda label, name=None: Model(name) if label == "axes" else get_model(label, name)
    )
    call_command("erase_person", ADDRESS, stdout=StringIO())
    assert sorted(asked) == sorted((model, ADDRESS) for model in ("AccessAttempt", "AccessLog", "AccessFailureLog"))
