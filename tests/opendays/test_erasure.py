"""Erasure of applicants' personal data: on request at any time, and for a whole day once its
retention has run out. Nothing personal is left (application, survey comment, outbox), and the
anonymous counts are the same before and after."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import OutgoingMessage
from notifications.services import Message, Recipient, messages_enqueue
from opendays.models import Application, LinkPurpose, SurveyResponse
from opendays.selectors import application_for_token
from opendays.services import application_erase, erase_due, open_day_counts, places_freed
from opendays.services.after import erasure_due_on
from tests import factories
from tests.opendays.helpers_after import make_application, make_day, make_host

pytestmark = pytest.mark.django_db

Outcome = Application.Outcome
PERSONAL = ["first_name", "email", "guardian_email", "school_id", "applied_by_id", "link_nonce", "token_hash"]


def personal_data(application: Application) -> dict:
    application.refresh_from_db()
    values = {field: getattr(application, field) for field in PERSONAL}
    values["guardian_token_hash"] = application.guardian_token_hash
    return values


def assert_nothing_personal(application: Application) -> None:
    values = personal_data(application)
    assert all(value in ("", None) for value in values.values()), values
    assert application.erased_at is not None


def past_day_with_answers(*, days_ago: int, survey_closes_days_ago: int | None, retention_days: int = 90):
    """A published day `days_ago` in the past: one participant who answered, one absent, one
    waitlisted; a pending and a sent message to the participant."""
    today = timezone.localdate()
    closes = today - dt.timedelta(days=survey_closes_days_ago) if survey_closes_days_ago is not None else None
    day = make_day(days_from_today=-days_ago, survey_closes=closes, retention_days=retention_days)
    host = make_host(day, places=2)
    participant = make_application(day, preferences=[host], host=host, outcome=Outcome.PLACED, attended=True)
    absent = make_application(day, preferences=[host], host=host, outcome=Outcome.PLACED, attended=False, age=13)
    waiting = make_application(day, preferences=[host], outcome=Outcome.WAITLISTED, waitlist_position=1)
    SurveyResponse.objects.create(
        open_day=day,
        respondent=SurveyResponse.Respondent.PARTICIPANT,
        application=participant,
        interest_before=2,
        interest_after=4,
        rating=5,
        comment=f"Tak, hilsen {participant.first_name}",
    )
    now = timezone.now()
    for kind in ("openday_survey", "openday_offer"):
        messages_enqueue(
            subject_key=f"openday-survey:{participant.pk}",
            messages=[
                Message(
                    kind=kind,
                    recipient=Recipient("applicant", participant.email, participant.first_name),
                    due_at=now,
                    dedup_key=f"test:{kind}:{participant.pk}",
                    context={"name": participant.first_name},
                )
            ],
            now=now,
        )
    OutgoingMessage.objects.filter(kind="openday_offer").update(status="sent", subject=f"Hej {participant.first_name}")
    return day, [participant, absent, waiting]


def test_erase_due_leaves_nothing_personal_after_the_retention_period_and_the_counts_intact():
    """A day whose survey closed 91 days ago (90 days' retention): every application is
    blanked, the survey comment is gone, her outbox rows carry no address, name, subject or
    context and the pending one is withdrawn; the day is marked erased; the counts are unchanged."""
    day, applications = past_day_with_answers(days_ago=120, survey_closes_days_ago=91)
    counts = open_day_counts(day)
    links = [application.link_token(LinkPurpose.APPLICANT) for application in applications]

    assert erase_due() == 1

    for application in applications:
        assert_nothing_personal(application)
    assert all(application_for_token(link) is None for link in links)
    assert SurveyResponse.objects.get(application=applications[0]).comment == ""
    rows = OutgoingMessage.objects.filter(subject_key__startswith="openday")
    assert rows.count() == 2
    assert set(rows.values_list("recipient_email", "recipient_name", "subject")) == {("", "", "")}
    assert list(rows.values_list("context", flat=True)) == [{}, {}]
    assert set(rows.values_list("status", flat=True)) == {"withdrawn", "sent"}
    day.refresh_from_db()
    assert day.erased_at is not None
    assert open_day_counts(day) == counts
    assert counts["applications"] == 3 and counts["attended"] == 1 and counts["absent"] == 1
    assert counts["interest_after"] == 4


def test_erase_due_waits_until_the_retention_period_has_run_out():
    """Survey closed 89 days ago with 90 days' retention: nothing is erased yet."""
    day, applications = past_day_with_answers(days_ago=120, survey_closes_days_ago=89)

    assert erase_due() == 0

    assert personal_data(applications[0])["first_name"].startswith("Freja")
    day.refresh_from_db()
    assert day.erased_at is None


def test_a_day_without_a_survey_closing_date_counts_its_survey_closed_a_month_after_the_day():
    """No survey_closes: erased retention_days after the day + 30 days."""
    day, _applications = past_day_with_answers(days_ago=50, survey_closes_days_ago=None, retention_days=10)

    assert erasure_due_on(day) == day.date + dt.timedelta(days=40)
    assert erase_due(now=timezone.now()) == 1


def test_erase_due_runs_once_per_day():
    """A day already erased is not erased again."""
    past_day_with_answers(days_ago=120, survey_closes_days_ago=100)
    assert erase_due() == 1
    assert erase_due() == 0


def test_erasing_on_request_blanks_her_data_and_withdraws_her_pending_messages():
    """Before the day: her personal fields are blank, her application withdrawn, her pending
    messages (to her and to her guardian) withdrawn and blanked."""
    day = make_day(days_from_today=20)
    host = make_host(day, places=2)
    applicant = make_application(day, preferences=[host])
    now = timezone.now()
    messages_enqueue(
        subject_key=f"openday-application:{applicant.pk}",
        messages=[
            Message(
                kind="guardian_consent",
                recipient=Recipient("guardian", applicant.guardian_email),
                due_at=now,
                dedup_key=f"test:guardian:{applicant.pk}",
            )
        ],
        now=now,
    )

    erased = application_erase(application=applicant)

    assert_nothing_personal(erased)
    assert erased.status == Application.Status.WITHDRAWN
    row = OutgoingMessage.objects.get(dedup_key=f"test:guardian:{applicant.pk}")
    assert (row.status, row.recipient_email) == ("withdrawn", "")


def test_erasing_a_placed_applicant_before_the_day_frees_her_place_for_the_waiting_list():
    """Her place goes to the next on the waiting list who named the host."""
    day = make_day(days_from_today=20)
    host = make_host(day, places=1)
    placed = make_application(day, preferences=[host], host=host, outcome=Outcome.PLACED)
    waiting = make_application(day, preferences=[host], outcome=Outcome.WAITLISTED, waitlist_position=1)

    application_erase(application=placed)

    waiting.refresh_from_db()
    assert (waiting.outcome, waiting.host_id) == (Outcome.OFFERED, host.pk)


def test_erasing_after_the_day_keeps_what_the_counts_need():
    """Age, grade, municipality, status, outcome, host, attendance and scores stay."""
    _day, applications = past_day_with_answers(days_ago=5, survey_closes_days_ago=None)
    participant = applications[0]

    application_erase(application=participant)

    participant.refresh_from_db()
    assert (participant.age, participant.grade, participant.municipality.code) == (15, 9, 851)
    assert (participant.status, participant.outcome, participant.attended) == ("confirmed", "placed", True)
    assert participant.host_id is not None
    assert SurveyResponse.objects.get(application=participant).interest_after == 4


def test_a_teachers_address_stays_on_the_teachers_messages_about_other_pupils():
    """A teacher applied for two pupils (her address on both): erasing one leaves the
    teacher's messages about the other alone."""
    day = make_day(days_from_today=20)
    host = make_host(day)
    teacher = factories.TeacherFactory().user
    first, second = (
        make_application(day, preferences=[host], email=teacher.email, guardian_email="", applied_by=teacher)
        for _ in range(2)
    )
    now = timezone.now()
    messages_enqueue(
        subject_key=f"openday-offer:{second.pk}",
        messages=[
            Message(kind="openday_offer", recipient=Recipient("applicant", teacher.email), due_at=now, dedup_key="t")
        ],
        now=now,
    )

    application_erase(application=first)

    row = OutgoingMessage.objects.get(dedup_key="t")
    assert (row.status, row.recipient_email) == ("pending", teacher.email)


def test_erasing_twice_changes_nothing():
    day = make_day(days_from_today=20)
    applicant = make_application(day)
    first = application_erase(application=applicant)
    again = application_erase(application=applicant)
    assert first.erased_at == again.erased_at


def test_a_freed_place_is_never_offered_to_an_erased_applicant():
    """An erased applicant is off every list."""
    day = make_day(days_from_today=20)
    host = make_host(day)
    waiting = make_application(day, preferences=[host], outcome=Outcome.WAITLISTED, waitlist_position=1)
    Application.objects.filter(pk=waiting.pk).update(erased_at=timezone.now())

    assert places_freed(host=host) == []


def test_a_large_day_is_erased_in_batches(monkeypatch):
    """With batches of two, a day of five applicants is erased whole, outbox included."""
    monkeypatch.setattr("opendays.services.after.ERASE_BATCH", 2)
    day = make_day(days_from_today=-200, survey_closes=timezone.localdate() - dt.timedelta(days=150))
    host = make_host(day, places=5)
    applications = [make_application(day, host=host, outcome=Outcome.PLACED) for _ in range(5)]
    now = timezone.now()
    for application in applications:
        messages_enqueue(
            subject_key=f"openday-survey:{application.pk}",
            messages=[
                Message(
                    kind="openday_survey",
                    recipient=Recipient("applicant", application.email, application.first_name),
                    due_at=now,
                    dedup_key=f"batch:{application.pk}",
                )
            ],
            now=now,
        )

    assert erase_due() == 1

    for application in applications:
        assert_nothing_personal(application)
    assert set(OutgoingMessage.objects.values_list("recipient_email", "status")) == {("", "withdrawn")}
