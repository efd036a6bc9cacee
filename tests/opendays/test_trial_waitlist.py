"""A freed place taken up, as tried in the user trial: she gets what everyone placed at
publication got, her place's e-mail with its calendar invite and the reminders."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.delivery import deliver_due
from opendays.models import Application
from opendays.services import offer_accept, places_freed
from tests.opendays.helpers_after import make_application, make_day, make_host

pytestmark = pytest.mark.django_db


def test_accepting_an_offer_sends_her_place_with_the_calendar_invite():
    """After "yes" to an offered place she is told the place, with the invite (METHOD:REQUEST),
    like those placed at publication; without it the day is in no calendar of hers."""
    day = make_day(days_from_today=20, offer_hours=48)
    host = make_host(day, places=1)
    candidate = make_application(day, preferences=[host], outcome=Application.Outcome.WAITLISTED, waitlist_position=1)
    places_freed(host=host)
    deliver_due()
    mail.outbox.clear()

    offer_accept(application=candidate)
    deliver_due()

    [to_her] = [m for m in mail.outbox if candidate.email in m.to[0]]
    assert host.company.name in to_her.subject
    assert b"BEGIN:VEVENT" in getattr(to_her, "calendar", b"")
