"""Calendar feeds as a subscriber meets them: the addresses the API hands out, what each feed
shows and to whom, the file itself (read by icalendar, vobject and ical), how changes show,
ETag revalidation, resetting an address, the public offer feed, and SQL statements that do
not grow with the number of events."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import random
import re
from email.policy import default as default_policy
from urllib.parse import urlsplit

import icalendar
import pytest
import time_machine
import vobject
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from ical.calendar_stream import IcsCalendarStream

from bookings import services
from bookings.calendar_events import booking_event
from bookings.feeds import feed_bookings_for_rendering
from bookings.models import Booking, Slot
from companies.models import CompanyMember
from core.dates import holiday_name
from notifications.calendar import CalendarEvent, Person, build_calendar, event_uid
from notifications.delivery import deliver_due
from notifications.feeds import feed_name, render_feed
from notifications.models import CalendarFeed, CalendarSubscription
from notifications.registry import feed_sources
from notifications.rendering import site_domain
from notifications.services import calendar_subscription_issue
from schools.models import Teacher
from tests import factories
from tests.conftest import client_for
from tests.notifications.reference_calendar import reference_calendar

pytestmark = pytest.mark.django_db

SITE = "https://brobyg.example.dk"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,}$")
Kind = CalendarFeed.Kind


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.FEED_KEEP_CANCELLED_DAYS = 30
    cache.clear()
    _addresses.clear()
    yield
    cache.clear()


# Helpers -----------------------------------------------------------------------------------


def at(days: int, hour: int = 10) -> dt.datetime:
    """`hour` o'clock UTC, `days` days from now."""
    return (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def slot_on(offer, days: int, hour: int | None = None, **fields) -> Slot:
    """A two-hour slot on the first weekday at least `days` days ahead that is no Danish
    holiday (a host may move a slot only to such a day). Unless given, the hour depends on
    `days`, so slots asked for on different days never overlap even if they share a day."""
    start = at(days, 6 + 2 * (days % 7) if hour is None else hour)
    while start.weekday() >= 5 or holiday_name(timezone.localtime(start).date()):
        start += dt.timedelta(days=1)
    return factories.SlotFactory(
        offer=offer,
        start=start,
        end=start + dt.timedelta(hours=2),
        booking_deadline=start - dt.timedelta(days=1),
        **fields,
    )


def book(teacher, school_class, slot, pupils: int = 20) -> Booking:
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils)


def path_of(url: str) -> str:
    return urlsplit(url).path


def feeds_of(user) -> list[dict]:
    response = client_for(user).get("/api/v1/calendar-feeds/")
    assert response.status_code == 200, response.content
    return response.json()


_addresses: dict[int, str] = {}  # the address feed_url made for each feed in this test


def holder_of(feed: CalendarFeed):
    """Someone who may read the feed: its owner, a teacher of the class's school or a member
    of the company."""
    if feed.user_id:
        return feed.user
    if feed.school_class_id:
        return Teacher.objects.filter(school_id=feed.school_class.school_id).first().user
    return CompanyMember.objects.filter(company_id=feed.company_id).first().user


def feed_url(feed: CalendarFeed) -> str:
    """The path of an address of the feed, the same throughout a test."""
    if feed.pk not in _addresses:
        token = calendar_subscription_issue(feed=feed, holder=holder_of(feed))
        _addresses[feed.pk] = reverse("calendar-feed", args=[token])
    return _addresses[feed.pk]


def new_address(user, listed: dict) -> dict:
    """The user's new address of a listed feed, as the reset answers it."""
    response = client_for(user).post(f"/api/v1/calendar-feeds/{listed['id']}/reset/")
    assert response.status_code == 200, response.content
    return response.json()


