"""API throttles count in the default cache (Redis in production) so a limit holds across
workers and hosts: anonymous clients by address, signed-in ones by user, the token endpoint by
the account it names (never by address alone). The health check is never throttled."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from accounts.api import TokenRequestThrottle
from tests import factories
from tests.conftest import client_for
from tests.live import redis_unreachable_reason
from tests.security.shared_cache import redis_location


@pytest.fixture
def rates(monkeypatch):
    """Small rates for the test (DRF reads them once, when its throttle classes are defined)."""
    small = {"anon": "3/minute", "user": "4/minute", "token": "2/minute"}
    for throttle in (SimpleRateThrottle, AnonRateThrottle, UserRateThrottle, TokenRequestThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", small)
    return small


def test_anonymous_requests_are_throttled_per_address(db, rates):
    """The fourth anonymous request in a minute from one address answers 429; another address is served."""
    answers = [Client(REMOTE_ADDR="192.0.2.1").get("/api/v1/offers/").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert Client(REMOTE_ADDR="192.0.2.2").get("/api/v1/offers/").status_code == 200


def test_signed_in_requests_are_throttled_per_user_not_per_address(db, rates):
    """Two teachers behind one school address each get their own allowance."""
    first, second = (client_for(factories.TeacherFactory().user) for _ in range(2))
    answers = [first.get("/api/v1/bookings/", REMOTE_ADDR="10.1.1.1").status_code for _ in range(5)]

    assert answers == [200, 200, 200, 200, 429]
    assert second.get("/api/v1/bookings/", REMOTE_ADDR="10.1.1.1").status_code == 200


def test_token_endpoint_is_throttled_per_account_named(db, rates):
    """Token requests for one account are limited from any address; another account's are not."""
    factories.UserFactory(username="lene", password="Fjordhest-2031")
    body = {"username": "lene", "password": "Fjordhest-2031"}
    answers = [
        Client(REMOTE_ADDR=f"198.51.100.{number}").post("/api/v1/auth/token/", body).status_code for number in range(3)
    ]
    other = Client(REMOTE_ADDR="198.51.100.1").post("/api/v1/auth/token/", {"username": "mads", "password": "x"})

    assert answers == [200, 200, 429]
    assert other.status_code == 400


def test_health_check_is_never_throttled(db, rates):
    """A load balancer's ping from one address is always answered."""
    assert {Client().get("/api/v1/ping/").status_code for _ in range(6)} == {200}


def test_throttle_counts_are_shared_through_redis_between_hosts(db, rates, monkeypatch):
    """Two app hosts with their own Redis connections share one allowance for a client."""
    if reason := redis_unreachable_reason():
        pytest.skip(reason)
    location = redis_location()
    hosts = [RedisCache(location, {}), RedisCache(location, {})]
    hosts[0].clear()
    answers = []
    try:
        for number in range(4):
            monkeypatch.setattr(SimpleRateThrottle, "cache", hosts[number % 2])
            answers.append(Client(REMOTE_ADDR="192.0.2.9").get("/api/v1/offers/").status_code)
    finally:
        hosts[0].clear()

    assert answers == [200, 200, 200, 429]
    assert caches["default"] is not hosts[0]


def test_a_throttled_answer_is_wholly_in_danish_for_a_danish_client(db, rates):
    """The 429's detail says in Danish when to try again, not half Danish and half English (DRF's
    own Danish catalogue lacks the "Expected available in …" sentence)."""
    client = Client(REMOTE_ADDR="192.0.2.9", HTTP_ACCEPT_LANGUAGE="da")
    answers = [client.get("/api/v1/offers/") for _ in range(4)]

    assert answers[-1].status_code == 429
    assert "Expected" not in answers[-1].json()["detail"]
    assert "sekund" in answers[-1].json()["detail"]
