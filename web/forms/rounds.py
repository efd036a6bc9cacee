"""Forms of the adoption round pages. They turn input into the arguments of
adoptions.services.rounds; the rules live in the services, which refuse with the field they
concern, and the pages show that refusal next to the field."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from adoptions.models import (
    MAX_ACTIVITIES_PER_MONTH,
    MAX_ADOPTED_CLASSES,
    MAX_TRAVEL_KM,
    MAX_WEIGHT,
    MAX_WISHES,
    AdoptionRound,
    CompanyCapacity,
    Weekday,
)
from adoptions.services.rounds import MAX_NOTES, MAX_TITLE, MAX_YEARS_AHEAD, STATUS_CHANGES
from companies.models import Company
from core.dates import school_year_label
from core.models import Municipality, Sector
from core.validators import MAX_ID, validate_date_in_range
from schools.models import MAX_CLASS_PUPILS, Grade, School, SchoolClass
from web.forms import RefusesOverlongText

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RowsField(forms.ModelMultipleChoiceField):
    """Rows chosen by id. A value that is no whole number a key can hold is refused before any
    query: the database cannot compare a key with a number beyond BIGINT in an IN list."""

    def _check_values(self, value: Iterable[Any]) -> QuerySet:
        for key in value:
            try:
                number = int(str(key))
            except ValueError:
                number = 0
            if not 0 < number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": key}
                )
        return super()._check_values(value)


def _bounded(label: str, low: int, high: int, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=low, max_value=high, **kwargs)


def _notes() -> forms.CharField:
    return forms.CharField(label=_("Notes"), required=False, max_length=MAX_NOTES, widget=forms.Textarea)


def _deadline() -> forms.DateField:
    return forms.DateField(
        label=_("Deadline for capacity and wishes"),
        required=False,
        widget=DATE_INPUT,
        validators=[validate_date_in_range],
        help_text=_("After it, only the consultant changes capacity and wishes. Empty: no deadline."),
    )


# Rounds -------------------------------------------------------------------------------------


class RoundForm(RefusesOverlongText, forms.Form):
    """Open a round: title, school year, area, deadline."""

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    school_year = forms.TypedChoiceField(label=_("School year"), coerce=int)
    municipalities = RowsField(
        label=_("Area (municipalities)"),
        queryset=Municipality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    wishes_deadline = _deadline()

    def __init__(self, *args: Any, current_year: int, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(current_year, current_year + MAX_YEARS_AHEAD + 1)
        self.fields["school_year"].choices = [(year, school_year_label(year)) for year in years]
        self.fields["school_year"].initial = current_year + 1
        self.fields["municipalities"].queryset = municipalities.order_by("name")


class RoundEditForm(RefusesOverlongText, forms.Form):
    """Change a round's title and deadline, and move it on to the status that makes sense next."""

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE)
    wishes_deadline = _deadline()
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args: Any, round: AdoptionRound, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"title": round.title, "wishes_deadline": round.wishes_deadline, "status": round.status}
        )
        super().__init__(*args, **kwargs)
        reachable = [round.status, *sorted(STATUS_CHANGES[round.status])]
        self.fields["status"].choices = [(status, AdoptionRound.Status(status).label) for status in reachable]
        self.fields["status"].help_text = _(
            "Collecting: companies and teachers state capacity and wishes. Matching: they can no longer "
            "change them while you run the matching. Closed: the round is history. A round becomes "
            "accepted when you accept a matching run's proposal."
        )


