"""Idempotency-Key for the API's POSTs that create something (draft-ietf-httpapi-idempotency-key-header).

A client that sends a POST with the header and loses the answer (a timeout, a dropped connection)
sends it again with the same key: the second request creates nothing and gets the first one's status
and body. The key is claimed, the creation made and the answer stored in one transaction, so two
copies of the request sent at once create one thing: the second waits on the first's unique key and
then replays its answer. The same key with another request (another body or endpoint) is refused
with 422. Keys belong to one user and live for KEY_LIFETIME.

Requests without the header pay one dictionary lookup: the booking hot path is unchanged."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY_LIFETIME = dt.timedelta(hours=24)

KEY_INVALID_CODE = "idempotency_key_invalid"
KEY_REUSED_CODE = "idempotency_key_reused"
KEY_INVALID = _("The Idempotency-Key header must be 1 to 255 visible ASCII characters.")
KEY_REUSED = _(
    "This Idempotency-Key was already used for another request. Use a new key for a new request, "
    "or send the same request again to get its answer."
)

KEY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique value per intended creation (e.g. a UUID), up to 255 visible ASCII characters. Sending "
        "the same request again with the same key within 24 hours creates nothing and returns the first "
        "answer's status and body (with the header Idempotent-Replayed: true). The same key with another "
        "body or endpoint is refused with 422 and the code idempotency_key_reused."
    ),
)

Handler = Callable[..., Response]


def idempotent(handler: Handler) -> Handler:
    """Make a view method (a viewset's create or a POST action) honour the Idempotency-Key header.
    Put it directly on the function, under @action and @extend_schema; the schema then documents
    the header (core.schema.AutoSchema looks for the mark)."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return handler(view, request, *args, **kwargs)
        if not _is_valid(key):
            return _refusal(KEY_INVALID, KEY_INVALID_CODE, status=400)
        return _run_once(request, key, lambda: handler(view, request, *args, **kwargs))

    wrapper.idempotent = True  # type: ignore[attr-defined]
    return wrapper


def _is_valid(key: str) -> bool:
    """Visible ASCII only: the key is compared byte for byte and shown in logs."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all("!" <= char <= "~" for char in key)


def _run_once(request: Request, key: str, handle: Callable[[], Response]) -> Response:
    fingerprint = request_fingerprint(request)
    earlier = _earlier(request, key)
    if earlier is not None:
        return _answer_again(earlier, fingerprint)
    try:
        with transaction.atomic():
            # Claimed before the work: a concurrent copy of this request blocks on the unique key
            # until this transaction ends, and then finds the stored answer.
            claim = IdempotencyKey.objects.create(
                user=request.user, key=key, fingerprint=fingerprint, created_at=timezone.now()
            )
            response = handle()
            if not 200 <= response.status_code < 300:
                # Nothing was created: forget the key with the rest, so a corrected retry may use it.
                transaction.set_rollback(True)
                return response
            claim.response_status = response.status_code
            claim.response_body = _as_json(response.data)
            claim.response_location = response.headers.get("Location", "")
            claim.save(update_fields=["response_status", "response_body", "response_location"])
            return response
    except IntegrityError:
        earlier = _earlier(request, key)
        if earlier is None:
            raise
        return _answer_again(earlier, fingerprint)


def _earlier(request: Request, key: str) -> IdempotencyKey | None:
    """The stored use of the key, if one is still alive; one that has outlived KEY_LIFETIME (and not
    yet been cleaned up) is deleted, so the key is free again as the header's lifetime promises."""
    earlier = IdempotencyKey.objects.filter(user=request.user, key=key).first()
    if earlier is not None and earlier.created_at <= timezone.now() - KEY_LIFETIME:
        IdempotencyKey.objects.filter(pk=earlier.pk, created_at=earlier.created_at).delete()
        return None
    return earlier


def _answer_again(earlier: IdempotencyKey, fingerprint: str) -> Response:
    if earlier.fingerprint != fingerprint:
        return _refusal(KEY_REUSED, KEY_REUSED_CODE, status=422)
    headers = {REPLAYED_HEADER: "true"}
    if earlier.response_location:
        headers["Location"] = earlier.response_location
    data = json.loads(earlier.response_body) if earlier.response_body else None
    return Response(data, status=earlier.response_status, headers=headers)


def _refusal(message: Any, code: str, *, status: int) -> Response:
    """The same shape as a domain error's answer (core.api.exception_handler)."""
    return Response({"detail": str(message), "code": code}, status=status)


def request_fingerprint(request: Request) -> str:
    """What makes two requests the same: method, path with query and the parsed body, with keys
    sorted so that a client re-serialising its JSON in another order still matches."""
    data = request.data
    if isinstance(data, QueryDict):
        data = {name: data.getlist(name) for name in data}
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    text = "\n".join([request.method or "", request.get_full_path(), body])
    return hashlib.sha256(text.encode()).hexdigest()


def _as_json(data: Any) -> str:
    """The response's data as the JSON renderer writes it (dates, decimals, lazy texts, keys in
    their order), so that the replay's body is the same text as the first answer's."""
    if data is None:
        return ""
    return JSONRenderer().render(data).decode()


def idempotency_keys_delete_expired() -> int:
    """Delete the keys that have outlived KEY_LIFETIME; run hourly by a django-q2 schedule."""
    deleted, _counts = IdempotencyKey.objects.filter(created_at__lte=timezone.now() - KEY_LIFETIME).delete()
    return deleted


class IdempotentCreateMixin:
    """For a viewset whose create is DRF's own (CreateModelMixin): list it first among the bases."""

    @idempotent
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().create(request, *args, **kwargs)  # type: ignore[misc]
