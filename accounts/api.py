"""The API's token endpoint: a user name and password in, a new API key out.

Replaces DRF's obtain_auth_token, whose keys are stored as they are and never expire. The
request goes through django-axes like the sign-in page (accounts/lockout.py) and is throttled
per account it names, in the shared cache."""

from __future__ import annotations

import hashlib

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts import services

WRONG_CREDENTIALS = _("Unable to sign in with the user name and password given.")
LOCKED = _("Too many failed attempts to sign in to this account. Try again later.")


class TokenRequestThrottle(SimpleRateThrottle):
    """Token requests per account named (rate "token"), from any address: never by address
    alone, since a school's teachers share one."""

    scope = "token"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        username = str(request.data.get("username", "")).strip().lower() if hasattr(request, "data") else ""
        if not username:
            return None
        return self.cache_format % {"scope": self.scope, "ident": hashlib.sha256(username.encode()).hexdigest()}


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class ObtainTokenView(APIView):
    """POST a user name and password; the answer holds a new API key, valid for
    settings.API_TOKEN_DAYS days, shown this once. Send it as `Authorization: Token <key>`."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenRequestThrottle]

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        # The underlying HttpRequest: django-axes records its counts and lockout flag there.
        user = authenticate(
            request=request._request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                raise exceptions.Throttled(detail=LOCKED)
            raise exceptions.ValidationError({"non_field_errors": [WRONG_CREDENTIALS]}, code="authorization")
        return Response({"token": services.api_token_issue(user=user)}, status=status.HTTP_200_OK)
