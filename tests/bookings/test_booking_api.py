"""The booking API as a teacher and a host use it: answers, errors per field, never a 500."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Slot
from tests import factories
from tests.conftest import client_for
from tests.dates import at, next_ascension_day, school_day


def post(client, url: str, payload: dict):
    return client.post(url, payload, format="json")


def test_teacher_books_and_sees_the_booking(teacher_client, school_class, slot):
    response = post(
        teacher_client, "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20}
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["class_name"] == "8.A"
    listed = teacher_client.get("/api/v1/bookings/", {"school_class": school_class.pk}).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]


def test_full_slot_answers_400_with_the_reason(teacher_client, teacher, slot, school_class):
    slot.offer.waitlist_enabled = False
    slot.offer.save()
    Slot.objects.filter(pk=slot.pk).update(capacity_classes=1, booked_classes=1)

    response = post(
        teacher_client, "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "slot_full"
    assert response.json()["slot"] == [response.json()["detail"]]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"school_class": 1, "pupils": 20}, "slot"),
        ({"slot": "abc", "school_class": 1, "pupils": 20}, "slot"),
        ({"slot": 1, "school_class": 1, "pupils": 0}, "pupils"),
        ({"slot": 1, "school_class": 1, "pupils": -5}, "pupils"),
        ({"slot": 1, "school_class": 1, "pupils": 20, "adults": 99}, "adults"),
        ({"slot": 999999, "school_class": "CLASS", "pupils": 20}, "slot"),
        ({"slot": "SLOT", "school_class": 999999, "pupils": 20}, "school_class"),
        ({"slot": "SLOT", "school_class": "OTHER_CLASS", "pupils": 20}, "school_class"),
    ],
)
def test_bad_booking_input_answers_400_per_field(teacher_client, school_class, other_class, slot, payload, field):
    replacements = {"SLOT": slot.pk, "CLASS": school_class.pk, "OTHER_CLASS": other_class.pk}
    payload = {key: replacements.get(value, value) for key, value in payload.items()}

    response = post(teacher_client, "/api/v1/bookings/", payload)

    assert response.status_code == 400
    assert field in response.json()
    assert Booking.objects.count() == 0


def test_past_slot_answers_400(teacher_client, school_class, offer):
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    past = factories.SlotFactory(offer=offer, start=start, booking_deadline=start)

    response = post(
        teacher_client, "/api/v1/bookings/", {"slot": past.pk, "school_class": school_class.pk, "pupils": 20}
    )

    assert response.status_code == 400
    assert response.json()["code"] in {"slot_in_past", "deadline_passed"}


def test_malformed_json_answers_400(teacher_client):
    response = teacher_client.post("/api/v1/bookings/", data='{"slot": 1,', content_type="application/json")

    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"start": "{day}T10:00:00"}, "start"),
        ({"start": "{day}T10:00:00+01:00", "end": "{day}T09:00:00+01:00"}, "end"),
        ({"start": "{day}T10:00:00+01:00", "capacity_classes": 0}, "capacity_classes"),
        ({"start": "{day}T10:00:00+01:00", "capacity_pupils": -1}, "capacity_pupils"),
        ({"start": "next tuesday"}, "start"),
        ({"start": "{ascension}T10:00:00+02:00"}, "start"),
    ],
)
def test_bad_slot_input_answers_400_per_field(host_client, offer, payload, field):
    """`{day}` is an ordinary school day ahead, `{ascension}` the next Ascension Day."""
    days = {"day": school_day(), "ascension": next_ascension_day()}
    payload = {key: value.format(**days) if isinstance(value, str) else value for key, value in payload.items()}

    response = post(host_client, "/api/v1/slots/", {"offer": offer.pk, **payload})

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Slot.objects.count() == 0


def test_slot_series_through_the_api(host_client, offer):
    """Six occurrences, each at 10:00 local time (holidays allowed, so none is skipped)."""
    offer.allow_holidays = True
    offer.save()
    payload = {
        "offer": offer.pk,
        "start": at(school_day(), 10).isoformat(),
        "end": at(school_day(), 12).isoformat(),
        "rrule": "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=6",
    }

    response = post(host_client, "/api/v1/slots/series/", payload)

    assert response.status_code == 201, response.content
    assert [row["start"][11:16] for row in response.json()] == ["10:00"] * 6


def test_slot_series_with_a_bad_rule_answers_400(host_client, offer):
    payload = {
        "offer": offer.pk,
        "start": at(school_day(), 10).isoformat(),
        "end": at(school_day(), 12).isoformat(),
        "rrule": "FREQ=WEEKLY",
    }

    response = post(host_client, "/api/v1/slots/series/", payload)

    assert response.status_code == 400
    assert "rrule" in response.json()


def series_payload(offer, rrule: str, *, days_ahead: int = 14) -> dict:
    start = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=days_ahead)
    return {
        "offer": offer.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(),
        "rrule": rrule,
    }


@pytest.mark.parametrize(
    ("rrule", "code"),
    [
        ("FREQ=SECONDLY;COUNT=5;BYHOUR=99", "rrule_frequency"),
        ("FREQ=SECONDLY;UNTIL=20290101T000000Z", "rrule_frequency"),
        ("FREQ=DAILY;COUNT=5;BYHOUR=99", "bad_rrule"),
        ("FREQ=WEEKLY;UNTIL=99991231T000000Z", "rrule_too_long"),
        (f"FREQ=WEEKLY;COUNT={10**12}", "rrule_too_many"),
        ("FREQ=DAILY;BYMONTHDAY=31;BYMONTH=2;COUNT=5", "series_empty"),
        ("garbage", "bad_rrule"),
        ("FREQ=WEEKLY;COUNT=3;" + "BYDAY=MO;" * 50, "bad_rrule"),
        ("", None),
        ("FREQ=WEEKLY;COUNT=3;" + "X" * 5000, None),
        ("FREQ=WEEKLY;COUNT=3;BYDAY=" + ",".join(["MO"] * 1700), None),
    ],
)
def test_slot_series_with_any_bad_rule_answers_400_on_the_rule(host_client, offer, rrule, code):
    """A rule the series does not accept is a 400 with a message on `rrule` (and the domain
    error's code), never a 500; nothing is created."""
    response = post(host_client, "/api/v1/slots/series/", series_payload(offer, rrule))

    assert response.status_code == 400, response.content
    assert response.json()["rrule"]
    assert response.json().get("code") == code
    assert Slot.objects.count() == 0


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9999-12-30T10:00:00+01:00", "9999-12-30T12:00:00+01:00"),
        ("9999-12-31T22:00:00+01:00", "9999-12-31T23:00:00+01:00"),
        ("9999-12-31T23:30:00-01:00", "9999-12-31T23:45:00-01:00"),
        ("0001-01-01T00:00:00+01:00", "0001-01-01T02:00:00+01:00"),
    ],
)
def test_slot_series_at_the_ends_of_the_calendar_answers_without_a_500(host_client, offer, start, end):
    """Near the year 9999 the three-year horizon and UTC conversions would overflow."""
    offer.allow_holidays = True
    offer.save()
    for rrule in ("FREQ=WEEKLY;COUNT=2", "FREQ=DAILY;UNTIL=99991231T235959Z"):
        payload = {"offer": offer.pk, "start": start, "end": end, "rrule": rrule}

        response = post(host_client, "/api/v1/slots/series/", payload)

        assert response.status_code in {201, 400}, response.content


