"""Companies' services: every write is validated, members and role models belong to one
company, and the admin saves through the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from companies import services
from companies.models import Company, CompanyMember, RoleModel
from core.errors import DomainError
from core.models import Cluster, Municipality, Sector
from tests import factories

VALID_CVR = "25881397"  # passes the modulus-11 check
# The company page's inlines (members, role models) are read-only but still expect their forms' counts.
NO_INLINE_ROWS = {
    f"{prefix}-{count}": 0 for prefix in ("members", "role_models") for count in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code
    return caught.value


def create_company(**overrides) -> Company:
    fields = {
        "name": "Nordvind Service A/S",
        "cvr": VALID_CVR,
        "sector": Sector.objects.get(code="energy"),
        "municipality": Municipality.objects.get(code=813),
        "address": "Søsportsvej 14",
        "postcode": "9900",
        "city": "Frederikshavn",
    }
    return services.company_create(**fields | overrides)


def test_company_create_saves_the_company_with_its_clusters(db):
    cluster = Cluster.objects.filter(sector_id="energy").first()

    company = create_company(clusters=[cluster], latitude=57.44, longitude=10.54)

    company.refresh_from_db()
    assert company.full_address == "Søsportsvej 14, 9900 Frederikshavn"
    assert list(company.clusters.all()) == [cluster]
    assert (company.latitude, company.longitude) == (57.44, 10.54)


def test_company_create_refuses_an_invalid_cvr_number_and_saves_nothing(db):
    with pytest.raises(ValidationError) as caught:
        create_company(cvr="1234567")

    assert "cvr" in caught.value.message_dict
    assert not Company.objects.exists()


def test_company_update_changes_only_the_given_fields(db):
    company = create_company(description="Vindmøller")

    services.company_update(company=company, phone="+45 98 42 11 00")

    company.refresh_from_db()
    assert company.phone == "+45 98 42 11 00"
    assert company.description == "Vindmøller"


def test_company_update_refuses_fields_that_are_not_editable(db):
    company = create_company()

    with pytest.raises(TypeError):
        services.company_update(company=company, created_at=None)


def test_company_member_add_lets_a_user_act_for_the_company_once(db):
    company, user = create_company(), factories.UserFactory()

    member = services.company_member_add(company=company, user=user, role=CompanyMember.Role.ADMIN)

    assert member.role == CompanyMember.Role.ADMIN
    refused("already_member", lambda: services.company_member_add(company=company, user=user))
    assert CompanyMember.objects.filter(company=company).count() == 1


def test_company_member_update_changes_role_and_job_title_but_not_the_company(db):
    member = services.company_member_add(company=create_company(), user=factories.UserFactory())

    services.company_member_update(member=member, role=CompanyMember.Role.ADMIN, job_title="HR")

    member.refresh_from_db()
    assert (member.role, member.job_title) == (CompanyMember.Role.ADMIN, "HR")
    with pytest.raises(TypeError):
        services.company_member_update(member=member, company=factories.CompanyFactory())


def test_role_model_create_and_update(db):
    company = create_company()

    role_model = services.role_model_create(
        company=company, name="Maja Østergård", job_title="Elektrikerlærling", is_young_ambassador=True
    )
    services.role_model_update(role_model=role_model, education_path="EUX el på Tech College Aalborg.")

    role_model.refresh_from_db()
    assert role_model.company == company
    assert role_model.is_young_ambassador
    assert role_model.education_path == "EUX el på Tech College Aalborg."


def test_role_model_create_refuses_a_missing_job_title(db):
    with pytest.raises(ValidationError):
        services.role_model_create(company=create_company(), name="Maja", job_title="")

    assert not RoleModel.objects.exists()


def test_admin_adds_a_company_with_clusters_through_the_service(admin_client, db):
    cluster = Cluster.objects.filter(sector_id="energy").first()
    form = {
        "name": "Nordvind Service A/S",
        "cvr": VALID_CVR,
        "sector": "energy",
        "clusters": [cluster.pk],
        "municipality": 813,
        "address": "Søsportsvej 14",
        "postcode": "9900",
        "city": "Frederikshavn",
        "_continue": "Save and continue editing",
    }

    response = admin_client.post("/admin/companies/company/add/", form | NO_INLINE_ROWS)

    company = Company.objects.get()
    assert response.status_code == 302
    assert response.url == f"/admin/companies/company/{company.pk}/change/"
    assert list(company.clusters.all()) == [cluster]
    assert admin_client.get(response.url).status_code == 200


def test_admin_shows_an_invalid_cvr_number_as_a_form_error(admin_client, db):
    response = admin_client.post(
        "/admin/companies/company/add/",
        {"name": "X", "cvr": "1234567", "sector": "energy", "municipality": 813} | NO_INLINE_ROWS,
    )

    assert response.status_code == 200
    assert "cvr" in response.context["adminform"].form.errors
    assert not Company.objects.exists()


def test_admin_adds_a_member_and_changes_only_role_and_job_title(admin_client, db):
    company, user = factories.CompanyFactory(), factories.UserFactory()

    admin_client.post(
        "/admin/companies/companymember/add/",
        {"company": company.pk, "user": user.pk, "role": "host", "job_title": "Vært"},
    )
    member = CompanyMember.objects.get()
    admin_client.post(
        f"/admin/companies/companymember/{member.pk}/change/",
        {"company": factories.CompanyFactory().pk, "role": "admin", "job_title": "Leder"},
    )

    member.refresh_from_db()
    assert (member.company, member.user, member.role, member.job_title) == (company, user, "admin", "Leder")
