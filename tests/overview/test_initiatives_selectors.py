"""Running, upcoming and ended, at their edges: an initiative is running on its first and its
last day; with no dates it is running."""

from __future__ import annotations

import datetime as dt

import pytest

from overview.models import Initiative
from overview.selectors import initiative_list, initiatives_matching
from tests.dates import today

pytestmark = pytest.mark.django_db


def make(name: str, started_on=None, ended_on=None) -> Initiative:
    return Initiative.objects.create(
        name=name, owner="X", geography="national", started_on=started_on, ended_on=ended_on
    )


@pytest.fixture
def dated():
    day = dt.timedelta(days=1)
    make("Uden datoer")
    make("Starter i dag", started_on=today())
    make("Slutter i dag", started_on=today() - 9 * day, ended_on=today())
    make("Sluttede i går", ended_on=today() - day)
    make("Starter i morgen", started_on=today() + day)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("running", ["Slutter i dag", "Starter i dag", "Uden datoer"]),
        ("ended", ["Sluttede i går"]),
        ("upcoming", ["Starter i morgen"]),
    ],
)
def test_status_at_its_edges(dated, status, expected):
    found = initiatives_matching(initiative_list(), status=status)

    assert [initiative.name for initiative in found] == expected


def test_search_needs_every_word_in_any_of_the_searched_fields():
    Initiative.objects.create(name="Robotlab", owner="UCN", geography="national", stem_focus="Teknologi")
    Initiative.objects.create(name="Kemishow", owner="Aalborg", geography="national", description="Kemi og teknologi")

    assert [i.name for i in initiatives_matching(initiative_list(), text="teknologi")] == ["Kemishow", "Robotlab"]
    assert [i.name for i in initiatives_matching(initiative_list(), text="TEKNOLOGI ucn")] == ["Robotlab"]
    assert not initiatives_matching(initiative_list(), text="robot kemi").exists()
