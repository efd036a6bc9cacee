"""The production topology on one machine (tests/topology.py): one PostgreSQL database, Redis,
two gunicorn app servers and two django-q2 clusters with Redis as broker, e-mail to a real
SMTP server. Teachers, hosts and pupils act through both servers at once; afterwards no slot
is over capacity, every slot's counters equal its bookings, every due message arrived exactly
once and no request answered 5xx.

    TEST_POSTGRES_URL=... TEST_REDIS_URL=redis://127.0.0.1:6390/1 \\
        .venv/bin/pytest tests/concurrency/test_topology.py -m live -s

Skipped, with the reason, where PostgreSQL or Redis is not reachable.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests import live
from tests.notifications import cluster_harness as harness
from tests.topology import (
    Topology,
    World,
    api,
    delivery_problems,
    server_errors,
    slot_problems,
    submit_form,
    unavailable_reason,
)

pytestmark = pytest.mark.live

CLASSES = 24  # booking the first three slots: 8 classes for 4 places each
LATE_CLASSES = 4  # booking while the clusters are down and Redis has been emptied
SLOTS = 4  # the fourth is empty until classes move onto it
CAPACITY = 4
PUPILS = ("Freja", "Ida", "Signe", "Alma")
DELIVERY_TIMEOUT = 100.0
CONFIRM_LINK = re.compile(r"/open-days/me/([^/\s\"'<>]+)/confirm/")

Action = Callable[[str], "list[live.Reply] | live.Reply"]


@pytest.fixture(scope="module")
def topology() -> Iterator[Topology]:
    if reason := unavailable_reason():
        pytest.skip(reason)
    with Topology() as started:
        yield started


@pytest.fixture(scope="module")
def world(topology: Topology) -> World:
    return topology.load_world(classes=CLASSES + LATE_CLASSES, slots=SLOTS, capacity_classes=CAPACITY)


def _book(scenario: live.Scenario, index: int, slot: int) -> Action:
    return lambda url: live.request_once(url, live.booking_request(scenario, index, slot=slot))


def _post(path: str, token: str, body: dict[str, Any] | None = None) -> Action:
    return lambda url: api(url, "POST", path, token, body or {})


def _apply(world: World, name: str) -> Action:
    hosts = world.open_day_hosts
    fields = {
        "first_name": name,
        "age": "16",
        "email": f"{name.lower()}@example.dk",
        "municipality": world.municipality,
        "first_time": "on",
        "choice_1": hosts[0],
        "choice_2": hosts[1],
        "choice_3": hosts[2],
    }
    return lambda url: submit_form(url, f"/open-days/join/{world.open_day}/apply/", fields)


def _activity(world: World, title: str, token: str) -> Action:
    month = world.activity_times["starts_at"][:8] + "01"
    body = {"plan": world.plan, "title": title, "kind": "company_visit", "status": "planned", "planned_month": month}
    return _post("/api/v1/activities/", token, body)


def _bookings_by(replies: list[live.Reply], status: str) -> list[int]:
    return [reply.body["id"] for reply in replies if reply.status == 201 and reply.body.get("status") == status]


def test_both_servers_and_both_clusters_keep_every_promise(
    topology: Topology, world: World, live_report: Callable[[str], None]
) -> None:
    """Bookings, moves, cancellations, a host's answers, an annual plan's activities (one booked by
    teacher and host at once) and open-day applications confirmed from their e-mail, through two
    app servers at once: no 5xx, no slot over capacity, counters equal to bookings, every due
    message delivered exactly once, one booking for the activity, every applicant confirmed."""
    offer, requests = world.bookings, world.requests
    teacher = world.plan_teacher_token
    host = offer.host_token
    # Phase 1: everyone at once.
    booking_actions = [_book(offer, index, offer.slots[index % (SLOTS - 1)]) for index in range(CLASSES)]
    request_actions = [_book(requests, index, requests.slot) for index in range(len(requests.classes))]
    first = topology.send_everywhere(
        [
            *booking_actions,
            *request_actions,
            _activity(world, "Rundvisning på værftet", teacher),
            _activity(world, "Ingeniøren på besøg", host),
            _activity(world, "Projekt: vindmøllens vinge", teacher),
            *[_apply(world, name) for name in PUPILS],
        ]
    )
    booked = first[:CLASSES]
    requested = first[CLASSES : CLASSES + len(request_actions)]
    activities = [reply.body["id"] for reply in first if reply.status == 201 and "plan" in (reply.body or {})]
    confirmed_by_slot = {
        slot: [
            reply.body["id"] for reply in booked if reply.booking_status == "confirmed" and reply.body["slot"] == slot
        ]
        for slot in offer.slots
    }
    waitlisted = _bookings_by(booked, "waitlisted")
    awaiting = _bookings_by(requested, "requested")
    assert all(len(confirmed_by_slot[slot]) == CAPACITY for slot in offer.slots[:-1]), live.summarize(booked)
    assert len(activities) == 3, [(reply.status, reply.body) for reply in first[CLASSES + len(request_actions) :]]
    assert len(awaiting) == CAPACITY, live.summarize(requested)

    # Phase 2: moves onto the empty slot (six for four places, one of them racing a cancellation of
    # the same booking on the other server), cancellations, the host's answers, and the same plan
    # activity booked by its teacher and its host at once.
    empty = offer.slots[-1]
    slot_a, slot_b, slot_c = offer.slots[:-1]
    booking_of_activity = world.activity_times
    racing = confirmed_by_slot[slot_c][1]
    second = topology.send_everywhere(
        [
            _post(f"/api/v1/bookings/{racing}/move/", offer.classes[0][1], {"slot": empty}),
            _post(f"/api/v1/bookings/{racing}/cancel/", host, {"note": "Aflyst af værten"}),
            *[
                _post(f"/api/v1/bookings/{booking}/move/", host, {"slot": empty, "note": "Flyttet"})
                for booking in (confirmed_by_slot[slot_a][0], confirmed_by_slot[slot_b][0])
            ],
            *[
                _post(f"/api/v1/bookings/{booking}/move/", host, {"slot": empty})
                for booking in (
                    confirmed_by_slot[slot_c][0],
                    confirmed_by_slot[slot_a][1],
                    confirmed_by_slot[slot_b][1],
                )
            ],
            *[
                _post(f"/api/v1/bookings/{confirmed_by_slot[slot][2]}/cancel/", host, {"note": "Sygdom"})
                for slot in (slot_a, slot_b, slot_c)
            ],
            _post(f"/api/v1/bookings/{waitlisted[-1]}/cancel/", host),
            _post(f"/api/v1/bookings/{awaiting[0]}/confirm/", requests.host_token, {"note": "Velkommen"}),
            _post(f"/api/v1/bookings/{awaiting[1]}/confirm/", requests.host_token),
            _post(f"/api/v1/bookings/{awaiting[2]}/decline/", requests.host_token, {"note": "Desværre"}),
            _post(f"/api/v1/activities/{activities[0]}/book/", teacher, booking_of_activity),
            _post(f"/api/v1/activities/{activities[0]}/book/", host, booking_of_activity),
            _post(f"/api/v1/activities/{activities[1]}/status/", host, {"status": "idea"}),
        ]
    )
    race = second[:2]
    assert sorted(reply.status for reply in race if reply.status is not None)[0] == 200, race

    # Phase 3: each applicant confirms her address from the link in her e-mail, through the
    # other server than the one she applied through.
    addresses = {f"{name.lower()}@example.dk" for name in PUPILS}

    def links(received) -> dict[str, str]:
        found = {}
        for message in received:
            match = CONFIRM_LINK.search(message.text)
            for recipient in message.recipients:
                if match and recipient in addresses:
                    found[recipient] = match.group(0)
        return found

    found = links(topology.wait_for_mail(lambda received: len(links(received)) == len(PUPILS), timeout=90))
    assert len(found) == len(PUPILS), f"confirmation e-mails: {sorted(found)}\n{topology.logs()}"
    third = topology.send_everywhere([lambda url, path=path: submit_form(url, path, {}) for path in found.values()])

    state = topology.wait_until_delivered(timeout=DELIVERY_TIMEOUT)
    replies = first + second + third
    summary = live.summarize(replies)
    live_report(
        f"{len(replies)} requests over {len(topology.urls)} servers: {summary['outcomes']}; "
        f"bookings {state['bookings']}; outbox {state['outbox']['by_status']} "
        f"(sent by kind {state['outbox']['by_kind_sent']}); {len(topology.receipt_rows())} SMTP receipts; "
        f"tasks run per cluster {topology.tasks_run()}"
    )
    assert server_errors(replies) == [], topology.logs()
    assert slot_problems(state) == []
    assert delivery_problems(state, topology.receipt_rows()) == [], topology.logs()
    assert state["activity_bookings"] == 1, state["activities"]
    assert state["applications"] == {"confirmed": len(PUPILS)}
    assert all(reply.status == 302 for reply in third[1::2]), [reply.status for reply in third]


def test_redis_holds_nothing_that_must_survive(
    topology: Topology, world: World, live_report: Callable[[str], None]
) -> None:
    """Both clusters die, Redis is emptied (its queued tasks and cache gone, as after losing it
    with no backup) while teachers book, and new clusters start: every message due is still
    delivered exactly once, because the outbox and the schedules are in PostgreSQL."""
    offer = world.bookings
    before = topology.wait_until_delivered(timeout=DELIVERY_TIMEOUT)
    assert delivery_problems(before, topology.receipt_rows()) == []
    topology.stop_clusters()
    assert topology.database is not None
    harness.enqueue_delivery(topology.database, tasks=2, run_seconds=5)  # wake-ups that will be lost
    from tests.topology import redis_flush

    redis_flush(topology.redis_url)
    replies = topology.send_everywhere(
        [_book(offer, index, offer.slots[-1]) for index in range(CLASSES, CLASSES + LATE_CLASSES)]
    )
    topology.start_clusters()
    state = topology.wait_until_delivered(timeout=DELIVERY_TIMEOUT)
    live_report(
        f"after losing Redis: {live.summarize(replies)['outcomes']}; outbox {state['outbox']['by_status']}; "
        f"{len(topology.receipt_rows())} SMTP receipts in all"
    )
    assert server_errors(replies) == [], topology.logs()
    assert all(reply.status == 201 for reply in replies), live.summarize(replies)
    assert slot_problems(state) == []
    assert delivery_problems(state, topology.receipt_rows()) == [], topology.logs()
    assert len(state["outbox"]["sent_ids"]) > len(before["outbox"]["sent_ids"])


def test_a_restored_dump_holds_everything(topology: Topology, world: World) -> None:
    """A `pg_dump` of the running topology's database, restored with `pg_restore` into a new
    database (docs/deploy.md), holds the same bookings, slot counters, outbox, applications
    and plan activities."""
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    before = topology.wait_until_delivered(timeout=DELIVERY_TIMEOUT)
    restored = topology.dump_and_restore()
    try:
        after = topology.read_state(restored)
    finally:
        restored.drop()
    assert after == before
