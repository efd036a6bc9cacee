"""Idempotency-Key on the API's creating POSTs: a retry with the same key creates nothing and gets the
first answer again; the same key with another request is refused; the key is stored with what the
request created, or not at all."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Booking, Offer, Slot
from core import idempotency
from core.models import IdempotencyKey
from core.tasks import idempotency_keys_expire
from schools.models import SchoolClass
from tests import factories
from tests.conftest import client_for
from tests.dates import at, school_day

KEY = "7f0c7b8e-6a43-4a5e-9d0c-2b1f1f0a9e11"


def booking_payload(slot, school_class, pupils: int = 20) -> dict:
    return {"slot": slot.pk, "school_class": school_class.pk, "pupils": pupils}


def post(client, path: str, payload: dict, key: str | None = KEY):
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(path, payload, format="json", headers=headers)


@pytest.mark.django_db
def test_a_retried_booking_gets_the_first_answer_and_books_once(teacher_client, slot, school_class):
    """Same status, the same body to the byte, one booking; the replay says it is one."""
    first = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))
    again = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))

    slot.refresh_from_db()
    assert first.status_code == again.status_code == 201, first.content
    assert again.content == first.content
    assert again.headers[idempotency.REPLAYED_HEADER] == "true"
    assert idempotency.REPLAYED_HEADER not in first.headers
    assert Booking.objects.count() == 1
    assert (slot.booked_classes, slot.booked_pupils) == (1, 20)


@pytest.mark.django_db
def test_a_retried_teacher_visit_books_the_teacher_once(teacher, host, company):
    offer = factories.OfferFactory(company=company, contact=host, kind=Offer.Kind.TEACHER_VISIT)
    visit_slot = factories.SlotFactory(offer=offer, capacity_classes=3, capacity_pupils=30)
    client = client_for(teacher.user)

    answers = [post(client, "/api/v1/bookings/", {"slot": visit_slot.pk}) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [201, 201, 201], answers[0].content
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert Booking.objects.filter(teacher=teacher).count() == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused_with_422(teacher_client, slot, school_class):
    """The second request is neither made nor answered with the first one's answer."""
    post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class, pupils=20))

    other = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class, pupils=21))

    assert other.status_code == 422
    assert other.json()["code"] == idempotency.KEY_REUSED_CODE
    assert "Idempotency-Key" in other.json()["detail"]
    assert Booking.objects.get().pupils == 20


@pytest.mark.django_db
def test_the_same_key_on_another_endpoint_is_refused_with_422(teacher_client, slot, school_class):
    post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))
    payload = {"name": "9.Q", "grade": 9, "school_year": school_class.school_year, "pupils": 20}

    other = post(teacher_client, "/api/v1/classes/", payload)

    assert other.status_code == 422
    assert other.json()["code"] == idempotency.KEY_REUSED_CODE
    assert not SchoolClass.objects.filter(name="9.Q").exists()


@pytest.mark.django_db
def test_json_with_its_keys_in_another_order_is_the_same_request(teacher_client, slot, school_class):
    first = teacher_client.post(
        "/api/v1/bookings/",
        f'{{"slot": {slot.pk}, "school_class": {school_class.pk}, "pupils": 20}}',
        content_type="application/json",
        headers={"Idempotency-Key": KEY},
    )
    again = teacher_client.post(
        "/api/v1/bookings/",
        f'{{"pupils": 20, "school_class": {school_class.pk}, "slot": {slot.pk}}}',
        content_type="application/json",
        headers={"Idempotency-Key": KEY},
    )

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_one_user(teacher_client, slot, school_class, other_teacher, other_class):
    """Another user's request with the same key is a request of its own."""
    mine = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))
    theirs = post(client_for(other_teacher.user), "/api/v1/bookings/", booking_payload(slot, other_class))

    assert (mine.status_code, theirs.status_code) == (201, 201), theirs.content
    assert mine.json()["id"] != theirs.json()["id"]
    assert Booking.objects.count() == 2


