"""A host is told when its participant list changes after publication: a placed pupil withdraws
or is erased, or a waitlisted pupil takes a freed place. The changes of each half hour make one
e-mail, written with the list as it stands when it is sent."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications.models import OutgoingMessage
from opendays.messages.publication import Kind, render_host
from opendays.models import Application
from opendays.services import application_erase, application_withdraw, offer_accept
from tests import factories
from tests.opendays.helpers_after import make_application, make_day, make_host

pytestmark = pytest.mark.django_db

Outcome = Application.Outcome
CHANGED = Kind.PARTICIPANTS_CHANGED


@pytest.fixture
def world():
    day = make_day(days_from_today=20)
    host = make_host(day, places=2)
    member = factories.CompanyMemberFactory(company=host.company)
    ida = make_application(day, preferences=[host], host=host, outcome=Outcome.PLACED, first_name="Ida")
    alma = make_application(day, preferences=[host], host=host, outcome=Outcome.PLACED, first_name="Alma")
    return day, host, member, ida, alma


def changes(host):
    return OutgoingMessage.objects.filter(subject_key=f"openday-host:{host.pk}", kind=CHANGED)


def test_a_withdrawal_after_publication_tells_the_host_once_per_half_hour(world):
    """Two withdrawals in the same half hour: one e-mail to each member, due when the half hour
    ends, listing who still comes."""
    _day, host, member, ida, alma = world
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10, 5)))

    application_withdraw(application=ida, now=now)
    application_withdraw(application=alma, now=now + dt.timedelta(minutes=20))

    [message] = changes(host)
    assert message.recipient_email == member.user.email
    assert timezone.localtime(message.due_at).time() == dt.time(10, 30)
    email = render_host(message, host)
    assert "deltagerliste er ændret" in email.subject
    assert "0 deltagere" in email.body and "Ida" not in email.body and "Alma" not in email.body


def test_a_change_after_the_e_mail_went_out_gets_an_e_mail_of_its_own(world):
    _day, host, _member, ida, alma = world
    now = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(10, 5)))

    application_withdraw(application=ida, now=now)
    application_withdraw(application=alma, now=now + dt.timedelta(minutes=40))

    assert sorted(timezone.localtime(m.due_at).time() for m in changes(host)) == [dt.time(10, 30), dt.time(11, 0)]


def test_taking_a_freed_place_and_erasure_tell_the_host(world):
    """The pupil who accepts is on the list the host reads; an erased participant is not."""
    day, host, _member, ida, _alma = world
    waiting = make_application(
        day, preferences=[host], outcome=Outcome.WAITLISTED, waitlist_position=1, first_name="Liv"
    )

    application_erase(application=ida)
    waiting.refresh_from_db()
    assert waiting.outcome == Outcome.OFFERED
    offer_accept(application=waiting)

    message = changes(host).first()
    body = render_host(message, host).body
    assert "Liv" in body and "Ida" not in body


def test_no_change_message_for_an_offer_withdrawn_or_before_publication():
    """A pupil who was only offered a place was never on the host's list; before publication the
    host has no list yet."""
    published = make_day(days_from_today=20)
    host = make_host(published, places=1)
    factories.CompanyMemberFactory(company=host.company)
    offered = make_application(published, preferences=[host], host=host, outcome=Outcome.OFFERED)
    application_withdraw(application=offered)

    draft = make_day(days_from_today=20, published=False)
    quiet_host = make_host(draft, places=1)
    factories.CompanyMemberFactory(company=quiet_host.company)
    application_withdraw(application=make_application(draft, preferences=[quiet_host]))

    assert not changes(host).exists() and not changes(quiet_host).exists()