def test_slot_series_up_to_three_years_through_the_api(host_client, offer):
    """The last weekday of each month for three years: monthly, BYSETPOS and a date as UNTIL."""
    offer.allow_holidays = True
    offer.save()
    start = timezone.localdate() + dt.timedelta(days=14)
    until = start.replace(year=start.year + 3, day=min(start.day, 28))
    payload = series_payload(offer, f"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;UNTIL={until:%Y%m%d}")

    response = post(host_client, "/api/v1/slots/series/", payload)

    assert response.status_code == 201, response.content
    starts = [dt.date.fromisoformat(row["start"][:10]) for row in response.json()]
    assert 35 <= len(starts) <= 37
    assert all(day.weekday() < 5 and (day + dt.timedelta(days=7)).month != day.month for day in starts)


def test_move_through_the_api(teacher_client, school_class, slot, offer):
    later = factories.SlotFactory(offer=offer, start=slot.start + dt.timedelta(days=7))
    booking = post(
        teacher_client, "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20}
    )

    response = post(teacher_client, f"/api/v1/bookings/{booking.json()['id']}/move/", {"slot": later.pk})

    assert response.status_code == 200
    assert response.json()["slot"] == later.pk


def test_waitlist_shows_the_place_in_the_queue(teacher, teacher_client, slot):
    classes = [factories.SchoolClassFactory(school=teacher.school, pupils=20) for _ in range(4)]
    for school_class in classes:
        post(teacher_client, "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20})

    response = teacher_client.get("/api/v1/waitlist/", {"slot": slot.pk})

    rows = response.json()["results"]
    assert [(row["school_class"], row["position"]) for row in rows] == [(classes[2].pk, 1), (classes[3].pk, 2)]


def test_token_endpoint_answers_a_token(api_client, teacher):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "lærer", "password": "secret-pass-123"}, format="json"
    )

    assert response.status_code == 200
    assert len(response.json()["token"]) == 40


