"""Looks of a host's and a consultant's open-day pages: the Edit button is offered only while the day can still
be changed; a closed day refuses every change, so its page has none. After erasure the host reads why names are gone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from opendays.models import OpenDay
from tests.opendays.factories import HostFactory, OpenDayFactory

pytestmark = pytest.mark.django_db


def test_an_open_days_host_page_offers_edit(client, host):
    """While the day takes hosts, the page links to the registration form."""
    registered = HostFactory(company=host.company, open_day=OpenDayFactory())
    client.force_login(host.user)

    page = client.get(reverse("openday-host-detail", args=[registered.pk])).content.decode()

    assert reverse("openday-host-edit", args=[registered.pk]) in page


def test_a_closed_days_host_page_offers_no_edit(client, host):
    """Last year's closed day shows the registration without an Edit button that would only be refused."""
    registered = HostFactory(company=host.company, open_day=OpenDayFactory(status=OpenDay.Status.CLOSED))
    client.force_login(host.user)

    page = client.get(reverse("openday-host-detail", args=[registered.pk])).content.decode()

    assert reverse("openday-host-edit", args=[registered.pk]) not in page


def test_a_closed_days_page_offers_the_consultant_no_edit(client, consultant):
    """The consultant's page of a closed day keeps its runs link but drops Edit, which would be refused."""
    day = OpenDayFactory(status=OpenDay.Status.CLOSED)
    client.force_login(consultant)

    page = client.get(reverse("openday-detail", args=[day.pk])).content.decode()

    assert reverse("openday-runs", args=[day.pk]) in page
    assert reverse("openday-edit", args=[day.pk]) not in page


def test_an_erased_days_host_page_says_why_the_names_are_gone(client, host):
    """After the day's personal data is erased, the host reads why its participants show "–"."""
    day = OpenDayFactory(status=OpenDay.Status.CLOSED, erased_at=timezone.now())
    registered = HostFactory(company=host.company, open_day=day)
    client.force_login(host.user)

    page = client.get(reverse("openday-host-detail", args=[registered.pk]), HTTP_ACCEPT_LANGUAGE="da")

    assert "Deltagernes navne og skoler blev slettet" in page.content.decode()


def test_a_days_host_page_before_erasure_says_nothing_of_it(client, host):
    """While the names are kept, no erasure note is shown."""
    registered = HostFactory(company=host.company, open_day=OpenDayFactory())
    client.force_login(host.user)

    page = client.get(reverse("openday-host-detail", args=[registered.pk]), HTTP_ACCEPT_LANGUAGE="da")

    assert "blev slettet" not in page.content.decode()
