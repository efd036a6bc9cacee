"""Every integer and date that reaches the database is bounded to what it can store and to what
makes sense in the domain: out-of-range input answers 400 with a message for its field (404 for
an id in the address), never a 500. Checked on SQLite and on PostgreSQL."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from bookings import services
from bookings.models import Booking, Offer, Slot
from core.errors import DomainError
from tests import factories
from tests.conftest import client_for
from tests.dates import at, school_day, today

HUGE_IDS = [2**31, 2**63 - 1, 2**63, 2**64, 10**30]


def post(client, url: str, payload: dict):
    return client.post(url, payload, format="json")


def assert_refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    messages = response.json()[field]
    assert messages and all(isinstance(message, str) and message for message in messages)


@pytest.fixture
def administrator(db):
    return factories.UserFactory(username="admin", is_superuser=True, is_staff=True)


# Ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("huge", [2**63, 2**64, 10**30])
@pytest.mark.parametrize("field", ["slot", "school_class"])
def test_booking_with_an_id_beyond_any_row_is_refused_per_field(teacher_client, school_class, slot, field, huge):
    payload = {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20, field: huge}

    assert_refused(post(teacher_client, "/api/v1/bookings/", payload), field)
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("huge", [2**31, 2**63 - 1])
def test_booking_with_a_large_id_that_fits_is_an_unknown_row(teacher_client, school_class, huge):
    response = post(teacher_client, "/api/v1/bookings/", {"slot": huge, "school_class": school_class.pk, "pupils": 20})

    assert response.status_code == 400
    assert response.json()["code"] == "slot_not_found"


def test_moving_a_booking_to_an_id_beyond_any_row_is_refused(teacher_client, teacher, school_class, slot):
    booking = post(
        teacher_client, "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20}
    )

    response = post(teacher_client, f"/api/v1/bookings/{booking.json()['id']}/move/", {"slot": 2**64})

    assert_refused(response, "slot")


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/bookings/", "slot"),
        ("/api/v1/bookings/", "offer"),
        ("/api/v1/bookings/", "school_class"),
        ("/api/v1/slots/", "offer"),
        ("/api/v1/slots/", "company"),
        ("/api/v1/slots/", "municipality"),
        ("/api/v1/offers/", "company"),
        ("/api/v1/offers/", "municipality"),
        ("/api/v1/waitlist/", "slot"),
        ("/api/v1/waitlist/", "school_class"),
        ("/api/v1/companies/", "municipality"),
        ("/api/v1/schools/", "municipality"),
        ("/api/v1/classes/", "school"),
    ],
)
@pytest.mark.parametrize("value", [*HUGE_IDS, 0, -1, -(2**63) - 1])
def test_list_filter_with_an_out_of_range_id_answers_400_or_nothing(teacher, slot, url, parameter, value):
    response = client_for(teacher.user).get(url, {parameter: value})

    if response.status_code == 200:
        assert response.json()["results"] == []
    else:
        assert_refused(response, parameter)


@pytest.mark.parametrize(
    "url", ["/api/v1/bookings/{}/", "/api/v1/slots/{}/", "/api/v1/offers/{}/", "/api/v1/classes/{}/"]
)
@pytest.mark.parametrize("huge", HUGE_IDS)
def test_an_id_beyond_any_row_in_the_address_answers_404(teacher, url, huge):
    assert client_for(teacher.user).get(url.format(huge)).status_code == 404


# Dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/v1/bookings/", "/api/v1/slots/", "/api/v1/offers/"])
@pytest.mark.parametrize("parameter", ["date_from", "date_to"])
@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"])
def test_a_date_filter_outside_2000_to_2100_answers_400(teacher, url, parameter, value):
    assert_refused(client_for(teacher.user).get(url, {parameter: value}), parameter)


@pytest.mark.parametrize("value", ["2000-01-01", "2100-12-31"])
def test_a_date_filter_at_the_edges_of_the_range_is_accepted(teacher, value):
    for parameter in ("date_from", "date_to"):
        assert client_for(teacher.user).get("/api/v1/slots/", {parameter: value}).status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "9999-12-31T10:00:00+01:00"),
        ("start", "0145-03-02T10:00:00+01:00"),
        ("end", "9999-12-31T12:00:00+01:00"),
        ("booking_deadline", "0145-03-02T10:00:00+00:00"),
        ("booking_deadline", "9999-12-31T10:00:00+01:00"),
    ],
)
def test_a_slot_time_outside_2000_to_2100_is_refused_per_field(host_client, offer, field, value):
    payload = {"offer": offer.pk, "start": at(school_day(), 10).isoformat(), field: value}

    assert_refused(post(host_client, "/api/v1/slots/", payload), field)
    assert Slot.objects.count() == 0


def test_the_administrator_cannot_set_a_booking_deadline_in_year_145(administrator, slot):
    response = client_for(administrator).patch(
        f"/api/v1/slots/{slot.pk}/", {"booking_deadline": "0145-01-01T00:00:00Z"}, format="json"
    )

    assert_refused(response, "booking_deadline")


def test_a_booking_deadline_after_the_start_is_refused(host_client, offer):
    start = at(school_day(), 10)
    payload = {
        "offer": offer.pk,
        "start": start.isoformat(),
        "booking_deadline": (start + dt.timedelta(hours=1)).isoformat(),
    }

    assert_refused(post(host_client, "/api/v1/slots/", payload), "booking_deadline")


def test_a_slot_more_than_three_years_ahead_is_refused(host_client, offer):
    far = today().replace(year=today().year + 3) + dt.timedelta(days=14)
    while far.weekday() != 1:
        far += dt.timedelta(days=1)

    response = post(host_client, "/api/v1/slots/", {"offer": offer.pk, "start": at(far, 10).isoformat()})

    assert_refused(response, "start")
    assert response.json()["code"] == "start_too_far"


def test_a_series_reaching_more_than_three_years_ahead_is_refused(host_client, offer):
    """A series spans at most three years from its first date, which itself starts at most
    three years ahead: no slot reaches beyond what the calendar and the database hold."""
    payload = {
        "offer": offer.pk,
        "start": at(school_day(), 10).isoformat(),
        "end": at(school_day(), 12).isoformat(),
        "rrule": "FREQ=MONTHLY;COUNT=40",
    }

    response = post(host_client, "/api/v1/slots/series/", payload)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "rrule_too_long"


# Numbers on offers, slots and bookings --------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("booking_deadline_hours", 10**12),
        ("booking_deadline_hours", 8761),
        ("cancellation_deadline_hours", 10**12),
        ("cancellation_deadline_hours", 8761),
        ("duration_minutes", 10**12),
        ("default_capacity_classes", 100000),
        ("default_capacity_classes", 51),
        ("default_capacity_pupils", 100000),
        ("default_capacity_pupils", 1001),
    ],
)
def test_an_offer_number_out_of_range_is_refused_per_field(host_client, offer, field, value):
    assert_refused(host_client.patch(f"/api/v1/offers/{offer.pk}/", {field: value}, format="json"), field)
    offer.refresh_from_db()
    assert getattr(offer, field) != value


@pytest.mark.parametrize(
    ("field", "value"),
    [("capacity_classes", 51), ("capacity_classes", 100000), ("capacity_pupils", 1001), ("capacity_pupils", 10**12)],
)
def test_a_slot_capacity_out_of_range_is_refused_per_field(host_client, offer, slot, field, value):
    assert_refused(
        post(
            host_client, "/api/v1/slots/", {"offer": offer.pk, "start": at(school_day(), 10).isoformat(), field: value}
        ),
        field,
    )
    assert_refused(host_client.patch(f"/api/v1/slots/{slot.pk}/", {field: value}, format="json"), field)


@pytest.mark.parametrize(("field", "value"), [("pupils", 61), ("pupils", 10**12), ("adults", 21), ("adults", 10**12)])
def test_booking_numbers_out_of_range_are_refused_per_field(teacher_client, school_class, slot, field, value):
    payload = {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20, field: value}

    assert_refused(post(teacher_client, "/api/v1/bookings/", payload), field)


# The same bounds on the models, where every form picks them up --------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("booking_deadline_hours", 8761),
        ("cancellation_deadline_hours", 8761),
        ("duration_minutes", 60 * 24 * 5 + 1),
        ("default_capacity_classes", 51),
        ("default_capacity_pupils", 1001),
        ("reminder_days", "7,1,999999"),
        ("reminder_days", "61"),
    ],
)
def test_offer_model_refuses_numbers_out_of_range(offer, field, value):
    setattr(offer, field, value)

    with pytest.raises(ValidationError) as caught:
        offer.full_clean()

    assert set(caught.value.message_dict) == {field}


def test_offer_reminder_days_through_the_api_are_bounded_too(host_client, offer):
    """The API offers the same reminder days as the host's form, with the same bound."""
    refused = host_client.patch(f"/api/v1/offers/{offer.pk}/", {"reminder_days": "7,1,999999"}, format="json")
    accepted = host_client.patch(f"/api/v1/offers/{offer.pk}/", {"reminder_days": "14,2"}, format="json")

    assert refused.status_code == 400 and "reminder_days" in refused.json()
    assert accepted.status_code == 200 and accepted.json()["reminder_days"] == "14,2"


