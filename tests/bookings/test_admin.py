"""The booking admin: staff can find the new bookings whose e-mails are not written yet."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingEvent, Offer, Slot
from core.models import Subject
from tests import factories

CHANGELIST = "/admin/bookings/booking/"


def test_staff_filter_bookings_whose_messages_are_not_written_yet(client, teacher, school, slot):
    written = services.booking_create(
        actor=teacher.user,
        slot_id=slot.pk,
        school_class_id=factories.SchoolClassFactory(school=school, name="8.X").pk,
        pupils=20,
    )
    services.bookings_announce_new()
    services.booking_create(
        actor=teacher.user,
        slot_id=slot.pk,
        school_class_id=factories.SchoolClassFactory(school=school, name="8.Y").pk,
        pupils=20,
    )
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))

    pending = client.get(CHANGELIST, {"messages_pending__exact": "1"})
    done = client.get(CHANGELIST, {"messages_pending__exact": "0"})

    assert pending.status_code == done.status_code == 200
    assert "8.Y" in pending.text and "8.X" not in pending.text
    assert "8.X" in done.text and "8.Y" not in done.text
    assert client.get(f"{CHANGELIST}{written.pk}/change/").status_code == 200


def test_teacher_cannot_open_the_booking_admin(client, teacher):
    client.force_login(teacher.user)

    response = client.get(CHANGELIST)

    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def slot(offer):
    """A slot on the whole minute, as the admin's fields show and post it."""
    start = (timezone.now() + dt.timedelta(days=14)).replace(second=0, microsecond=0)
    return factories.SlotFactory(offer=offer, start=start, capacity_classes=2, capacity_pupils=60)


@pytest.fixture
def booking(teacher, school_class, slot):
    return services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)


def test_admin_cannot_delete_a_booking(admin_client, booking):
    """A booking is never deleted: neither its delete page nor a bulk delete action exists."""
    change = admin_client.get(f"{CHANGELIST}{booking.pk}/change/")
    delete = admin_client.post(f"{CHANGELIST}{booking.pk}/delete/", {"post": "yes"})
    bulk = admin_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [booking.pk], "post": "yes"})

    assert f"{booking.pk}/delete/" not in change.text
    assert delete.status_code == 403
    assert 'value="delete_selected"' not in admin_client.get(CHANGELIST).text
    assert bulk.status_code in (200, 302)
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_admin_booking_page_saves_nothing(admin_client, booking):
    """A booking's page is read-only: its state changes only through the actions."""
    response = admin_client.post(f"{CHANGELIST}{booking.pk}/change/", {"status": "cancelled", "pupils": 1})

    assert response.status_code == 403
    booking.refresh_from_db()
    assert (booking.status, booking.pupils) == (Booking.Status.CONFIRMED, 20)


def test_admin_actions_still_change_bookings_through_the_services(admin_client, booking):
    """Cancelling from the list runs the service, which records the event."""
    admin_client.post(CHANGELIST, {"action": "cancel", "_selected_action": [booking.pk]})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.events.filter(action=BookingEvent.Action.CANCELLED).exists()


def test_booking_history_is_read_only_in_the_admin(admin_client, booking):
    """Booking events cannot be added, changed or deleted, on their own page or inline."""
    event = booking.events.get()
    events = "/admin/bookings/bookingevent/"

    add = admin_client.get(f"{events}add/")
    change = admin_client.post(f"{events}{event.pk}/change/", {"note": "rewritten"})
    delete = admin_client.post(f"{events}{event.pk}/delete/", {"post": "yes"})
    booking_page = admin_client.get(f"{CHANGELIST}{booking.pk}/change/")

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert 'value="delete_selected"' not in admin_client.get(events).text
    assert BookingEvent.objects.filter(pk=event.pk, note="").exists()
    assert 'name="events-0-note"' not in booking_page.text
    assert 'name="events-0-DELETE"' not in booking_page.text


# Slots and offers: written through the services ----------------------------------------------

SLOTS = "/admin/bookings/slot/"
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
OFFERS = "/admin/bookings/offer/"


