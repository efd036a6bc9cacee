"""Forms of open days: the consultant's day and a company's host registration. They only shape
input; every rule is in opendays.services (a refusal lands next to the field it names)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import fields_for_model

from companies.models import Company, RoleModel
from core.models import Municipality
from opendays.models import Host, OpenDay
from web.forms import KeysChoiceField, RefusesOverlongText

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

DAY_FIELDS = [
    "title",
    "description",
    "date",
    "municipalities",
    "age_min",
    "age_max",
    "grade_min",
    "grade_max",
    "gender_focus",
    "applications_open",
    "applications_close",
    "preferences",
    "outlying_municipalities",
    "weight_first_time",
    "weight_outlying",
    "offer_hours",
    "survey_closes",
    "retention_days",
]
DAY_WIDGETS = {
    "date": DATE_INPUT,
    "survey_closes": DATE_INPUT,
    "applications_open": DATETIME_INPUT,
    "applications_close": DATETIME_INPUT,
    "municipalities": forms.CheckboxSelectMultiple,
    "outlying_municipalities": forms.CheckboxSelectMultiple,
}
HOST_FIELDS = [
    "places",
    "starts_at",
    "ends_at",
    "programme",
    "address",
    "postcode",
    "city",
    "role_models",
    "role_models_text",
    "age_min",
    "safety_notes",
]


def _without_maxlength(fields: dict[str, forms.Field]) -> None:
    """Fields added after RefusesOverlongText's __init__ lose `maxlength` here (see its docstring)."""
    for field in fields.values():
        field.widget.attrs.pop("maxlength", None)


class OpenDayForm(RefusesOverlongText, forms.Form):
    """Create or change an open day, in municipalities of the consultant's area."""

    def __init__(
        self, *args: Any, municipalities: QuerySet[Municipality], open_day: OpenDay | None = None, **kwargs: Any
    ) -> None:
        if open_day is not None:
            initial = {name: getattr(open_day, name) for name in DAY_FIELDS if "municipalities" not in name}
            initial["municipalities"] = list(open_day.municipalities.all())
            initial["outlying_municipalities"] = list(open_day.outlying_municipalities.all())
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                OpenDay,
                fields=DAY_FIELDS,
                widgets=DAY_WIDGETS,
                field_classes={"municipalities": KeysChoiceField, "outlying_municipalities": KeysChoiceField},
            )
        )
        for name in ("municipalities", "outlying_municipalities"):
            self.fields[name].queryset = municipalities.order_by("name")
        self.fields["outlying_municipalities"].required = False
        # "—" for no grade, as on the apply forms, not Django's "---------".
        for name in ("grade_min", "grade_max"):
            self.fields[name].choices = [("", "—"), *self.fields[name].choices[1:]]
        _without_maxlength(self.fields)


class HostForm(RefusesOverlongText, forms.Form):
    """Register a company as a host, or change the registration. Address left empty: the company's."""

    def __init__(self, *args: Any, company: Company, host: Host | None = None, **kwargs: Any) -> None:
        if host is not None:
            initial = {name: getattr(host, name) for name in HOST_FIELDS if name != "role_models"}
            initial["role_models"] = list(host.role_models.all())
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Host,
                fields=HOST_FIELDS,
                widgets={
                    "starts_at": TIME_INPUT,
                    "ends_at": TIME_INPUT,
                    "role_models": forms.CheckboxSelectMultiple,
                },
                field_classes={"role_models": KeysChoiceField},
            )
        )
        self.fields["role_models"].queryset = RoleModel.objects.filter(company=company).order_by("name")
        for name in ("address", "postcode", "city"):
            self.fields[name].required = False
        _without_maxlength(self.fields)
