"""Reads of the overview, scoped to the user asking."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from overview.models import Initiative

# Initiatives ---------------------------------------------------------------------------------
# The catalogue is public: everyone, signed in or not, sees every initiative, running or ended
# (an ended one stays visible with what it learnt).


class InitiativeStatus:
    RUNNING = "running"
    UPCOMING = "upcoming"
    ENDED = "ended"


def initiative_list() -> QuerySet[Initiative]:
    """Every initiative, by name, with its target groups read in one more query."""
    return Initiative.objects.prefetch_related("target_groups").order_by("name", "id")


def initiative_status_q(status: str, *, today: dt.date | None = None) -> Q:
    """Running (started, or with no start, and not ended), upcoming (starts later) or ended."""
    today = today or timezone.localdate()
    if status == InitiativeStatus.ENDED:
        return Q(ended_on__lt=today)
    if status == InitiativeStatus.UPCOMING:
        return Q(started_on__gt=today)
    return (Q(started_on__isnull=True) | Q(started_on__lte=today)) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def initiatives_search(initiatives: QuerySet[Initiative], text: str) -> QuerySet[Initiative]:
    """Initiatives whose name, owner, STEM focus or description holds every word of `text`."""
    for word in text.split():
        initiatives = initiatives.filter(
            Q(name__icontains=word)
            | Q(owner__icontains=word)
            | Q(stem_focus__icontains=word)
            | Q(description__icontains=word)
        )
    return initiatives


def initiatives_matching(
    initiatives: QuerySet[Initiative],
    *,
    text: str = "",
    geography: str = "",
    target_group: str = "",
    kind: str = "",
    status: str = "",
    region: str = "",
    today: dt.date | None = None,
) -> QuerySet[Initiative]:
    """The initiatives that match every condition given; an empty condition matches all."""
    if text:
        initiatives = initiatives_search(initiatives, text)
    if geography:
        initiatives = initiatives.filter(geography=geography)
    if target_group:
        initiatives = initiatives.filter(target_groups__code=target_group)
    if kind:
        initiatives = initiatives.filter(kind=kind)
    if status:
        initiatives = initiatives.filter(initiative_status_q(status, today=today))
    if region:
        initiatives = initiatives.filter(region__iexact=region.strip())
    return initiatives


def initiative_regions() -> list[str]:
    """The regions initiatives are rooted in, for a filter's choices."""
    return list(Initiative.objects.exclude(region="").order_by("region").values_list("region", flat=True).distinct())


# End of initiatives ---------------------------------------------------------------------------
