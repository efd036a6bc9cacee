"""Who may do what, endpoint by endpoint: a matrix of roles × endpoints × actions.

Something a user may not see answers 404, exactly like something that does not exist."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from bookings import services
from bookings.models import Booking
from core.dates import school_year_of
from tests import factories
from tests.conftest import client_for
from tests.dates import at, school_day, today

ROLES = ["anonymous", "teacher", "other_teacher", "host", "other_host", "consultant"]


@pytest.fixture
def world(teacher, other_teacher, school_class, other_class, host, other_host, consultant, offer, slot):
    """One booking by `teacher` on `host`'s offer, one draft offer, one waitlisted booking."""
    draft = factories.OfferFactory(company=host.company, is_published=False, title="Kladde")
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    small = factories.SlotFactory(offer=offer, capacity_classes=1, start=slot.start + dt.timedelta(days=3))
    services.booking_create(actor=other_teacher.user, slot_id=small.pk, school_class_id=other_class.pk, pupils=20)
    waiting = services.booking_create(actor=teacher.user, slot_id=small.pk, school_class_id=school_class.pk, pupils=20)
    users = {
        "teacher": teacher.user,
        "other_teacher": other_teacher.user,
        "host": host.user,
        "other_host": other_host.user,
        "consultant": consultant,
    }
    return {
        "users": users,
        "booking": booking,
        "waiting": waiting,
        "draft": draft,
        "offer": offer,
        "slot": slot,
        "class": school_class,
        "other_class": other_class,
        "company": host.company,
    }


def client(world, role: str) -> APIClient:
    return APIClient() if role == "anonymous" else client_for(world["users"][role])


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


READ_MATRIX = [
    # (url, role, expected status)
    ("/api/v1/bookings/{booking}/", "anonymous", 401),
    ("/api/v1/bookings/{booking}/", "teacher", 200),
    ("/api/v1/bookings/{booking}/", "other_teacher", 404),
    ("/api/v1/bookings/{booking}/", "host", 200),
    ("/api/v1/bookings/{booking}/", "other_host", 404),
    ("/api/v1/bookings/{booking}/", "consultant", 200),
    ("/api/v1/classes/{class}/", "anonymous", 401),
    ("/api/v1/classes/{class}/", "teacher", 200),
    ("/api/v1/classes/{class}/", "other_teacher", 404),
    ("/api/v1/classes/{class}/", "host", 404),
    ("/api/v1/classes/{class}/", "consultant", 200),
    ("/api/v1/offers/{draft}/", "anonymous", 404),
    ("/api/v1/offers/{draft}/", "teacher", 404),
    ("/api/v1/offers/{draft}/", "host", 200),
    ("/api/v1/offers/{draft}/", "other_host", 404),
    ("/api/v1/offers/{draft}/", "consultant", 200),
    ("/api/v1/offers/{offer}/", "anonymous", 200),
    ("/api/v1/slots/{slot}/", "anonymous", 200),
    ("/api/v1/companies/{company}/", "anonymous", 200),
    ("/api/v1/schools/", "anonymous", 401),
    ("/api/v1/schools/", "teacher", 200),
    ("/api/v1/waitlist/{waiting}/", "anonymous", 401),
    ("/api/v1/waitlist/{waiting}/", "teacher", 200),
    ("/api/v1/waitlist/{waiting}/", "other_teacher", 404),
    ("/api/v1/waitlist/{waiting}/", "host", 200),
    ("/api/v1/waitlist/{waiting}/", "other_host", 404),
]


def url_for(world, template: str) -> str:
    return template.format(**{key: getattr(value, "pk", None) for key, value in world.items() if key != "users"})


@pytest.mark.parametrize(("url", "role", "expected"), READ_MATRIX)
def test_read_access(world, url, role, expected):
    assert client(world, role).get(url_for(world, url)).status_code == expected


@pytest.mark.parametrize(
    ("role", "sees_booking"),
    [("teacher", True), ("other_teacher", False), ("host", True), ("other_host", False), ("consultant", True)],
)
def test_booking_list_is_scoped(world, role, sees_booking):
    response = client(world, role).get("/api/v1/bookings/")

    assert response.status_code == 200
    assert (world["booking"].pk in ids(response)) is sees_booking


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("teacher", {"class"}),
        ("other_teacher", {"other_class"}),
        ("host", set()),
        ("consultant", {"class", "other_class"}),
    ],
)
def test_class_list_is_scoped(world, role, visible):
    response = client(world, role).get("/api/v1/classes/")

    assert ids(response) == {world[name].pk for name in visible}


