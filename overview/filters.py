"""The initiative catalogue's filters, shared by its public page and its API, so that both answer
the same question the same way (the conditions themselves are overview.selectors')."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from overview.models import Initiative, TargetGroup
from overview.selectors import InitiativeStatus, initiatives_matching

STATUS_CHOICES = [
    (InitiativeStatus.RUNNING, _("Running")),
    (InitiativeStatus.UPCOMING, _("Not started yet")),
    (InitiativeStatus.ENDED, _("Ended")),
]
MAX_SEARCH = 200
MAX_REGION = 100


class InitiativeFilter(django_filters.FilterSet):
    """Text search and filters. Every filter only narrows; the conditions are applied together by
    the selector once the form is valid."""

    q = django_filters.CharFilter(
        method="keep", label=_("Search"), max_length=MAX_SEARCH, help_text=_("Name, owner, STEM focus or description.")
    )
    geography = django_filters.ChoiceFilter(
        method="keep", label=_("Geography"), choices=Initiative.Geography.choices, empty_label=_("Everywhere")
    )
    target_group = django_filters.ModelChoiceFilter(
        method="keep",
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        empty_label=_("All target groups"),
    )
    kind = django_filters.ChoiceFilter(
        method="keep", label=_("Kind"), choices=Initiative.Kind.choices, empty_label=_("All kinds")
    )
    status = django_filters.ChoiceFilter(
        method="keep", label=_("Running or ended"), choices=STATUS_CHOICES, empty_label=_("Running and ended")
    )
    region = django_filters.CharFilter(method="keep", label=_("Region"), max_length=MAX_REGION)

    class Meta:
        model = Initiative
        fields = ["q", "geography", "target_group", "kind", "status", "region"]

    def __init__(self, *args, regions: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            # On a page, the regions there are as a list to pick from; the API takes any text.
            self.filters["region"].extra["widget"] = forms.Select(
                choices=[("", _("All regions")), *((region, region) for region in regions)]
            )

    def keep(self, queryset: QuerySet[Initiative], name: str, value: object) -> QuerySet[Initiative]:
        """Each filter's value is read in filter_queryset, where they are applied together."""
        return queryset

    def filter_queryset(self, queryset: QuerySet[Initiative]) -> QuerySet[Initiative]:
        data = self.form.cleaned_data
        group = data.get("target_group")
        return initiatives_matching(
            queryset,
            text=data.get("q") or "",
            geography=data.get("geography") or "",
            target_group=group.code if group else "",
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            region=data.get("region") or "",
        )
