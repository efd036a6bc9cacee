"""Forms of the pages. Each parses input into a service's arguments; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

from core.validators import MAX_ID


class RefusesOverlongText:
    """A form whose text fields refuse over-long text with a message on the field.

    Django renders a field's max_length as the input's `maxlength`, and browsers enforce it by
    cutting pasted or filled-in text without a word: a 5,000-character name would arrive as its
    first 150 characters and be saved. Without the attribute the whole text reaches the form,
    which refuses it and says how long the field may be."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


def limit_length(field: forms.Field, max_length: int) -> None:
    """Bound a text field the model leaves unbounded (a TextField), with Django's message."""
    field.max_length = max_length
    field.validators.append(MaxLengthValidator(max_length))


class KeysChoiceField(forms.ModelMultipleChoiceField):
    """Rows chosen by their whole-number keys. A key no database column can hold (beyond BIGINT)
    is refused as an invalid choice before any query: the database cannot compare a key with
    such a number and would fail the whole page."""

    def _check_values(self, value: Any) -> Any:
        for key in value:
            text = str(key)
            if not text.isdigit() or int(text) > MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super()._check_values(value)
