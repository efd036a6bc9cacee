"""The demo's tables refer to each other by key; every key must name something that exists,
so that a typo in the data fails here rather than halfway through `load_demo`."""

from collections import Counter

from demo import DEMO_LOGINS
from demo.bookings import DEMO_BOOKINGS
from demo.companies import COMPANIES, COMPANY_LOGINS
from demo.offers import OFFERS
from demo.places import TOWNS
from demo.schools import SCHOOL_LOGINS, SCHOOLS, class_names


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
