"""The periodic check that every slot's counters equal its bookings: it finds a corrupted
counter, logs it at ERROR, e-mails the administrators, records the run, and the admin shows
both the slots and the last run."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core import mail
from django.db.models import F
from django.utils import timezone, translation
from django_q.models import Schedule

from bookings import selectors, services, tasks
from bookings.models import Booking, Slot, SlotCounterCheck
from tests import factories

SLOT_CHANGELIST = "/admin/bookings/slot/"


def book(slot: Slot, teacher, *, pupils: int = 20) -> Booking:
    school_class = factories.SchoolClassFactory(school=teacher.school, grade=8, pupils=pupils)
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils)


@pytest.fixture
def booked_slot(slot, teacher) -> Slot:
    """A slot for two classes with two bookings holding places, a third on the waitlist and a
    fourth cancelled: 2 classes and 40 pupils held."""
    book(slot, teacher)
    book(slot, teacher)
    book(slot, teacher)
    cancelled = factories.SlotFactory(offer=slot.offer, start=slot.start + dt.timedelta(days=1))
    services.booking_cancel(booking=book(cancelled, teacher), actor=teacher.user)
    statuses = sorted(Booking.objects.filter(slot=slot).values_list("status", flat=True))
    assert statuses.count(Booking.Status.WAITLISTED) == 1
    slot.refresh_from_db()
    assert (slot.booked_classes, slot.booked_pupils) == (2, 40)
    return slot


@pytest.fixture
def admins(settings) -> list[tuple[str, str]]:
    settings.ADMINS = [("drift@brobyg.example.dk", "drift@brobyg.example.dk")]
    return settings.ADMINS


def corrupt(slot: Slot, **counters) -> None:
    """Change a slot's counters around the services, as a hand-made SQL fix would."""
    Slot.objects.filter(pk=slot.pk).update(**counters)


def test_counters_kept_by_the_services_agree_with_bookings(booked_slot, admins, caplog):
    """Held places are requested and confirmed bookings; waitlisted and cancelled ones are
    not: the services' counters agree, nothing is logged or mailed, and the run is recorded."""
    with caplog.at_level(logging.ERROR, logger="bookings.services.consistency"):
        check = services.slot_counters_check()

    assert (check.disagreeing, check.details) == (0, [])
    assert list(selectors.slots_with_disagreeing_counters()) == []
    assert caplog.records == []
    assert mail.outbox == []


def test_visits_marked_attended_or_no_show_still_count_as_taken_places(booked_slot, teacher):
    """Marking whether a class came leaves the place taken (the counters keep it), so a slot
    whose visits are marked completed or no-show is no disagreement: the demo's history and every
    host's "Did they come?" made the hourly check report every past slot."""
    host = factories.CompanyMemberFactory(company=booked_slot.offer.company).user
    Slot.objects.filter(pk=booked_slot.pk).update(start=timezone.now() - dt.timedelta(hours=3))
    came, stayed_away = Booking.objects.filter(slot=booked_slot, status=Booking.Status.CONFIRMED)[:2]
    services.booking_attendance_mark(booking=came, actor=host, attended=True)
    services.booking_attendance_mark(booking=stayed_away, actor=host, attended=False)

    assert list(selectors.slots_with_disagreeing_counters()) == []


@pytest.mark.parametrize(
    "counters",
    [
        {"booked_classes": F("booked_classes") - 1},
        {"booked_pupils": F("booked_pupils") + 5},
        {"booked_classes": 0, "booked_pupils": 0},
    ],
    ids=["classes", "pupils", "both"],
)
def test_corrupted_counter_is_reported_logged_and_mailed(booked_slot, slot, admins, caplog, counters):
    other = factories.SlotFactory(offer=slot.offer, start=slot.start + dt.timedelta(days=2))
    corrupt(booked_slot, **counters)
    booked_slot.refresh_from_db()

    with caplog.at_level(logging.ERROR, logger="bookings.services.consistency"), translation.override("en"):
        check = services.slot_counters_check()

    assert check.disagreeing == 1
    assert check.details == [
        {
            "slot": booked_slot.pk,
            "booked_classes": booked_slot.booked_classes,
            "held_classes": 2,
            "booked_pupils": booked_slot.booked_pupils,
            "held_pupils": 40,
        }
    ]
    assert [slot.pk for slot in selectors.slots_with_disagreeing_counters()] == [booked_slot.pk] != [other.pk]
    assert [record.levelno for record in caplog.records] == [logging.ERROR]
    assert str(booked_slot.pk) in caplog.records[0].getMessage()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["drift@brobyg.example.dk"]
    assert f"Slot {booked_slot.pk}: booked classes {booked_slot.booked_classes}, held by bookings 2" in (
        mail.outbox[0].body
    )


