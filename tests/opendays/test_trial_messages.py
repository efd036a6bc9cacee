"""The applicants' e-mails as read in the user trial: deadlines in Copenhagen time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from notifications.delivery import deliver_due
from opendays.messages.applications import Kind, render
from opendays.models import LinkPurpose
from opendays.services import runs
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)
from tests.opendays.conftest_applications import apply, outbox
from tests.opendays.conftest_match import make_application, make_day, make_host

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


def test_placed_and_waitlisted_applicants_find_their_link_in_the_plain_text_too(consultant):
    """Read as plain text (many school mail clients show no HTML), the publication e-mails still
    carry her own page's link, where she can see, withdraw or erase."""
    day = make_day()
    place = make_host(day, places=1)
    applications = [make_application(day, place, age=16), make_application(day, place, age=16)]
    run = runs.run_start(actor=consultant, open_day=day, seed=1)
    runs.run_publish(actor=consultant, run=runs.run_execute(run_id=run.pk))

    deliver_due()

    for application in applications:
        link = reverse("openday-application", args=[application.link_token(LinkPurpose.APPLICANT)])
        to_her = next(m for m in mail.outbox if application.email in m.to[0])
        assert link in to_her.body


def test_the_hosts_e_mail_counts_one_participant_in_the_singular_and_links_its_page(consultant, company, host):
    """One participant reads "1 deltager kommer til jer", and the host's page is linked in the
    plain text too."""
    day = make_day()
    place = make_host(day, company=company, places=3)
    make_application(day, place, age=16)
    run = runs.run_start(actor=consultant, open_day=day, seed=1)
    runs.run_publish(actor=consultant, run=runs.run_execute(run_id=run.pk))

    deliver_due()

    to_host = next(m for m in mail.outbox if host.user.email in m.to[0])
    assert "1 deltager kommer til jer" in to_host.body
    assert reverse("openday-host-detail", args=[place.pk]) in to_host.body