def parse(data: bytes) -> icalendar.Calendar:
    """The feed read by icalendar, vobject and ical, which must agree on every event."""
    text = data.decode("utf-8")
    calendar = icalendar.Calendar.from_ical(data)
    expected = sorted(
        (
            str(event["UID"]),
            int(event.get("SEQUENCE", 0)),
            event.decoded("DTSTART").astimezone(dt.UTC),
            str(event["SUMMARY"]),
            str(event.get("DESCRIPTION", "")),
            str(event["STATUS"]),
        )
        for event in calendar.walk("VEVENT")
    )
    with_vobject = sorted(
        (
            event.uid.value,
            int(event.sequence.value),
            event.dtstart.value.astimezone(dt.UTC),
            event.summary.value,
            event.description.value if hasattr(event, "description") else "",
            event.status.value,
        )
        for event in getattr(vobject.readOne(text), "vevent_list", [])
    )
    with_ical = sorted(
        (
            event.uid,
            int(event.sequence or 0),
            event.dtstart.astimezone(dt.UTC),
            event.summary,
            event.description or "",
            str(getattr(event.status, "value", event.status)),
        )
        for event in IcsCalendarStream.calendar_from_ics(text).events
    )
    assert with_vobject == expected, "vobject reads the feed differently"
    assert with_ical == expected, "ical reads the feed differently"
    return calendar


def events_in(data: bytes) -> dict[str, icalendar.Event]:
    return {str(event["UID"]): event for event in parse(data).walk("VEVENT")}


def uid(booking: Booking) -> str:
    return event_uid("booking", booking.pk, site_domain())


def fetch(client, url: str, **headers):
    return client.get(url, headers=headers)


# The addresses -----------------------------------------------------------------------------


def test_teacher_gets_a_teacher_feed_and_one_per_class_of_their_school(teacher, school_class, other_class):
    second_class = factories.SchoolClassFactory(school=teacher.school, name="9.B", grade=9)

    feeds = feeds_of(teacher.user)

    kinds = [feed["kind"] for feed in feeds]
    assert kinds == [Kind.TEACHER, Kind.SCHOOL_CLASS, Kind.SCHOOL_CLASS]
    class_feeds = CalendarFeed.objects.filter(kind=Kind.SCHOOL_CLASS)
    assert {feed.school_class for feed in class_feeds} == {school_class, second_class}  # not other_class
    assert feeds[0]["name"] == f"Brobyg – {teacher.user.get_full_name()}"


def test_host_gets_a_member_feed_and_a_feed_of_their_company(host, company):
    feeds = feeds_of(host.user)

    assert [(feed["kind"]) for feed in feeds] == [Kind.MEMBER, Kind.COMPANY]
    assert CalendarFeed.objects.get(pk=feeds[1]["id"]).company == company


def test_feed_addresses_are_https_and_webcal_with_an_unguessable_token(teacher, school_class):
    tokens = []
    for listed in feeds_of(teacher.user):
        feed = new_address(teacher.user, listed)
        https, webcal = urlsplit(feed["https_url"]), urlsplit(feed["webcal_url"])
        assert (https.scheme, https.netloc) == ("https", "brobyg.example.dk")
        assert (webcal.scheme, webcal.netloc, webcal.path) == ("webcal", "brobyg.example.dk", https.path)
        token = re.fullmatch(r"/calendar/(.+)\.ics", https.path).group(1)
        assert TOKEN.match(token), token
        tokens.append(token)
    assert len(set(tokens)) == len(tokens) == 2
    assert CalendarSubscription.objects.filter(holder=teacher.user).count() == 2


def test_listing_again_gives_the_same_feeds(teacher, school_class):
    assert feeds_of(teacher.user) == feeds_of(teacher.user)
    assert CalendarFeed.objects.count() == 2


def test_listing_takes_as_many_statements_for_thirty_classes_as_for_one(teacher, school_class):
    client = client_for(teacher.user)

    def statements() -> tuple[int, int]:
        counts = []
        for _ in range(2):  # the first listing creates the feeds
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/api/v1/calendar-feeds/").status_code == 200
            counts.append(len(captured))
        return tuple(counts)

    few = statements()
    factories.SchoolClassFactory.create_batch(29, school=teacher.school)
    CalendarFeed.objects.filter(kind=Kind.SCHOOL_CLASS).delete()
    many = statements()

    assert few == many
    assert len(feeds_of(teacher.user)) == 1 + 30


