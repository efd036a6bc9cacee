"""The bookings API's attendance action keeps its schema's promises under generated input once
the visits have begun, when a booking can really be marked (the whole-API run in
tests/test_api_schema_fuzz.py calls it only before the start): as the consultant, a teacher and
the host, on the fuzz world's own bookings and on ids that do not exist (user trial of issue 12).
A longer run: `FUZZ_EXAMPLES=100 .venv/bin/python -m pytest tests/bookings/test_trial_attendance_fuzz.py`."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.db import transaction

from bookings.models import Booking, Slot
from tests import test_api_schema_fuzz as schema_fuzz
from tests.factories import api_key_for

# The whole-API run's fixtures, used as they are.
world = schema_fuzz.world
api_schema = schema_fuzz.api_schema
requests_keep_the_test_connection = schema_fuzz.requests_keep_the_test_connection

ATTENDANCE = "/api/v1/bookings/{id}/attendance/"


@pytest.mark.parametrize("role", ["consultant", "teacher", "host"])
def test_attendance_answers_within_its_schema_after_the_visit_began(
    world, api_schema, requests_keep_the_test_connection, role
):
    """No server error and no response outside the schema, for any generated request, while the
    bookings are markable (the visits have begun)."""
    headers = {"Authorization": f"Token {api_key_for(world['users'][role])}"}
    bookings = world["ids"]["bookings"]
    started = Slot.objects.filter(bookings__pk__in=bookings).order_by("-start").values_list("start", flat=True)[0]
    statuses: Counter[int] = Counter()

    def call(case) -> None:
        case.headers = {**(case.headers or {}), **headers}
        with transaction.atomic():
            statuses[case.call_and_validate(checks=schema_fuzz.CHECKS).status_code] += 1

    [operation] = [
        result.ok()
        for result in api_schema.get_all_operations()
        if result.ok().path == ATTENDANCE and result.ok().method.upper() == "POST"
    ]
    assert Booking.objects.filter(pk__in=bookings, status=Booking.Status.CONFIRMED).exists()
    with time_machine.travel(started + dt.timedelta(hours=1), tick=False):
        schema_fuzz._run(operation, schema_fuzz._cases(operation, bookings), call)

    print(f"{role}: attendance statuses {sorted(statuses.items())}")
    assert statuses.total() >= 1