def _moment_fields(name: str, moment: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {f"{name}_0": local.date().isoformat(), f"{name}_1": local.time().strftime("%H:%M:%S")}


def _slot_form(slot: Slot, **changes: Any) -> dict[str, Any]:
    """What the slot's admin page posts back, with `changes` applied."""
    values = {name: getattr(slot, name) for name in ["start", "end", "booking_deadline"]} | changes
    data: dict[str, Any] = {}
    for name in ["start", "end", "booking_deadline"]:
        data |= _moment_fields(name, values[name])
    data |= {
        "offer": slot.offer_id,
        "capacity_classes": changes.get("capacity_classes", slot.capacity_classes),
        "capacity_pupils": changes.get("capacity_pupils", slot.capacity_pupils),
        "status": changes.get("status", slot.status),
    }
    return data


def _form_errors(response) -> dict:
    return response.context["adminform"].form.errors


@pytest.fixture
def holiday_free_offer(offer):
    offer.allow_holidays = True
    offer.save()
    return offer


def test_slot_admin_moves_a_slot_through_the_service(admin_client, holiday_free_offer, slot, booking):
    """Moving a booked slot in the admin tells its bookings: their calendar entries change."""
    sequence = booking.invite_sequence
    later = slot.start + dt.timedelta(days=1)

    response = admin_client.post(
        f"{SLOTS}{slot.pk}/change/", _slot_form(slot, start=later, end=later + dt.timedelta(hours=2))
    )

    assert response.status_code == 302, response.context and _form_errors(response)
    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.start == later
    assert slot.booking_deadline == later - dt.timedelta(days=1)
    assert booking.invite_sequence == sequence + 1


def test_slot_admin_shows_a_refused_change_on_the_form(admin_client, slot):
    """A start in the past is refused by the service and shown next to the field, not as a 500."""
    start = slot.start
    yesterday = timezone.now() - dt.timedelta(days=1)

    response = admin_client.post(
        f"{SLOTS}{slot.pk}/change/", _slot_form(slot, start=yesterday, end=yesterday + dt.timedelta(hours=2))
    )

    assert response.status_code == 200
    assert "start" in _form_errors(response)
    slot.refresh_from_db()
    assert slot.start == start


def test_slot_admin_cannot_set_the_status(admin_client, slot, booking):
    """A slot is cancelled with the action, which cancels its bookings, never by editing its status."""
    admin_client.post(f"{SLOTS}{slot.pk}/change/", _slot_form(slot, status=Slot.Status.CANCELLED))

    slot.refresh_from_db()
    assert slot.status == Slot.Status.OPEN
    assert 'name="status"' not in admin_client.get(f"{SLOTS}{slot.pk}/change/").text


def test_slot_admin_cancels_slots_and_their_bookings_with_the_action(admin_client, slot, booking):
    """The cancel action runs the service: the slot and its bookings are cancelled."""
    admin_client.post(SLOTS, {"action": "cancel_slots", "_selected_action": [slot.pk]})

    slot.refresh_from_db()
    booking.refresh_from_db()
    assert (slot.status, booking.status) == (Slot.Status.CANCELLED, Booking.Status.CANCELLED)


def test_slot_admin_cancel_action_refused_by_the_service_is_a_message(client, slot, booking):
    """A staff member who does not manage the offer's company is told the cancel was refused, never a 500."""
    from django.contrib.auth.models import Permission

    staff = factories.UserFactory(username="kontor", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_slot", "change_slot"]))
    client.force_login(staff)

    response = client.post(SLOTS, {"action": "cancel_slots", "_selected_action": [slot.pk]}, follow=True)

    slot.refresh_from_db()
    assert response.status_code == 200
    assert slot.status == Slot.Status.OPEN
    assert "0 tider er aflyst." in response.text or "0 slots cancelled." in response.text


def test_slot_admin_adds_slots_through_the_service(admin_client, holiday_free_offer):
    """Adding a slot in the past is refused on the form; one in the future is created."""
    offer = holiday_free_offer
    yesterday = timezone.now() - dt.timedelta(days=1)
    past = {"offer": offer.pk, **_moment_fields("start", yesterday)}
    past |= _moment_fields("end", yesterday + dt.timedelta(hours=2))
    past |= _moment_fields("booking_deadline", yesterday) | {"capacity_classes": 1, "capacity_pupils": 30}

    future = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=30)
    coming = {"offer": offer.pk, **_moment_fields("start", future)}
    coming |= _moment_fields("end", future + dt.timedelta(hours=2))
    coming |= _moment_fields("booking_deadline", future - dt.timedelta(days=1))
    coming |= {"capacity_classes": 1, "capacity_pupils": 30}

    refused = admin_client.post(f"{SLOTS}add/", past)
    added = admin_client.post(f"{SLOTS}add/", coming)

    assert refused.status_code == 200
    assert "start" in _form_errors(refused)
    assert added.status_code == 302, added.context and _form_errors(added)
    assert list(Slot.objects.filter(offer=offer).values_list("start", flat=True)) == [future]


def test_slot_admin_refuses_deleting_a_slot_with_bookings(admin_client, slot, booking, offer):
    """A slot with bookings is kept, with the admin's explanation; an unbooked slot may go."""
    unbooked = factories.SlotFactory(offer=offer)

    refused = admin_client.post(f"{SLOTS}{slot.pk}/delete/", {"post": "yes"})
    deleted = admin_client.post(f"{SLOTS}{unbooked.pk}/delete/", {"post": "yes"})

    assert refused.status_code == 200
    assert refused.context["protected"]
    assert Slot.objects.filter(pk=slot.pk).exists()
    assert deleted.status_code == 302
    assert not Slot.objects.filter(pk=unbooked.pk).exists()


def test_offer_page_shows_its_slots_without_editing_them(admin_client, offer, slot):
    """The offer's slot list links to each slot's page; times and capacities are not edited there."""
    page = admin_client.get(f"{OFFERS}{offer.pk}/change/").text

    assert f"{SLOTS}{slot.pk}/change/" in page
    assert 'name="slots-0-start_0"' not in page
    assert 'name="slots-0-capacity_classes"' not in page
    assert 'name="slots-0-DELETE"' not in page
    assert 'name="slots-__prefix__-start_0"' not in page


def _offer_form(company, **changes: Any) -> dict[str, Any]:
    return {
        "company": company.pk,
        "kind": Offer.Kind.COMPANY_VISIT,
        "title": "Besøg i smedjen",
        "description": "Se smeden arbejde.",
        "grade_min": 7,
        "grade_max": 9,
        "duration_minutes": 120,
        "default_capacity_classes": 1,
        "default_capacity_pupils": 30,
        "booking_deadline_hours": 72,
        "cancellation_deadline_hours": 48,
        "slots-TOTAL_FORMS": 0,
        "slots-INITIAL_FORMS": 0,
        **changes,
    }


def test_offer_admin_creates_offers_through_the_service(admin_client, company):
    """An offer added in the admin gets the company's sector when none is chosen, as everywhere."""
    response = admin_client.post(f"{OFFERS}add/", _offer_form(company))

    assert response.status_code == 302
    offer = Offer.objects.get(title="Besøg i smedjen")
    assert list(offer.sectors.all()) == [company.sector]


def test_offer_admin_refuses_a_contact_from_another_company(admin_client, company, other_host):
    """The service's rule on the contact person is shown on the form, and nothing is saved."""
    response = admin_client.post(f"{OFFERS}add/", _offer_form(company, contact=other_host.pk))

    assert response.status_code == 200
    assert "contact" in _form_errors(response)
    assert not Offer.objects.filter(title="Besøg i smedjen").exists()


def test_offer_admin_changes_offers_and_their_subjects(admin_client, company):
    """Changing an offer and its subjects in the admin keeps what was not changed."""
    admin_client.post(f"{OFFERS}add/", _offer_form(company))
    offer = Offer.objects.get(title="Besøg i smedjen")
    subject = Subject.objects.first()

    response = admin_client.post(
        f"{OFFERS}{offer.pk}/change/",
        _offer_form(company, title="Besøg i værkstedet", subjects=[subject.pk], sectors=[company.sector_id]),
    )

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title == "Besøg i værkstedet"
    assert list(offer.subjects.all()) == [subject]


# Copenhagen time ----------------------------------------------------------------------------


@pytest.mark.parametrize("month", [1, 7], ids=["winter", "summer"])
def test_admin_shows_slot_times_in_copenhagen_time(admin_client, offer, teacher, school_class, month):
    """A slot at 10:00 in Copenhagen reads 10:00 on its page, in its title and in the lists,
    in winter (UTC+1) and in summer (UTC+2) alike."""
    day = dt.date(timezone.localdate().year + 1, month, 14)
    ten = dt.datetime.combine(day, dt.time(10), COPENHAGEN)
    slot = factories.SlotFactory(offer=offer, start=ten, end=ten + dt.timedelta(hours=2))
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    in_utc = f"{day:%Y-%m-%d} {ten.astimezone(dt.UTC):%H:%M}"

    page = admin_client.get(f"{SLOTS}{slot.pk}/change/").text
    slots = admin_client.get(SLOTS).text
    booking_page = admin_client.get(f"{CHANGELIST}{booking.pk}/change/").text
    bookings = admin_client.get(CHANGELIST).text

    assert 'name="start_1" value="10:00:00"' in page
    for text in (page, slots, booking_page, bookings):
        assert f"{day:%d.%m.%Y} 10:00" in text
        assert in_utc not in text
        assert f"{day:%Y-%m-%d} 10:00" not in text


def test_booking_history_names_its_moment_in_copenhagen_time(booking):
    """A booking event's name carries the Copenhagen time at which it happened, written the
    Danish way."""
    event = booking.events.get()

    assert str(event).endswith(f"{timezone.localtime(event.at):%d.%m.%Y %H:%M}")


def test_booking_history_in_the_admin_names_statuses(admin_client, booking):
    """The booking's history shows the statuses by their Danish names, not their codes."""
    services.booking_cancel(booking=booking, actor=booking.slot.offer.contact.user)

    page = admin_client.get(f"{CHANGELIST}{booking.pk}/change/").text

    assert re.search(r'field-to_status">\s*<p>Bekræftet</p>', page)
    assert re.search(r'field-to_status">\s*<p>Aflyst</p>', page)
    assert ">confirmed<" not in page
    assert ">cancelled<" not in page


def test_booking_admin_shows_bookings_whose_messages_failed(admin_client, booking, other_class, other_teacher, slot):
    """A booking whose e-mails could not be written is found by a filter and shows why."""
    fine = services.booking_create(actor=other_teacher.user, slot_id=slot.pk, school_class_id=other_class.pk, pupils=20)
    Booking.objects.filter(pk=booking.pk).update(messages_error="OverflowError: date value out of range")

    listing = admin_client.get(CHANGELIST, {"messages_failed": "yes"})
    page = admin_client.get(f"{CHANGELIST}{booking.pk}/change/")

    assert f"{CHANGELIST}{booking.pk}/change/" in listing.text
    assert f"{CHANGELIST}{fine.pk}/change/" not in listing.text
    assert "OverflowError: date value out of range" in page.text