def test_anonymous_users_get_401(api_client, teacher):
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)

    assert api_client.get("/api/v1/calendar-feeds/").status_code == 401
    assert api_client.post(f"/api/v1/calendar-feeds/{feed.pk}/reset/").status_code == 401


def test_a_user_cannot_reset_another_users_feed(teacher, other_teacher, host):
    (own,) = [feed for feed in feeds_of(teacher.user) if feed["kind"] == Kind.TEACHER]
    others = feeds_of(other_teacher.user) + feeds_of(host.user)

    for other in others:
        response = client_for(teacher.user).post(f"/api/v1/calendar-feeds/{other['id']}/reset/")
        assert response.status_code == 404
    assert feeds_of(other_teacher.user) + feeds_of(host.user) == others
    assert client_for(teacher.user).post(f"/api/v1/calendar-feeds/{own['id']}/reset/").status_code == 200


def test_a_consultant_who_is_also_a_teacher_gets_only_their_schools_classes(school, school_class, other_class):
    consultant = factories.TeacherFactory(school=school, user__is_consultant=True)

    feeds = feeds_of(consultant.user)

    assert [feed["kind"] for feed in feeds] == [Kind.TEACHER, Kind.SCHOOL_CLASS]
    assert not CalendarFeed.objects.filter(school_class=other_class).exists()


def test_reset_makes_the_old_address_404_and_the_new_one_200(client, teacher, school_class, slot):
    book(teacher, school_class, slot)
    (feed,) = [feed for feed in feeds_of(teacher.user) if feed["kind"] == Kind.TEACHER]
    first = new_address(teacher.user, feed)
    old = path_of(first["https_url"])
    assert first["subscribed"] and first["reset_at"] is None
    assert fetch(client, old).status_code == 200

    response = client_for(teacher.user).post(f"/api/v1/calendar-feeds/{feed['id']}/reset/")

    assert response.status_code == 200
    new = path_of(response.json()["https_url"])
    assert new != old
    assert response.json()["webcal_url"] == "webcal://brobyg.example.dk" + new
    assert response.json()["reset_at"]
    assert fetch(client, old).status_code == 404
    assert fetch(client, new).status_code == 200
    listed = next(f for f in feeds_of(teacher.user) if f["id"] == feed["id"])
    assert listed["subscribed"] and listed["https_url"] is None


def test_unknown_token_is_404(client):
    assert fetch(client, "/calendar/" + "x" * 43 + ".ics").status_code == 404


# Who sees what -----------------------------------------------------------------------------


@pytest.fixture
def two_of_each(db):
    """Two schools and two companies. School A: teachers A and A2, class 8.A; school B:
    teacher B, class 8.B. Company X: offers X1 (contact hx) and X2 (contact hx2); company Y:
    offer Y (contact hy). Bookings: A books 8.A on X1 and on Y; A2 books 8.A on X2; B books
    8.B on X2 and on the same Y slot as 8.A."""
    school_a, school_b = factories.SchoolFactory(), factories.SchoolFactory()
    teacher_a = factories.TeacherFactory(school=school_a, user__first_name="Anne")
    teacher_a2 = factories.TeacherFactory(school=school_a, user__first_name="Aksel")
    teacher_b = factories.TeacherFactory(school=school_b, user__first_name="Bente")
    class_a = factories.SchoolClassFactory(school=school_a, name="8.A")
    class_b = factories.SchoolClassFactory(school=school_b, name="8.B")
    company_x, company_y = factories.CompanyFactory(), factories.CompanyFactory()
    hx = factories.CompanyMemberFactory(company=company_x)
    hx2 = factories.CompanyMemberFactory(company=company_x)
    hy = factories.CompanyMemberFactory(company=company_y)
    x1 = factories.OfferFactory(company=company_x, contact=hx, title="Vindmøller")
    x2 = factories.OfferFactory(company=company_x, contact=hx2, title="Kontrolrummet")
    y = factories.OfferFactory(company=company_y, contact=hy, title="Havnen")
    y_slot = slot_on(y, 11)
    bookings = {
        "ax1": book(teacher_a, class_a, slot_on(x1, 10)),
        "ay": book(teacher_a, class_a, y_slot),
        "a2x2": book(teacher_a2, class_a, slot_on(x2, 12)),
        "bx2": book(teacher_b, class_b, slot_on(x2, 10)),
        "by": book(teacher_b, class_b, y_slot),
    }
    expected = {
        (Kind.TEACHER, teacher_a.user.pk): {"ax1", "ay"},
        (Kind.TEACHER, teacher_a2.user.pk): {"a2x2"},
        (Kind.TEACHER, teacher_b.user.pk): {"bx2", "by"},
        (Kind.SCHOOL_CLASS, class_a.pk): {"ax1", "ay", "a2x2"},
        (Kind.SCHOOL_CLASS, class_b.pk): {"bx2", "by"},
        (Kind.COMPANY, company_x.pk): {"ax1", "a2x2", "bx2"},
        (Kind.COMPANY, company_y.pk): {"ay", "by"},
        (Kind.MEMBER, hx.user.pk): {"ax1"},
        (Kind.MEMBER, hx2.user.pk): {"a2x2", "bx2"},
        (Kind.MEMBER, hy.user.pk): {"ay", "by"},
    }
    users = [teacher_a.user, teacher_a2.user, teacher_b.user, hx.user, hx2.user, hy.user]
    return users, bookings, expected


