"""The feedback form after an activity, and the consultant's filter of answered feedback. They
only shape input; the rules are in overview.services.feedback."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from overview import selectors, services
from overview.models import MAX_COMMENT, Feedback

SCORES = [(score, str(score)) for score in range(1, 6)]


def _score(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, choices=SCORES, coerce=int, widget=forms.RadioSelect)


class FeedbackForm(forms.Form):
    """How it went, whether it met the planned learning goals, for the teacher the pupils'
    interest before and after as the teacher judges it, and a comment."""

    rating = _score(_("How did it go? (1 = poorly, 5 = very well)"))
    goals_met = forms.ChoiceField(
        label=_("Did it meet the planned learning goals?"), choices=Feedback.GoalsMet.choices, widget=forms.RadioSelect
    )
    interest_before = _score(_("The pupils' interest in the subject before, as you judge it (1 = low, 5 = high)"))
    interest_after = _score(_("The pupils' interest in the subject after, as you judge it (1 = low, 5 = high)"))
    comment = forms.CharField(
        label=_("Anything else? (optional; please do not write pupils' names)"),
        required=False,
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, respondent: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if respondent != Feedback.Respondent.TEACHER:
            del self.fields["interest_before"], self.fields["interest_after"]

    def answer(self) -> services.Answer:
        data = self.cleaned_data
        return services.Answer(
            rating=data["rating"],
            goals_met=data["goals_met"],
            interest_before=data.get("interest_before"),
            interest_after=data.get("interest_after"),
            comment=data["comment"],
        )


class FeedbackFilterForm(forms.Form):
    """The consultant's filter: who answered, and the school's municipality (within the area)."""

    respondent = forms.ChoiceField(
        label=_("Answered by"), required=False, choices=[("", _("Everyone")), *Feedback.Respondent.choices]
    )
    activity_kind = forms.ChoiceField(label=_("Activity"), required=False)
    municipality = forms.TypedChoiceField(label=_("Municipality"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, municipalities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity_kind"].choices = [("", _("Every kind")), *selectors.activity_kind_choices()]
        self.fields["municipality"].choices = [("", _("The whole area"))] + [
            (municipality.code, municipality.name) for municipality in municipalities
        ]
