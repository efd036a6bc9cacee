"""What every API shares: pagination, the domain-error handler and strict field types."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from core.validators import validate_date_in_range

NOT_ALLOWED_CODE = "not_allowed"


class Pagination(pagination.PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200


class AwareDateTimeField(serializers.DateTimeField):
    """Refuses times without a UTC offset: "10:00" alone is ambiguous around a DST switch; and
    times outside the years the product deals in (core.validators.validate_date_in_range)."""

    default_error_messages = {
        "naive": _("Give the time with its UTC offset, e.g. 2027-03-30T10:00:00+02:00."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["validators"] = [validate_date_in_range, *kwargs.get("validators", [])]
        super().__init__(*args, **kwargs)

    def to_internal_value(self, value: Any) -> dt.datetime:
        if isinstance(value, str):
            try:
                parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is None:
                self.fail("naive")
        return super().to_internal_value(value)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus: domain errors become 400 with a stable `code` (and the field they
    concern, if any); model validation errors become 400 with messages per field."""
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body[exc.field] = [str(exc.message)]
        return Response(body, status=403 if exc.code == NOT_ALLOWED_CODE else 400)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, ProtectedError):
        exc = exceptions.ValidationError(
            {"non_field_errors": [_("It cannot be deleted while other records refer to it.")]}
        )
    if isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError({"non_field_errors": [_("The change conflicts with existing data.")]})
    return drf_exception_handler(exc, context)
