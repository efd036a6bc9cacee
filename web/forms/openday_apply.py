"""Forms of the open-day applications: the pupil's public form, her change of preferences, and
a teacher's row per pupil. They only shape input; the rules are in opendays' services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Municipality
from opendays.models import MAX_AGE, MAX_FIRST_NAME, MIN_AGE, Host, OpenDay
from schools.models import Grade, School


def _host_choices(hosts: list[Host]) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(host.pk), f"{host.company.name}, {host.city}") for host in hosts]


class PreferencesMixin:
    """Choice 1..n over the day's hosts; `host_ids()` the chosen ones in order, blanks left out."""

    def add_choices(self, open_day: OpenDay, hosts: list[Host]) -> None:
        for rank in range(1, open_day.preferences + 1):
            self.fields[f"choice_{rank}"] = forms.ChoiceField(
                label=_("Choice %(rank)s") % {"rank": rank}, choices=_host_choices(hosts), required=False
            )
        self.preference_count = open_day.preferences

    def host_ids(self) -> list[int]:
        chosen = (self.cleaned_data.get(f"choice_{rank}") for rank in range(1, self.preference_count + 1))
        return [int(value) for value in chosen if value]


class ApplyForm(PreferencesMixin, forms.Form):
    """The public form, phone first. `website` is a honeypot: hidden from people, filled by bots."""

    first_name = forms.CharField(label=_("First name"), max_length=MAX_FIRST_NAME)
    age = forms.IntegerField(label=_("Age"), min_value=MIN_AGE, max_value=MAX_AGE)
    grade = forms.TypedChoiceField(
        label=_("Grade"), choices=[("", "—"), *Grade.choices], coerce=int, empty_value=None, required=False
    )
    # "—" as the blank choice, like the grade and the hosts above and below (Django's is "---------").
    school = forms.ModelChoiceField(label=_("School"), queryset=School.objects.none(), required=False, empty_label="—")
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label="—",
        help_text=_("If your school is not in the list."),
    )
    email = forms.EmailField(label=_("Your e-mail"), help_text=_("Your link to the application comes here."))
    guardian_email = forms.EmailField(
        label=_("A parent's or guardian's e-mail"), required=False, help_text=_("Only if you are under 15.")
    )
    first_time = forms.BooleanField(label=_("This is my first open day"), required=False, initial=True)
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, open_day: OpenDay, hosts: list[Host], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        area = open_day.municipalities.all()
        self.fields["school"].queryset = School.objects.filter(municipality__in=area).order_by("name")
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")
        self.fields["age"].widget.attrs.update(inputmode="numeric")
        self.fields["first_name"].widget.attrs.update(autocomplete="given-name")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")
        self.add_choices(open_day, hosts)


class ChangeForm(PreferencesMixin, forms.Form):
    def __init__(self, *args, open_day: OpenDay, hosts: list[Host], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_choices(open_day, hosts)


class PupilRowForm(PreferencesMixin, forms.Form):
    """One pupil in a teacher's application; a row left without a first name is skipped."""

    first_name = forms.CharField(label=_("First name"), max_length=MAX_FIRST_NAME, required=False)
    age = forms.IntegerField(label=_("Age"), min_value=MIN_AGE, max_value=MAX_AGE, required=False)
    grade = forms.TypedChoiceField(
        label=_("Grade"), choices=[("", "—"), *Grade.choices], coerce=int, empty_value=None, required=False
    )
    guardian_email = forms.EmailField(label=_("Guardian's e-mail (under 15)"), required=False)

    def __init__(self, *args, open_day: OpenDay, hosts: list[Host], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_choices(open_day, hosts)

    def clean(self):
        data = super().clean()
        if data.get("first_name") and data.get("age") is None:
            self.add_error("age", _("Give the pupil's age."))
        return data
