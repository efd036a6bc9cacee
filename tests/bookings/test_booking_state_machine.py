"""A Hypothesis state machine over a booking's life, through bookings.services: book, move, cancel,
confirm, decline, change a slot's capacity, promote the waitlist, write new bookings' messages.
After every step:

- each slot's counters equal its bookings that hold a place (classes and pupils), and never
  exceed its capacity;
- the waitlist keeps its order: the queue is the order the classes joined in, nobody is promoted
  past an earlier class that needed no more room, and no class that fits waits beside a free place;
- each change of a booking (each of its events) has exactly one immediate outbox message for the
  teacher who booked, at most one for anyone else, and one for the host whenever the booking
  holds or gave up a place."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from bookings import services
from bookings.messages import Kind, booking_subject_key
from bookings.models import Booking, BookingEvent, Slot
from core.errors import DomainError
from notifications.models import OutgoingMessage
from tests import factories
from tests.dates import at, school_day

# Messages due later than their change (reminders, the nudge to answer): not news of the change.
LATER_KINDS = {Kind.REMINDER, Kind.PENDING_NUDGE}
HOLDING = set(Booking.HOLDING_PLACE)
# What the host hears of: a booking that takes, holds or gives up a place.
HOST_HEARS_OF = {Booking.Status.REQUESTED, Booking.Status.CONFIRMED, Booking.Status.CANCELLED}
CLASS_PUPILS = (8, 15, 22, 28, 12)


class BookingLife(RuleBasedStateMachine):
    """One offer with a waitlist, two slots on two days (the first with a role model), five classes
    of one school booked by one teacher, answered by one host. Refusals (DomainError) are part of
    the life: a refused step must change nothing (counters, statuses, events, outbox)."""

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.joined: dict[int, list[int]] = defaultdict(list)  # slot id → waitlisted bookings, in joining order
        self.bookings: list[int] = []
        self.promotions: list[tuple[int, int]] = []

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @initialize(auto_confirm=st.booleans(), capacity_classes=st.integers(1, 3), capacity_pupils=st.integers(15, 60))
    def world(self, auto_confirm: bool, capacity_classes: int, capacity_pupils: int) -> None:
        company = factories.CompanyFactory()
        self.host = factories.CompanyMemberFactory(company=company)
        offer = factories.OfferFactory(company=company, contact=self.host, auto_confirm=auto_confirm)
        day = school_day()
        self.slots = [
            factories.SlotFactory(
                offer=offer,
                start=at(start_day, 10),
                end=at(start_day, 12),
                booking_deadline=at(start_day, 10) - dt.timedelta(days=1),
                capacity_classes=capacity_classes,
                capacity_pupils=capacity_pupils,
            )
            for start_day in (day, day + dt.timedelta(days=1))
        ]
        self.slots[0].role_models.set([factories.RoleModelFactory(company=company, email="maja@example.dk")])
        self.teacher = factories.TeacherFactory()
        self.classes = [
            factories.SchoolClassFactory(school=self.teacher.school, name=f"8.{letter}", grade=8, pupils=pupils)
            for letter, pupils in zip("ABCDE", CLASS_PUPILS, strict=True)
        ]

    # Steps -----------------------------------------------------------------------------------

    def actor(self, by_host: bool):
        return self.host.user if by_host else self.teacher.user

    def booking(self, index: int) -> Booking:
        """Mostly an active booking (a step on an ended one is refused, which is tried too)."""
        active = list(Booking.objects.filter(pk__in=self.bookings, status__in=Booking.ACTIVE).order_by("pk"))
        if active and index % 5:
            return active[index % len(active)]
        return Booking.objects.get(pk=self.bookings[index % len(self.bookings)])

    def statuses(self) -> dict[int, str]:
        return dict(Booking.objects.filter(pk__in=self.bookings).values_list("pk", "status"))

    def snapshot(self) -> tuple:
        """What a refused step must leave as it was."""
        return (
            list(Slot.objects.order_by("pk").values_list("booked_classes", "booked_pupils", "capacity_classes")),
            sorted(self.statuses().items()),
            BookingEvent.objects.count(),
            OutgoingMessage.objects.count(),
        )

    def attempt(self, action) -> None:
        """Run a step; a refused one changes nothing. Remember which waitlisted bookings it
        promoted (for the order check)."""
        waiting_before = {pk for pk, status in self.statuses().items() if status == Booking.Status.WAITLISTED}
        before = self.snapshot()
        try:
            action()
        except DomainError as refusal:
            event(f"refused: {refusal.code}")
            assert self.snapshot() == before, f"the refusal {refusal.code} changed something"
        else:
            event("done")
        after = self.statuses()
        self.promotions = [(pk, Booking.objects.get(pk=pk).slot_id) for pk in waiting_before if after[pk] in HOLDING]

    @rule(class_index=st.integers(0, 4), slot_index=st.integers(0, 1), share=st.integers(1, 4))
    def book(self, class_index: int, slot_index: int, share: int) -> None:
        self.book_class(self.classes[class_index], self.slots[slot_index], share)

    @rule(slot_index=st.integers(0, 1), share=st.integers(1, 4))
    def book_a_class_not_on_the_slot(self, slot_index: int, share: int) -> None:
        """A second way to book, so that slots fill and waitlists grow within a run's steps."""
        slot = self.slots[slot_index]
        on_slot = set(
            Booking.objects.filter(slot=slot, status__in=Booking.ACTIVE).values_list("school_class_id", flat=True)
        )
        free = [school_class for school_class in self.classes if school_class.pk not in on_slot]
        if free:
            self.book_class(free[0], slot, share)

    def book_class(self, school_class, slot: Slot, share: int) -> None:
        pupils = max(1, school_class.pupils * share // 4)
        before = self.snapshot()
        try:
            booking = services.booking_create(
                actor=self.teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils
            )
        except DomainError as refusal:
            event(f"booking refused: {refusal.code}")
            assert self.snapshot() == before, f"the refusal {refusal.code} changed something"
            return
        event(f"booked: {booking.status}")
        self.bookings.append(booking.pk)
        if booking.status == Booking.Status.WAITLISTED:
            self.joined[slot.pk].append(booking.pk)

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 100), slot_index=st.integers(0, 1), by_host=st.booleans())
    def move(self, index: int, slot_index: int, by_host: bool) -> None:
        booking, slot = self.booking(index), self.slots[slot_index]
        self.attempt(lambda: services.booking_move(booking=booking, actor=self.actor(by_host), slot_id=slot.pk))

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 100), by_host=st.booleans())
    def cancel(self, index: int, by_host: bool) -> None:
        booking = self.booking(index)
        self.attempt(lambda: services.booking_cancel(booking=booking, actor=self.actor(by_host), note="Afbud"))

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 100))
    def confirm(self, index: int) -> None:
        booking = self.booking(index)
        self.attempt(lambda: services.booking_confirm(booking=booking, actor=self.host.user))

    @precondition(lambda self: self.bookings)
    @rule(index=st.integers(0, 100))
    def decline(self, index: int) -> None:
        booking = self.booking(index)
        self.attempt(lambda: services.booking_decline(booking=booking, actor=self.host.user, note="Desværre"))

    @rule(slot_index=st.integers(0, 1), capacity_classes=st.integers(1, 4), capacity_pupils=st.integers(10, 80))
    def change_capacity(self, slot_index: int, capacity_classes: int, capacity_pupils: int) -> None:
        slot = Slot.objects.get(pk=self.slots[slot_index].pk)
        self.attempt(
            lambda: services.slot_update(
                slot=slot, actor=self.host.user, capacity_classes=capacity_classes, capacity_pupils=capacity_pupils
            )
        )

    @rule(slot_index=st.integers(0, 1))
    def promote(self, slot_index: int) -> None:
        def promote_in_a_transaction() -> None:
            with transaction.atomic():
                services.waitlist_promote(slot_id=self.slots[slot_index].pk)

        self.attempt(promote_in_a_transaction)

    @rule()
    def announce_new(self) -> None:
        services.bookings_announce_new()

    # Invariants ------------------------------------------------------------------------------

    @invariant()
    def counters_equal_the_places_held_and_stay_within_capacity(self) -> None:
        if not hasattr(self, "slots"):
            return
        for slot in Slot.objects.filter(pk__in=[slot.pk for slot in self.slots]):
            holding = Booking.objects.filter(slot=slot, status__in=HOLDING)
            pupils = sum(holding.values_list("pupils", flat=True))
            assert (slot.booked_classes, slot.booked_pupils) == (holding.count(), pupils), slot
            assert slot.booked_classes <= slot.capacity_classes
            assert slot.booked_pupils <= slot.capacity_pupils

    @invariant()
    def the_waitlist_keeps_its_order(self) -> None:
        if not hasattr(self, "slots"):
            return
        statuses = self.statuses()
        for slot in Slot.objects.filter(pk__in=[slot.pk for slot in self.slots]):
            queue = list(Booking.objects.waitlist_of(slot.pk).values_list("pk", "pupils"))
            expected = [pk for pk in self.joined[slot.pk] if statuses[pk] == Booking.Status.WAITLISTED]
            assert [pk for pk, _pupils in queue] == expected, "the queue is the order of joining"
            if queue and slot.free_classes > 0:
                first_fitting = [pk for pk, pupils in queue if pupils <= slot.free_pupils]
                assert not first_fitting, f"{first_fitting} wait while {slot} has room for them"
        for promoted, slot_id in self.promotions:
            pupils = Booking.objects.get(pk=promoted).pupils
            ahead = (
                self.joined[slot_id][: self.joined[slot_id].index(promoted)] if promoted in self.joined[slot_id] else []
            )
            passed_over = [
                pk
                for pk in ahead
                if statuses[pk] == Booking.Status.WAITLISTED and Booking.objects.get(pk=pk).pupils <= pupils
            ]
            assert not passed_over, f"{promoted} was promoted past {passed_over}, which needed no more room"

    @invariant()
    def each_change_tells_each_person_once(self) -> None:
        """Per booking and change number (the dedup key's "#n"), immediate messages by recipient."""
        if not hasattr(self, "slots"):
            return
        teacher_email, host_email = self.teacher.user.email, self.host.user.email
        for booking in Booking.objects.filter(pk__in=self.bookings, messages_pending=False):
            told: Counter[tuple[int, str]] = Counter()
            rows = OutgoingMessage.objects.filter(subject_key=booking_subject_key(booking.pk)).exclude(
                kind__in=LATER_KINDS
            )
            for dedup_key, email in rows.values_list("dedup_key", "recipient_email"):
                number = int(dedup_key.split(":#")[1].split(":")[0])
                told[(number, email)] += 1
            events = BookingEvent.objects.filter(booking=booking).order_by("id").values_list("to_status", flat=True)
            for number, to_status in enumerate(events, start=1):
                assert told[(number, teacher_email)] == 1, (booking.pk, number, to_status, told)
                if to_status in HOST_HEARS_OF:
                    assert told[(number, host_email)] == 1, (booking.pk, number, to_status, told)
            assert all(count == 1 for count in told.values()), (booking.pk, told)


@pytest.mark.django_db
def test_a_bookings_life_keeps_its_promises_after_every_step():
    run_state_machine_as_test(
        BookingLife,
        settings=settings(
            max_examples=30,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
