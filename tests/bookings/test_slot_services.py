import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from bookings import services
from bookings.services import slots
from core.dates import holiday_name
from core.errors import DomainError
from core.recurrence import RRULE_NO_DATES

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=COPENHAGEN)


def series(offer, host, rule: str, start: dt.datetime, **kwargs):
    return services.slot_series_create(
        actor=host.user, offer=offer, start=start, end=start + dt.timedelta(hours=2), rrule=rule, **kwargs
    )


def test_weekly_series_keeps_local_time_across_the_spring_dst_switch(offer, host):
    # 2027-03-28 is the last Sunday of March: Tuesdays before are UTC+1, after UTC+2.
    created = series(offer, host, "FREQ=WEEKLY;BYDAY=TU;COUNT=3", local(2027, 3, 16, 10, 0))

    slots = list(created.slots.order_by("start"))
    assert [s.start.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M %z") for s in slots] == [
        "2027-03-16 10:00 +0100",
        "2027-03-23 10:00 +0100",
        "2027-03-30 10:00 +0200",
    ]
    assert all(s.end - s.start == dt.timedelta(hours=2) for s in slots)


def test_weekly_series_keeps_local_time_across_the_autumn_dst_switch(offer, host):
    # 2027-10-31 is the last Sunday of October: 29 October is UTC+2, 5 November UTC+1.
    created = series(offer, host, "FREQ=WEEKLY;BYDAY=FR;COUNT=2", local(2027, 10, 29, 9, 0))

    starts = [s.start.astimezone(dt.UTC).strftime("%H:%M") for s in created.slots.order_by("start")]
    assert starts == ["07:00", "08:00"]


def test_series_skips_public_and_school_holidays_and_exceptions(offer, host):
    # Thursdays in May 2027: the 6th is Ascension Day; the 20th is given as an exception.
    created = series(
        offer,
        host,
        "FREQ=WEEKLY;BYDAY=TH;UNTIL=20270527T235959Z",
        local(2027, 4, 29, 9, 0),
        exdates=[dt.date(2027, 5, 20)],
    )

    days = [s.start.astimezone(COPENHAGEN).date().isoformat() for s in created.slots.order_by("start")]
    assert days == ["2027-04-29", "2027-05-13", "2027-05-27"]


def test_series_includes_holidays_when_the_offer_allows_them(offer, host):
    offer.allow_holidays = True
    offer.save()

    created = series(offer, host, "FREQ=DAILY;COUNT=1", local(2027, 5, 6, 9, 0))

    assert created.slots.count() == 1


@pytest.mark.parametrize(
    ("rule", "code"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "rrule_unbounded"),
        ("FREQ=SOMETIMES;COUNT=3", "bad_rrule"),
        ("FREQ=DAILY;COUNT=500", "rrule_too_many"),
        ("FREQ=DAILY;BYDAY=SA,SU;COUNT=2;BYMONTH=7", "series_empty"),
    ],
)
def test_series_refuses_rules_that_cannot_make_a_sensible_series(offer, host, rule, code):
    with pytest.raises(DomainError) as caught:
        series(offer, host, rule, local(2027, 7, 3, 9, 0))

    assert caught.value.code == code
    assert offer.slots.count() == 0


def test_slot_create_refuses_a_public_holiday_unless_allowed(offer, host):
    with pytest.raises(DomainError) as caught:
        services.slot_create(actor=host.user, offer=offer, start=local(2027, 5, 6, 10, 0))
    assert caught.value.code == "holiday"
    assert "Kristi himmelfartsdag" in caught.value.message

    offer.allow_holidays = True
    slot = services.slot_create(actor=host.user, offer=offer, start=local(2027, 5, 6, 10, 0))
    assert slot.end - slot.start == dt.timedelta(minutes=offer.duration_minutes)


def test_slot_create_takes_defaults_from_the_offer(offer, host):
    slot = services.slot_create(actor=host.user, offer=offer, start=local(2027, 2, 2, 10, 0))

    assert slot.capacity_classes == offer.default_capacity_classes
    assert slot.capacity_pupils == offer.default_capacity_pupils
    assert slot.start - slot.booking_deadline == dt.timedelta(hours=offer.booking_deadline_hours)


def test_slot_update_moves_the_deadline_with_the_start(offer, host):
    slot = services.slot_create(actor=host.user, offer=offer, start=local(2027, 2, 2, 10, 0))
    deadline = slot.booking_deadline

    moved = services.slot_update(
        slot=slot, actor=host.user, start=local(2027, 2, 3, 10, 0), end=local(2027, 2, 3, 12, 0)
    )

    assert moved.booking_deadline == deadline + dt.timedelta(days=1)


def test_slot_update_refuses_moving_onto_a_holiday(offer, host):
    slot = services.slot_create(actor=host.user, offer=offer, start=local(2027, 5, 5, 10, 0))

    with pytest.raises(DomainError) as caught:
        services.slot_update(slot=slot, actor=host.user, start=local(2027, 5, 6, 10, 0), end=local(2027, 5, 6, 12, 0))

    assert caught.value.code == "holiday"


def test_slots_cannot_start_in_the_past(offer, host):
    with pytest.raises(DomainError) as caught:
        services.slot_create(actor=host.user, offer=offer, start=local(2020, 2, 4, 10, 0))
    assert caught.value.code == "start_in_past"

    with pytest.raises(DomainError):
        series(offer, host, "FREQ=WEEKLY;COUNT=3", local(2020, 2, 4, 10, 0))


# Expansion outside the write transaction ------------------------------------------------------


def spy_on_expansion(monkeypatch) -> list[tuple[str, bool]]:
    """Record, for each expansion and holiday look-up, whether a transaction was open."""
    seen = []
    for name in ("expand_rrule", "holiday_name"):
        real = getattr(slots, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            seen.append((_name, connection.in_atomic_block))
            return _real(*args, **kwargs)

        monkeypatch.setattr(slots, name, spy)
    return seen


# Real transactions, to see whether one is open; the reference data the migrations loaded is
# restored afterwards for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_series_is_expanded_and_holidays_skipped_before_the_write_transaction(offer, host, monkeypatch):
    """SQLite has a single writer: a write transaction that also expands the rule makes every
    booking wait. Only the inserts run inside it."""
    day = dt.date.today() + dt.timedelta(days=14)
    while any(holiday_name(day + dt.timedelta(weeks=week)) for week in range(3)):
        day += dt.timedelta(weeks=1)
    seen = spy_on_expansion(monkeypatch)
    first = dt.datetime.combine(day, dt.time(10), tzinfo=COPENHAGEN)

    created = series(offer, host, "FREQ=WEEKLY;COUNT=3", first)

    assert created.slots.count() == 3
    assert ("expand_rrule", False) in seen
    assert seen.count(("holiday_name", False)) >= 3
    assert all(not in_transaction for _, in_transaction in seen)


def test_series_checks_the_actor_before_expanding_the_rule(offer, other_host, monkeypatch):
    seen = spy_on_expansion(monkeypatch)

    with pytest.raises(DomainError) as caught:
        series(offer, other_host, "FREQ=DAILY;COUNT=5", local(2027, 2, 2, 10, 0))

    assert caught.value.code == "not_allowed"
    assert seen == []


def test_series_of_a_rule_that_never_matches_is_refused_as_empty(offer, host):
    with pytest.raises(DomainError) as caught:
        series(offer, host, "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2;COUNT=5", local(2027, 2, 2, 10, 0))

    assert caught.value.code == "series_empty"
    assert caught.value.message == RRULE_NO_DATES % {"years": 3}
    assert caught.value.field == "rrule"
    assert offer.slots.count() == 0
