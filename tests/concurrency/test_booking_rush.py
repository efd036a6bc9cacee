"""Booking rushes against a real server: gunicorn (2 workers x 16 threads) on a fresh SQLite or
PostgreSQL database, 200 requests released together by a barrier, the outcome read back
from the database. See tests/live.py for the harness.

Run only these:  .venv/bin/pytest -m live -s
PostgreSQL cases need TEST_POSTGRES_URL (an admin URL; .ci/run exports it) and skip otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from tests import live

pytestmark = pytest.mark.live

CAPACITY = 30
CLASSES = 200
DOUBLE_CLICKS = 20
UNGUARDED_APP = "tests.concurrency.unguarded_wsgi:application"
ACTIVE = {"requested", "confirmed", "waitlisted"}


def rush(stack: live.LiveStack, *, waitlist: bool) -> tuple[live.Scenario, list[live.Reply], dict[str, Any]]:
    """200 classes (one teacher each) book the same 30-class slot at the same moment."""
    scenario = stack.load_scenario(capacity_classes=CAPACITY, classes=CLASSES, waitlist=waitlist)
    assert stack.server is not None
    replies = live.send_together(stack.server.url, [live.booking_request(scenario, i) for i in range(CLASSES)])
    return scenario, replies, stack.read_state(scenario.slot)


def rush_violations(replies: list[live.Reply], state: dict[str, Any], *, waitlist: bool) -> list[str]:
    """Everything that is wrong with the outcome of a rush; empty when it is right."""
    summary = live.summarize(replies)
    outcomes, bookings = summary["outcomes"], state["bookings"]
    turned_away = CLASSES - CAPACITY
    problems = []
    if summary["connection_errors"]:
        first = next(reply.error for reply in replies if reply.status is None)
        problems.append(f"{summary['connection_errors']} connection errors, first: {first}")
    if summary["server_errors"]:
        problems.append(f"{summary['server_errors']} answers >= 500")
    if bookings.get("confirmed", 0) != CAPACITY:
        problems.append(f"{bookings.get('confirmed', 0)} confirmed bookings in the database, expected {CAPACITY}")
    if state["booked_classes"] != CAPACITY:
        problems.append(f"slot.booked_classes = {state['booked_classes']}, expected {CAPACITY}")
    if state["booked_classes"] != state["holding_place"]:
        problems.append(
            f"slot.booked_classes = {state['booked_classes']} but {state['holding_place']} bookings hold a place"
        )
    if outcomes.get("201 confirmed", 0) != CAPACITY:
        problems.append(f"{outcomes.get('201 confirmed', 0)} answers '201 confirmed', expected {CAPACITY}")
    expected = (
        {"201 confirmed": CAPACITY, "201 waitlisted": turned_away}
        if waitlist
        else {"201 confirmed": CAPACITY, "400 slot_full": turned_away}
    )
    if outcomes != expected:
        problems.append(f"answers {outcomes}, expected {expected}")
    if waitlist and bookings.get("waitlisted", 0) != turned_away:
        problems.append(f"{bookings.get('waitlisted', 0)} waitlisted bookings in the database, expected {turned_away}")
    if not waitlist and bookings.get("waitlisted", 0):
        problems.append(f"{bookings['waitlisted']} waitlisted bookings although the offer has no waitlist")
    if state["max_active_per_class_and_slot"] > 1:
        problems.append("a class holds more than one active booking on the slot")
    return problems


def describe(replies: list[live.Reply], state: dict[str, Any]) -> str:
    summary = live.summarize(replies)
    return (
        f"answers {summary['outcomes']}; p50 {summary['p50_ms']} ms, p99 {summary['p99_ms']} ms, "
        f"max {summary['max_ms']} ms; database: bookings {state['bookings']}, "
        f"slot.booked_classes {state['booked_classes']}"
    )


def test_rush_without_waitlist_fills_exactly_the_capacity(live_stack, live_report):
    """200 classes rush a 30-class slot whose offer keeps no waitlist: 30 are confirmed, the
    slot counter says 30, the other 170 are told the slot is full; nothing fails."""
    _, replies, state = rush(live_stack, waitlist=False)
    live_report(describe(replies, state))
    assert rush_violations(replies, state, waitlist=False) == []


def test_rush_with_waitlist_confirms_capacity_and_queues_the_rest(live_stack, live_report):
    """Same rush with the waitlist on: 30 confirmed, 170 waitlisted (201), nothing fails."""
    _, replies, state = rush(live_stack, waitlist=True)
    live_report(describe(replies, state))
    assert rush_violations(replies, state, waitlist=True) == []


def test_double_click_books_once(live_stack, live_report):
    """One class sends the same booking 20 times at once: one booking, 19 x already_booked."""
    scenario = live_stack.load_scenario(capacity_classes=CAPACITY, classes=1, waitlist=True)
    request = live.booking_request(scenario, 0)
    replies = live.send_together(live_stack.server.url, [request] * DOUBLE_CLICKS)
    state = live_stack.read_state(scenario.slot)
    summary = live.summarize(replies)
    live_report(describe(replies, state))

    assert summary["connection_errors"] == 0
    assert summary["server_errors"] == 0
    assert summary["outcomes"] == {"201 confirmed": 1, "400 already_booked": DOUBLE_CLICKS - 1}
    assert state["bookings"] == {"confirmed": 1}
    assert state["booked_classes"] == 1
    assert state["max_active_per_class_and_slot"] == 1


OVERLAP_ROUNDS = 5


def test_class_rushing_overlapping_slots_gets_one_of_them(live_stack, live_report):
    """One class books 20 slots that overlap in time, all at once: one booking holds, the other
    19 are refused because the class is busy then. The unique constraint cannot catch this
    (the slots differ); only the class lock, with the check made after it is taken, can.
    A few rounds, each on fresh slots, as one round does not always hit the window."""
    for _ in range(OVERLAP_ROUNDS):
        scenario = live_stack.load_scenario(
            capacity_classes=CAPACITY, classes=1, waitlist=True, slots=DOUBLE_CLICKS, overlapping=True
        )
        requests = [live.booking_request(scenario, 0, slot=slot) for slot in scenario.slots]
        replies = live.send_together(live_stack.server.url, requests)
        state = live_stack.read_state(scenario.slots)
        summary = live.summarize(replies)
        live_report(describe(replies, state))

        assert summary["server_errors"] == summary["connection_errors"] == 0
        assert summary["outcomes"] == {"201 confirmed": 1, "400 class_busy": DOUBLE_CLICKS - 1}
        assert state["bookings"] == {"confirmed": 1}
        assert state["booked_classes"] == 1


CANCEL_ROUNDS = 5
WAITLIST_RUSH = 60


def test_slot_cancelled_during_a_waitlist_rush_keeps_no_active_booking(live_stack, live_report):
    """The host cancels a full slot while 60 classes rush onto its waitlist. Each class is
    either refused (the slot is not open) or waitlisted and then cancelled with the slot: no
    booking stays active on the cancelled slot, and its counter is back at zero. A booking
    that read the slot as open before the cancel must not be written after slot_cancel has
    collected the slot's bookings, so the waitlist branch re-reads the slot, share-locked,
    in its write transaction. A few rounds, the cancel sent a little after the rush starts,
    as one round does not always hit the window."""
    for round_number in range(CANCEL_ROUNDS):
        scenario = live_stack.load_scenario(capacity_classes=1, classes=WAITLIST_RUSH + 1, waitlist=True)
        url = live_stack.server.url
        assert live.request_once(url, live.booking_request(scenario, 0)).booking_status == "confirmed"
        cancel = live.Request("POST", f"/api/v1/slots/{scenario.slot}/cancel/", {"note": ""}, scenario.host_token)
        with ThreadPoolExecutor(max_workers=1) as pool:
            cancelled = pool.submit(_after, 0.005 * (round_number + 1), live.request_once, url, cancel)
            replies = live.send_together(url, [live.booking_request(scenario, i) for i in range(1, WAITLIST_RUSH + 1)])
            cancel_reply = cancelled.result(timeout=120)
        state = live_stack.read_state(scenario.slot)
        summary = live.summarize(replies)
        live_report(describe(replies, state))

        assert cancel_reply.status == 200, cancel_reply.body
        assert summary["server_errors"] == summary["connection_errors"] == 0
        assert set(summary["outcomes"]) <= {"201 waitlisted", "400 slot_not_open"}, summary["outcomes"]
        assert {status for status in state["bookings"] if status in ACTIVE} == set(), state["bookings"]
        assert state["booked_classes"] == 0


def _after(seconds: float, call: Callable[..., live.Reply], *args: Any) -> live.Reply:
    time.sleep(seconds)
    return call(*args)


@pytest.mark.parametrize("backend", live.BACKENDS)
def test_negative_control_the_rush_detects_a_missing_guard(backend, live_report):
    """Proof that the rush assertions can fail: the same rush against a server whose guard
    is taken out (tests/concurrency/unguarded_wsgi.py) must be flagged by `rush_violations`.

    PostgreSQL: `capacity.slot_claim` becomes read-check-then-write (read the slot, compare in
    Python, write the count computed in Python). Concurrent requests read the same count and
    overwrite each other's increment, so more than 30 bookings are confirmed while the
    counter stays <= 30 -- silent overbooking that the check constraints cannot see. The test
    asserts exactly that. (An `F("booked_classes") + 1` without the WHERE would demonstrate
    nothing: the CHECK constraint turns every increment past 30 into an IntegrityError, which
    booking_create reports as 400 already_booked; tried by hand, 30 confirmed, no overbooking.)

    SQLite: the same naive claim is NOT enough to break it. Writers start with BEGIN
    IMMEDIATE and so run one at a time; the read-check-then-write is never interleaved
    (see the next test). The guard that matters on SQLite is IMMEDIATE itself, so here it is
    also switched to DEFERRED. Then overbooking is still impossible -- in WAL mode a
    transaction whose snapshot is stale cannot upgrade to a writer -- but requests fail with
    "database is locked" (500s), which the rush assertions catch. That is the honest failure
    mode on SQLite, and it is what the test asserts.
    """
    live.skip_unless_available(backend)
    extra_env = {"BROBYG_LIVE_SQLITE_TRANSACTION_MODE": "DEFERRED"} if backend == "sqlite" else {}
    with live.LiveStack(backend, app=UNGUARDED_APP, extra_env=extra_env) as stack:
        _, replies, state = rush(stack, waitlist=False)
        log = stack.server.log_text()
    live_report(describe(replies, state))
    assert "UNGUARDED: bookings.services.capacity.slot_claim replaced" in log, "the unguarded app was not loaded"

    problems = rush_violations(replies, state, waitlist=False)
    assert problems, "the rush assertions passed against a server without its guard"
    live_report("violations found: " + "; ".join(problems))
    confirmed = state["bookings"].get("confirmed", 0)
    if backend == "postgresql":
        assert confirmed > CAPACITY, f"expected silent overbooking, got {confirmed} confirmed"
        assert state["booked_classes"] <= CAPACITY < confirmed  # the counter lost updates
        assert live.summarize(replies)["server_errors"] == 0
    else:
        assert live.summarize(replies)["server_errors"] > 0
        assert "database is locked" in log
        assert confirmed <= CAPACITY, "SQLite should refuse stale writers, never overbook"
        assert confirmed == state["booked_classes"]


def test_sqlite_immediate_transactions_alone_keep_a_naive_claim_correct(live_report):
    """The limit of the SQLite rush, stated as a test: with BEGIN IMMEDIATE the naive
    read-check-then-write claim still gives exactly 30, because writers never overlap. So the
    SQLite rush cannot detect a missing conditional UPDATE; only the PostgreSQL rush can. If
    this test ever fails, SQLite writers have started to overlap and the SQLite rush has
    become a real race test too."""
    with live.LiveStack("sqlite", app=UNGUARDED_APP) as stack:
        _, replies, state = rush(stack, waitlist=False)
        log = stack.server.log_text()
    live_report(describe(replies, state))
    assert "UNGUARDED: bookings.services.capacity.slot_claim replaced" in log, "the unguarded app was not loaded"
    assert rush_violations(replies, state, waitlist=False) == []
