"""Reads of the overview, scoped to the user: a teacher sees the feedback asked of them, a host
the feedback asked of their companies, the consultant the answered feedback in their area; the
catalogue of initiatives is public. Anything not yours is not found, exactly like something that
does not exist."""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from bookings.models import Offer
from companies.selectors import company_ids_of
from overview.messages import with_activity
from overview.models import Feedback, Initiative, token_hash

# The municipality of the school of a feedback's activity, by each path to it.
SCHOOL_MUNICIPALITY = (
    "booking__school_class__school__municipality",
    "booking__teacher__school__municipality",
    "plan_activity__plan__adoption__school_class__school__municipality",
)
COMPANY = ("booking__slot__offer__company", "plan_activity__plan__adoption__company")
TOKEN = re.compile(r"[0-9a-f]{64}")


def _any_of(paths: tuple[str, ...], lookup: str, value: object) -> Q:
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{path}{lookup}": value})
    return condition


def feedback_for_token(token: str) -> Feedback | None:
    """The request a link's token names, whatever its state (the page says used, withdrawn or
    expired); None for anything that is not a token of ours."""
    if not TOKEN.fullmatch(token):
        return None
    return with_activity(Feedback.objects.filter(token_hash=token_hash(token))).first()


def feedback_list_for_teacher(user: User) -> QuerySet[Feedback]:
    """The feedback asked of this teacher."""
    if not user.is_authenticated:
        return Feedback.objects.none()
    return with_activity(Feedback.objects.filter(respondent=Feedback.Respondent.TEACHER, recipient=user))


def feedback_list_for_host(user: User) -> QuerySet[Feedback]:
    """The feedback asked of the companies the user acts for."""
    companies = company_ids_of(user)
    if not companies:
        return Feedback.objects.none()
    return with_activity(
        Feedback.objects.filter(respondent=Feedback.Respondent.HOST).filter(_any_of(COMPANY, "__in", companies))
    )


def feedback_list_asked_of(user: User) -> QuerySet[Feedback]:
    """Everything asked of the user: as a teacher, and as a member of a host company."""
    return (feedback_list_for_teacher(user) | feedback_list_for_host(user)).order_by("-sent_at", "-id")


# The kinds of activity feedback is asked about: the offers' kinds, and an adoption activity held
# without a booking (at school).
HELD_AT_SCHOOL = "adoption"


def activity_kind_choices() -> list[tuple[str, str]]:
    return [*Offer.Kind.choices, (HELD_AT_SCHOOL, _("Class adoption activity without a booking"))]


def feedback_list_for_consultant(
    user: User, *, respondent: str = "", activity_kind: str = "", municipality: int | None = None
) -> QuerySet[Feedback]:
    """Answered feedback in the consultant's area, newest first; filtered by who answered, the
    kind of activity and the school's municipality. Empty for anyone who does not see everything."""
    if not user.is_authenticated or not user.sees_everything:
        return Feedback.objects.none()
    feedback = Feedback.objects.filter(answered_at__isnull=False)
    codes = user.area_municipality_codes()
    if codes is not None:
        feedback = feedback.filter(_any_of(SCHOOL_MUNICIPALITY, "__in", codes))
    if respondent:
        feedback = feedback.filter(respondent=respondent)
    if activity_kind == HELD_AT_SCHOOL:
        feedback = feedback.filter(plan_activity__isnull=False)
    elif activity_kind:
        feedback = feedback.filter(booking__slot__offer__kind=activity_kind)
    if municipality is not None:
        feedback = feedback.filter(_any_of(SCHOOL_MUNICIPALITY, "", municipality))
    return with_activity(feedback).order_by("-answered_at", "-id")


def feedback_scores(feedback: QuerySet[Feedback]) -> dict[str, float | int | None]:
    """How many answered and their mean scores, computed in the database."""
    return feedback.order_by().aggregate(
        answered=Count("id"),
        rating=Avg("rating"),
        interest_before=Avg("interest_before"),
        interest_after=Avg("interest_after"),
    )


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
