"""What a locked sign-in answers (settings.AXES_LOCKOUT_CALLABLE): the page for people, a JSON
error for the API's token endpoint, both with status 429 and without saying whether the
account exists."""

from __future__ import annotations

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def locked_out(request: HttpRequest, response: HttpResponse | None = None, credentials: dict | None = None):
    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    if request.path.startswith("/api/"):
        detail = _("Too many failed attempts to sign in to this account. Try again later.")
        return JsonResponse({"detail": detail, "code": "signin_locked"}, status=429)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
