"""Every link in e-mails, invites and feeds follows SITE_URL as it is when the link is made,
written with or without a trailing slash."""

from __future__ import annotations

import re

import icalendar
import pytest
from django.test import Client, override_settings
from django.urls import reverse

from bookings.calendar_events import slot_event
from notifications.models import CalendarFeed
from notifications.selectors import feeds_for_user
from notifications.services import calendar_subscription_issue
from tests.notifications.conftest import body_text, deliver, invite_calendar

SITE = "https://brobyg.example.dk"
LINK = re.compile(r"(?:https?|webcal)://[^\s\"'<>]+")


def _assert_on_site(text: str, *, where: str) -> int:
    links = LINK.findall(text)
    for link in links:
        link = re.sub("^webcal://", "https://", link)  # the same address, for calendar programs
        assert link.startswith(f"{SITE}/"), f"{where}: {link}"
        assert "//" not in link.removeprefix(SITE), f"{where}: {link}"
    return len(links)


@pytest.mark.parametrize("site_url", [SITE, f"{SITE}/"])
def test_links_in_e_mails_and_invites_follow_site_url(visit, mailbox, site_url):
    with override_settings(SITE_URL=site_url):
        visit.book()
        received = deliver(mailbox)

    assert set(received) == visit.everyone
    for address, (message,) in received.items():
        found = _assert_on_site(body_text(message), where="text")
        found += _assert_on_site(body_text(message, "html"), where="html")
        event = invite_calendar(message).component()
        found += _assert_on_site(str(event["URL"]), where="URL")
        found += _assert_on_site(str(event["DESCRIPTION"]), where="DESCRIPTION")
        assert found >= 4, address
        assert str(event["UID"]).endswith("@brobyg.example.dk")
        assert message["Message-ID"].endswith("@brobyg.example.dk>")


@pytest.mark.parametrize("site_url", [SITE, f"{SITE}/"])
def test_links_in_feeds_and_feed_addresses_follow_site_url(visit, site_url):
    visit.book()
    feed = next(feed for feed in feeds_for_user(visit.teacher.user) if feed.kind == CalendarFeed.Kind.TEACHER)
    client = Client()
    client.force_login(visit.teacher.user)
    with override_settings(SITE_URL=site_url):
        token = calendar_subscription_issue(feed=feed, holder=visit.teacher.user)
        private = client.get(reverse("calendar-feed", args=[token])).content.decode()
        settings_api = client.post(f"/api/v1/calendar-feeds/{feed.pk}/reset/").content.decode()
        public_event = slot_event(visit.other_slot)

    event = icalendar.Calendar.from_ical(private).walk("VEVENT")[0]
    assert _assert_on_site(str(event["URL"]), where="feed URL") == 1
    assert _assert_on_site(str(event["DESCRIPTION"]), where="feed DESCRIPTION") == 1
    assert _assert_on_site(settings_api, where="feed API") >= 2
    assert _assert_on_site(public_event.url, where="offer feed") == 1
