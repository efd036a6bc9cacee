"""Forms of the pages. Each parses input into a service's arguments; the rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator


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
