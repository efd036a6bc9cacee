"""An adopted class with its plan, the people on each side, and a learning goal for 8th grade:
the starting point of the plan and roll-over tests (fixtures imported by name)."""

import datetime as dt

import pytest
from django.utils import timezone

from adoptions.models import CompanyCapacity
from adoptions.services import adoption_create
from core.models import LearningGoal
from tests import factories
from tests.adoptions.round_fixtures import area_consultant, far_consultant  # noqa: F401 (fixtures, re-exported)


@pytest.fixture
def adoption(school_class, company, host, teacher):
    return adoption_create(school_class=school_class, company=company)


@pytest.fixture
def plan(adoption):
    return adoption.plan


@pytest.fixture
def goal_for_8th(db):
    return LearningGoal.objects.filter(grade_min__lte=8, grade_max__gte=8).first()


@pytest.fixture
def goal_not_for_8th(db):
    return LearningGoal.objects.exclude(grade_min__lte=8, grade_max__gte=8).first()


def next_month() -> dt.date:
    return (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def capacity(company, *, per_month: int) -> CompanyCapacity:
    """The company's stated capacity (in a round of its own), which sets its monthly limit."""
    return factories.CompanyCapacityFactory(company=company, classes=1, activities_per_month=per_month)