@pytest.mark.parametrize(
    ("role", "sees_draft"), [("anonymous", False), ("teacher", False), ("host", True), ("other_host", False)]
)
def test_offer_list_hides_drafts_from_outsiders(world, role, sees_draft):
    response = client(world, role).get("/api/v1/offers/")

    assert world["offer"].pk in ids(response)
    assert (world["draft"].pk in ids(response)) is sees_draft


ACTION_MATRIX = [
    # (role, action, expected status) on the teacher's confirmed/requested booking
    ("anonymous", "confirm", 401),
    ("teacher", "confirm", 403),
    ("other_teacher", "confirm", 404),
    ("other_host", "confirm", 404),
    ("host", "confirm", 200),
    ("consultant", "confirm", 200),
    ("teacher", "decline", 403),
    ("host", "decline", 200),
    ("other_teacher", "cancel", 404),
    ("other_host", "cancel", 404),
    ("teacher", "cancel", 200),
    ("host", "cancel", 200),
]


@pytest.mark.parametrize(("role", "action", "expected"), ACTION_MATRIX)
def test_booking_actions(world, role, action, expected):
    booking = world["booking"]
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.REQUESTED)

    response = client(world, role).post(f"/api/v1/bookings/{booking.pk}/{action}/", {}, format="json")

    assert response.status_code == expected, response.content
    booking.refresh_from_db()
    assert (booking.status != Booking.Status.REQUESTED) is (expected == 200)


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("teacher", 403), ("other_host", 400), ("host", 201), ("consultant", 201)],
)
def test_offer_create_only_for_own_company(world, role, expected):
    payload = {
        "company": world["company"].pk,
        "kind": "expert_visit",
        "title": "Ingeniør på besøg",
        "description": "En ingeniør fortæller om vindmøller.",
        "subjects": ["physics-chemistry"],
    }

    response = client(world, role).post("/api/v1/offers/", payload, format="json")

    assert response.status_code == expected, response.content


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 401), ("teacher", 403), ("other_host", 403), ("host", 200)]
)
def test_offer_update_only_by_own_company(world, role, expected):
    response = client(world, role).patch(f"/api/v1/offers/{world['offer'].pk}/", {"title": "Nyt navn"}, format="json")

    assert response.status_code == expected
    world["offer"].refresh_from_db()
    assert (world["offer"].title == "Nyt navn") is (expected == 200)


@pytest.mark.parametrize(
    ("role", "expected"), [("anonymous", 401), ("teacher", 403), ("other_host", 403), ("host", 200)]
)
def test_slot_update_only_by_own_company(world, role, expected):
    response = client(world, role).patch(f"/api/v1/slots/{world['slot'].pk}/", {"capacity_classes": 5}, format="json")

    assert response.status_code == expected


@pytest.mark.parametrize(("role", "expected"), [("teacher", 400), ("other_host", 400), ("host", 201)])
def test_slot_create_only_on_own_offers(world, role, expected):
    payload = {"offer": world["offer"].pk, "start": at(school_day(), 10).isoformat()}

    response = client(world, role).post("/api/v1/slots/", payload, format="json")

    assert response.status_code == (403 if role == "teacher" else expected)


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("teacher", 201), ("host", 403)])
def test_class_create_only_by_teachers_for_their_school(world, role, expected):
    payload = {"name": "9.C", "grade": 9, "school_year": school_year_of(today()), "pupils": 23}

    response = client(world, role).post("/api/v1/classes/", payload, format="json")

    assert response.status_code == expected
    if expected == 201:
        assert response.json()["school"] == world["class"].school_id


def test_companies_cannot_be_changed_through_the_api(world):
    response = client(world, "host").patch(f"/api/v1/companies/{world['company'].pk}/", {"name": "X"}, format="json")

    assert response.status_code == 405


def test_booking_link_in_e_mails_opens_the_booking_only_for_those_allowed(world, client):
    url = f"/bookings/{world['booking'].pk}/"

    assert client.get(url).status_code == 302  # to the sign-in page
    for role, expected in [("teacher", 200), ("host", 200), ("other_teacher", 404), ("other_host", 404)]:
        client.force_login(world["users"][role])
        assert client.get(url).status_code == expected, role