def _owner(feed: CalendarFeed) -> tuple[str, int]:
    return feed.kind, feed.user_id or feed.school_class_id or feed.company_id


def test_each_feed_shows_exactly_its_owners_bookings(client, two_of_each):
    users, bookings, expected = two_of_each
    seen = {}
    for user in users:
        for listed in feeds_of(user):
            feed = CalendarFeed.objects.get(pk=listed["id"])
            response = fetch(client, path_of(new_address(user, listed)["https_url"]))
            assert response.status_code == 200
            names = {name for name, booking in bookings.items() if uid(booking) in events_in(response.content)}
            assert len(events_in(response.content)) == len(names)
            seen[_owner(feed)] = names

    assert seen == expected


def test_waitlisted_bookings_are_not_in_feeds_and_requests_are_tentative(client, teacher, school_class, offer):
    full = slot_on(offer, 10, capacity_classes=1)
    other_teacher = factories.TeacherFactory(school=teacher.school)
    other_class = factories.SchoolClassFactory(school=teacher.school)
    book(other_teacher, other_class, full)
    waiting = book(teacher, school_class, full)
    assert waiting.status == Booking.Status.WAITLISTED
    offer.auto_confirm = False
    offer.save()
    requested = book(teacher, school_class, slot_on(offer, 11))
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)

    events = events_in(fetch(client, feed_url(feed)).content)

    assert set(events) == {uid(requested)}
    assert str(events[uid(requested)]["STATUS"]) == "TENTATIVE"


def test_a_request_declined_before_it_was_confirmed_leaves_the_feed(client, teacher, school_class, offer, host):
    offer.auto_confirm = False
    offer.save()
    requested = book(teacher, school_class, slot_on(offer, 10))
    feed = CalendarFeed.objects.create(kind=Kind.SCHOOL_CLASS, school_class=school_class)
    assert set(events_in(fetch(client, feed_url(feed)).content)) == {uid(requested)}

    services.booking_decline(booking=requested, actor=host.user)

    assert b"BEGIN:VEVENT" not in fetch(client, feed_url(feed)).content


# The file ----------------------------------------------------------------------------------