@pytest.mark.django_db
def test_without_the_header_no_key_is_read_or_stored(teacher_client, teacher, slot, school_class):
    """Only requests that carry the header pay for it: a plain POST books as before."""
    second_class = factories.SchoolClassFactory(school=teacher.school, name="8.C", grade=8, pupils=20)
    first = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class), key=None)
    with CaptureQueriesContext(connection) as queries:
        second = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, second_class), key=None)

    assert (first.status_code, second.status_code) == (201, 201)
    assert not [query for query in queries.captured_queries if IdempotencyKey._meta.db_table in query["sql"]]
    assert not IdempotencyKey.objects.exists()
    assert Booking.objects.count() == 2


@pytest.mark.django_db
def test_a_refused_request_leaves_its_key_unused(teacher_client, slot, school_class):
    """Nothing was created, so nothing is remembered: the corrected request may use the same key."""
    refused = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class, pupils=999))
    corrected = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class, pupils=20))

    assert refused.status_code == 400
    assert corrected.status_code == 201, corrected.content
    assert Booking.objects.count() == 1
    assert IdempotencyKey.objects.get().response_status == 201


@pytest.mark.django_db
def test_the_key_is_stored_in_the_transaction_of_the_creation(teacher_client, slot, school_class):
    """When storing the answer fails, the booking is not made either: both or neither."""
    with (
        mock.patch.object(IdempotencyKey, "save", side_effect=RuntimeError("storage failed")),
        pytest.raises(RuntimeError),
    ):
        post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))

    slot.refresh_from_db()
    assert not Booking.objects.exists()
    assert not IdempotencyKey.objects.exists()
    assert slot.booked_classes == 0


@pytest.mark.django_db
def test_a_copy_that_lost_the_race_for_the_key_replays_the_winner(teacher_client, slot, school_class):
    """Two copies sent at once both find no key; the second's claim collides with the first's
    (a unique key), its work is rolled back and it answers with the first's answer."""
    first = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))
    real_earlier = idempotency._earlier
    looks = []

    def not_yet_there(request, key):
        looks.append(key)
        return None if len(looks) == 1 else real_earlier(request, key)

    with mock.patch.object(idempotency, "_earlier", side_effect=not_yet_there):
        second = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))

    assert len(looks) == 2
    assert second.status_code == 201
    assert second.json() == first.json()
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_a_key_older_than_a_day_is_free_again(teacher_client, slot, school_class):
    post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))
    Booking.objects.update(status=Booking.Status.CANCELLED)
    Slot.objects.filter(pk=slot.pk).update(booked_classes=0, booked_pupils=0)
    IdempotencyKey.objects.update(created_at=timezone.now() - idempotency.KEY_LIFETIME - dt.timedelta(minutes=1))

    again = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class))

    assert again.status_code == 201, again.content
    assert idempotency.REPLAYED_HEADER not in again.headers
    assert Booking.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.django_db
def test_the_hourly_cleanup_deletes_only_keys_older_than_a_day(teacher):
    now = timezone.now()
    for key, age in [("old", dt.timedelta(hours=25)), ("young", dt.timedelta(hours=23))]:
        IdempotencyKey.objects.create(user=teacher.user, key=key, fingerprint="f", created_at=now - age)

    assert idempotency_keys_expire() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["young"]


@pytest.mark.django_db
def test_the_cleanup_is_scheduled_hourly():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="core.tasks.idempotency_keys_expire")
    assert (schedule.schedule_type, schedule.repeats) == (Schedule.HOURLY, -1)


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "nøgle", "two words"])
def test_a_malformed_key_is_refused_with_400_and_creates_nothing(teacher_client, slot, school_class, key):
    response = post(teacher_client, "/api/v1/bookings/", booking_payload(slot, school_class), key=key)

    assert response.status_code == 400
    assert response.json()["code"] == idempotency.KEY_INVALID_CODE
    assert not Booking.objects.exists()


# The other kinds of creation, each retried once. -------------------------------------------------


