"""The end of a school year: an adopted 8th-grade class continues into 9th grade with the
same company when both sides have said yes; every other adoption of the year ends and stays
in the history of the class, the school and the company."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from adoptions.models import Adoption, AdoptionRound, CompanyCapacity, PlanChange
from adoptions.permissions import COMPANY, CONSULTANT, SCHOOL, adoption_side
from adoptions.services.adoptions import adoption_create
from companies.models import Company
from core.dates import school_year_of
from core.errors import DomainError
from schools.models import Grade, SchoolClass

NOT_ALLOWED = _("Only the class's teachers, the company's members and the consultant may answer.")
NOT_RENEWABLE = _("Only a running 8th-grade adoption of this school year can continue into 9th grade.")
SIDE_REQUIRED = _("Say whether you answer for the school or for the company.")

RENEWING_GRADE = Grade.G8


def renewal_asked(adoption: Adoption) -> bool:
    """Whether the adoption is asked to continue into 9th grade: a running 8th-grade adoption
    of the school year under way. Next year's 8th-grade adoption is asked when its year runs."""
    return (
        adoption.status == Adoption.Status.ACTIVE
        and adoption.school_class.grade == RENEWING_GRADE
        and adoption.school_year == school_year_of(timezone.localdate())
    )


@transaction.atomic
@audited("adoptions.adoption.renewal_answer", target="adoption")
def renewal_answer(*, actor: User, adoption: Adoption, wants: bool, side: str | None = None) -> Adoption:
    """Record whether the actor's side wants the adoption to continue into 9th grade. A
    teacher answers for the school, a company member for the company; a consultant names the
    side (`side`: "school" or "company") they answer for after talking to it."""
    actor_side = adoption_side(actor, adoption)
    if actor_side is None:
        raise DomainError(NOT_ALLOWED, code="not_allowed")
    if actor_side == CONSULTANT:
        if side not in (SCHOOL, COMPANY):
            raise DomainError(SIDE_REQUIRED, code="side_required", field="side")
        actor_side = side
    if not renewal_asked(adoption):
        raise DomainError(NOT_RENEWABLE, code="not_renewable")
    field = "school_wants_renewal" if actor_side == SCHOOL else "company_wants_renewal"
    old = getattr(adoption, field)
    setattr(adoption, field, bool(wants))
    adoption.save(update_fields=[field, "updated_at"])
    if old != bool(wants):
        change = PlanChange(
            plan=adoption.plan, actor=actor, action=PlanChange.Action.RENEWAL, fields={field: [old, bool(wants)]}
        )
        change.summary = change.description
        change.save()
    return adoption


@dataclass(frozen=True)
class RenewalOverflow:
    """A company whose confirmed renewals, still to be carried into the round's school year,
    come on top of the classes the accepted round already gave it."""

    company: Company
    places: int
    adopted: int
    pending: int


def renewals_over_capacity(round: AdoptionRound) -> list[RenewalOverflow]:
    """After the round's run was accepted, the companies that renewals confirmed since (so the
    run did not keep places for them) take beyond the places they offered. The renewal is not
    refused: both sides said yes, and the consultant decides what to do with the surplus."""
    if round.status not in (AdoptionRound.Status.ACCEPTED, AdoptionRound.Status.CLOSED):
        return []
    codes = list(round.municipalities.values_list("code", flat=True))
    pending = dict(
        Adoption.objects.filter(
            school_year=round.school_year - 1,
            status=Adoption.Status.ACTIVE,
            school_class__grade=RENEWING_GRADE,
            school_wants_renewal=True,
            company_wants_renewal=True,
            renewed_as__isnull=True,
            school_class__school__municipality__in=codes,
        )
        .values("company_id")
        .annotate(count=Count("id"))
        .values_list("company_id", "count")
    )
    if not pending:
        return []
    adopted = dict(
        Adoption.objects.filter(
            school_year=round.school_year,
            status=Adoption.Status.ACTIVE,
            company_id__in=list(pending),
            school_class__school__municipality__in=codes,
        )
        .values("company_id")
        .annotate(count=Count("id"))
        .values_list("company_id", "count")
    )
    capacities = (
        CompanyCapacity.objects.filter(round=round, company_id__in=list(pending))
        .select_related("company")
        .order_by("company__name", "id")
    )
    return [
        RenewalOverflow(
            company=capacity.company,
            places=capacity.classes,
            adopted=adopted.get(capacity.company_id, 0),
            pending=pending[capacity.company_id],
        )
        for capacity in capacities
        if adopted.get(capacity.company_id, 0) + pending[capacity.company_id] > capacity.classes
    ]


def _bumped_name(name: str, grade: int) -> str:
    """ "8.B" becomes "9.B"; a name that does not start with the grade stays as it is."""
    digit = str(grade)
    return str(grade + 1) + name[len(digit) :] if name.startswith(digit) else name


def next_year_class(school_class: SchoolClass) -> SchoolClass:
    """The same class next school year: the row pointing back at it, else a row of that name
    with no past yet (linked now), else a new row with the same pupils."""
    following = SchoolClass.objects.filter(previous=school_class).first()
    if following is not None:
        return following
    name = _bumped_name(school_class.name, school_class.grade)
    following = SchoolClass.objects.filter(
        school_id=school_class.school_id, school_year=school_class.school_year + 1, name=name, previous__isnull=True
    ).first()
    if following is not None:
        following.previous = school_class
        following.save(update_fields=["previous", "updated_at"])
        return following
    return SchoolClass.objects.create(
        school_id=school_class.school_id,
        name=name,
        grade=school_class.grade + 1,
        school_year=school_class.school_year + 1,
        pupils=school_class.pupils,
        previous=school_class,
    )


def last_school_year() -> int:
    """The school year that ended most recently: on 1 August 2027 (and until 31 July 2028) 2026, i.e. 2026/27."""
    return school_year_of(timezone.localdate()) - 1


@dataclass(frozen=True)
class RollOver:
    continued: int
    ended: int


@transaction.atomic
@audited("adoptions.school_year.roll_over")
def school_year_roll_over(*, school_year: int) -> RollOver:
    """End the school year's running adoptions; those of 8th-grade classes that both sides
    confirmed continue with next year's row of the class and a new, empty plan. Running it
    again changes nothing: only running adoptions of the year are looked at, and it ends them."""
    now = timezone.now()
    continued = ended = 0
    running = (
        Adoption.objects.select_for_update()
        .filter(school_year=school_year, status=Adoption.Status.ACTIVE)
        .select_related("school_class", "company")
        .order_by("id")
    )
    for adoption in running:
        Adoption.objects.filter(pk=adoption.pk).update(status=Adoption.Status.ENDED, ended_at=now, updated_at=now)
        ended += 1
        if adoption.school_class.grade == RENEWING_GRADE and adoption.renewal_confirmed:
            following = next_year_class(adoption.school_class)
            # A class adopted for next year already (by a round) keeps that adoption.
            taken = Adoption.objects.filter(school_class=following, status=Adoption.Status.ACTIVE).exists()
            if not taken and not Adoption.objects.filter(renewal_of=adoption).exists():
                adoption_create(
                    school_class=following, company=adoption.company, round=adoption.round, renewal_of=adoption
                )
                continued += 1
    return RollOver(continued=continued, ended=ended - continued)