def test_feed_is_a_subscription_calendar_with_the_invites_uid(client, teacher, school_class, slot):
    booking = book(teacher, school_class, slot)
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)

    response = fetch(client, feed_url(feed))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    data = response.content
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:")
    assert b"\nMETHOD" not in data
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Copenhagen\r\n" in data
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    calendar = parse(data)
    assert "METHOD" not in calendar
    assert str(calendar["VERSION"]) == "2.0"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == event_uid("booking", booking.pk, "brobyg.example.dk")
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Copenhagen"
    assert event.decoded("DTSTART") == slot.start.replace(microsecond=0)
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
    assert "ORGANIZER" not in event and "ATTENDEE" not in event

    mail.outbox.clear()
    deliver_due()
    invites = [sent for sent in mail.outbox if teacher.user.email in sent.to[0]]
    assert invites
    message = email.message_from_bytes(invites[0].message().as_bytes(), policy=default_policy)
    (part,) = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    (invited,) = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert str(invited["UID"]) == str(event["UID"])
    assert int(invited["SEQUENCE"]) == int(event["SEQUENCE"])


def test_moving_a_booking_raises_sequence_and_last_modified(client, teacher, school_class, offer):
    booking = book(teacher, school_class, slot_on(offer, 10))
    later = slot_on(offer, 12, hour=12)
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)
    before = fetch(client, feed_url(feed))
    old = events_in(before.content)[uid(booking)]

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        services.booking_move(booking=booking, actor=teacher.user, slot_id=later.pk)
        after = fetch(client, feed_url(feed), if_none_match=before["ETag"])

    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    new = events_in(after.content)[uid(booking)]
    assert int(new["SEQUENCE"]) == int(old["SEQUENCE"]) + 1 == 1
    assert new.decoded("LAST-MODIFIED") > old.decoded("LAST-MODIFIED")
    assert new.decoded("DTSTART") == later.start
    assert str(new["STATUS"]) == "CONFIRMED"


def test_moving_the_slot_raises_last_modified_of_its_bookings(client, teacher, school_class, offer, host):
    slot = slot_on(offer, 10)
    booking = book(teacher, school_class, slot)
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)
    old = events_in(fetch(client, feed_url(feed)).content)[uid(booking)]

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        moved_to = slot.start + dt.timedelta(hours=1)
        services.slot_update(slot=slot, actor=host.user, start=moved_to)
        response = fetch(client, feed_url(feed))

    new = events_in(response.content)[uid(booking)]
    assert (int(new["SEQUENCE"]), new.decoded("DTSTART")) == (1, moved_to)  # this much works already
    assert new.decoded("LAST-MODIFIED") > old.decoded("LAST-MODIFIED")


def test_moving_the_slot_changes_the_etag_time_and_sequence(client, teacher, school_class, offer, host):
    slot = slot_on(offer, 10)
    booking = book(teacher, school_class, slot)
    feed = CalendarFeed.objects.create(kind=Kind.COMPANY, company=offer.company)
    before = fetch(client, feed_url(feed))

    moved_to = slot.start + dt.timedelta(hours=1)
    services.slot_update(slot=slot, actor=host.user, start=moved_to)
    after = fetch(client, feed_url(feed), if_none_match=before["ETag"])

    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    event = events_in(after.content)[uid(booking)]
    assert (int(event["SEQUENCE"]), event.decoded("DTSTART")) == (1, moved_to)


def test_a_cancelled_confirmed_booking_stays_cancelled_for_a_while_then_leaves(
    client, settings, teacher, school_class, offer
):
    booking = book(teacher, school_class, slot_on(offer, 40))
    feed = CalendarFeed.objects.create(kind=Kind.SCHOOL_CLASS, school_class=school_class)
    before = fetch(client, feed_url(feed))

    services.booking_cancel(booking=booking, actor=teacher.user)
    cancelled = fetch(client, feed_url(feed), if_none_match=before["ETag"])

    assert cancelled.status_code == 200 and cancelled["ETag"] != before["ETag"]
    event = events_in(cancelled.content)[uid(booking)]
    assert (str(event["STATUS"]), int(event["SEQUENCE"]), str(event["TRANSP"])) == ("CANCELLED", 1, "TRANSPARENT")

    days = settings.FEED_KEEP_CANCELLED_DAYS
    with time_machine.travel(timezone.now() + dt.timedelta(days=days - 1)):
        still = fetch(client, feed_url(feed), if_none_match=cancelled["ETag"])
    assert still.status_code == 304
    with time_machine.travel(timezone.now() + dt.timedelta(days=days, hours=1)):
        gone = fetch(client, feed_url(feed), if_none_match=cancelled["ETag"])
    assert gone.status_code == 200 and gone["ETag"] != cancelled["ETag"]
    assert b"BEGIN:VEVENT" not in gone.content


