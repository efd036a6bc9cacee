"""Failed sign-ins counted in the shared cache, for django-axes (settings.AXES_HANDLER).

Two counters per attempt, never one by address alone: a school's teachers sign in from one
address, so one teacher's typos must not lock out her colleagues.
- the account from this address: AXES_FAILURE_LIMIT failures lock that account from that
  address for the cool-off (someone guessing from one place);
- the account from anywhere: SIGNIN_ACCOUNT_FAILURE_LIMIT failures lock the account everywhere
  for the cool-off (a guess spread over many addresses).
A counter lives for the cool-off after its last failure; a successful sign-in clears both.
The default cache is Redis in production, so every worker and host sees the same counts."""

from __future__ import annotations

import hashlib
import logging

from axes.handlers.base import AbstractAxesHandler, AxesBaseHandler
from axes.helpers import get_cache, get_cache_timeout, get_client_username, get_credentials
from axes.signals import user_locked_out
from django.conf import settings
from django.http import HttpRequest

log = logging.getLogger(__name__)


def _key(*parts: str) -> str:
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()
    return f"signin-failures:{digest}"


def failure_keys(*, username: str, address: str) -> list[tuple[str, int]]:
    """The cache keys an attempt counts under, each with the failures that lock it."""
    account = (username or "").strip().lower()
    return [
        (_key("account", account), settings.SIGNIN_ACCOUNT_FAILURE_LIMIT),
        (_key("account+address", account, address or ""), settings.AXES_FAILURE_LIMIT),
    ]


class SignInLockout(AbstractAxesHandler, AxesBaseHandler):
    """django-axes' handler interface over two cache counters with limits of their own (axes'
    own cache handler has one limit for all its counters, which makes the per-address one
    pointless beside the per-account one)."""

    def __init__(self) -> None:
        self.cache = get_cache()

    def _keys(self, request: HttpRequest, credentials: dict | None) -> list[tuple[str, int]]:
        username = get_client_username(request, credentials) or ""
        return failure_keys(username=username, address=request.axes_ip_address or "")

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        return max(self.cache.get(key, 0) for key, _limit in self._keys(request, credentials))

    def is_locked(self, request: HttpRequest, credentials: dict | None = None) -> bool:
        if not settings.AXES_LOCK_OUT_AT_FAILURE:
            return False
        return any(self.cache.get(key, 0) >= limit for key, limit in self._keys(request, credentials))

    def user_login_failed(self, sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
        if request is None:
            return
        username = get_client_username(request, credentials)
        if not username:
            return
        timeout = get_cache_timeout(request)
        locked = False
        for key, limit in self._keys(request, credentials):
            if self.cache.add(key, 1, timeout=timeout):
                count = 1
            else:
                try:
                    count = self.cache.incr(key)
                except ValueError:  # expired between add and incr
                    self.cache.set(key, 1, timeout=timeout)
                    count = 1
                self.cache.touch(key, timeout=timeout)
            locked = locked or count >= limit
        if locked and settings.AXES_LOCK_OUT_AT_FAILURE:
            log.warning("Sign-in locked for the cool-off after repeated failures.")
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send("axes", request=request, username=username, ip_address=request.axes_ip_address)

    def user_logged_in(self, sender, request: HttpRequest, user, **kwargs) -> None:
        if settings.AXES_RESET_ON_SUCCESS:
            credentials = get_credentials(user.get_username())
            self.cache.delete_many([key for key, _limit in self._keys(request, credentials)])

    def user_logged_out(self, sender, request: HttpRequest, user, **kwargs) -> None:
        """Signing out changes no counter."""

    def reset_attempts(
        self, *, ip_address: str | None = None, username: str | None = None, ip_or_username: bool = False
    ) -> int:
        """Clears one account's counters (`axes_reset_username`, an administrator helping someone
        in); the counters by address need the account too, so an address alone clears nothing."""
        if username is None:
            return 0
        keys = [key for key, _limit in failure_keys(username=username, address=ip_address or "")]
        if ip_address is None:
            keys = keys[:1]
        self.cache.delete_many(keys)
        return len(keys)
