"""The API refuses plain HTTP instead of redirecting it (OWASP ASVS 4.1.2): a script that follows
a redirect has already sent its token in the clear, and would go on doing so unnoticed. Pages
for people are redirected to HTTPS by Django's SecurityMiddleware, which comes after this."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

API_PREFIX = "/api/"


class RefusePlainHttpApi:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.exempt = [re.compile(pattern) for pattern in settings.SECURE_REDIRECT_EXEMPT]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.SECURE_SSL_REDIRECT
            and request.path.startswith(API_PREFIX)
            and not request.is_secure()
            and not any(pattern.search(request.path.lstrip("/")) for pattern in self.exempt)
        ):
            return JsonResponse({"detail": "Use HTTPS.", "code": "https_required"}, status=403)
        return self.get_response(request)
