"""Forms of the open-day run pages: start a run, move or remove a placement with a reason,
publish behind a confirmation. They only shape input; opendays.services.runs decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from opendays.models import Host, MatchRun
from opendays.services.runs import MAX_REASON_LENGTH, MAX_SEED


class OpenDayRunStartForm(forms.Form):
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("Leave empty for a new one. The same seed on the same applications gives the same result."),
    )


def _reason() -> forms.CharField:
    return forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the placement for the record."),
    )


class PlacementMoveForm(forms.Form):
    """Another host of the day for one applicant: hosts with a free place in the run first."""

    host = forms.ModelChoiceField(label=_("Host"), queryset=Host.objects.none())
    reason = _reason()

    def __init__(self, *args, run: MatchRun, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        hosts = list(run.open_day.hosts.select_related("company").order_by("company__name", "id"))
        taken: dict[int, int] = {}
        for host_id in run.placements.filter(host__isnull=False).values_list("host_id", flat=True):
            taken[host_id] = taken.get(host_id, 0) + 1
        self.fields["host"].queryset = run.open_day.hosts.select_related("company")
        self.fields["host"].choices = [("", "---------")] + [
            (
                host.pk,
                _("%(host)s (%(free)s of %(places)s free)")
                % {
                    "host": host.company.name,
                    "free": host.places - taken.get(host.pk, 0),
                    "places": host.places,
                },
            )
            for host in hosts
        ]


class PlacementRemoveForm(forms.Form):
    reason = _reason()


class OpenDayRunPublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, publish and tell the applicants, guardians, teachers and hosts"), required=True
    )
