"""Hostile input to the open-day forms found in the user trial: every refusal is a message on
the field, never a server error, and nothing is saved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from opendays.models import Application, LinkPurpose, OpenDay
from opendays.services import email_confirm
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)
from tests.opendays.conftest_applications import apply
from tests.opendays.factories import HostFactory

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = str(10**20)


def _day_data() -> dict[str, str]:
    date = timezone.localdate() + dt.timedelta(days=60)
    return {
        "title": "IGEday",
        "date": date.isoformat(),
        "municipalities": "851",
        "age_min": "13",
        "age_max": "19",
        "applications_open": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "applications_close": f"{(date - dt.timedelta(days=20)).isoformat()}T12:00",
        "preferences": "3",
        "weight_first_time": "1",
        "weight_outlying": "1",
        "offer_hours": "48",
        "retention_days": "90",
    }


@pytest.mark.parametrize("field", ["municipalities", "outlying_municipalities"])
def test_a_municipality_id_beyond_the_database_is_refused_at_the_field(client, consultant, field):
    """A municipality key of 10^20 (more than BIGINT holds) is an invalid choice, not a 500."""
    client.force_login(consultant)

    response = client.post(reverse("openday-create"), {**_day_data(), field: BEYOND_BIGINT})

    assert response.status_code == 200 and not OpenDay.objects.exists()
    assert field in response.context["form"].errors


def test_a_role_model_id_beyond_the_database_is_refused_at_the_field(client, host):
    """A host's role-model key of 10^20 is an invalid choice, not a 500."""
    registered = HostFactory(company=host.company)
    client.force_login(host.user)
    data = {"places": "5", "starts_at": "09:00", "ends_at": "14:00", "programme": "Lodning."}

    response = client.post(reverse("openday-host-edit", args=[registered.pk]), {**data, "role_models": BEYOND_BIGINT})

    assert response.status_code == 200
    assert "role_models" in response.context["form"].errors


@pytest.mark.parametrize("posted", [{}, {"answer": "maybe"}, {"answer": ""}])
def test_a_guardian_post_without_a_yes_or_no_changes_nothing(client, open_day, hosts, posted):
    """Only the two buttons answer: an empty or unknown answer is a message, and the
    application still waits for the guardian (it is not withdrawn as if the answer were no)."""
    application = email_confirm(application=apply(open_day, hosts, age=14, guardian_email="mor@example.dk"))
    url = reverse("openday-guardian", args=[application.link_token(LinkPurpose.GUARDIAN)])

    response = client.post(url, posted)

    application.refresh_from_db()
    assert response.status_code == 200 and response.context["error"]
    assert application.status == Application.Status.AWAITING_GUARDIAN
