"""Forms of the initiative catalogue: the consultant's initiative and the CSV import. They only
shape input; every rule is in overview.services.initiatives (a refusal lands on its field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from overview.models import Initiative, TargetGroup
from overview.services.initiatives import MAX_IMPORT_BYTES
from web.forms import RefusesOverlongText

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INITIATIVE_FIELDS = [
    "name",
    "owner",
    "geography",
    "region",
    "target_groups",
    "kind",
    "stem_focus",
    "description",
    "started_on",
    "ended_on",
    "lessons",
    "contact",
    "url",
]
FILE_TOO_BIG = _("The file is larger than %(max)s bytes; split it into smaller files.")


class HttpsURLField(forms.URLField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(assume_scheme="https", **kwargs)


class InitiativeForm(RefusesOverlongText, forms.Form):
    """Create or change an initiative."""

    def __init__(self, *args: Any, initiative: Initiative | None = None, **kwargs: Any) -> None:
        if initiative is not None:
            initial = {name: getattr(initiative, name) for name in INITIATIVE_FIELDS if name != "target_groups"}
            initial["target_groups"] = list(initiative.target_groups.all())
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields.update(
            fields_for_model(
                Initiative,
                fields=INITIATIVE_FIELDS,
                widgets={
                    "target_groups": forms.CheckboxSelectMultiple,
                    "started_on": DATE_INPUT,
                    "ended_on": DATE_INPUT,
                },
                # An address written without its scheme (www.example.dk) gets https://.
                field_classes={"url": HttpsURLField},
            )
        )
        # Target groups are chosen by their codes (slugs), never by a number the database must hold.
        self.fields["target_groups"].queryset = TargetGroup.objects.all()
        self.fields["kind"].choices = [("", "—"), *Initiative.Kind.choices]
        for field in self.fields.values():
            field.widget.attrs.pop("maxlength", None)


class InitiativeImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "The first line names the columns: name, owner and geography, and if you like region, "
            "target_groups, kind, stem_focus, description, started, ended, lessons, contact and url. "
            "Comma or semicolon separated, as Excel saves it."
        ),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(FILE_TOO_BIG, params={"max": MAX_IMPORT_BYTES})
        return file
