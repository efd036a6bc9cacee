"""Withdrawing sends a receipt: to the applicant's contact, and to her guardian when the guardian
was asked for consent, so a guardian learns it whoever withdrew."""

import pytest
from django.urls import reverse

from notifications.models import OutgoingMessage
from opendays.messages.applications import render
from opendays.models import Application, LinkPurpose
from opendays.services import application_withdraw
from tests.opendays.helpers_after import make_application, make_day, make_host

pytestmark = pytest.mark.django_db


def receipts(application):
    return OutgoingMessage.objects.filter(subject_key=f"openday-application:{application.pk}", kind="od_withdrawn")


def test_a_withdrawal_under_15_reaches_the_applicant_and_her_guardian():
    day = make_day(days_from_today=20)
    host = make_host(day, places=1)
    ida = make_application(
        day, preferences=[host], host=host, outcome=Application.Outcome.PLACED, age=14, guardian_email="mor@example.dk"
    )

    application_withdraw(application=ida)

    rows = {row.role: row for row in receipts(ida)}
    assert {role: row.recipient_email for role, row in rows.items()} == {
        "applicant": ida.email,
        "guardian": ida.guardian_email,
    }
    ida.refresh_from_db()
    guardian_email = render(rows["guardian"], ida)
    assert "trukket tilbage" in guardian_email.subject
    assert reverse("openday-application", args=[ida.link_token(LinkPurpose.GUARDIAN)]) in guardian_email.body


def test_a_withdrawal_without_a_guardian_asked_sends_only_her_receipt():
    day = make_day(days_from_today=20, published=False)
    freja = make_application(day, age=16, guardian_email="")

    application_withdraw(application=freja)
    application_withdraw(application=freja)

    assert [row.role for row in receipts(freja)] == ["applicant"]
