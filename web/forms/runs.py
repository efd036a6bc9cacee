"""Forms of the matching run pages: start a run, lock or forbid a pair with a reason, accept.
They only shape input; adoptions.services.runs decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from adoptions.models import AdoptionRound, PairRule
from adoptions.services.runs import MAX_REASON_LENGTH, MAX_SEED
from companies.models import Company
from schools.models import SchoolClass


class RunStartForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("Leave empty for a new one. The same seed on the same input gives the same proposal."),
    )


class PairRuleForm(forms.Form):
    """A lock or a forbidden pair; the reason is shown to the school and the company."""

    school_class = forms.ModelChoiceField(label=_("Class"), queryset=SchoolClass.objects.none())
    company = forms.ModelChoiceField(label=_("Company"), queryset=Company.objects.none())
    kind = forms.ChoiceField(label=_("Rule"), choices=PairRule.Kind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The school and the company see it."),
    )

    def __init__(self, *args, round: AdoptionRound, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = (
            SchoolClass.objects.filter(adoption_wishes__round=round)
            .select_related("school")
            .order_by("school__name", "name")
        )
        self.fields["company"].queryset = Company.objects.filter(adoption_capacities__round=round).order_by("name")
        self.fields["school_class"].label_from_instance = lambda klass: f"{klass.name}, {klass.school.name}"


class RunAcceptForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, make these adoptions and tell the teachers and companies"), required=True
    )
