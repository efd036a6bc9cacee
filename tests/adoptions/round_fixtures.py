"""Fixtures for the round tests: a round collecting for next school year in Aalborg, the
consultants around it, a company and an 8th-grade class that may take part. Import the fixtures
a test module uses by name."""

from __future__ import annotations

import pytest
from django.utils import timezone

from adoptions.models import AdoptionRound
from core.dates import school_year_of
from core.models import Municipality
from tests import factories

AALBORG, BRONDERSLEV, HJORRING, BALLERUP, MORSOE = 851, 810, 860, 151, 773


def next_school_year() -> int:
    return school_year_of(timezone.localdate()) + 1


def consultant_for(username: str, *codes: int):
    """A consultant whose area is the municipalities with these codes (none: the whole installation)."""
    user = factories.UserFactory(username=username, is_consultant=True)
    user.area.set(Municipality.objects.filter(code__in=codes))
    return user


@pytest.fixture
def round(db) -> AdoptionRound:
    return factories.AdoptionRoundFactory(municipalities=[AALBORG, BRONDERSLEV])


@pytest.fixture
def area_consultant(db):
    """Works for Aalborg: the round's area overlaps theirs."""
    return consultant_for("aalborg-konsulent", AALBORG)


@pytest.fixture
def far_consultant(db):
    """Works for Hjørring: the round is none of theirs."""
    return consultant_for("hjørring-konsulent", HJORRING)


@pytest.fixture
def administrator(db):
    return factories.UserFactory(username="administrator", is_superuser=True, is_staff=True)


@pytest.fixture
def eighth_grade(school):
    """An 8th-grade class of next school year at `school` (in Aalborg), the teacher's school."""
    return factories.SchoolClassFactory(school=school, name="8.A", grade=8, school_year=next_school_year())
