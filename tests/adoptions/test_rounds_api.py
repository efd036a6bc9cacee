"""The rounds API: thin over the round services. A refusal is a 400 with the service's code and
the field it concerns; a change keeps what it leaves out; stating capacity or wishes again
changes what was stated."""

from __future__ import annotations

from adoptions.models import AdoptionRound, ClassWish, CompanyCapacity
from core.models import Municipality
from tests import factories
from tests.adoptions.round_fixtures import *  # noqa: F403 (the fixtures)
from tests.adoptions.round_fixtures import AALBORG, HJORRING, next_school_year
from tests.conftest import client_for


def test_consultant_opens_a_round_and_reads_it_back(area_consultant):
    api = client_for(area_consultant)

    response = api.post(
        "/api/v1/adoption-rounds/",
        {"title": "Runde", "school_year": next_school_year(), "municipalities": [AALBORG]},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = api.get(f"/api/v1/adoption-rounds/{response.json()['id']}/").json()
    assert (body["status"], body["municipalities"], body["capacities"], body["wishes"]) == (
        "collecting",
        [AALBORG],
        0,
        0,
    )


def test_a_refusal_names_its_code_and_field(area_consultant):
    response = client_for(area_consultant).post(
        "/api/v1/adoption-rounds/",
        {"title": "Runde", "school_year": next_school_year(), "municipalities": [HJORRING]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "municipalities_outside_area"
    assert "municipalities" in response.json()
    assert not AdoptionRound.objects.exists()


def test_status_moves_on_and_accepted_is_refused(area_consultant, round):
    api = client_for(area_consultant)

    assert (
        api.patch(f"/api/v1/adoption-rounds/{round.pk}/", {"status": "matching"}, format="json").json()["status"]
        == "matching"
    )
    refused = api.patch(f"/api/v1/adoption-rounds/{round.pk}/", {"status": "accepted"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "status_accepted_by_run")


def test_priorities_left_out_keep_their_value(area_consultant, round, school):
    api = client_for(area_consultant)
    api.post(f"/api/v1/adoption-rounds/{round.pk}/priorities/", {"grey_zone_schools": [school.pk]}, format="json")

    body = api.post(f"/api/v1/adoption-rounds/{round.pk}/priorities/", {"weight_grey_zone": 0}, format="json").json()

    assert (body["grey_zone_schools"], body["weight_grey_zone"], body["weight_outlying"]) == ([school.pk], 0, 200)


def test_host_states_capacity_then_changes_part_of_it(host, round, company):
    api = client_for(host.user)
    payload = {"round": round.pk, "company": company.pk, "classes": 2, "weekdays": [0, 4], "notes": "Gerne"}

    assert api.post("/api/v1/adoption-capacities/", payload, format="json").status_code == 201
    assert api.post("/api/v1/adoption-capacities/", payload | {"classes": 3}, format="json").status_code == 200
    capacity = CompanyCapacity.objects.get()
    response = api.patch(f"/api/v1/adoption-capacities/{capacity.pk}/", {"max_travel_km": 80}, format="json")

    assert response.status_code == 200
    assert (response.json()["classes"], response.json()["weekdays"], response.json()["max_travel_km"]) == (
        3,
        [0, 4],
        80,
    )
    assert response.json()["notes"] == "Gerne"


def test_capacity_of_a_company_out_of_reach_is_refused_at_the_distance(area_consultant):
    round = factories.AdoptionRoundFactory(municipalities=[AALBORG])
    far = factories.CompanyFactory(municipality=Municipality.objects.get(code=HJORRING))

    response = client_for(area_consultant).post(
        "/api/v1/adoption-capacities/", {"round": round.pk, "company": far.pk, "classes": 1}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, "company_out_of_reach")
    assert "max_travel_km" in response.json()


def test_teacher_states_ranked_wishes_and_changes_the_travel_only(teacher, round, eighth_grade, company):
    factories.CompanyCapacityFactory(round=round, company=company)
    api = client_for(teacher.user)
    payload = {
        "round": round.pk,
        "school_class": eighth_grade.pk,
        "choices": [{"company": company.pk}, {"sector": "ict"}],
        "max_travel_km": 25,
    }

    created = api.post("/api/v1/adoption-wishes/", payload, format="json")
    assert created.status_code == 201, created.content
    assert [(choice["rank"], choice["company"], choice["sector"]) for choice in created.json()["choices"]] == [
        (1, company.pk, None),
        (2, None, "ict"),
    ]
    changed = api.patch(f"/api/v1/adoption-wishes/{created.json()['id']}/", {"max_travel_km": 60}, format="json")

    assert changed.json()["max_travel_km"] == 60
    assert len(changed.json()["choices"]) == 2


def test_a_choice_is_a_company_or_a_sector_not_both(teacher, round, eighth_grade, company):
    response = client_for(teacher.user).post(
        "/api/v1/adoption-wishes/",
        {"round": round.pk, "school_class": eighth_grade.pk, "choices": [{"company": company.pk, "sector": "ict"}]},
        format="json",
    )

    assert response.status_code == 400
    assert "choices" in response.json()
    assert not ClassWish.objects.exists()


def test_duplicate_choices_are_refused_by_the_service(teacher, round, eighth_grade):
    response = client_for(teacher.user).post(
        "/api/v1/adoption-wishes/",
        {"round": round.pk, "school_class": eighth_grade.pk, "choices": [{"sector": "ict"}, {"sector": "ict"}]},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (400, "choice_duplicate")
