"""Reads of rounds, capacities, wishes, runs, adoptions and plans, scoped to the user: a teacher
sees their school's, a company member their company's, a consultant their area (the whole
installation when no area is set), an administrator everything. Something the user may not see
looks exactly like something that does not exist."""

from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import area_q
from adoptions.models import (
    Adoption,
    AdoptionRound,
    AnnualPlan,
    ClassWish,
    CompanyCapacity,
    MatchRun,
    PairRule,
    PlanActivity,
    ProposedPair,
)
from companies.models import Company
from companies.selectors import company_ids_of
from schools.selectors import teacher_of


def _scoped(queryset: QuerySet, user: User, *, school: str, company: str, municipality: str) -> QuerySet:
    """Rows of the user's school or company; for a consultant, rows whose municipality is in
    their area. `school`, `company` and `municipality` are paths from the row."""
    if not user.is_authenticated:
        return queryset.none()
    if user.sees_everything:
        area = area_q(user, municipality=municipality)
        return queryset if area is None else queryset.filter(area)
    scope = Q(**{f"{company}__in": company_ids_of(user)})
    teacher = teacher_of(user)
    if teacher is not None:
        scope |= Q(**{school: teacher.school_id})
    return queryset.filter(scope)


def rounds_visible_to(user: User) -> QuerySet[AdoptionRound]:
    """A consultant's rounds touch their area; teachers and company members see every round
    whose area holds their school or company (to state wishes and capacity), and a company's
    members also a round in which it has stated capacity from just outside the area."""
    rounds = AdoptionRound.objects.prefetch_related("municipalities")
    if not user.is_authenticated:
        return rounds.none()
    if user.sees_everything:
        area = area_q(user, municipality="municipalities")
        return rounds if area is None else rounds.filter(area).distinct()
    municipalities: set[int] = set()
    teacher = teacher_of(user)
    if teacher is not None:
        municipalities.add(teacher.school.municipality_id)
    municipalities.update(Company.objects.filter(pk__in=company_ids_of(user)).values_list("municipality", flat=True))
    stated = CompanyCapacity.objects.filter(company_id__in=company_ids_of(user)).values("round_id")
    return rounds.filter(Q(municipalities__in=municipalities) | Q(pk__in=stated)).distinct()


def capacities_visible_to(user: User) -> QuerySet[CompanyCapacity]:
    capacities = CompanyCapacity.objects.select_related("round", "company", "company__municipality")
    if not user.is_authenticated:
        return capacities.none()
    if user.sees_everything:
        area = area_q(user, municipality="company__municipality")
        return capacities if area is None else capacities.filter(area)
    return capacities.filter(company_id__in=company_ids_of(user))


def wishes_visible_to(user: User) -> QuerySet[ClassWish]:
    wishes = ClassWish.objects.select_related("round", "school_class", "school_class__school").prefetch_related(
        "choices__company", "choices__sector"
    )
    if not user.is_authenticated:
        return wishes.none()
    if user.sees_everything:
        area = area_q(user, municipality="school_class__school__municipality")
        return wishes if area is None else wishes.filter(area)
    teacher = teacher_of(user)
    if teacher is None:
        return wishes.none()
    return wishes.filter(school_class__school_id=teacher.school_id)


def runs_visible_to(user: User) -> QuerySet[MatchRun]:
    """Matching runs are the consultant's work; schools and companies see what was accepted."""
    runs = MatchRun.objects.select_related("round")
    if not (user.is_authenticated and user.sees_everything):
        return runs.none()
    area = area_q(user, municipality="round__municipalities")
    return runs if area is None else runs.filter(area).distinct()


def proposed_pairs_visible_to(user: User) -> QuerySet[ProposedPair]:
    """A run's outcomes, for the consultant whose area holds the class's school."""
    pairs = ProposedPair.objects.select_related("run", "school_class")
    if not (user.is_authenticated and user.sees_everything):
        return pairs.none()
    area = area_q(user, municipality="school_class__school__municipality")
    return pairs if area is None else pairs.filter(area)


def pair_rules_visible_to(user: User) -> QuerySet[PairRule]:
    """The consultant's locks and forbidden pairs, in rounds of their area."""
    rules = PairRule.objects.select_related("round", "school_class", "company")
    if not (user.is_authenticated and user.sees_everything):
        return rules.none()
    area = area_q(user, municipality="round__municipalities")
    return rules if area is None else rules.filter(area).distinct()


def adoptions_visible_to(user: User) -> QuerySet[Adoption]:
    adoptions = Adoption.objects.select_related(
        "school_class", "school_class__school", "school_class__school__municipality", "company", "plan"
    )
    return _scoped(
        adoptions,
        user,
        school="school_class__school_id",
        company="company_id",
        municipality="school_class__school__municipality",
    )


def plans_visible_to(user: User) -> QuerySet[AnnualPlan]:
    plans = AnnualPlan.objects.select_related(
        "adoption", "adoption__school_class", "adoption__school_class__school", "adoption__company"
    )
    return _scoped(
        plans,
        user,
        school="adoption__school_class__school_id",
        company="adoption__company_id",
        municipality="adoption__school_class__school__municipality",
    )


def activities_visible_to(user: User) -> QuerySet[PlanActivity]:
    # The booking's slot gives a booked activity its time as it stands (current_times).
    activities = PlanActivity.objects.select_related("plan", "plan__adoption", "booking__slot")
    return _scoped(
        activities,
        user,
        school="plan__adoption__school_class__school_id",
        company="plan__adoption__company_id",
        municipality="plan__adoption__school_class__school__municipality",
    )
