"""Who may do what with adoptions: manage a round and run its matching, state a company's
capacity and a class's wishes, act for a side of an adoption, edit its plan. The one definition
the services, the API and the pages share: the services decide with it what a user may do, the
API which writes it lets through, the pages which forms and links they offer.

A consultant works for an area (municipalities); a consultant with no area, and an
administrator, work for the whole installation."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.models import User
from adoptions.models import Adoption, AdoptionRound, AnnualPlan
from adoptions.selectors import adoptions_visible_to
from companies.models import Company
from companies.selectors import company_ids_of
from schools.models import SchoolClass
from schools.selectors import teacher_of


def can_open_rounds(user: User) -> bool:
    """A consultant or an administrator: opens rounds and sees the consultant's round pages."""
    return user.is_authenticated and user.sees_everything


def area_holds(user: User, municipality_codes: Iterable[int]) -> bool:
    """Every one of the municipalities lies in the consultant's area (always, for the whole installation)."""
    codes = user.area_municipality_codes()
    return codes is None or set(municipality_codes) <= set(codes)


def can_manage_round(user: User, round: AdoptionRound) -> bool:
    """A consultant whose area overlaps the round's municipalities (a consultant with no area:
    every round), or an administrator: changes the round, its priorities, and anyone's
    capacity and wishes in it, and runs its matching (starts runs, locks and forbids pairs,
    accepts a proposal)."""
    if not can_open_rounds(user):
        return False
    codes = user.area_municipality_codes()
    if codes is None:
        return True
    if round.pk is None:
        return False
    return round.municipalities.filter(code__in=codes).exists()


def can_state_capacity(user: User, round: AdoptionRound, company: Company) -> bool:
    """A member of the company, or someone who manages the round."""
    if not user.is_authenticated:
        return False
    return company.pk in company_ids_of(user) or can_manage_round(user, round)


def can_state_wishes(user: User, round: AdoptionRound, school_class: SchoolClass) -> bool:
    """A teacher at the class's school, or someone who manages the round."""
    if not user.is_authenticated:
        return False
    teacher = teacher_of(user)
    if teacher is not None and teacher.school_id == school_class.school_id:
        return True
    return can_manage_round(user, round)


# Adoptions and their plans ------------------------------------------------------------------

SCHOOL = "school"
COMPANY = "company"
CONSULTANT = "consultant"


def adoption_side(user: User, adoption: Adoption) -> str | None:
    """Which side of the adoption the user acts for: a teacher of the class's school, a member
    of the company, or a consultant whose area holds the school; None for anyone else."""
    if not user.is_authenticated:
        return None
    teacher = teacher_of(user)
    if teacher is not None and teacher.school_id == adoption.school_class.school_id:
        return SCHOOL
    if adoption.company_id in company_ids_of(user):
        return COMPANY
    if user.sees_everything and adoptions_visible_to(user).filter(pk=adoption.pk).exists():
        return CONSULTANT
    return None


def can_edit_plan(user: User, plan: AnnualPlan) -> bool:
    """Teacher, host and consultant write the plan together while the adoption runs; an ended
    adoption's plan is history."""
    adoption = plan.adoption
    return adoption.status == Adoption.Status.ACTIVE and adoption_side(user, adoption) is not None
