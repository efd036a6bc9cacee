"""Forms of the pages after publication: the participant's and the host's survey. They only
shape input; the rules are in opendays.services.after."""

from django import forms
from django.utils.translation import gettext_lazy as _

SCORES = [(score, str(score)) for score in range(1, 6)]


class ParticipantSurveyForm(forms.Form):
    interest_before = forms.TypedChoiceField(
        label=_("Before the day: how interested were you in a technical education? (1 = not at all, 5 = very)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    interest_after = forms.TypedChoiceField(
        label=_("After the day: how interested are you in a technical education? (1 = not at all, 5 = very)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    rating = forms.TypedChoiceField(
        label=_("How was the day? (1 = poor, 5 = very good)"), choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything else? (optional; please do not write names)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HostSurveyForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How did the day go for your company? (1 = poor, 5 = very good)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("What should be different next time? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