def test_a_completed_visit_stays_in_the_feed(client, teacher, school_class, slot):
    booking = book(teacher, school_class, slot)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.COMPLETED)
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)

    event = events_in(fetch(client, feed_url(feed)).content)[uid(booking)]

    assert str(event["STATUS"]) == "CONFIRMED"


def test_feed_is_in_its_owners_language_whoever_asks(client, teacher, school_class, slot):
    teacher.user.language = "en"
    teacher.user.save()
    book(teacher, school_class, slot)
    teachers = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)
    classes = CalendarFeed.objects.create(kind=Kind.SCHOOL_CLASS, school_class=school_class)
    with translation.override("da"):
        danish = translation.gettext("Class")
    assert danish != "Class"

    for accept in ("da", "en", "da", "en"):
        for feed, label in ((teachers, "Class"), (classes, danish)):
            (event,) = events_in(fetch(client, feed_url(feed), accept_language=accept).content).values()
            assert f"\n{label}: 8.A, " in str(event["DESCRIPTION"]), (accept, feed.kind)


def test_feed_loading_describes_the_same_events_as_bookings_loaded_one_by_one(teacher, school_class, offer, host):
    """The feed loads its rows in one query and shares related objects; the calendar it
    writes is the same, byte for byte, as one written from bookings loaded the usual way."""
    now = dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC)
    host.user.phone = "+45 12 34 56 78"
    host.user.save()
    offer.practical_notes = "Sko; hjelm, og høreværn\\\r\nMadpakke ^ drikkedunk " + "æøå " * 30
    offer.save()
    book(teacher, school_class, slot_on(offer, 10))
    other = factories.OfferFactory(company=offer.company, contact=None, location="Kajen 1; Skagen, DK")
    book(teacher, school_class, slot_on(other, 11))
    feed = CalendarFeed.objects.create(kind=Kind.COMPANY, company=offer.company)

    with translation.override("da"):
        events = [
            booking_event(booking, sequence=booking.invite_sequence or 0, cancelled=False)
            for booking in Booking.objects.order_by("slot__start", "id")
        ]
        expected = build_calendar(events, name=feed_name(feed), now=now)
    assert render_feed(feed, now=now) == expected


def test_the_calendar_writer_matches_icalendar_on_awkward_text():
    """notifications.calendar writes RFC 5545 itself (for speed); on 400 events of awkward
    text, names, attendees and methods it writes exactly what the icalendar library writes."""
    alphabet = [*"abc XYZ019", *"\\;,:\"'^\n\r\t", "\\N", "\r\n", "æ", "ø", "Å", "–", "€", "😀", "\ufeff", "e\u0301"]
    rng = random.Random(20261126)

    def text(longest: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest)))

    start = dt.datetime(2026, 10, 25, 0, 30, 15, 123456, tzinfo=dt.UTC)  # around the switch to winter time
    for number in range(400):
        begins = start + dt.timedelta(minutes=17 * number)
        event = CalendarEvent(
            uid=f"brobyg-booking-{number}@brobyg.example.dk" if number % 3 else text(90),
            sequence=number % 5,
            start=begins,
            end=begins + dt.timedelta(hours=2),
            summary=text(150),
            organizer=Person("brobyg@example.dk", "Brobyg"),
            location=text(100) if number % 4 else "",
            description=text(700) if number % 5 else "",
            url=f"{SITE}/bookings/{number}/" + "x" * (number % 90) if number % 6 else "",
            cancelled=number % 7 == 0,
            tentative=number % 3 == 0,
            created=begins - dt.timedelta(days=3, microseconds=number) if number % 2 else None,
            last_modified=begins - dt.timedelta(days=1) if number % 8 else None,
        )
        if number % 2:
            event = dataclasses.replace(
                event,
                organizer=Person("brobyg@example.dk", text(30)),
                attendees=tuple(Person(f"p{index}@example.dk", text(30)) for index in range(number % 4)),
            )
        # NAME is TEXT (RFC 7986) and is escaped here; icalendar writes it unescaped, so the
        # comparison keeps to names where the two agree.
        name = re.sub(r"[\\;,\n\r]", " ", text(60))
        method = (None, "REQUEST", "CANCEL")[number % 3]
        ours = build_calendar([event], name=name, now=start, method=method)
        assert ours == reference_calendar([event], name=name, now=start, method=method)


