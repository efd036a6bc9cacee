import datetime as dt

import pytest

from bookings import services
from core.errors import DomainError
from tests.dates import COPENHAGEN, at, next_ascension_day, next_last_sunday, school_day, today


def series(offer, host, rule: str, start: dt.datetime, **kwargs):
    return services.slot_series_create(
        actor=host.user, offer=offer, start=start, end=start + dt.timedelta(hours=2), rrule=rule, **kwargs
    )


def local_times(slots) -> list[str]:
    return [s.start.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M %z") for s in slots]


def test_weekly_series_keeps_local_time_across_the_spring_dst_switch(offer, host):
    """Tuesdays before the last Sunday of March are at UTC+1, the one after at UTC+2; 10:00 stays 10:00."""
    offer.allow_holidays = True  # Easter can fall on the switch; this is about the clock
    switch = next_last_sunday(3)
    first = switch - dt.timedelta(days=12)

    created = series(offer, host, "FREQ=WEEKLY;BYDAY=TU;COUNT=3", at(first, 10))

    slots = list(created.slots.order_by("start"))
    assert local_times(slots) == [
        f"{first:%Y-%m-%d} 10:00 +0100",
        f"{first + dt.timedelta(days=7):%Y-%m-%d} 10:00 +0100",
        f"{first + dt.timedelta(days=14):%Y-%m-%d} 10:00 +0200",
    ]
    assert all(s.end - s.start == dt.timedelta(hours=2) for s in slots)


def test_weekly_series_keeps_local_time_across_the_autumn_dst_switch(offer, host):
    """The Friday before the last Sunday of October is at UTC+2, the one after at UTC+1."""
    offer.allow_holidays = True
    friday = next_last_sunday(10) - dt.timedelta(days=2)

    created = series(offer, host, "FREQ=WEEKLY;BYDAY=FR;COUNT=2", at(friday, 9))

    starts = [s.start.astimezone(dt.UTC).strftime("%H:%M") for s in created.slots.order_by("start")]
    assert starts == ["07:00", "08:00"]


def test_series_skips_public_and_school_holidays_and_exceptions(offer, host):
    """Thursdays around Ascension Day: the holiday is skipped, and so is the exception date."""
    ascension = next_ascension_day()
    week = dt.timedelta(days=7)
    created = series(
        offer,
        host,
        f"FREQ=WEEKLY;BYDAY=TH;UNTIL={ascension + 2 * week:%Y%m%d}T235959Z",
        at(ascension - week, 9),
        exdates=[ascension + 2 * week],
    )

    days = [s.start.astimezone(COPENHAGEN).date() for s in created.slots.order_by("start")]
    assert days == [ascension - week, ascension + week]


def test_series_includes_holidays_when_the_offer_allows_them(offer, host):
    offer.allow_holidays = True
    offer.save()

    created = series(offer, host, "FREQ=DAILY;COUNT=1", at(next_ascension_day(), 9))

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
        series(offer, host, rule, at(dt.date(today().year + 1, 7, 3), 9))

    assert caught.value.code == code
    assert offer.slots.count() == 0


def test_slot_create_refuses_a_public_holiday_unless_allowed(offer, host):
    ascension = next_ascension_day()
    with pytest.raises(DomainError) as caught:
        services.slot_create(actor=host.user, offer=offer, start=at(ascension, 10))
    assert caught.value.code == "holiday"
    assert "Kristi himmelfartsdag" in caught.value.message

    offer.allow_holidays = True
    slot = services.slot_create(actor=host.user, offer=offer, start=at(ascension, 10))
    assert slot.end - slot.start == dt.timedelta(minutes=offer.duration_minutes)


def test_slot_create_takes_defaults_from_the_offer(offer, host):
    slot = services.slot_create(actor=host.user, offer=offer, start=at(school_day(), 10))

    assert slot.capacity_classes == offer.default_capacity_classes
    assert slot.capacity_pupils == offer.default_capacity_pupils
    assert slot.start - slot.booking_deadline == dt.timedelta(hours=offer.booking_deadline_hours)


def test_slot_update_moves_the_deadline_with_the_start(offer, host):
    day = school_day()
    slot = services.slot_create(actor=host.user, offer=offer, start=at(day, 10))
    deadline = slot.booking_deadline
    next_day = day + dt.timedelta(days=1)

    moved = services.slot_update(slot=slot, actor=host.user, start=at(next_day, 10), end=at(next_day, 12))

    assert moved.booking_deadline == deadline + dt.timedelta(days=1)


def test_slot_update_refuses_moving_onto_a_holiday(offer, host):
    ascension = next_ascension_day()
    slot = services.slot_create(actor=host.user, offer=offer, start=at(ascension - dt.timedelta(days=1), 10))

    with pytest.raises(DomainError) as caught:
        services.slot_update(slot=slot, actor=host.user, start=at(ascension, 10), end=at(ascension, 12))

    assert caught.value.code == "holiday"


def test_slots_cannot_start_in_the_past(offer, host):
    with pytest.raises(DomainError) as caught:
        services.slot_create(actor=host.user, offer=offer, start=at(dt.date(2020, 2, 4), 10))
    assert caught.value.code == "start_in_past"

    with pytest.raises(DomainError):
        series(offer, host, "FREQ=WEEKLY;COUNT=3", at(dt.date(2020, 2, 4), 10))
