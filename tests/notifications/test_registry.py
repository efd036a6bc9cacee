"""Notifications knows no domain: a subject type registered by a test, a fake "parcel"
domain, goes through the same outbox, delivery and feeds as bookings do."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings import services
from notifications import registry
from notifications.calendar import CalendarEvent, Person, event_uid
from notifications.delivery import deliver_due
from notifications.models import CalendarFeed, OutgoingMessage
from notifications.rendering import compose, site_domain
from notifications.selectors import feeds_for_user
from notifications.services import Message, Recipient, calendar_subscription_issue, messages_enqueue

pytestmark = pytest.mark.django_db
NOTIFICATIONS = Path(__file__).resolve().parents[2] / "notifications"
OUR_APPS = {"accounts", "bookings", "companies", "config", "core", "notifications", "schools", "web", "adoptions"}
BELOW_NOTIFICATIONS = {"accounts", "companies", "core", "notifications", "schools"}


class Parcels:
    """A tiny domain: parcels that go out by e-mail, with a pick-up time in the calendar."""

    def __init__(self) -> None:
        self.parcels: dict[str, dict] = {}
        self.deferred: list[str] = []
        self.version = 1

    def add(self, pk: str, *, pickup: dt.datetime, current: bool = True) -> None:
        self.parcels[pk] = {"pickup": pickup, "current": current}

    def event(self, pk: str) -> CalendarEvent:
        pickup = self.parcels[pk]["pickup"]
        return CalendarEvent(
            uid=event_uid("parcel", pk, site_domain()),
            sequence=0,
            start=pickup,
            end=pickup + dt.timedelta(minutes=30),
            summary=f"Parcel {pk}",
            organizer=Person("brobyg@example.dk", "Brobyg"),
        )

    def render(self, message: OutgoingMessage, parcel: dict):
        pk = registry.split_subject_key(message.subject_key)[1]
        return compose(
            message,
            subject=f"Parcel {pk} is ready",
            intro="Your parcel is ready.",
            details=f"Pick it up {parcel['pickup']:%Y-%m-%d %H:%M}.",
            url=f"https://example.dk/parcels/{pk}/",
            link_text="Open the parcel",
            event=self.event(pk),
            method="REQUEST",
        )

    def write_pending(self) -> bool:
        """Write the first deferred parcel's message; True while more are waiting."""
        if not self.deferred:
            return False
        pk = self.deferred.pop(0)
        messages_enqueue(
            subject_key=registry.subject_key("parcel", pk),
            messages=[
                Message(
                    kind="ready",
                    recipient=Recipient("receiver", f"receiver-{pk}@example.dk", "Åse Ørsted"),
                    due_at=timezone.now(),
                    dedup_key=f"ready:{pk}",
                )
            ],
            now=timezone.now(),
        )
        return bool(self.deferred)


@pytest.fixture
def parcels():
    domain = Parcels()
    registry.register_messages(
        registry.MessageSource(
            subject_type="parcel",
            load=domain.parcels.get,
            render=domain.render,
            is_current=lambda message, parcel: parcel["current"],
            write_pending=domain.write_pending,
        )
    )
    registry.register_feed_source(
        registry.FeedSource(
            name="parcels",
            events=lambda feed, now: [domain.event(pk) for pk in sorted(domain.parcels)],
            version=lambda feed, now: (domain.version,),
        )
    )
    cache.clear()
    yield domain
    registry.unregister_messages("parcel")
    registry.unregister_feed_source("parcels")
    cache.clear()


def test_second_subject_type_is_written_and_delivered_through_the_same_outbox(parcels):
    """Messages a fake domain deferred are written at the start of the delivery pass, batch
    after batch, and sent as its renderer says, calendar included."""
    pickup = timezone.now() + dt.timedelta(days=2)
    for pk in ("7", "8"):
        parcels.add(pk, pickup=pickup)
    parcels.deferred = ["7", "8"]

    assert deliver_due() == 2

    assert sorted(OutgoingMessage.objects.values_list("subject_key", "status")) == [
        ("parcel:7", "sent"),
        ("parcel:8", "sent"),
    ]
    by_address = {message.to[0]: message for message in mail.outbox}
    message = by_address["Åse Ørsted <receiver-7@example.dk>"]
    assert message.subject == "Parcel 7 is ready"
    calendar = message.message().get_payload()[-1]
    assert calendar.get_param("method") == "REQUEST"
    assert f"UID:brobyg-parcel-7@{site_domain()}".encode() in calendar.get_payload(decode=True)