# ETag --------------------------------------------------------------------------------------


def test_if_none_match_gets_304_without_a_body(client, teacher, school_class, slot):
    book(teacher, school_class, slot)
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)
    first = fetch(client, feed_url(feed))
    etag = first["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)

    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        again = fetch(client, feed_url(feed), if_none_match=header)
        assert again.status_code == 304, header
        assert again.content == b""
        assert again["ETag"] == etag
    assert fetch(client, feed_url(feed), if_none_match='"other"').status_code == 200
    assert fetch(client, feed_url(feed)).content == first.content  # from the cache, the same version


def test_etag_changes_with_every_change_the_feed_shows(client, teacher, school_class, offer, host):
    booking = book(teacher, school_class, slot_on(offer, 10))
    later = slot_on(offer, 12)
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)
    seen = [fetch(client, feed_url(feed))]

    def changed(check) -> None:
        response = fetch(client, feed_url(feed), if_none_match=seen[-1]["ETag"])
        assert response.status_code == 200
        assert response["ETag"] not in {earlier["ETag"] for earlier in seen}
        assert check(events_in(response.content))
        seen.append(response)

    booking = services.booking_move(booking=booking, actor=teacher.user, slot_id=later.pk)
    changed(lambda events: events[uid(booking)].decoded("DTSTART") == later.start)
    offer.company.address = "Kajen 1"
    offer.company.save()
    changed(lambda events: str(events[uid(booking)]["LOCATION"]).startswith("Kajen 1,"))
    school_class.name = "8.Æ"
    school_class.save()
    changed(lambda events: "8.Æ" in str(events[uid(booking)]["SUMMARY"]))
    offer.title = "Nyt navn"
    offer.save()
    changed(lambda events: str(events[uid(booking)]["SUMMARY"]).startswith("Nyt navn"))
    services.booking_cancel(booking=booking, actor=host.user)
    changed(lambda events: str(events[uid(booking)]["STATUS"]) == "CANCELLED")
    second = book(teacher, school_class, slot_on(offer, 14))
    changed(lambda events: uid(second) in events)
    assert fetch(client, feed_url(feed), if_none_match=seen[-1]["ETag"]).status_code == 304


# The public offer feed ---------------------------------------------------------------------


def test_offer_feed_lists_the_bookable_slots_of_a_published_offer(client, offer, school_class, teacher):
    bookable = slot_on(offer, 10)
    full = slot_on(offer, 11, capacity_classes=1)
    no_pupil_places = slot_on(offer, 12, capacity_pupils=20)
    slot_on(offer, 13, status=Slot.Status.CANCELLED)
    past_deadline = slot_on(offer, 14)
    Slot.objects.filter(pk=past_deadline.pk).update(booking_deadline=timezone.now() - dt.timedelta(hours=1))
    book(teacher, school_class, full)
    book(teacher, factories.SchoolClassFactory(school=teacher.school), no_pupil_places, pupils=20)
    url = reverse("offer-feed", args=[offer.pk])

    response = fetch(client, url)  # anonymous

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = events_in(response.content)
    assert set(events) == {event_uid("slot", bookable.pk, "brobyg.example.dk")}
    (event,) = events.values()
    assert "Plads til 2 klasser mere" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "TENTATIVE"
    assert fetch(client, url, if_none_match=response["ETag"]).status_code == 304

    book(teacher, factories.SchoolClassFactory(school=teacher.school), bookable)
    after = fetch(client, url, if_none_match=response["ETag"])
    assert after.status_code == 200
    assert "Plads til 1 klasse mere" in str(
        events_in(after.content)[event_uid("slot", bookable.pk, site_domain())]["DESCRIPTION"]
    )


