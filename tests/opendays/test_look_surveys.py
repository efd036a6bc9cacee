"""Looks of the surveys after an open day: when a survey takes no answers (before the day, after it
closes) its page says so in place of a form that could only be refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from opendays.models import Application, LinkPurpose
from tests import factories
from tests.opendays.helpers_after import make_application, make_day, make_host

pytestmark = pytest.mark.django_db


def host_survey_page(client: Client, day) -> str:
    host = make_host(day)
    client.force_login(factories.CompanyMemberFactory(company=host.company).user)
    return client.get(reverse("openday-host-survey", args=[host.pk]), HTTP_ACCEPT_LANGUAGE="da").content.decode()


def test_a_closed_host_survey_says_so_and_shows_no_form(client: Client):
    """Half a year after the day, with the survey closed a month after it, the page says it is closed."""
    day = make_day(days_from_today=-180, survey_closes=timezone.localdate() - dt.timedelta(days=150))

    page = host_survey_page(client, day)

    assert "Spørgeskemaet er lukket." in page
    assert 'name="rating"' not in page


def test_an_open_host_survey_shows_its_form(client: Client):
    """Two days after the day the form is there and no closing notice."""
    page = host_survey_page(client, make_day(days_from_today=-2))

    assert 'name="rating"' in page
    assert "Spørgeskemaet er lukket." not in page


def test_a_participants_survey_before_the_day_says_when_it_opens(client: Client):
    """Before the day the pupil reads that the survey opens after it, and gets no form."""
    day = make_day(days_from_today=2)
    participant = make_application(day, host=make_host(day), outcome=Application.Outcome.PLACED)
    url = reverse("openday-survey", args=[participant.link_token(LinkPurpose.APPLICANT)])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="da").content.decode()

    assert 'name="rating"' not in page
    assert "Spørgeskemaet åbner efter dagen." in page
