"""The applicants' e-mails as read in the user trial: deadlines in Copenhagen time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from opendays.messages.applications import Kind, render
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)
from tests.opendays.conftest_applications import apply, outbox

pytestmark = pytest.mark.django_db


def test_the_confirmation_deadline_is_written_in_copenhagen_time(open_day, hosts):
    """A deadline at 22:18 UTC in winter is 23:18 in Copenhagen: the e-mail says 23:18."""
    application = apply(open_day, hosts, age=16)
    deadline = dt.datetime.combine(timezone.localdate() + dt.timedelta(days=3), dt.time(22, 18), tzinfo=dt.UTC)
    application.expires_at = deadline
    [message] = outbox(Kind.CONFIRM_EMAIL)

    body = render(message, application).body

    local = deadline.astimezone(zoneinfo.ZoneInfo("Europe/Copenhagen"))
    assert f"{local:%H:%M}" in body and f"{deadline:%H:%M}" not in body
