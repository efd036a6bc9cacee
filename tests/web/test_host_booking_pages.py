"""What a host does with one booking or one slot: cancel or move a confirmed booking with a
message, see who booked, edit or delete a slot that nobody has booked."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Slot
from tests import factories

pytestmark = pytest.mark.django_db


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def host_web(host) -> Client:
    return web_client(host.user)


def _book(teacher, slot, school_class, pupils=20, message="") -> Booking:
    return services.booking_create(
        actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=pupils, message=message
    )


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _local(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment)


def _weekday_ahead(days: int) -> dt.date:
    from core.dates import holiday_name

    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5 or holiday_name(day):
        day += dt.timedelta(days=1)
    return day


# The booking page, host side ------------------------------------------------------------------


def test_host_sees_the_teachers_name_email_and_phone(host_web, teacher, school_class, slot):
    teacher.user.phone = "+45 98 76 54 32"
    teacher.user.save()
    booking = _book(teacher, slot, school_class)

    page = host_web.get(reverse("booking-page", args=[booking.pk])).content.decode()

    assert "Søren Ærø" in page
    assert f'href="mailto:{teacher.user.email}"' in page
    assert 'href="tel:+4598765432"' in page
    assert "+45 98 76 54 32" in page


def test_teacher_does_not_get_the_host_side_contact_block(client, teacher, school_class, slot):
    teacher.user.phone = "+45 98 76 54 32"
    teacher.user.save()
    booking = _book(teacher, slot, school_class)
    client.force_login(teacher.user)

    page = client.get(reverse("booking-page", args=[booking.pk])).content.decode()

    assert "+45 98 76 54 32" not in page


def test_host_cancels_a_confirmed_booking_with_a_message(host_web, teacher, school_class, slot):
    booking = _book(teacher, slot, school_class)
    page = host_web.get(reverse("booking-page", args=[booking.pk]))
    assert page.context["can_cancel"]
    assert f'action="{reverse("booking-cancel", args=[booking.pk])}"' in page.content.decode()

    response = host_web.post(
        reverse("booking-cancel", args=[booking.pk]), {"note": "Maskinen er i stykker", "confirm": "yes"}
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    event = booking.events.last()
    assert (event.action, event.note) == ("cancelled", "Maskinen er i stykker")


def test_host_cancels_after_the_teachers_cancellation_deadline(host_web, teacher, school_class, offer):
    soon = factories.SlotFactory(
        offer=offer,
        start=timezone.now() + dt.timedelta(hours=30),
        booking_deadline=timezone.now() + dt.timedelta(hours=1),
    )
    booking = _book(teacher, soon, school_class)

    host_web.post(reverse("booking-cancel", args=[booking.pk]), {"confirm": "yes"})

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_host_moves_a_confirmed_booking_with_a_message(host_web, teacher, school_class, offer, slot):
    later = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7))
    booking = _book(teacher, slot, school_class)
    page = host_web.get(reverse("booking-page", args=[booking.pk]))
    assert list(page.context["move_form"].fields["slot"].queryset) == [later]

    response = host_web.post(reverse("booking-move", args=[booking.pk]), {"slot": later.pk, "note": "Ny dag"})

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot_id == later.pk
    event = booking.events.last()
    assert (event.action, event.note) == ("moved", "Ny dag")


@pytest.mark.parametrize(
    "data", [{}, {"slot": "abc"}, {"slot": "9" * 30}, {"slot": "-1"}, {"slot": "1", "note": "x" * 5000}]
)
def test_host_move_garbage_shows_a_message_not_a_500(host_web, teacher, school_class, slot, data):
    booking = _book(teacher, slot, school_class)

    response = host_web.post(reverse("booking-move", args=[booking.pk]), data, follow=True)

    assert response.status_code == 200
    assert _messages(response)
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk


def test_host_cannot_move_to_another_companys_slot(host_web, teacher, school_class, slot, other_host):
    foreign = factories.SlotFactory(offer=factories.OfferFactory(company=other_host.company))
    booking = _book(teacher, slot, school_class)

    response = host_web.post(reverse("booking-move", args=[booking.pk]), {"slot": foreign.pk}, follow=True)

    assert _messages(response)
    booking.refresh_from_db()
    assert booking.slot_id == slot.pk


# Editing a slot -------------------------------------------------------------------------------


def _edit_data(day: dt.date, **overrides) -> dict:
    data = {
        "date": day.isoformat(),
        "start_time": "09:30",
        "end_time": "11:00",
        "capacity_classes": "3",
        "capacity_pupils": "70",
        "deadline_date": (day - dt.timedelta(days=2)).isoformat(),
        "deadline_time": "12:00",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_host_edits_a_slots_time_capacity_deadline_and_role_models(host_web, offer, slot):
    maja = factories.RoleModelFactory(company=offer.company, name="Maja Østergård")
    day = _weekday_ahead(40)

    form_page = host_web.get(reverse("host-slot-edit", args=[slot.pk]))
    assert form_page.status_code == 200
    response = host_web.post(reverse("host-slot-edit", args=[slot.pk]), _edit_data(day, role_models=[maja.pk]))

    assert response.status_code == 302, response.context and response.context["form"].errors
    slot.refresh_from_db()
    assert (_local(slot.start).date(), _local(slot.start).time(), _local(slot.end).time()) == (
        day,
        dt.time(9, 30),
        dt.time(11),
    )
    assert (slot.capacity_classes, slot.capacity_pupils) == (3, 70)
    assert _local(slot.booking_deadline) == dt.datetime.combine(
        day - dt.timedelta(days=2), dt.time(12), tzinfo=timezone.get_current_timezone()
    )
    assert list(slot.role_models.all()) == [maja]


def test_slot_edit_form_starts_from_the_slot(host_web, slot):
    """The date pickers are filled in: a browser reads only YYYY-MM-DD in a date input."""
    response = host_web.get(reverse("host-slot-edit", args=[slot.pk]))
    page = response.content.decode()

    assert response.context["form"].initial["capacity_classes"] == slot.capacity_classes
    assert f'name="date" value="{_local(slot.start):%Y-%m-%d}"' in page
    assert f'name="deadline_date" value="{_local(slot.booking_deadline):%Y-%m-%d}"' in page
    assert f'name="start_time" value="{_local(slot.start):%H:%M}"' in page


def test_capacity_below_booked_is_refused_next_to_capacity(host_web, teacher, school_class, slot):
    _book(teacher, slot, school_class, pupils=20)
    day = _local(slot.start).date()

    response = host_web.post(
        reverse("host-slot-edit", args=[slot.pk]),
        _edit_data(
            day,
            capacity_pupils="10",
            start_time=f"{_local(slot.start):%H:%M}",
            end_time=f"{_local(slot.end):%H:%M}",
            deadline_date=f"{_local(slot.booking_deadline):%Y-%m-%d}",
            deadline_time=f"{_local(slot.booking_deadline):%H:%M}",
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors.get("capacity_pupils") or response.context["form"].errors.get(
        "capacity_classes"
    )
    slot.refresh_from_db()
    assert slot.capacity_pupils == 60


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date": ""}, "date"),
        ({"date": "0001-01-01", "deadline_date": "0001-01-01"}, "date"),
        ({"date": "9999-12-31", "deadline_date": "9999-12-30"}, "date"),
        ({"deadline_date": "0001-01-01"}, "deadline_date"),
        ({"deadline_date": "9999-12-31"}, "deadline_date"),
        ({"start_time": "25:99"}, "start_time"),
        ({"end_time": "08:00"}, "end_time"),
        ({"capacity_classes": "99999999999999999999"}, "capacity_classes"),
        ({"capacity_pupils": "0"}, "capacity_pupils"),
        ({"capacity_pupils": "-5"}, "capacity_pupils"),
        ({"capacity_classes": ""}, "capacity_classes"),
        ({"role_models": ["999999"]}, "role_models"),
        ({"role_models": ["abc"]}, "role_models"),
        ({"role_models": ["9" * 30]}, "role_models"),
    ],
)
def test_slot_edit_garbage_gets_a_message_per_field(host_web, slot, overrides, field):
    response = host_web.post(reverse("host-slot-edit", args=[slot.pk]), _edit_data(_weekday_ahead(40), **overrides))

    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()


def test_slot_edit_refuses_another_companys_role_model(host_web, slot, other_host):
    foreign = factories.RoleModelFactory(company=other_host.company)

    response = host_web.post(
        reverse("host-slot-edit", args=[slot.pk]), _edit_data(_weekday_ahead(40), role_models=[foreign.pk])
    )

    assert response.context["form"].errors.get("role_models")
    assert not slot.role_models.exists()


def test_deadline_after_the_start_is_refused(host_web, slot):
    day = _weekday_ahead(40)

    response = host_web.post(
        reverse("host-slot-edit", args=[slot.pk]),
        _edit_data(day, deadline_date=(day + dt.timedelta(days=1)).isoformat()),
    )

    assert response.context["form"].errors.get("deadline_date")


def test_edit_of_a_cancelled_slot_goes_back_with_a_message(host_web, host, slot):
    services.slot_cancel(slot=slot, actor=host.user)

    response = host_web.post(reverse("host-slot-edit", args=[slot.pk]), _edit_data(_weekday_ahead(40)), follow=True)

    assert response.status_code == 200
    assert _messages(response)


# Deleting a slot ----------------------------------------------------------------------------


def test_host_deletes_a_slot_without_bookings(host_web, offer, slot):
    page = host_web.get(reverse("host-offer", args=[offer.pk])).content.decode()
    assert f'action="{reverse("host-slot-delete", args=[slot.pk])}"' in page

    response = host_web.post(reverse("host-slot-delete", args=[slot.pk]), follow=True)

    assert response.status_code == 200
    assert not Slot.objects.filter(pk=slot.pk).exists()
    assert _messages(response)


@pytest.mark.parametrize("then", ["keep", "cancel"])
def test_slot_with_any_booking_cannot_be_deleted(host_web, offer, slot, teacher, school_class, then):
    booking = _book(teacher, slot, school_class)
    if then == "cancel":
        services.booking_cancel(booking=booking, actor=teacher.user)

    response = host_web.post(reverse("host-slot-delete", args=[slot.pk]), follow=True)

    assert response.status_code == 200
    assert str(services.SLOT_HAS_BOOKINGS) in _messages(response)
    assert Slot.objects.filter(pk=slot.pk).exists()
    assert f'action="{reverse("host-slot-delete", args=[slot.pk])}"' not in response.content.decode()


@pytest.mark.parametrize("who", ["other_host", "teacher"])
def test_others_get_404_for_slot_edit_and_delete(client, request, slot, who):
    client.force_login(request.getfixturevalue(who).user)

    assert client.get(reverse("host-slot-edit", args=[slot.pk])).status_code == 404
    assert client.post(reverse("host-slot-edit", args=[slot.pk]), _edit_data(_weekday_ahead(40))).status_code == 404
    assert client.post(reverse("host-slot-delete", args=[slot.pk])).status_code == 404
    assert Slot.objects.filter(pk=slot.pk, capacity_classes=2).exists()


def test_slot_delete_refuses_get(host_web, slot):
    assert host_web.get(reverse("host-slot-delete", args=[slot.pk])).status_code == 405
