"""The waiting list after publication: a freed place is offered to the next waitlisted
applicant who named the host, with a deadline; she accepts or declines through her link, and an
offer not answered in time lapses and passes on."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from notifications.models import OutgoingMessage
from opendays.models import Application
from opendays.services import expire_offers, offer_accept, offer_decline, places_freed
from tests.opendays.helpers_after import make_application, make_day, make_host

pytestmark = pytest.mark.django_db

Outcome = Application.Outcome


@pytest.fixture
def day():
    return make_day(days_from_today=20, offer_hours=48)


@pytest.fixture
def host(day):
    return make_host(day, places=1)


def waitlisted(day, host, position, **fields):
    return make_application(day, preferences=[host], outcome=Outcome.WAITLISTED, waitlist_position=position, **fields)


def test_a_freed_place_is_offered_to_the_first_on_the_waiting_list_who_named_the_host(day, host):
    """The lowest waiting-list position among those who named the host gets the offer, with the
    day's offer_hours to answer and an e-mail; the others stay waitlisted."""
    other_host = make_host(day, places=1)
    make_application(day, preferences=[other_host], outcome=Outcome.WAITLISTED, waitlist_position=1)
    second = waitlisted(day, host, 3)
    first = waitlisted(day, host, 2)
    now = timezone.now()

    offered = places_freed(host=host, now=now)

    assert [application.pk for application in offered] == [first.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, first.host_id, first.preference_rank) == (Outcome.OFFERED, host.pk, 1)
    assert first.offer_expires_at == now + dt.timedelta(hours=48)
    assert second.outcome == Outcome.WAITLISTED
    message = OutgoingMessage.objects.get(subject_key=f"openday-offer:{first.pk}")
    assert message.recipient_email == first.email


def test_no_offer_while_the_host_is_full(day, host):
    """A place held by a placed applicant is not free."""
    make_application(day, preferences=[host], host=host, outcome=Outcome.PLACED)
    candidate = waitlisted(day, host, 1)

    assert places_freed(host=host) == []
    candidate.refresh_from_db()
    assert candidate.outcome == Outcome.WAITLISTED


def test_no_offer_before_publication_or_once_the_day_has_begun():
    """Before publication the matching decides; on the day there is no time to answer."""
    unpublished = make_day(published=False)
    host = make_host(unpublished)
    waitlisted(unpublished, host, 1)
    past = make_day(days_from_today=-1)
    past_host = make_host(past)
    waitlisted(past, past_host, 1)

    assert places_freed(host=host) == []
    assert places_freed(host=past_host) == []


def test_the_offer_never_stays_open_past_the_start_of_the_day():
    """With a day tomorrow and 48 hours to answer, the deadline is the day's start."""
    day = make_day(days_from_today=1, offer_hours=48)
    host = make_host(day)
    candidate = waitlisted(day, host, 1)

    places_freed(host=host)

    candidate.refresh_from_db()
    assert timezone.localtime(candidate.offer_expires_at) == timezone.make_aware(
        dt.datetime.combine(day.date, dt.time.min)
    )


def test_the_hosts_age_limit_passes_over_a_younger_applicant(day):
    """A host that takes 16 and up is offered to the next who is old enough."""
    host = make_host(day, age_min=16)
    young = waitlisted(day, host, 1, age=14)
    older = waitlisted(day, host, 2, age=17)

    places_freed(host=host)

    young.refresh_from_db()
    older.refresh_from_db()
    assert (young.outcome, older.outcome) == (Outcome.WAITLISTED, Outcome.OFFERED)


def test_accepting_an_offer_places_her_with_the_host(day, host):
    """Accepted in time: placed, off the waiting list, no deadline left."""
    candidate = waitlisted(day, host, 1)
    places_freed(host=host)

    accepted = offer_accept(application=candidate)

    assert (accepted.outcome, accepted.host_id) == (Outcome.PLACED, host.pk)
    assert accepted.waitlist_position is None and accepted.offer_expires_at is None


def test_an_offer_cannot_be_accepted_after_its_deadline(day, host):
    """Past the deadline the answer is refused with a stable code and nothing changes."""
    candidate = waitlisted(day, host, 1)
    places_freed(host=host)

    with pytest.raises(DomainError) as refused:
        offer_accept(application=candidate, now=timezone.now() + dt.timedelta(hours=49))

    assert refused.value.code == "offer_expired"
    candidate.refresh_from_db()
    assert candidate.outcome == Outcome.OFFERED


def test_only_an_open_offer_can_be_answered(day, host):
    """A waitlisted applicant with no offer cannot accept or decline one."""
    candidate = waitlisted(day, host, 1)

    for answer in (offer_accept, offer_decline):
        with pytest.raises(DomainError) as refused:
            answer(application=candidate)
        assert refused.value.code == "offer_not_open"


def test_declining_takes_her_off_the_list_and_passes_the_place_on(day, host):
    """She says no: outcome declined, no host; the next who named the host is offered it."""
    first = waitlisted(day, host, 1)
    second = waitlisted(day, host, 2)
    places_freed(host=host)

    declined = offer_decline(application=first)

    second.refresh_from_db()
    assert (declined.outcome, declined.host_id, declined.waitlist_position) == (Outcome.DECLINED, None, None)
    assert (second.outcome, second.host_id) == (Outcome.OFFERED, host.pk)


def test_an_unanswered_offer_lapses_and_passes_on(day, host):
    """After the deadline, expire_offers lets it lapse and offers the place to the next."""
    first = waitlisted(day, host, 1)
    second = waitlisted(day, host, 2)
    now = timezone.now()
    places_freed(host=host, now=now)

    assert expire_offers(now=now + dt.timedelta(hours=47)) == 0
    assert expire_offers(now=now + dt.timedelta(hours=49)) == 1

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, first.host_id) == (Outcome.LAPSED, None)
    assert second.outcome == Outcome.OFFERED


def test_the_offer_email_is_withdrawn_once_it_is_no_longer_true(day, host):
    """An offer answered before delivery is no longer current."""
    from opendays.messages.after import offer_is_current

    candidate = waitlisted(day, host, 1)
    places_freed(host=host)
    message = OutgoingMessage.objects.get(subject_key=f"openday-offer:{candidate.pk}")
    candidate.refresh_from_db()
    assert offer_is_current(message, candidate)

    offer_accept(application=candidate)
    candidate.refresh_from_db()
    assert not offer_is_current(message, candidate)
