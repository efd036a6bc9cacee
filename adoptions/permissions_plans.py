"""Who may edit an annual plan and answer an adoption's renewal: the one definition the
services, the API and the pages share (adoptions/permissions.py holds the rounds' rules)."""

from accounts.models import User
from adoptions.models import Adoption, AnnualPlan
from adoptions.selectors import adoptions_visible_to
from companies.selectors import company_ids_of
from schools.selectors import teacher_of

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