def test_unpublished_or_unknown_offer_feed_is_404(client, offer):
    offer.is_published = False
    offer.save()

    assert fetch(client, reverse("offer-feed", args=[offer.pk])).status_code == 404
    assert fetch(client, reverse("offer-feed", args=[offer.pk + 1000])).status_code == 404


# SQL ---------------------------------------------------------------------------------------


def _add_bookings(count: int, *, teacher, classes, offers) -> None:
    """`count` more bookings straight into the database, on new slots of `offers` in turn."""
    existing = Slot.objects.count()
    slots = Slot.objects.bulk_create(
        Slot(
            offer=offers[number % len(offers)],
            start=at(10 + existing + number),
            end=at(10 + existing + number) + dt.timedelta(hours=2),
            booking_deadline=at(9 + existing + number),
            capacity_classes=2,
            capacity_pupils=60,
        )
        for number in range(count)
    )
    Booking.objects.bulk_create(
        Booking(
            slot=slot,
            school_class=classes[number % len(classes)],
            booked_by=teacher.user,
            pupils=20,
            status=(Booking.Status.CONFIRMED, Booking.Status.REQUESTED, Booking.Status.CANCELLED)[number % 3],
            invite_sequence=(0, None, 1)[number % 3],
        )
        for number, slot in enumerate(slots)
    )


@pytest.mark.parametrize("kind", [Kind.TEACHER, Kind.SCHOOL_CLASS, Kind.COMPANY, Kind.MEMBER])
def test_sql_statements_do_not_grow_with_the_number_of_events(client, kind, teacher, school_class, host, offer):
    classes = [school_class] if kind == Kind.SCHOOL_CLASS else [school_class, factories.SchoolClassFactory()]
    offers = [offer] if kind == Kind.MEMBER else [offer, factories.OfferFactory(company=offer.company, contact=None)]
    owner = {
        Kind.TEACHER: {"user": teacher.user},
        Kind.SCHOOL_CLASS: {"school_class": school_class},
        Kind.COMPANY: {"company": offer.company},
        Kind.MEMBER: {"user": host.user},
    }[kind]
    feed = CalendarFeed.objects.create(kind=kind, **owner)
    url = feed_url(feed)

    def statements(expected_events: int) -> tuple[int, int, int]:
        # Counted as each request ends: the next request empties connection.queries, which
        # CaptureQueriesContext reads lazily.
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = fetch(client, url)
        cold_count = len(cold)
        assert response.content.count(b"BEGIN:VEVENT") == expected_events
        with CaptureQueriesContext(connection) as warm:
            fetch(client, url)
        warm_count = len(warm)
        with CaptureQueriesContext(connection) as revalidated:
            assert fetch(client, url, if_none_match=response["ETag"]).status_code == 304
        return cold_count, warm_count, len(revalidated)

    _add_bookings(5, teacher=teacher, classes=classes, offers=offers)
    few = statements(5)
    _add_bookings(45, teacher=teacher, classes=classes, offers=offers)
    many = statements(50)

    # The address with its feed and its holder's right, and the bookings' ETag aggregate; cold
    # also their rows. Every other domain's feed source (the annual plans') adds its own version
    # query and, cold, its rows' query: a constant too.
    others = len(feed_sources()) - 1
    assert few == many == (3 + 2 * others, 2 + others, 2 + others)


def test_rendering_reads_every_related_row_in_the_one_query(django_assert_num_queries, teacher, school_class, offer):
    _add_bookings(12, teacher=teacher, classes=[school_class], offers=[offer])
    feed = CalendarFeed.objects.create(kind=Kind.TEACHER, user=teacher.user)

    with django_assert_num_queries(1):
        bookings = feed_bookings_for_rendering(feed)
        events = [booking_event(booking, sequence=0, cancelled=False) for booking in bookings]

    assert len(events) == 12
    assert len({id(booking.slot.offer) for booking in bookings}) == 1  # shared, not one per row
