"""Writes and rules for companies, the people who act for them and their role models.

Every write validates the model (`full_clean`) before saving, so the admin, the demo and any
later page or API keep the same rules; rules the model cannot state raise DomainError."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from companies.models import Company, CompanyMember, RoleModel
from core.errors import DomainError
from core.models import Cluster, Municipality, Sector

ALREADY_MEMBER = _("This user already acts for the company.")

COMPANY_FIELDS = frozenset(
    {"name", "cvr", "sector", "municipality", "address", "postcode", "city", "latitude", "longitude"}
    | {"description", "website", "email", "phone"}
)
MEMBER_FIELDS = frozenset({"role", "job_title"})
ROLE_MODEL_FIELDS = frozenset({"name", "job_title", "education_path", "is_young_ambassador", "email"})


def _assign(instance: Company | CompanyMember | RoleModel, allowed: frozenset[str], fields: dict[str, Any]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"{type(instance).__name__} has no editable field(s) {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)


@transaction.atomic
def company_create(
    *,
    name: str,
    cvr: str,
    sector: Sector,
    municipality: Municipality,
    address: str,
    postcode: str,
    city: str,
    latitude: float | None = None,
    longitude: float | None = None,
    description: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    clusters: Iterable[Cluster] = (),
) -> Company:
    company = Company(
        name=name,
        cvr=cvr,
        sector=sector,
        municipality=municipality,
        address=address,
        postcode=postcode,
        city=city,
        latitude=latitude,
        longitude=longitude,
        description=description,
        website=website,
        email=email,
        phone=phone,
    )
    company.full_clean()
    company.save()
    company.clusters.set(clusters)
    return company


@transaction.atomic
def company_update(*, company: Company, clusters: Iterable[Cluster] | None = None, **fields: Any) -> Company:
    """Change the given fields (any of COMPANY_FIELDS) and, if given, the clusters."""
    _assign(company, COMPANY_FIELDS, fields)
    company.full_clean()
    company.save()
    if clusters is not None:
        company.clusters.set(clusters)
    return company


@transaction.atomic
def company_member_add(
    *, company: Company, user: User, role: str = CompanyMember.Role.HOST, job_title: str = ""
) -> CompanyMember:
    """Let a user act for a company, as its administrator or as a host."""
    if CompanyMember.objects.filter(company=company, user=user).exists():
        raise DomainError(ALREADY_MEMBER, code="already_member", field="user")
    member = CompanyMember(company=company, user=user, role=role, job_title=job_title)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def company_member_update(*, member: CompanyMember, **fields: Any) -> CompanyMember:
    """Change a member's role or job title (MEMBER_FIELDS); who and for whom stay."""
    _assign(member, MEMBER_FIELDS, fields)
    member.full_clean()
    member.save()
    return member


@transaction.atomic
def role_model_create(
    *,
    company: Company,
    name: str,
    job_title: str,
    education_path: str = "",
    is_young_ambassador: bool = False,
    email: str = "",
) -> RoleModel:
    role_model = RoleModel(
        company=company,
        name=name,
        job_title=job_title,
        education_path=education_path,
        is_young_ambassador=is_young_ambassador,
        email=email,
    )
    role_model.full_clean()
    role_model.save()
    return role_model


@transaction.atomic
def role_model_update(*, role_model: RoleModel, **fields: Any) -> RoleModel:
    """Change the given fields (any of ROLE_MODEL_FIELDS); a role model stays with its company."""
    _assign(role_model, ROLE_MODEL_FIELDS, fields)
    role_model.full_clean()
    role_model.save()
    return role_model
