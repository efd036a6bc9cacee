"""The initiative API: anyone reads with the page's filters, the consultant writes, and a page of
the list takes the same queries whatever its size."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from overview.models import Initiative, TargetGroup
from overview.services import initiative_create
from tests.conftest import client_for
from tests.dates import today

pytestmark = pytest.mark.django_db


def make(name: str, **values) -> Initiative:
    groups = values.pop("target_groups", [])
    values = {"owner": "Astra", "geography": "national"} | values
    initiative = initiative_create(actor=None, name=name, **values)
    initiative.target_groups.set(TargetGroup.objects.filter(code__in=groups))
    return initiative


def names(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    return [row["name"] for row in response.json()["results"]]


@pytest.fixture
def catalogue():
    past = today() - dt.timedelta(days=300)
    return {
        "pirates": make(
            "Coding Pirates",
            geography="regional",
            region="Nordjylland",
            kind="inspiration",
            stem_focus="Programmering",
            target_groups=["primary_school"],
        ),
        "mohr": make("Georg Mohr", kind="competition", description="Matematik for gymnasiet."),
        "ended": make(
            "Fokus på matematik",
            geography="regional",
            region="Nordjylland",
            started_on=past,
            ended_on=past + dt.timedelta(days=100),
            lessons="Lærerne skal med fra start.",
            target_groups=["teachers"],
        ),
        "upcoming": make("Fremtidens robotter", started_on=today() + dt.timedelta(days=30)),
    }


def test_anyone_lists_and_reads_initiatives(catalogue):
    anonymous = APIClient()

    assert names(anonymous.get("/api/v1/initiatives/")) == [
        "Coding Pirates",
        "Fokus på matematik",
        "Fremtidens robotter",
        "Georg Mohr",
    ]
    detail = anonymous.get(f"/api/v1/initiatives/{catalogue['ended'].pk}/").json()
    assert detail["lessons"] == "Lærerne skal med fra start."
    assert detail["target_groups"] == ["teachers"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=matematik", ["Fokus på matematik", "Georg Mohr"]),
        ("q=programmering", ["Coding Pirates"]),
        ("q=astra+mohr", ["Georg Mohr"]),
        ("geography=regional", ["Coding Pirates", "Fokus på matematik"]),
        ("target_group=teachers", ["Fokus på matematik"]),
        ("kind=competition", ["Georg Mohr"]),
        ("status=ended", ["Fokus på matematik"]),
        ("status=upcoming", ["Fremtidens robotter"]),
        ("status=running", ["Coding Pirates", "Georg Mohr"]),
        ("region=nordjylland&status=running", ["Coding Pirates"]),
    ],
)
def test_the_filters_narrow_the_list(catalogue, query, expected):
    assert names(APIClient().get(f"/api/v1/initiatives/?{query}")) == expected


@pytest.mark.parametrize(
    "query", ["geography=moon", "kind=party", "status=soon", "target_group=aliens", "q=" + "x" * 300]
)
def test_a_filter_value_that_is_no_choice_is_a_400(catalogue, query):
    assert APIClient().get(f"/api/v1/initiatives/?{query}").status_code == 400


def test_the_consultant_creates_changes_and_deletes(consultant):
    api = client_for(consultant)

    created = api.post(
        "/api/v1/initiatives/",
        {
            "name": "Robotlab",
            "owner": "UCN",
            "geography": "regional",
            "region": "Nordjylland",
            "target_groups": ["teachers"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = api.patch(f"/api/v1/initiatives/{pk}/", {"kind": "course", "target_groups": []}, format="json")
    assert changed.status_code == 200, changed.content
    robotlab = Initiative.objects.get(pk=pk)
    assert robotlab.kind == "course" and not robotlab.target_groups.exists()
    assert api.delete(f"/api/v1/initiatives/{pk}/").status_code == 204
    assert not Initiative.objects.exists()


def test_a_name_taken_in_other_case_is_refused_with_its_field(consultant, catalogue):
    response = client_for(consultant).post(
        "/api/v1/initiatives/", {"name": "coding pirates", "owner": "X", "geography": "national"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_name"
    assert "name" in response.json()


def test_a_national_initiative_with_a_region_is_refused(consultant):
    response = client_for(consultant).post(
        "/api/v1/initiatives/",
        {"name": "A", "owner": "B", "geography": "national", "region": "Nordjylland"},
        format="json",
    )

    assert response.status_code == 400 and response.json()["code"] == "invalid_region"


def test_a_page_of_initiatives_takes_the_same_queries_whatever_its_size(django_assert_max_num_queries):
    for number in range(3):
        make(f"Lille {number}", target_groups=["teachers", "primary_school"])
    api = APIClient()
    with django_assert_max_num_queries(10) as few:
        assert len(names(api.get("/api/v1/initiatives/?page_size=3"))) == 3
    for number in range(40):
        make(f"Stor {number}", target_groups=["teachers", "employed"])

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(names(api.get("/api/v1/initiatives/?page_size=40"))) == 40