def test_offer_model_accepts_reminders_up_to_sixty_days(offer):
    offer.reminder_days = "60,7,1,0"

    offer.full_clean()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", dt.datetime(145, 3, 2, 10, tzinfo=dt.UTC)),
        ("end", dt.datetime(9999, 12, 31, 10, tzinfo=dt.UTC)),
        ("booking_deadline", dt.datetime(1999, 12, 31, 10, tzinfo=dt.UTC)),
        ("capacity_classes", 51),
        ("capacity_pupils", 1001),
    ],
)
def test_slot_model_refuses_values_out_of_range(slot, field, value):
    setattr(slot, field, value)

    with pytest.raises(ValidationError) as caught:
        slot.full_clean()

    assert field in caught.value.message_dict


@pytest.mark.parametrize(("field", "value"), [("pupils", 61), ("adults", 21)])
def test_booking_model_refuses_numbers_out_of_range(db, field, value):
    booking = Booking(**{"pupils": 20, "adults": 1, "status": Booking.Status.REQUESTED, field: value})

    with pytest.raises(ValidationError) as caught:
        booking.full_clean(exclude=["slot", "school_class", "booked_by"])

    assert set(caught.value.message_dict) == {field}


def test_reminders_saved_before_the_bound_do_not_break_a_booking(teacher, school_class, slot):
    """An offer saved before the bound (or changed by a raw update) with an absurd reminder still
    books, and its messages are written with the reminders that fit."""
    Offer.objects.filter(pk=slot.offer_id).update(reminder_days="7,1,999999")
    response = post(
        client_for(teacher.user), "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20}
    )
    assert response.status_code == 201, response.content

    assert services.bookings_announce_new() == 1