def test_message_of_a_vanished_or_no_longer_true_subject_is_withdrawn(parcels):
    parcels.add("1", pickup=timezone.now() + dt.timedelta(days=1), current=False)
    parcels.deferred = ["1", "2"]  # parcel 2 does not exist

    assert deliver_due() == 0

    assert set(OutgoingMessage.objects.values_list("status", flat=True)) == {OutgoingMessage.Status.WITHDRAWN}
    assert mail.outbox == []


def test_domain_whose_deferred_messages_fail_does_not_stop_the_others_from_going_out(parcels):
    """A domain's write_pending that raises is logged and left for the next pass: what is
    already due (of this domain and others) is sent all the same."""
    parcels.add("1", pickup=timezone.now() + dt.timedelta(days=1))
    parcels.deferred = ["1"]
    parcels.write_pending()

    def broken() -> bool:
        raise RuntimeError("the domain's data is broken")

    registry.register_messages(
        registry.MessageSource(
            subject_type="broken",
            load=lambda pk: None,
            render=parcels.render,
            is_current=lambda message, subject: True,
            write_pending=broken,
        )
    )
    try:
        assert deliver_due() == 1
    finally:
        registry.unregister_messages("broken")

    assert OutgoingMessage.objects.get().status == OutgoingMessage.Status.SENT


def test_subject_that_fails_to_load_is_retried_and_the_pass_goes_on(parcels):
    """A domain whose loading raises for one message (a malformed key, broken data) has that
    message retried with its error recorded; the rest of the pass is sent."""
    pickup = timezone.now() + dt.timedelta(days=1)
    for pk in ("1", "2"):
        parcels.add(pk, pickup=pickup)
    parcels.deferred = ["1", "2"]
    loads = parcels.parcels.get

    def load(pk: str):
        if pk == "1":
            raise ValueError("broken parcel data")
        return loads(pk)

    registry.register_messages(
        registry.MessageSource(
            subject_type="parcel",
            load=load,
            render=parcels.render,
            is_current=lambda message, parcel: True,
            write_pending=parcels.write_pending,
        )
    )

    assert deliver_due() == 1

    rows = dict(OutgoingMessage.objects.values_list("subject_key", "status"))
    assert rows == {"parcel:1": OutgoingMessage.Status.PENDING, "parcel:2": OutgoingMessage.Status.SENT}
    assert "broken parcel data" in OutgoingMessage.objects.get(subject_key="parcel:1").last_error


def test_message_of_a_subject_type_no_domain_registered_fails_and_is_kept():
    """A row no domain can render (a domain removed, a registration forgotten) is not
    thrown away: it fails with the reason, for an administrator to retry."""
    messages_enqueue(
        subject_key="unknown:1",
        messages=[Message("ready", Recipient("receiver", "x@example.dk"), timezone.now(), "ready:unknown:1")],
        now=timezone.now(),
    )

    assert deliver_due() == 0

    row = OutgoingMessage.objects.get()
    assert row.status == OutgoingMessage.Status.FAILED
    assert "unknown:1" in row.last_error


def test_private_feed_merges_every_domains_events_in_time_order(parcels, teacher, school_class, slot):
    """A teacher's feed shows their booking and the fake domain's events, in time order; a
    change the fake domain reports through its version is a new ETag."""
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    parcels.add("early", pickup=slot.start - dt.timedelta(days=1))
    parcels.add("late", pickup=slot.start + dt.timedelta(days=1))
    feed = next(feed for feed in feeds_for_user(teacher.user) if feed.kind == CalendarFeed.Kind.TEACHER)
    token = calendar_subscription_issue(feed=feed, holder=teacher.user)
    client, url = Client(), reverse("calendar-feed", args=[token])

    first = client.get(url)
    unchanged = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    parcels.version += 1
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    body = first.content.decode()
    domain = site_domain()
    uids = [line.removeprefix("UID:") for line in body.splitlines() if line.startswith("UID:")]
    assert uids == [
        f"brobyg-parcel-early@{domain}",
        f"brobyg-booking-{slot.bookings.get().pk}@{domain}",
        f"brobyg-parcel-late@{domain}",
    ]
    assert unchanged.status_code == 304
    assert changed.status_code == 200 and changed["ETag"] != first["ETag"]


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    return {name.split(".")[0] for name in names} & OUR_APPS


def test_notifications_imports_no_domain():
    """notifications sits below every domain: it imports only core, accounts, companies and
    schools (its old migrations may name bookings' tables, but import nothing of it)."""
    modules = [path for path in NOTIFICATIONS.rglob("*.py")]
    imported = {path.relative_to(NOTIFICATIONS).as_posix(): _imported_apps(path) for path in modules}

    assert modules
    assert {module: apps - BELOW_NOTIFICATIONS for module, apps in imported.items() if apps - BELOW_NOTIFICATIONS} == {}
