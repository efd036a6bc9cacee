"""Writes and rules for companies, the people who act for them and their role models.

Every write validates the model (`full_clean`) before saving, so the admin, the demo and any
later page or API keep the same rules; rules the model cannot state raise DomainError."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from accounts.services import user_invitation_send, user_invite
from companies.models import Company, CompanyMember, RoleModel
from companies.permissions import can_manage_people
from core.errors import DomainError
from core.models import Cluster, Municipality, Sector
from core.services import assign_fields

ALREADY_MEMBER = _("This user already acts for the company.")
NOT_COMPANY_ADMIN = _("Only the company's administrators may manage its people and role models.")
LAST_ADMIN = _("A company keeps at least one administrator: make a colleague administrator first.")
INVITED_AS = {
    CompanyMember.Role.ADMIN: _("%(inviter)s has invited you to Brobyg as an administrator for %(company)s."),
    CompanyMember.Role.HOST: _("%(inviter)s has invited you to Brobyg as a host for %(company)s."),
}

COMPANY_FIELDS = frozenset(
    {"name", "cvr", "sector", "municipality", *Company.ADDRESS_FIELDS, "description", "website", "email", "phone"}
)
MEMBER_FIELDS = frozenset({"role", "job_title"})
ROLE_MODEL_FIELDS = frozenset({"name", "job_title", "education_path", "is_young_ambassador", "email"})


@transaction.atomic
@audited("companies.company.create")
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
@audited("companies.company.update", target="company", fields=True)
def company_update(*, company: Company, clusters: Iterable[Cluster] | None = None, **fields: Any) -> Company:
    """Change the given fields (any of COMPANY_FIELDS) and, if given, the clusters."""
    assign_fields(company, COMPANY_FIELDS, fields)
    company.full_clean()
    company.save()
    if clusters is not None:
        company.clusters.set(clusters)
    return company


@transaction.atomic
@audited("companies.member.add")
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
@audited("companies.member.update", target="member", fields=True)
def company_member_update(*, member: CompanyMember, **fields: Any) -> CompanyMember:
    """Change a member's role or job title (MEMBER_FIELDS); who and for whom stay. No rule
    about administrators: this is the Django admin's way to repair a company; pages call
    company_member_set_role."""
    assign_fields(member, MEMBER_FIELDS, fields)
    member.full_clean()
    member.save()
    return member


def _check_manages_people(actor: User, company: Company) -> None:
    if not can_manage_people(actor, company.pk):
        raise DomainError(NOT_COMPANY_ADMIN, code="not_company_admin")


def _check_keeps_an_admin(member: CompanyMember) -> None:
    """Refuse to take away the last administrator, counted on the locked company row.

    Locking the company serialises two administrators demoting or removing each other at
    the same moment on PostgreSQL; SQLite runs every write transaction IMMEDIATE, which
    serialises them already."""
    Company.objects.select_for_update().filter(pk=member.company_id).first()
    admins = CompanyMember.objects.filter(company_id=member.company_id, role=CompanyMember.Role.ADMIN)
    if not admins.exclude(pk=member.pk).exists():
        raise DomainError(LAST_ADMIN, code="last_admin", field="role")


@transaction.atomic
@audited("companies.member.invite")
def company_member_invite(
    *,
    actor: User,
    company: Company,
    email: str,
    first_name: str,
    last_name: str,
    language: str,
    role: str = CompanyMember.Role.HOST,
) -> CompanyMember:
    """Invite a person by e-mail to act for the company. An address that already has an
    account joins with that account (accounts.services.user_invite). The e-mail goes out
    after commit, so a refused invitation leaves no account and sends nothing."""
    _check_manages_people(actor, company)
    user = user_invite(email=email, first_name=first_name, last_name=last_name, language=language)
    member = company_member_add(company=company, user=user, role=role)
    user_invitation_send(
        user=user, intro=INVITED_AS[member.role], params={"inviter": str(actor), "company": company.name}
    )
    return member


@transaction.atomic
@audited("companies.member.set_role", target="member")
def company_member_set_role(*, actor: User, member: CompanyMember, role: str) -> CompanyMember:
    """Make a colleague an administrator or a host; the last administrator stays one."""
    _check_manages_people(actor, member.company)
    if member.role == CompanyMember.Role.ADMIN and role != CompanyMember.Role.ADMIN:
        _check_keeps_an_admin(member)
    return company_member_update(member=member, role=role)


@transaction.atomic
@audited("companies.member.remove", target="member")
def company_member_remove(*, actor: User, member: CompanyMember) -> None:
    """Stop a person acting for the company (their account stays, and offers they were the
    contact for keep going without one). The last administrator cannot leave."""
    _check_manages_people(actor, member.company)
    if member.role == CompanyMember.Role.ADMIN:
        _check_keeps_an_admin(member)
    member.delete()


@transaction.atomic
@audited("companies.role_model.create")
def role_model_create(
    *,
    company: Company,
    actor: User | None = None,
    name: str,
    job_title: str,
    education_path: str = "",
    is_young_ambassador: bool = False,
    email: str = "",
) -> RoleModel:
    """A role model for the company. With an `actor` (a page), only the company's
    administrators may add one; without (the demo, the admin) the caller has checked."""
    if actor is not None:
        _check_manages_people(actor, company)
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
@audited("companies.role_model.update", target="role_model", fields=True)
def role_model_update(*, role_model: RoleModel, actor: User | None = None, **fields: Any) -> RoleModel:
    """Change the given fields (any of ROLE_MODEL_FIELDS); a role model stays with its company.
    With an `actor`, only the company's administrators may change it."""
    if actor is not None:
        _check_manages_people(actor, role_model.company)
    assign_fields(role_model, ROLE_MODEL_FIELDS, fields)
    role_model.full_clean()
    role_model.save()
    return role_model


ERASED_ROLE_MODEL = "—"


def person_company_data_erase(sender: object, *, users: list[User], email: str, **kwargs: object) -> dict[str, int]:
    """Erasure (accounts.services.person_erase): the person no longer acts for any company (an
    offer they were the contact of keeps no contact), a role model with their address keeps
    neither name nor address (the slots they were on keep the row, for the counts), and a
    company whose contact address is theirs loses it."""
    memberships = CompanyMember.objects.filter(user__in=users).delete()[0] if users else 0
    role_models = RoleModel.objects.filter(email__iexact=email).update(
        name=ERASED_ROLE_MODEL, email="", education_path=""
    )
    companies = Company.objects.filter(email__iexact=email).update(email="")
    return {
        "company memberships removed": memberships,
        "role models blanked": role_models,
        "company addresses blanked": companies,
    }
