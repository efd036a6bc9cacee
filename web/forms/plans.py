"""Forms of the annual plan pages. They only parse input into the plan services' arguments;
every rule (who, statuses, dates, learning goals, bookings) is in adoptions.services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from adoptions.models import MAX_TARGET_ACTIVITIES, PlanActivity
from adoptions.permissions import COMPANY, SCHOOL
from core.models import LearningGoal
from core.validators import EARLIEST_DATE, LATEST_DATE
from web.forms import RefusesOverlongText, limit_length
from web.forms.offer import local_datetime

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
OUT_OF_RANGE = _("Give a date between %(earliest)s and %(latest)s.")


def _in_range(form: forms.Form, name: str) -> None:
    day = form.cleaned_data.get(name)
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        form.add_error(name, OUT_OF_RANGE % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()})


class PlanForm(RefusesOverlongText, forms.Form):
    target_activities = forms.IntegerField(label=_("Target (activities)"), min_value=1, max_value=MAX_TARGET_ACTIVITIES)
    goals_note = forms.CharField(
        label=_("The class's learning goals"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        limit_length(self.fields["goals_note"], 4000)


class LearningGoalField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal: LearningGoal) -> str:
        return f"{goal.subject}: {goal.area}"


def _times(form: forms.Form) -> tuple[dt.datetime | None, dt.datetime | None]:
    data = form.cleaned_data
    day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
    if day is None or start is None or end is None:
        return None, None
    return local_datetime(day, start), local_datetime(day, end)


class ActivityForm(RefusesOverlongText, forms.Form):
    """An activity: what, when (a month, or a date with times), which learning goals, its three phases."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PlanActivity.Kind.choices)
    status = forms.ChoiceField(label=_("Status"), choices=[])
    planned_month = forms.DateField(
        label=_("Planned month"), required=False, widget=MONTH_INPUT, input_formats=["%Y-%m", "%Y-%m-%d"]
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DATE_INPUT, help_text=_("When the date is known."))
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("End time"), required=False, widget=TIME_INPUT)
    learning_goals = LearningGoalField(
        label=_("Learning goals"),
        queryset=LearningGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preparation = forms.CharField(
        label=_("Preparation at school"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(label=_("The activity"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up = forms.CharField(label=_("Follow-up"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    # The services' field names, and where their refusals are shown.
    error_aliases = {"starts_at": "date", "ends_at": "end_time", "dates": "date"}

    def __init__(self, *args, goals: QuerySet[LearningGoal], statuses: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["learning_goals"].queryset = goals
        self.fields["status"].choices = [(value, PlanActivity.Status(value).label) for value in statuses]
        for name in ("preparation", "description", "follow_up"):
            limit_length(self.fields[name], 4000)

    @classmethod
    def initial_of(cls, activity: PlanActivity) -> dict:
        start = timezone.localtime(activity.starts_at) if activity.starts_at else None
        end = timezone.localtime(activity.ends_at) if activity.ends_at else None
        return {
            "title": activity.title,
            "kind": activity.kind,
            "planned_month": activity.planned_month,
            "date": start.date() if start else None,
            "start_time": start.time() if start else None,
            "end_time": end.time() if end else None,
            "learning_goals": list(activity.learning_goals.all()),
            "preparation": activity.preparation,
            "description": activity.description,
            "follow_up": activity.follow_up,
        }

    def clean(self) -> dict:
        data = super().clean()
        _in_range(self, "planned_month")
        _in_range(self, "date")
        given = [name for name in ("date", "start_time", "end_time") if data.get(name) is not None]
        if given and len(given) < 3 and not self.errors:
            for name in {"date", "start_time", "end_time"} - set(given):
                self.add_error(name, _("Give the date, the start and the end, or none of them."))
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The end must be after the start."))
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        starts_at, ends_at = _times(self)
        return {
            "title": data["title"],
            "kind": data["kind"],
            "planned_month": data["planned_month"],
            "starts_at": starts_at,
            "ends_at": ends_at,
            "learning_goals": list(data["learning_goals"]),
            "preparation": data["preparation"],
            "description": data["description"],
            "follow_up": data["follow_up"],
        }


class BookForm(RefusesOverlongText, forms.Form):
    """The time of a booking of the activity, in Copenhagen wall-clock time."""

    date = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    end_time = forms.TimeField(label=_("End time"), widget=TIME_INPUT)
    place = forms.CharField(label=_("Place"), max_length=300, required=False, help_text=_("Where the class meets."))
    message = forms.CharField(
        label=_("Message"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    error_aliases = {"start": "date", "end": "end_time", "starts_at": "date", "ends_at": "end_time", "slot": None}

    def clean(self) -> dict:
        data = super().clean()
        _in_range(self, "date")
        if data.get("start_time") and data.get("end_time") and data["end_time"] <= data["start_time"]:
            self.add_error("end_time", _("The end must be after the start."))
        return data

    def service_fields(self) -> dict:
        starts_at, ends_at = _times(self)
        data = self.cleaned_data
        return {"starts_at": starts_at, "ends_at": ends_at, "place": data["place"], "message": data["message"]}


class RenewalForm(forms.Form):
    wants = forms.TypedChoiceField(
        label=_("Continue into 9th grade?"),
        choices=[("yes", _("Yes, continue")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    side = forms.ChoiceField(
        label=_("Answer for"),
        choices=[("", "—"), (SCHOOL, _("The school")), (COMPANY, _("The company"))],
        required=False,
    )
