"""Making an adoption: the one place an adoption and its annual plan come into being, whether
from an accepted matching run, a renewal into 9th grade, or the retired adoption offers."""

from django.db import transaction

from accounts.audit import audited
from adoptions.models import Adoption, AdoptionRound, AnnualPlan
from companies.models import Company
from schools.models import SchoolClass


@transaction.atomic
@audited("adoptions.adoption.create")
def adoption_create(
    *,
    school_class: SchoolClass,
    company: Company,
    round: AdoptionRound | None = None,
    renewal_of: Adoption | None = None,
) -> Adoption:
    """Adopt the class for its school year and give it an empty annual plan."""
    adoption = Adoption.objects.create(
        school_class=school_class,
        company=company,
        school_year=school_class.school_year,
        round=round,
        renewal_of=renewal_of,
    )
    AnnualPlan.objects.create(adoption=adoption)
    return adoption