def test_token_endpoint_refuses_a_wrong_password(api_client, teacher):
    response = api_client.post("/api/v1/auth/token/", {"username": "lærer", "password": "nope"}, format="json")

    assert response.status_code == 400
    assert "token" not in response.json()


def test_schema_and_docs_are_served(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"})

    assert schema.status_code == 200
    assert "/api/v1/bookings/{id}/move/" in schema.json()["paths"]
    assert api_client.get("/api/v1/docs/").status_code == 200


def test_booking_create_costs_at_most_ten_queries(teacher_client, school_class, slot):
    with CaptureQueriesContext(connection) as queries:
        response = post(
            teacher_client, "/api/v1/bookings/", {"slot": slot.pk, "school_class": school_class.pk, "pupils": 20}
        )

    assert response.status_code == 201
    assert len(queries) <= 10, [q["sql"] for q in queries]


def _query_count(client, url: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


LIST_URLS = [
    "/api/v1/offers/",
    "/api/v1/slots/",
    "/api/v1/bookings/",
    "/api/v1/waitlist/",
    "/api/v1/companies/",
    "/api/v1/classes/",
    "/api/v1/schools/",
]


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_queries_do_not_grow_with_page_size(consultant, teacher, url):
    for _ in range(3):
        company = factories.CompanyFactory()
        factories.RoleModelFactory(company=company)
        offer = factories.OfferFactory(company=company)
        for day in range(3):
            start = dt.datetime.now(dt.UTC) + dt.timedelta(days=10 + day)
            slot = factories.SlotFactory(offer=offer, start=start, capacity_classes=1)
            for _ in range(2):
                school_class = factories.SchoolClassFactory(school=factories.SchoolFactory())
                services.booking_create(actor=consultant, slot_id=slot.pk, school_class_id=school_class.pk, pupils=10)
    client = client_for(consultant)

    small = _query_count(client, url, {"page_size": 2})
    large = _query_count(client, url, {"page_size": 200})

    assert small == large


def test_hand_written_booking_representation_matches_drf_field_by_field(teacher, school_class, slot):
    from rest_framework import serializers as drf

    from bookings.api import BookingSerializer

    class GenericBookingSerializer(BookingSerializer):
        to_representation = drf.ModelSerializer.to_representation

    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    booking = Booking.objects.select_related("slot__offer__company", "school_class__school", "booked_by").get()

    assert BookingSerializer(booking).data == GenericBookingSerializer(booking).data


def test_offer_update_through_the_api_cannot_move_the_offer_to_another_company(host, host_client, offer):
    """The service refuses, so the API answers 400 with the service's code."""
    second_company = factories.CompanyMemberFactory(user=host.user).company

    response = host_client.patch(f"/api/v1/offers/{offer.pk}/", {"company": second_company.pk}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "other_company"
    offer.refresh_from_db()
    assert offer.company_id == host.company_id


def test_slot_create_through_the_api_refuses_a_role_model_of_another_company(host_client, offer):
    start = timezone.now() + dt.timedelta(days=20)
    payload = {"offer": offer.pk, "start": start.isoformat(), "role_models": [factories.RoleModelFactory().pk]}
    offer.allow_holidays = True
    offer.save()

    response = post(host_client, "/api/v1/slots/", payload)

    assert response.status_code == 400
    assert response.json()["code"] == "role_model_not_member"
    assert not offer.slots.exists()


def test_booking_more_pupils_than_the_class_has_answers_400_for_pupils(teacher_client, school_class, slot):
    response = post(
        teacher_client,
        "/api/v1/bookings/",
        {"slot": slot.pk, "school_class": school_class.pk, "pupils": school_class.pupils + 1},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "too_many_pupils_for_class"
    assert body["pupils"] == [str(services.TOO_MANY_PUPILS_FOR_CLASS % {"pupils": school_class.pupils})]
