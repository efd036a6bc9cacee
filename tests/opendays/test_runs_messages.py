"""The publication e-mails (opendays/messages/publication.py), delivered through notifications."""

import pytest
from django.core import mail

from notifications.delivery import deliver_due
from notifications.models import OutgoingMessage
from opendays.models import Application, LinkPurpose
from opendays.services import runs
from tests.opendays.conftest_match import make_application, make_day, make_host

pytestmark = pytest.mark.django_db


def publish(consultant, day):
    run = runs.run_start(actor=consultant, open_day=day, seed=1)
    runs.run_publish(actor=consultant, run=runs.run_execute(run_id=run.pk))


def calendar_of(email) -> str:
    """The iTIP calendar part of the e-mail, or ""."""
    calendar = getattr(email, "calendar", b"")
    return calendar.decode() if calendar else ""


def test_placed_applicant_gets_her_host_an_invite_and_her_link(consultant, company, host):
    """Her e-mail names the host and time, carries a calendar invite, and links to her own page
    through her token, which the outbox row does not hold."""
    day = make_day()
    place = make_host(day, company=company, places=3)
    application = make_application(day, place, age=16)
    publish(consultant, day)

    deliver_due()

    to_her = next(m for m in mail.outbox if application.email in m.to[0])
    assert company.name in to_her.subject
    assert "BEGIN:VEVENT" in calendar_of(to_her)
    token = application.link_token(LinkPurpose.APPLICANT)
    assert not OutgoingMessage.objects.filter(context__icontains=token).exists()
    to_host = next(m for m in mail.outbox if host.user.email in m.to[0])
    assert application.first_name in to_host.body and "BEGIN:VEVENT" in calendar_of(to_host)


def test_host_list_shows_first_names_age_and_school_only(consultant, company, host, school):
    """No e-mail address or surname of a pupil reaches the host."""
    day = make_day()
    place = make_host(day, company=company)
    application = make_application(day, place, age=17, school=school, guardian_email="far@example.dk")
    publish(consultant, day)

    deliver_due()

    to_host = next(m for m in mail.outbox if host.user.email in m.to[0])
    assert f"{application.first_name}, 17, {school.name}" in to_host.body
    assert application.email not in to_host.body and "far@example.dk" not in to_host.body


def test_news_of_a_withdrawn_applicant_is_not_sent(consultant):
    """Withdrawn between publication and delivery: her placement e-mail is withdrawn."""
    day = make_day()
    application = make_application(day, make_host(day), age=16)
    publish(consultant, day)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.WITHDRAWN)

    deliver_due()

    assert not [m for m in mail.outbox if application.email in m.to[0]]


def test_waitlisted_applicant_hears_her_position(consultant):
    day = make_day()
    place = make_host(day, places=1)
    make_application(day, place, age=16)
    make_application(day, place, age=16)
    publish(consultant, day)

    deliver_due()

    waiting = Application.objects.get(outcome=Application.Outcome.WAITLISTED)
    to_her = next(m for m in mail.outbox if waiting.email in m.to[0])
    assert "1" in to_her.body and not calendar_of(to_her)


def test_placement_and_participant_emails_carry_their_links_in_plain_text(consultant, company, host):
    """A mail program showing only the plain text still gives the applicant her page and the host
    its participant list."""
    from django.urls import reverse

    from core.sites import site_url

    day = make_day()
    place = make_host(day, company=company, places=3)
    application = make_application(day, place, age=16)
    publish(consultant, day)

    deliver_due()

    to_her = next(m for m in mail.outbox if application.email in m.to[0])
    token = application.link_token(LinkPurpose.APPLICANT)
    assert site_url(reverse("openday-application", args=[token])) in to_her.body
    to_host = next(m for m in mail.outbox if host.user.email in m.to[0])
    assert site_url(reverse("openday-host-detail", args=[place.pk])) in to_host.body
