"""The consultant's open-day terms under hostile input found in the user trial: application
windows in years the product does not deal in are refused at the field, by the API and the service."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.models import Municipality
from opendays.models import OpenDay
from opendays.services.days import open_day_create
from tests.conftest import client_for
from tests.opendays.test_days_api import day_terms

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("field", ["applications_open", "applications_close"])
@pytest.mark.parametrize("value", ["0001-01-01", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_the_api_refuses_a_window_in_year_1_or_9999_at_the_field(consultant, field, value):
    """A 400 naming the field, not a server error from a time-zone overflow; nothing saved."""
    response = client_for(consultant).post("/api/v1/open-days/", day_terms(**{field: value}), format="json")

    assert response.status_code == 400 and field in response.json()
    assert not OpenDay.objects.exists()


def test_the_service_refuses_applications_opening_in_year_1(consultant):
    """Year 1 with an offset is a valid moment for Python, but no window of the product."""
    date = timezone.localdate() + dt.timedelta(days=60)
    with pytest.raises(DomainError) as refusal:
        open_day_create(
            actor=consultant,
            title="IGEday",
            date=date,
            municipalities=[Municipality.objects.get(code=851)],
            applications_open=dt.datetime(1, 1, 1, tzinfo=dt.UTC),
            applications_close=timezone.now() + dt.timedelta(days=20),
        )

    assert refusal.value.code == "date_out_of_range" and refusal.value.field == "applications_open"
