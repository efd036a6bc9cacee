"""Filter types shared by every API: numbers and dates bounded before they reach a query."""

from __future__ import annotations

import django_filters
from django import forms

from core.validators import MAX_ID, validate_date_in_range


class IntegerFilter(django_filters.NumberFilter):
    """A whole number within [min_value, max_value]; anything else answers 400 for the parameter."""

    field_class = forms.IntegerField

    def __init__(self, *args, min_value: int, max_value: int, **kwargs) -> None:
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)


class IdFilter(IntegerFilter):
    """The id of a row: a positive BIGINT. Larger numbers name no row and would make PostgreSQL fail."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class DateFilter(django_filters.DateFilter):
    """A date the product deals in (2000–2100), so that the day after it is always a date too."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, validators=[validate_date_in_range], **kwargs)