class PrioritiesForm(forms.Form):
    """Who is adopted first when capacity is short, and by how much."""

    outlying_municipalities = RowsField(
        label=_("Outlying municipalities"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Schools here get the outlying-municipality priority."),
    )
    grey_zone_schools = RowsField(
        label=_("Grey-zone schools"),
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_('Schools flagged for "grey zone" pupils, who are unsure of any education after school.'),
    )
    weight_outlying = _bounded(
        _("Weight: outlying municipality (km)"),
        0,
        MAX_WEIGHT,
        help_text=_(
            "A class at a school in an outlying municipality counts as if its company were this many km "
            "closer. It only decides who is adopted when there are not enough places for every class."
        ),
    )
    weight_never_adopted = _bounded(
        _("Weight: class never adopted (km)"),
        0,
        MAX_WEIGHT,
        help_text=_("A class that has never had a company counts as if its company were this many km closer."),
    )
    weight_grey_zone = _bounded(
        _("Weight: grey-zone school (km)"),
        0,
        MAX_WEIGHT,
        help_text=_("A class at a grey-zone school counts as if its company were this many km closer."),
    )

    def __init__(self, *args: Any, round: AdoptionRound, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "outlying_municipalities": list(round.outlying_municipalities.all()),
                "grey_zone_schools": list(round.grey_zone_schools.all()),
                "weight_outlying": round.weight_outlying,
                "weight_never_adopted": round.weight_never_adopted,
                "weight_grey_zone": round.weight_grey_zone,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["outlying_municipalities"].queryset = round.municipalities.order_by("name")
        self.fields["grey_zone_schools"].queryset = School.objects.filter(
            municipality__in=round.municipalities.all()
        ).order_by("name")


# Capacity and wishes ------------------------------------------------------------------------


GRADES = [(grade.value, grade.label) for grade in Grade]


class CapacityForm(RefusesOverlongText, forms.Form):
    """A company's capacity in a round."""

    classes = _bounded(_("Classes to adopt"), 1, MAX_ADOPTED_CLASSES, initial=1)
    grade_min = forms.TypedChoiceField(label=_("Lowest grade"), choices=GRADES, coerce=int, initial=Grade.G8)
    grade_max = forms.TypedChoiceField(label=_("Highest grade"), choices=GRADES, coerce=int, initial=Grade.G9)
    max_travel_km = _bounded(
        _("Longest distance (km)"),
        1,
        MAX_TRAVEL_KM,
        initial=40,
        help_text=_("How far from the company's address a school may be."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays that suit"),
        choices=[(day.value, capfirst(day.label)) for day in Weekday],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any school day."),
    )
    activities_per_month = _bounded(
        _("Activities a month"),
        1,
        MAX_ACTIVITIES_PER_MONTH,
        initial=4,
        help_text=_("How many activities a month the company can host, across adoptions and ordinary visits."),
    )
    notes = _notes()

    def __init__(self, *args: Any, capacity: CompanyCapacity | None = None, **kwargs: Any) -> None:
        if capacity is not None:
            kwargs.setdefault("initial", {name: getattr(capacity, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        """Checks the grade range early, to show it with the other field errors; capacity_set
        refuses a reversed range itself."""
        data = super().clean()
        low, high = data.get("grade_min"), data.get("grade_max")
        if low is not None and high is not None and low > high:
            self.add_error("grade_max", _("The highest grade must not be below the lowest."))
        return data


CHOICE_FIELDS = [f"choice_{rank}" for rank in range(1, MAX_WISHES + 1)]


class WishForm(RefusesOverlongText, forms.Form):
    """A class's wishes: up to five choices in order of preference, each a company with capacity
    in the round or a sector; the longest travel; notes."""

    max_travel_km = _bounded(_("Longest travel (km)"), 1, MAX_TRAVEL_KM, initial=40)
    notes = _notes()

    def __init__(
        self,
        *args: Any,
        companies: Iterable[Company],
        sectors: Iterable[Sector],
        current: list[Company | Sector] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.options: dict[str, Company | Sector] = {}
        company_choices, sector_choices = [], []
        for company in companies:
            self.options[f"company-{company.pk}"] = company
            company_choices.append((f"company-{company.pk}", f"{company.name} ({company.municipality.name})"))
        for sector in sectors:
            self.options[f"sector-{sector.pk}"] = sector
            sector_choices.append((f"sector-{sector.pk}", sector.name))
        choices = [
            ("", "—"),
            (_("Companies with capacity in this round"), company_choices),
            (_("Any company in a sector"), sector_choices),
        ]
        picked = [self._key(choice) for choice in current or []]
        for rank, name in enumerate(CHOICE_FIELDS, start=1):
            self.fields[name] = forms.ChoiceField(
                label=_("Wish %(rank)s") % {"rank": rank},
                choices=choices,
                required=rank == 1,
                initial=picked[rank - 1] if rank <= len(picked) else "",
            )
        self.order_fields([*CHOICE_FIELDS, "max_travel_km", "notes"])
        self.fields["choice_1"].help_text = _("The first wish counts most. A sector means any company of it.")

    @staticmethod
    def _key(choice: Company | Sector) -> str:
        return f"{'company' if isinstance(choice, Company) else 'sector'}-{choice.pk}"

    def choices(self) -> list[Company | Sector]:
        """The chosen companies and sectors in order of preference, empty ranks left out."""
        return [self.options[self.cleaned_data[name]] for name in CHOICE_FIELDS if self.cleaned_data.get(name)]


class RoundClassForm(RefusesOverlongText, forms.Form):
    """A teacher registers an 8th-grade class of the round's school year, so that it can state
    its wishes; it may continue one of last year's 7th grades."""

    name = forms.CharField(label=_("Name"), max_length=20, help_text=_('For example "8.B".'))
    pupils = forms.IntegerField(label=_("Number of pupils"), min_value=1, max_value=MAX_CLASS_PUPILS)
    previous = forms.ModelChoiceField(
        label=_("Continues last school year's class"),
        queryset=SchoolClass.objects.none(),
        required=False,
        help_text=_("Keeps the class's history together: its visits and the companies it has met."),
    )

    def __init__(self, *args: Any, last_years_classes: QuerySet[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = last_years_classes
        self.fields["previous"].label_from_instance = lambda school_class: school_class.name
