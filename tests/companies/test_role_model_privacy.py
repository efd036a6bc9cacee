"""Role models are shown to the public by first name and job: a young ambassador may be an
apprentice of 16, whose surname the public has no need of. Everyone is treated alike, so
that a missing surname does not single anyone out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "first_name"),
    [("Maja Østergård", "Maja"), ("  Ida  Marie Bækgaard ", "Ida"), ("Åge", "Åge"), ("", "")],
)
def test_role_model_first_name_is_the_first_word_of_the_name(name, first_name):
    role_model = factories.RoleModelFactory.build(name=name)

    assert role_model.first_name == first_name
    assert role_model.public_name == first_name


@pytest.mark.parametrize("young_ambassador", [True, False])
def test_public_api_shows_role_models_first_name_and_job_never_the_surname(client, young_ambassador):
    company = factories.CompanyFactory()
    factories.RoleModelFactory(
        company=company, name="Maja Østergård", job_title="Elektrikerlærling", is_young_ambassador=young_ambassador
    )

    response = client.get(f"/api/v1/companies/{company.pk}/")

    assert response.status_code == 200
    (shown,) = response.json()["role_models"]
    assert shown["first_name"] == "Maja"
    assert shown["job_title"] == "Elektrikerlærling"
    assert "Østergård" not in response.content.decode()
    assert "email" not in shown


def test_public_offer_page_shows_role_models_first_name_and_job_never_the_surname(client, offer, slot):
    factories.RoleModelFactory(
        company=offer.company, name="Maja Østergård", job_title="Elektrikerlærling", is_young_ambassador=True
    )

    page = client.get(reverse("offer-detail", args=[offer.pk])).content.decode()

    assert "Maja" in page and "Elektrikerlærling" in page
    assert "Østergård" not in page
