"""Reads of companies, scoped to the user."""

from django.db.models import QuerySet

from accounts.models import User
from companies.models import Company, CompanyMember, RoleModel


def company_ids_of(user: User) -> list[int]:
    """The companies the user acts for (cached on the user object for the request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_company_ids", None)
    if cached is None:
        cached = list(CompanyMember.objects.filter(user=user).values_list("company_id", flat=True))
        user._company_ids = cached
    return cached


def company_list() -> QuerySet[Company]:
    """Companies are public: anyone may see who offers what."""
    return Company.objects.select_related("sector", "municipality").prefetch_related("clusters")


def company_list_editable_by(user: User) -> QuerySet[Company]:
    if user.is_authenticated and user.sees_everything:
        return Company.objects.all()
    return Company.objects.filter(pk__in=company_ids_of(user))


def company_list_for_member(user: User) -> QuerySet[Company]:
    """The companies whose people page the user may open: their own, or every one for those
    who see everything. Anything else answers "does not exist"."""
    if not user.is_authenticated:
        return Company.objects.none()
    if user.sees_everything:
        return Company.objects.all()
    return Company.objects.filter(pk__in=company_ids_of(user))


def company_member_list(company: Company) -> QuerySet[CompanyMember]:
    """The company's people, administrators first, then by name."""
    return (
        CompanyMember.objects.filter(company=company)
        .select_related("user")
        .order_by("role", "user__first_name", "user__last_name", "pk")
    )


def role_model_list(company: Company) -> QuerySet[RoleModel]:
    return RoleModel.objects.filter(company=company).order_by("name", "pk")
