"""`core.geo.distance_km`: great-circle distances, checked against known ones."""

import csv
from pathlib import Path

import pytest

from core.geo import distance_km

MUNICIPALITIES = Path(__file__).resolve().parents[2] / "core" / "data" / "municipalities.csv"


def seat(name: str) -> tuple[float, float]:
    with MUNICIPALITIES.open(encoding="utf-8") as rows:
        row = next(row for row in csv.DictReader(rows) if row["name"] == name)
    return float(row["lat"]), float(row["lon"])


def test_aalborg_to_frederikshavn_is_about_57_km_as_the_crow_flies():
    """The two town centres in the reference data lie 57.4 km apart in a straight line
    (the road is about 65 km)."""
    assert distance_km(*seat("Aalborg"), *seat("Frederikshavn")) == pytest.approx(57.4, abs=0.5)


def test_copenhagen_to_aarhus_is_about_156_km():
    assert distance_km(55.676, 12.568, 56.157, 10.211) == pytest.approx(156.3, abs=1)


def test_one_degree_of_latitude_is_about_111_km():
    assert distance_km(56.0, 10.0, 57.0, 10.0) == pytest.approx(111.2, abs=0.1)


def test_a_degree_of_longitude_shrinks_towards_the_pole():
    """At 57° north a degree east is only cos(57°) ≈ 0.54 of a degree north."""
    assert distance_km(57.0, 10.0, 57.0, 11.0) == pytest.approx(111.2 * 0.5446, abs=0.3)


def test_distance_is_symmetric_and_zero_to_itself():
    aalborg, skagen = seat("Aalborg"), (57.720, 10.583)

    assert distance_km(*aalborg, *skagen) == pytest.approx(distance_km(*skagen, *aalborg))
    assert distance_km(*aalborg, *aalborg) == 0