@pytest.mark.django_db
def test_a_retried_offer_is_created_once(host, company):
    payload = {"company": company.pk, "kind": "expert_visit", "title": "Ingeniør på besøg", "description": "Vind."}

    answers = [post(client_for(host.user), "/api/v1/offers/", payload) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [201, 201], answers[0].content
    assert answers[0].json() == answers[1].json()
    assert Offer.objects.filter(title="Ingeniør på besøg").count() == 1


@pytest.mark.django_db
def test_a_retried_slot_and_slot_series_are_created_once(host, offer):
    client = client_for(host.user)
    start = at(school_day(), 10)
    series = {
        "offer": offer.pk,
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=2)).isoformat(),
        "rrule": "FREQ=WEEKLY;COUNT=3",
    }

    slots = [post(client, "/api/v1/slots/", {"offer": offer.pk, "start": start.isoformat()}, key="s") for _ in "12"]
    serieses = [post(client, "/api/v1/slots/series/", series, key="series") for _ in "12"]

    assert [answer.status_code for answer in slots + serieses] == [201] * 4, serieses[0].content
    assert slots[0].json() == slots[1].json()
    assert serieses[0].json() == serieses[1].json()
    assert Slot.objects.filter(offer=offer).count() == 1 + len(serieses[0].json())


@pytest.mark.django_db
def test_a_retried_class_is_created_once(teacher_client, school_class):
    payload = {"name": "9.Q", "grade": 9, "school_year": school_class.school_year, "pupils": 20}

    answers = [post(teacher_client, "/api/v1/classes/", payload) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert SchoolClass.objects.filter(name="9.Q").count() == 1


# The schema: every POST that creates something carries the header. -------------------------------

# POSTs that create something without answering 201: upserts answering 200 or 201, a match run's
# acceptance (it makes the adoptions).
CREATING_WITHOUT_201 = {"adoption_capacities_create", "adoption_wishes_create", "match_runs_accept_create"}
# POSTs that move an existing record on (or sign in): a repeat is refused by the record's state,
# or changes nothing more, so a retry cannot create anything twice.
TRANSITIONS = {
    "activities_status_create",
    "adoption_rounds_priorities_create",
    "adoptions_renewal_create",
    "auth_token_create",
    "bookings_attendance_create",
    "bookings_cancel_create",
    "bookings_confirm_create",
    "bookings_decline_create",
    "bookings_move_create",
    "calendar_feeds_reset_create",
    "open_day_hosts_attendance_create",
    "open_day_placements_move_create",
    "open_day_placements_remove_create",
    "open_day_runs_publish_create",
    "open_days_close_create",
    "openday_applications_erase_create",
    "openday_applications_withdraw_create",
    "slots_cancel_create",
}


def test_every_creating_post_documents_the_idempotency_key_and_no_other_does():
    """A new POST endpoint fails here until it is either idempotent (it creates something) or
    listed as a transition above."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    posts = {
        operation["operationId"]: operation for item in schema["paths"].values() if (operation := item.get("post"))
    }

    def documents_the_key(operation: dict) -> bool:
        return any(
            parameter["name"] == idempotency.HEADER and parameter["in"] == "header"
            for parameter in operation.get("parameters", [])
        )

    creating = {name for name, operation in posts.items() if "201" in operation["responses"]} | CREATING_WITHOUT_201
    assert not set(posts) - creating - TRANSITIONS, "each POST is either creating or a transition"
    assert not creating & TRANSITIONS
    assert sorted(name for name in creating if not documents_the_key(posts[name])) == []
    assert sorted(name for name in TRANSITIONS if documents_the_key(posts[name])) == []
    assert "bookings_create" in creating and "slots_series_create" in creating


# Two copies at once, on PostgreSQL (SQLite queues its writers, so there the copies never overlap). --


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL) for real concurrency")
def test_copies_sent_at_once_book_once_and_get_the_same_answer():
    """Eight copies of one request with one key, each on its own connection, released together:
    one booking, eight 201s with the same body."""
    import threading

    from django.db import connections

    teacher = factories.TeacherFactory()
    school_class = factories.SchoolClassFactory(school=teacher.school, grade=8, pupils=24)
    slot = factories.SlotFactory(capacity_classes=2, capacity_pupils=60)
    client_for(teacher.user)  # the token, made before the threads ask for it
    start = threading.Barrier(8)
    answers = []

    def send() -> None:
        try:
            client = client_for(teacher.user)
            start.wait()
            answers.append(post(client, "/api/v1/bookings/", booking_payload(slot, school_class)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answer.status_code for answer in answers) == [201] * 8, [a.content for a in answers]
    assert len({answer.content for answer in answers}) == 1
    assert Booking.objects.count() == 1
    assert sum(idempotency.REPLAYED_HEADER in answer.headers for answer in answers) == 7
