"""Validators shared by every app: formats of Danish registry numbers, and the bounds that keep
ids and dates within what the database stores and what the domain means."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

cvr_validator = RegexValidator(r"^\d{8}$", _("A CVR number is exactly 8 digits."), code="invalid_cvr")
institution_number_validator = RegexValidator(
    r"^\d{6}$", _("An institution number is exactly 6 digits."), code="invalid_institution_number"
)

# The largest BIGINT, the type of every primary key: a larger id names no row, and PostgreSQL
# refuses to compare a BIGINT column with it rather than finding nothing.
MAX_ID = 2**63 - 1

# Dates the product deals in. Outside them arithmetic on dates overflows (9999-12-31 plus a day),
# and before 1900 time zones have local-mean-time offsets that are no valid RFC 3339 offset.
EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
DATE_OUT_OF_RANGE = _("Give a date between %(earliest)s and %(latest)s.")


def validate_date_in_range(value: dt.date | dt.datetime) -> None:
    """Refuses dates (and times) outside EARLIEST_DATE–LATEST_DATE, judged by the date as written."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


@deconstructible
class IntegerListRangeValidator:
    """Each number in a comma-separated list lies within [minimum, maximum]."""

    message = _("Each number must be between %(minimum)s and %(maximum)s.")
    code = "number_out_of_range"

    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum, self.maximum = minimum, maximum

    def __call__(self, value: str) -> None:
        for part in value.split(","):
            part = part.strip()
            if part.lstrip("-").isdigit() and not self.minimum <= int(part) <= self.maximum:
                raise ValidationError(
                    self.message, code=self.code, params={"minimum": self.minimum, "maximum": self.maximum}
                )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IntegerListRangeValidator) and (self.minimum, self.maximum) == (
            other.minimum,
            other.maximum,
        )
