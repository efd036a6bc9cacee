"""Who may manage a round, state a company's capacity and state a class's wishes: the one
definition the services, the API and the pages share."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from adoptions.permissions import (
    area_holds,
    can_manage_round,
    can_open_rounds,
    can_state_capacity,
    can_state_wishes,
)
from tests import factories
from tests.adoptions.round_fixtures import *  # noqa: F403 (the fixtures)
from tests.adoptions.round_fixtures import AALBORG, BALLERUP, BRONDERSLEV, HJORRING, consultant_for


@pytest.fixture
def users(teacher, other_teacher, host, other_host, consultant, area_consultant, far_consultant, administrator):
    return {
        "anonymous": AnonymousUser(),
        "teacher": teacher.user,
        "other_teacher": other_teacher.user,
        "host": host.user,
        "other_host": other_host.user,
        "consultant": consultant,
        "area_consultant": area_consultant,
        "far_consultant": far_consultant,
        "administrator": administrator,
    }


MANAGERS = {"consultant", "area_consultant", "administrator"}


@pytest.mark.parametrize(
    "role",
    [
        "anonymous",
        "teacher",
        "other_teacher",
        "host",
        "other_host",
        "consultant",
        "area_consultant",
        "far_consultant",
        "administrator",
    ],
)
def test_who_manages_a_round(users, round, role):
    """A consultant whose area overlaps the round's, a consultant with no area, an administrator;
    nobody else: not a consultant of another area, not a teacher or a host."""
    assert can_manage_round(users[role], round) is (role in MANAGERS)


def test_only_consultants_and_administrators_open_rounds(users):
    opens = {role for role, user in users.items() if can_open_rounds(user)}

    assert opens == {"consultant", "area_consultant", "far_consultant", "administrator"}


def test_one_shared_municipality_is_enough_to_manage_a_round(db, round):
    """The round covers Aalborg and Brønderslev; a consultant for Brønderslev and Hjørring manages it."""
    assert can_manage_round(consultant_for("nabo", BRONDERSLEV, HJORRING), round)
    assert not can_manage_round(consultant_for("langt-væk", BALLERUP), round)


def test_area_holds_only_municipalities_all_inside_it(db, area_consultant, consultant):
    assert area_holds(area_consultant, [AALBORG])
    assert not area_holds(area_consultant, [AALBORG, BRONDERSLEV])
    assert area_holds(consultant, [AALBORG, BALLERUP, HJORRING]), "no area: the whole installation"


def test_an_unsaved_round_is_managed_only_by_those_who_work_everywhere(db, area_consultant, consultant):
    unsaved = factories.AdoptionRoundFactory.build()

    assert not can_manage_round(area_consultant, unsaved)
    assert can_manage_round(consultant, unsaved)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", False),
        ("teacher", False),
        ("host", True),
        ("other_host", False),
        ("consultant", True),
        ("area_consultant", True),
        ("far_consultant", False),
        ("administrator", True),
    ],
)
def test_who_states_a_company_capacity(users, round, company, role, expected):
    """The company's own people, or someone who manages the round."""
    assert can_state_capacity(users[role], round, company) is expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", False),
        ("teacher", True),
        ("other_teacher", False),
        ("host", False),
        ("consultant", True),
        ("area_consultant", True),
        ("far_consultant", False),
        ("administrator", True),
    ],
)
def test_who_states_a_class_wishes(users, round, eighth_grade, role, expected):
    """A teacher at the class's school, or someone who manages the round."""
    assert can_state_wishes(users[role], round, eighth_grade) is expected


def test_a_colleague_at_the_same_school_states_the_class_wishes(round, eighth_grade, teacher):
    colleague = factories.TeacherFactory(school=teacher.school, user__username="kollega")

    assert can_state_wishes(colleague.user, round, eighth_grade)
