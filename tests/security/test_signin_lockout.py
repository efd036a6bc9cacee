"""Failed sign-ins lock an account for a cool-off, counted by account from one address and by
account from anywhere, never by address alone: a school's teachers share one address, so one
teacher's typos must not lock her colleagues out. The same holds for the API's token endpoint,
and the counts live in the shared cache (Redis in production)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import Client, override_settings
from django.utils import timezone

from accounts.lockout import SignInLockout, failure_keys
from tests import factories
from tests.live import redis_unreachable_reason
from tests.security.shared_cache import redis_location

PASSWORD = "Fjordhest-2031"
SCHOOL_ADDRESS = "10.20.30.40"


@pytest.fixture
def teacher_user(db):
    return factories.UserFactory(username="lene", password=PASSWORD)


@pytest.fixture
def colleague(db):
    return factories.UserFactory(username="mads", password=PASSWORD)


def sign_in(username: str, password: str, address: str = SCHOOL_ADDRESS):
    return Client(REMOTE_ADDR=address).post("/login/", {"username": username, "password": password})


def fail(username: str, times: int, address: str = SCHOOL_ADDRESS) -> None:
    """Wrong passwords; the one that reaches a limit already answers 429."""
    for _ in range(times):
        assert sign_in(username, "wrong", address).status_code in (200, 429)


def test_correct_password_signs_in(teacher_user):
    """The plain case still works: the right password redirects to the home page."""
    assert sign_in("lene", PASSWORD).status_code == 302


def test_five_failures_from_one_address_lock_that_account_there_for_the_cool_off(teacher_user):
    """After 5 wrong passwords from the school's address even the right one answers 429 there."""
    fail("lene", 5)

    locked = sign_in("lene", PASSWORD)

    assert locked.status_code == 429
    assert (
        "Try again in 15 minutes."
        in Client(REMOTE_ADDR=SCHOOL_ADDRESS, HTTP_ACCEPT_LANGUAGE="en")
        .post("/login/", {"username": "lene", "password": PASSWORD})
        .content.decode()
    )


def test_lockout_of_one_teacher_leaves_her_colleagues_at_the_same_address_alone(teacher_user, colleague):
    """A locked account from the school's address does not lock the address: a colleague signs in."""
    fail("lene", 6)

    assert sign_in("mads", PASSWORD).status_code == 302


def test_account_locked_from_one_address_still_signs_in_from_another(teacher_user):
    """Five failures at school lock the account there only: from home it signs in."""
    fail("lene", 5)

    assert sign_in("lene", PASSWORD, address="192.0.2.7").status_code == 302


def test_failures_spread_over_many_addresses_lock_the_account_everywhere(teacher_user):
    """20 failures from 20 addresses (a guess spread out) lock the account from any address."""
    for number in range(20):
        fail("lene", 1, address=f"198.51.100.{number}")

    assert sign_in("lene", PASSWORD, address="203.0.113.9").status_code == 429


def test_lockout_ends_after_the_cool_off(teacher_user):
    """15 minutes after the last failure the account signs in again."""
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail("lene", 5)
        assert sign_in("lene", PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=16))

        assert sign_in("lene", PASSWORD).status_code == 302


def test_successful_sign_in_clears_the_failures(teacher_user):
    """Four typos, then the right password: the count starts over, so four more typos lock nothing."""
    fail("lene", 4)
    assert sign_in("lene", PASSWORD).status_code == 302
    fail("lene", 4)

    assert sign_in("lene", PASSWORD).status_code == 302


def test_token_endpoint_locks_like_the_sign_in_page(teacher_user, colleague):
    """Five wrong passwords at the token endpoint: the sixth request answers 429 in JSON, even with
    the right password; a colleague at the same address gets her token."""
    client = Client(REMOTE_ADDR=SCHOOL_ADDRESS)
    answers = [client.post("/api/v1/auth/token/", {"username": "lene", "password": "wrong"}) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [400, 400, 400, 400, 429]

    locked = client.post("/api/v1/auth/token/", {"username": "lene", "password": PASSWORD})
    other = client.post("/api/v1/auth/token/", {"username": "mads", "password": PASSWORD})

    assert locked.status_code == 429 and "token" not in locked.json()
    assert other.status_code == 200 and other.json()["token"]


def test_failures_at_the_token_endpoint_and_the_page_add_up(teacher_user):
    """Three failures on the page and two at the token endpoint lock the account from that address."""
    fail("lene", 3)
    client = Client(REMOTE_ADDR=SCHOOL_ADDRESS)
    for _ in range(2):
        client.post("/api/v1/auth/token/", {"username": "lene", "password": "wrong"})

    assert sign_in("lene", PASSWORD).status_code == 429


def test_client_address_behind_the_proxy_is_the_forwarded_one(teacher_user):
    """Behind one proxy every request comes from the proxy's address: the lockout counts the
    address the proxy forwarded, so a teacher at home is not locked by her school's failures."""
    with override_settings(TRUSTED_PROXY_COUNT=1):
        for _ in range(5):
            Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=SCHOOL_ADDRESS).post(
                "/login/", {"username": "lene", "password": "wrong"}
            )
        from_home = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.7").post(
            "/login/", {"username": "lene", "password": PASSWORD}
        )

    assert from_home.status_code == 302


def test_counts_are_shared_through_redis_between_hosts(db, settings):
    """Two app hosts (two handlers, two Redis connections) see the same failures: four on one and
    one on the other lock the account from that address."""
    if reason := redis_unreachable_reason():
        pytest.skip(reason)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_location()},
    }
    caches["default"].clear()
    try:
        first, second = SignInLockout(), SignInLockout()
        # The second host's own connection, not the first one's cache object.
        second.cache = RedisCache(redis_location(), {})
        request = _request()
        for _ in range(4):
            first.user_login_failed(None, {"username": "lene"}, request)
        second.user_login_failed(None, {"username": "lene"}, _request())

        assert SignInLockout().is_locked(_request(), {"username": "lene"})
        assert not SignInLockout().is_locked(_request(address="192.0.2.7"), {"username": "lene"})
    finally:
        caches["default"].clear()


def _request(address: str = SCHOOL_ADDRESS):
    from django.test import RequestFactory

    request = RequestFactory().post("/login/", REMOTE_ADDR=address)
    request.axes_ip_address = address
    request.axes_locked_out = False
    request.axes_user_agent = ""
    request.axes_path_info = "/login/"
    return request


def test_keys_never_count_by_address_alone():
    """Every counter names the account: none is the address by itself."""
    keys = [key for key, _limit in failure_keys(username="lene", address=SCHOOL_ADDRESS)]
    other_account = [key for key, _limit in failure_keys(username="mads", address=SCHOOL_ADDRESS)]

    assert not set(keys) & set(other_account)


def test_lockout_page_speaks_danish(teacher_user):
    """The Danish page names the cool-off in minutes."""
    fail("lene", 5)

    page = Client(REMOTE_ADDR=SCHOOL_ADDRESS, HTTP_ACCEPT_LANGUAGE="da").post(
        "/login/", {"username": "lene", "password": PASSWORD}
    )

    assert page.status_code == 429
    assert "Prøv igen om 15 minutter." in page.content.decode()
