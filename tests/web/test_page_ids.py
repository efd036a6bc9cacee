"""Ids in page addresses: any number of digits reaches the URL resolver, and a number the
database cannot hold must answer 404 like any other id that does not exist, never a 500."""

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # more than 2**64
JUST_TOO_BIG = str(2**63)


@pytest.fixture
def staff_client(consultant) -> Client:
    """Someone who sees everything, so a 404 can only come from the id itself."""
    client = Client(raise_request_exception=False)
    client.force_login(consultant)
    return client


@pytest.mark.parametrize("number", [HUGE, JUST_TOO_BIG])
@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("get", "/offers/{}/"),
        ("get", "/classes/{}/"),
        ("get", "/bookings/{}/"),
        ("get", "/bookings/{}/cancel/"),
        ("post", "/bookings/{}/cancel/"),
        ("post", "/bookings/{}/move/"),
        ("post", "/bookings/{}/confirm/"),
        ("post", "/bookings/{}/decline/"),
        ("get", "/host/offers/{}/"),
        ("get", "/host/offers/{}/edit/"),
        ("post", "/host/offers/{}/slots/"),
        ("post", "/host/offers/{}/series/"),
        ("get", "/host/offers/{}/participants.csv"),
        ("post", "/host/slots/{}/cancel/"),
        ("get", "/host/slots/{}/edit/"),
        ("post", "/host/slots/{}/delete/"),
        ("post", "/calendar/{}/reset/"),
        ("get", "/plans/{}/"),
        ("get", "/plans/{}/edit/"),
        ("get", "/plans/{}/print/"),
        ("get", "/plans/{}/plan.ics"),
        ("get", "/plans/{}/activities/new/"),
        ("get", "/activities/{}/edit/"),
        ("post", "/activities/{}/delete/"),
        ("get", "/activities/{}/book/"),
        ("post", "/adoptions/{}/renewal/"),
    ],
)
def test_huge_id_in_a_page_address_is_404(staff_client, method, template, number):
    response = getattr(staff_client, method)(template.format(number))

    assert response.status_code == 404


def test_calendar_reset_of_a_feed_that_does_not_exist_is_404(staff_client):
    assert staff_client.post("/calendar/999999/reset/").status_code == 404


@pytest.mark.parametrize("path", [f"/bookings/{JUST_TOO_BIG}/", f"/offers/{HUGE}/", f"/calendar/{HUGE}/reset/"])
def test_an_id_beyond_the_database_range_matches_no_page(path):
    """The id converter refuses what no 64-bit key can be, before any view or query runs."""
    with pytest.raises(Resolver404):
        resolve(path)


def test_the_largest_id_still_matches():
    assert resolve(f"/bookings/{2**63 - 1}/").kwargs == {"booking_id": 2**63 - 1}