def test_administrators_are_told_in_danish_by_default(booked_slot, admins):
    corrupt(booked_slot, booked_classes=1)

    services.slot_counters_check()

    assert mail.outbox[0].subject == "[Brobyg] 1 tids tællere stemmer ikke med dens bookinger"
    assert f"Tid {booked_slot.pk}: bookede klasser 1, holdt af bookinger 2" in mail.outbox[0].body


def test_check_is_one_statement_whatever_the_number_of_slots(offer, teacher, django_assert_num_queries):
    """One aggregate statement, so counters and bookings are read in one snapshot and the
    hourly check costs the same number of round trips in a region as in a school."""
    for days in range(6):
        slot = factories.SlotFactory(offer=offer, start=timezone.now() + dt.timedelta(days=10 + days))
        book(slot, teacher)
        corrupt(slot, booked_pupils=F("booked_pupils") - 1)

    with django_assert_num_queries(1):
        found = list(selectors.slots_with_disagreeing_counters())

    assert len(found) == 6
    assert {(slot.held_classes, slot.held_pupils) for slot in found} == {(1, 20)}


def test_failing_mail_server_does_not_fail_the_check(booked_slot, admins, monkeypatch, caplog):
    """The run is recorded and logged before the mail; a mail server that refuses leaves an
    ERROR in the log, and the next run mails again."""
    corrupt(booked_slot, booked_classes=1)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("bookings.services.consistency.mail_admins", refuse)
    with caplog.at_level(logging.ERROR, logger="bookings.services.consistency"):
        check = services.slot_counters_check()

    assert check.disagreeing == 1
    assert SlotCounterCheck.objects.get() == check
    assert len(caplog.records) == 2


def test_runs_older_than_a_month_are_removed(db):
    now = timezone.now()
    old = SlotCounterCheck.objects.create(checked_at=now - dt.timedelta(days=31), disagreeing=0)
    recent = SlotCounterCheck.objects.create(checked_at=now - dt.timedelta(days=29), disagreeing=0)

    latest = services.slot_counters_check(now=now)

    assert set(SlotCounterCheck.objects.all()) == {recent, latest}
    assert not SlotCounterCheck.objects.filter(pk=old.pk).exists()


def test_hourly_schedule_runs_the_check_task(booked_slot):
    """The migration made the schedule; its task returns how many slots disagree."""
    schedule = Schedule.objects.get(name="Check slot counters")
    assert (schedule.func, schedule.schedule_type, schedule.repeats) == (
        "bookings.tasks.check_slot_counters",
        Schedule.HOURLY,
        -1,
    )
    corrupt(booked_slot, booked_classes=0)

    assert tasks.check_slot_counters() == 1


def test_admin_lists_the_slots_whose_counters_disagree_and_the_last_check(client, booked_slot, slot, teacher):
    fine = factories.SlotFactory(offer=slot.offer, start=slot.start + dt.timedelta(days=3))
    book(fine, teacher)
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))
    before_any_check = client.get(SLOT_CHANGELIST, HTTP_ACCEPT_LANGUAGE="en")
    corrupt(booked_slot, booked_pupils=F("booked_pupils") - 3)
    services.slot_counters_check()

    listed = client.get(SLOT_CHANGELIST, {"counters": "disagree"}, HTTP_ACCEPT_LANGUAGE="en")
    everything = client.get(SLOT_CHANGELIST, HTTP_ACCEPT_LANGUAGE="en")

    assert before_any_check.status_code == listed.status_code == everything.status_code == 200
    assert "Last counter check" not in before_any_check.text
    shown = {slot.pk for slot in listed.context["cl"].result_list}
    assert shown == {booked_slot.pk}
    assert {booked_slot.pk, fine.pk} <= {slot.pk for slot in everything.context["cl"].result_list}
    assert f"disagreed with its bookings (slot {booked_slot.pk})" in everything.text
    assert "counters disagree with bookings" in everything.text
    assert client.get("/admin/bookings/slotcountercheck/").status_code == 200


def test_admin_says_when_the_last_check_found_every_counter_agreeing(client, booked_slot):
    services.slot_counters_check()
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))

    english = client.get(SLOT_CHANGELIST, HTTP_ACCEPT_LANGUAGE="en")
    danish = client.get(SLOT_CHANGELIST, HTTP_ACCEPT_LANGUAGE="da")

    assert "every slot&#x27;s counters agree with its bookings" in english.text
    assert "alle tiders tællere stemmer med deres bookinger" in danish.text
