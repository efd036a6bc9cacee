"""The demo's tables refer to each other by key; every key must name something that exists,
so that a typo in the data fails here rather than halfway through `load_demo`."""

import csv
from collections import Counter
from pathlib import Path

from adoptions.models import MAX_WISHES, PlanActivity
from demo import DEMO_LOGINS
from demo.adoptions import ADOPTIONS, CAPACITIES, GREY_ZONE_SCHOOLS, WISHES
from demo.bookings import DEMO_BOOKINGS
from demo.companies import COMPANIES, COMPANY_LOGINS
from demo.offers import OFFERS
from demo.places import TOWNS
from demo.schools import FOLK, SCHOOL_LOGINS, SCHOOLS, class_names

CORE_DATA = Path(__file__).resolve().parents[2] / "core" / "data"


def duplicates(values) -> set:
    return {value for value, count in Counter(values).items() if count > 1}


def test_keys_and_numbers_are_unique():
    assert not duplicates(spec.key for spec in COMPANIES)
    assert not duplicates(spec.cvr for spec in COMPANIES)
    assert not duplicates(spec.key for spec in SCHOOLS)
    assert not duplicates(spec.institution_number for spec in SCHOOLS)
    assert not duplicates(spec.key for spec in OFFERS if spec.key)
    assert not duplicates(login.username for login in DEMO_LOGINS)


def test_every_company_and_school_lies_in_a_known_town():
    assert {spec.city for spec in COMPANIES} | {spec.city for spec in SCHOOLS} <= set(TOWNS)


def test_offers_and_logins_name_existing_companies_and_schools():
    company_keys, school_keys = {spec.key for spec in COMPANIES}, {spec.key for spec in SCHOOLS}

    assert {spec.company for spec in OFFERS} <= company_keys
    assert set(COMPANY_LOGINS) <= company_keys
    assert set(SCHOOL_LOGINS) <= school_keys
    assert {login for login, _role, _job in COMPANY_LOGINS.values()} | set(SCHOOL_LOGINS.values()) <= set(DEMO_LOGINS)


def test_demo_teachers_book_offers_and_classes_that_exist():
    offer_keys = {spec.key for spec in OFFERS if spec.key}
    schools = {spec.key: spec for spec in SCHOOLS}
    classes_of = {
        login.username: {name for _grade, name in class_names(schools[key].kind, schools[key].parallels)}
        for key, login in SCHOOL_LOGINS.items()
    }

    for booking in DEMO_BOOKINGS:
        assert booking.offer in offer_keys, booking
        assert booking.class_name in classes_of[booking.username], booking


def reference(name: str) -> list[dict[str, str]]:
    with (CORE_DATA / name).open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_round_capacities_and_wishes_name_existing_companies_sectors_and_next_years_eighth_grades():
    """Capacities are one per company; wishes one per class, for next year's 8th grade of a
    folkeskole (its 7th grade this year), with at most MAX_WISHES distinct choices, each a
    company's key or a sector's code (which never coincide)."""
    companies = {spec.key for spec in COMPANIES}
    sectors = {row["code"] for row in reference("sectors.csv")}
    schools = {spec.key: spec for spec in SCHOOLS}
    assert not companies & sectors
    assert not duplicates(spec.company for spec in CAPACITIES)
    assert {spec.company for spec in CAPACITIES} <= companies
    assert not duplicates((spec.school, spec.class_name) for spec in WISHES)
    assert set(GREY_ZONE_SCHOOLS) <= {spec.school for spec in WISHES}
    for wish in WISHES:
        school = schools[wish.school]
        sevenths = {name for grade, name in class_names(school.kind, school.parallels) if grade == 7}
        assert school.kind == FOLK and f"7{wish.class_name[1:]}" in sevenths, wish
        assert 1 <= len(wish.choices) <= MAX_WISHES and not duplicates(wish.choices), wish
        assert set(wish.choices) <= companies | sectors, wish


def test_adoptions_name_existing_eighth_grades_goals_and_when_booked_activities_take_place():
    """Adopted classes are this year's 8th grades, one adoption each; every learning goal is
    a Fælles Mål area the curriculum data holds; a booked activity says how many weeks ahead
    it is booked, and only a booked one does."""
    companies = {spec.key for spec in COMPANIES}
    schools = {spec.key: spec for spec in SCHOOLS}
    goals = {(row["subject"], row["area_da"]) for row in reference("learning-goals.csv")}
    assert not duplicates((spec.school, spec.class_name) for spec in ADOPTIONS)
    for adoption in ADOPTIONS:
        school = schools[adoption.school]
        assert (8, adoption.class_name) in class_names(school.kind, school.parallels), adoption
        assert adoption.company in companies
        for activity in adoption.activities:
            assert activity.goals and set(activity.goals) <= goals, activity
            assert (activity.weeks_ahead is not None) == (activity.status == PlanActivity.Status.BOOKED), activity
            assert activity.weeks_ahead is None or activity.weeks_ahead >= 1, activity