# The same bounds in the services, for every caller (web forms, API, admin, scripts) ---------------


@pytest.mark.parametrize("adults", [-1, 21, 99])
def test_booking_service_refuses_adults_out_of_range(teacher, school_class, slot, adults):
    """A booking brings 0–20 adults, whatever the caller checked; nothing is stored otherwise."""
    with pytest.raises(DomainError) as caught:
        services.booking_create(
            actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20, adults=adults
        )

    assert (caught.value.code, caught.value.field) == ("adults_out_of_range", "adults")
    assert Booking.objects.count() == 0


@pytest.mark.parametrize("adults", [0, 20])
def test_booking_service_accepts_adults_at_the_bounds(teacher, school_class, slot, adults):
    booking = services.booking_create(
        actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20, adults=adults
    )

    assert booking.adults == adults


SLOT_CAPACITIES_OUT_OF_RANGE = [
    ("capacity_classes", 0),
    ("capacity_classes", 51),
    ("capacity_classes", 32767),
    ("capacity_pupils", -1),
    ("capacity_pupils", 1001),
]


@pytest.mark.parametrize(("field", "value"), SLOT_CAPACITIES_OUT_OF_RANGE)
def test_slot_create_refuses_a_capacity_out_of_range(host, offer, field, value):
    with pytest.raises(DomainError) as caught:
        services.slot_create(actor=host.user, offer=offer, start=at(school_day(), 10), **{field: value})

    assert (caught.value.code, caught.value.field) == ("capacity_out_of_range", field)
    assert not Slot.objects.filter(offer=offer).exists()


@pytest.mark.parametrize(("field", "value"), SLOT_CAPACITIES_OUT_OF_RANGE)
def test_slot_update_refuses_a_capacity_out_of_range(host, slot, field, value):
    before = getattr(slot, field)

    with pytest.raises(DomainError) as caught:
        services.slot_update(slot=slot, actor=host.user, **{field: value})

    assert (caught.value.code, caught.value.field) == ("capacity_out_of_range", field)
    slot.refresh_from_db()
    assert getattr(slot, field) == before


@pytest.mark.parametrize(("field", "value"), SLOT_CAPACITIES_OUT_OF_RANGE)
def test_slot_series_create_refuses_a_capacity_out_of_range(host, offer, field, value):
    start = at(school_day(), 10)

    with pytest.raises(DomainError) as caught:
        services.slot_series_create(
            actor=host.user,
            offer=offer,
            start=start,
            end=start + dt.timedelta(hours=2),
            rrule="FREQ=WEEKLY;COUNT=3",
            **{field: value},
        )

    assert (caught.value.code, caught.value.field) == ("capacity_out_of_range", field)
    assert not Slot.objects.filter(offer=offer).exists()


def test_slot_services_accept_capacities_at_the_upper_bounds(host, offer):
    slot = services.slot_create(
        actor=host.user, offer=offer, start=at(school_day(), 10), capacity_classes=50, capacity_pupils=1000
    )

    assert (slot.capacity_classes, slot.capacity_pupils) == (50, 1000)
