import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.utils import translation

from bookings import services
from bookings.messages import Kind
from bookings.models import Booking
from bookings.services import slots
from core.dates import holiday_name
from core.errors import DomainError
from core.recurrence import RRULE_NO_DATES
from notifications.delivery import deliver_due
from notifications.models import OutgoingMessage
from notifications.rendering import long_datetime
from tests import factories
from tests.dates import COPENHAGEN, at, next_ascension_day, next_last_sunday, school_day, today


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=COPENHAGEN)


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


# Changing a booked slot's time -------------------------------------------------------------


def book(teacher, school_class, slot) -> Booking:
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)


def deliver_all() -> list:
    """Write new bookings' messages and send what is due; the e-mails sent."""
    mail.outbox.clear()
    services.bookings_announce_new()
    deliver_due()
    return list(mail.outbox)


def test_slot_time_change_tells_requested_and_waitlisted_classes_the_new_time(
    teacher, other_teacher, school_class, other_class, host, offer
):
    """A request and a waitlisted class have no calendar entry to update, so their teachers
    get an e-mail saying the visit moved, with the new time; the host, who moved it, does
    not. Each booking keeps its status."""
    offer.auto_confirm = False
    offer.save()
    slot = factories.SlotFactory(offer=offer, capacity_classes=1)
    request, waiting = book(teacher, school_class, slot), book(other_teacher, other_class, slot)
    deliver_all()
    new_start = slot.start + dt.timedelta(hours=3)

    services.slot_update(slot=slot, actor=host.user, start=new_start, end=new_start + dt.timedelta(hours=2))

    sent = deliver_all()
    assert sorted(message.to[0].split("<")[-1].rstrip(">") for message in sent) == sorted(
        [teacher.user.email, other_teacher.user.email]
    )
    kinds = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.SENT, kind=Kind.TIME_CHANGED)
    assert kinds.count() == 2
    with translation.override("da"):
        when = long_datetime(new_start)
    for message in sent:
        assert when in message.subject
        assert when in message.body
    assert [Booking.objects.get(pk=b.pk).status for b in (request, waiting)] == [
        Booking.Status.REQUESTED,
        Booking.Status.WAITLISTED,
    ]


def test_slot_role_model_change_tells_requests_nothing(teacher, school_class, host, offer):
    """Only a change of time is news to a class without a calendar entry."""
    offer.auto_confirm = False
    offer.save()
    slot = factories.SlotFactory(offer=offer)
    book(teacher, school_class, slot)
    deliver_all()

    services.slot_update(slot=slot, actor=host.user, role_models=[factories.RoleModelFactory(company=offer.company)])

    assert deliver_all() == []


def test_slot_time_change_that_would_double_book_a_class_is_refused(teacher, school_class, host, offer):
    """Moving a slot onto the time of another booking of a class booked on it is refused,
    naming the class, rather than leaving the class in two places at once or cancelling one
    of its bookings behind the teacher's back. The slot keeps its time."""
    slot = factories.SlotFactory(offer=offer)
    other = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=1))
    book(teacher, school_class, slot)
    book(teacher, school_class, other)
    old_start = slot.start

    with pytest.raises(DomainError) as caught:
        services.slot_update(slot=slot, actor=host.user, start=other.start + dt.timedelta(hours=1), end=other.end)

    assert (caught.value.code, caught.value.field) == ("class_busy_after_move", "start")
    assert school_class.name in str(caught.value)
    slot.refresh_from_db()
    assert slot.start == old_start


def test_slot_time_change_onto_a_waitlisted_classes_other_booking_is_allowed(
    teacher, school_class, other_class, other_teacher, host, offer
):
    """A waitlisted class may wait for a slot that overlaps one of its bookings (the waitlist
    skips it while it is busy then), so such a class does not stop the move."""
    slot = factories.SlotFactory(offer=offer, capacity_classes=1)
    other = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=1))
    book(other_teacher, other_class, slot)
    waiting = book(teacher, school_class, slot)
    book(teacher, school_class, other)

    services.slot_update(slot=slot, actor=host.user, start=other.start, end=other.end)

    assert Booking.objects.get(pk=waiting.pk).status == Booking.Status.WAITLISTED


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


def test_slot_update_refuses_a_cancelled_slot(host, slot):
    """Only an open slot can be changed: a cancelled slot's bookings are over, and a new time
    or capacity would tell nobody anything true."""
    services.slot_cancel(slot=slot, actor=host.user)

    with pytest.raises(DomainError) as caught:
        services.slot_update(slot=slot, actor=host.user, capacity_classes=5)

    assert caught.value.code == "slot_not_open"
    slot.refresh_from_db()
    assert slot.capacity_classes != 5


def test_api_patch_of_a_cancelled_slot_is_refused(host, host_client, slot):
    services.slot_cancel(slot=slot, actor=host.user)

    response = host_client.patch(f"/api/v1/slots/{slot.pk}/", {"capacity_classes": 5}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "slot_not_open"
    slot.refresh_from_db()
    assert slot.capacity_classes != 5
