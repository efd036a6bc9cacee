"""Adoption rounds: opening, changing and moving a round on, its priorities and weights, a
company's capacity and a class's wishes. Every refusal has a stable code and names its field,
and a refused call leaves nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from adoptions import services
from adoptions.models import (
    MAX_ACTIVITIES_PER_MONTH,
    MAX_ADOPTED_CLASSES,
    MAX_TRAVEL_KM,
    MAX_WEIGHT,
    AdoptionRound,
    ClassWish,
    CompanyCapacity,
)
from core.dates import school_year_of
from core.errors import DomainError
from core.models import Municipality, Sector
from tests import factories
from tests.adoptions.round_fixtures import *  # noqa: F403 (the fixtures)
from tests.adoptions.round_fixtures import AALBORG, BALLERUP, BRONDERSLEV, HJORRING, next_school_year


def refused(code: str, action, *, field: str | None = None) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code, caught.value.message
    assert caught.value.field == field
    return caught.value


def today() -> dt.date:
    return timezone.localdate()


def municipalities(*codes: int) -> list[Municipality]:
    return list(Municipality.objects.filter(code__in=codes))


def energy() -> Sector:
    return Sector.objects.get(code="energy")


# Opening a round ----------------------------------------------------------------------------


def open_round(actor, **overrides):
    arguments = {
        "actor": actor,
        "title": "Klasseadoption Aalborg",
        "school_year": next_school_year(),
        "municipalities": municipalities(AALBORG),
        "wishes_deadline": today() + dt.timedelta(days=30),
    } | overrides
    return services.round_open(**arguments)


def test_consultant_opens_a_round_collecting_in_their_area(area_consultant):
    opened = open_round(area_consultant, title="  Klasseadoption Aalborg  ")

    assert opened.title == "Klasseadoption Aalborg"
    assert opened.status == AdoptionRound.Status.COLLECTING
    assert opened.created_by == area_consultant
    assert list(opened.municipalities.values_list("code", flat=True)) == [AALBORG]
    assert opened.wishes_deadline == today() + dt.timedelta(days=30)


def test_a_round_may_be_for_this_school_year_and_without_deadline(consultant):
    opened = open_round(consultant, school_year=school_year_of(today()), wishes_deadline=None)

    assert opened.wishes_deadline is None


@pytest.mark.parametrize("role", ["teacher", "host"])
def test_teachers_and_hosts_cannot_open_rounds(db, request, role):
    user = request.getfixturevalue(role).user

    refused("not_allowed", lambda: open_round(user))
    assert not AdoptionRound.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"title": "   "}, "title_required", "title"),
        ({"title": "x" * 201}, "title_too_long", "title"),
        ({"school_year": school_year_of(dt.date.today()) - 1}, "school_year_past", "school_year"),
        ({"school_year": school_year_of(dt.date.today()) + 3}, "school_year_too_far", "school_year"),
        ({"municipalities": []}, "municipalities_required", "municipalities"),
        ({"municipalities": [AALBORG, HJORRING]}, "municipalities_outside_area", "municipalities"),
        ({"wishes_deadline": dt.date.today() - dt.timedelta(days=1)}, "deadline_past", "wishes_deadline"),
        (
            {"wishes_deadline": dt.date(school_year_of(dt.date.today()) + 2, 8, 1)},
            "deadline_after_school_year",
            "wishes_deadline",
        ),
    ],
)
def test_round_open_refuses(area_consultant, overrides, code, field):
    if "municipalities" in overrides:
        overrides = overrides | {"municipalities": municipalities(*overrides["municipalities"])}
    refused(code, lambda: open_round(area_consultant, **overrides), field=field)
    assert not AdoptionRound.objects.exists()


def test_round_open_accepts_the_bounds(area_consultant):
    """The longest title, two school years ahead, a deadline today or on the school year's last day."""
    far = school_year_of(today()) + 2
    open_round(area_consultant, title="x" * 200, school_year=far, wishes_deadline=dt.date(far + 1, 7, 31))
    open_round(area_consultant, wishes_deadline=today())

    assert AdoptionRound.objects.count() == 2


def test_a_consultant_without_area_opens_rounds_anywhere(consultant):
    assert open_round(consultant, municipalities=municipalities(AALBORG, BALLERUP)).municipalities.count() == 2


# Changing a round ---------------------------------------------------------------------------


def test_round_update_changes_only_what_is_given(round, area_consultant):
    round.wishes_deadline = today() + dt.timedelta(days=10)
    round.save()

    services.round_update(round=round, actor=area_consultant, title="Nyt navn")
    round.refresh_from_db()
    assert (round.title, round.wishes_deadline) == ("Nyt navn", today() + dt.timedelta(days=10))

    services.round_update(round=round, actor=area_consultant, wishes_deadline=None)
    round.refresh_from_db()
    assert round.wishes_deadline is None


def test_an_old_deadline_may_stay_when_the_title_changes(round, area_consultant):
    """Only a deadline being set is checked against today: a past one already stored stays."""
    AdoptionRound.objects.filter(pk=round.pk).update(wishes_deadline=today() - dt.timedelta(days=3))
    round.refresh_from_db()

    services.round_update(
        round=round, actor=area_consultant, title="Efter fristen", wishes_deadline=round.wishes_deadline
    )

    round.refresh_from_db()
    assert round.title == "Efter fristen"


@pytest.mark.parametrize("role", ["far_consultant", "teacher", "host"])
def test_round_update_refuses_those_who_do_not_manage_the_round(request, round, role):
    user = request.getfixturevalue(role)
    user = getattr(user, "user", user)

    refused("not_allowed", lambda: services.round_update(round=round, actor=user, title="X"))
    round.refresh_from_db()
    assert round.title == "Klasser adopteres"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"title": ""}, "title_required", "title"),
        ({"title": "x" * 201}, "title_too_long", "title"),
        ({"wishes_deadline": dt.date.today() - dt.timedelta(days=1)}, "deadline_past", "wishes_deadline"),
        (
            {"wishes_deadline": dt.date(school_year_of(dt.date.today()) + 2, 8, 1)},
            "deadline_after_school_year",
            "wishes_deadline",
        ),
        ({"status": "nonsense"}, "status_unknown", "status"),
        ({"status": "accepted"}, "status_accepted_by_run", "status"),
        ({"title": "Nyt", "status": "accepted"}, "status_accepted_by_run", "status"),
    ],
)
def test_round_update_refuses_and_saves_nothing(round, area_consultant, changes, code, field):
    refused(code, lambda: services.round_update(round=round, actor=area_consultant, **changes), field=field)

    round.refresh_from_db()
    assert (round.title, round.status, round.wishes_deadline) == ("Klasser adopteres", "collecting", None)


@pytest.mark.parametrize(
    ("old", "new", "allowed"),
    [
        ("collecting", "matching", True),
        ("collecting", "closed", True),
        ("matching", "collecting", True),
        ("matching", "closed", True),
        ("accepted", "closed", True),
        ("accepted", "collecting", False),
        ("accepted", "matching", False),
        ("closed", "collecting", False),
        ("closed", "matching", False),
    ],
)
def test_status_changes_that_make_sense(round, area_consultant, old, new, allowed):
    """collecting ⇄ matching → closed; an accepted round can only be closed; a closed one is history."""
    AdoptionRound.objects.filter(pk=round.pk).update(status=old)

    if allowed:
        assert services.round_update(round=round, actor=area_consultant, status=new).status == new
    else:
        refused(
            "round_closed" if old == "closed" else "status_change_not_allowed",
            lambda: services.round_update(round=round, actor=area_consultant, status=new),
            field="status",
        )
    round.refresh_from_db()
    assert round.status == (new if allowed else old)


def test_a_closed_round_changes_no_more(round, area_consultant):
    AdoptionRound.objects.filter(pk=round.pk).update(status="closed")

    refused(
        "round_closed", lambda: services.round_update(round=round, actor=area_consultant, title="X"), field="status"
    )


def test_round_update_decides_on_the_stored_status(round, area_consultant):
    """A round closed meanwhile (another tab) is not reopened from a stale copy."""
    AdoptionRound.objects.filter(pk=round.pk).update(status="closed")

    refused(
        "round_closed",
        lambda: services.round_update(round=round, actor=area_consultant, status="matching"),
        field="status",
    )


# Priorities and weights ---------------------------------------------------------------------


def set_priorities(round, actor, **overrides):
    arguments = {
        "round": round,
        "actor": actor,
        "outlying_municipalities": municipalities(BRONDERSLEV),
        "grey_zone_schools": [],
        "weight_outlying": 150,
        "weight_never_adopted": 50,
        "weight_grey_zone": 400,
    } | overrides
    return services.round_set_priorities(**arguments)


def test_consultant_sets_priorities_and_weights(round, area_consultant, school):
    set_priorities(round, area_consultant, grey_zone_schools=[school])

    round.refresh_from_db()
    assert list(round.outlying_municipalities.values_list("code", flat=True)) == [BRONDERSLEV]
    assert list(round.grey_zone_schools.all()) == [school]
    assert (round.weight_outlying, round.weight_never_adopted, round.weight_grey_zone) == (150, 50, 400)


def test_weights_accept_0_and_the_maximum(round, area_consultant):
    set_priorities(round, area_consultant, weight_outlying=0, weight_never_adopted=MAX_WEIGHT, weight_grey_zone=0)

    round.refresh_from_db()
    assert (round.weight_outlying, round.weight_never_adopted) == (0, MAX_WEIGHT)


def test_priorities_can_be_cleared(round, area_consultant, school):
    set_priorities(round, area_consultant, grey_zone_schools=[school])
    set_priorities(round, area_consultant, outlying_municipalities=[], grey_zone_schools=[])

    assert not round.outlying_municipalities.exists()
    assert not round.grey_zone_schools.exists()


@pytest.mark.parametrize("field", ["weight_outlying", "weight_never_adopted", "weight_grey_zone"])
@pytest.mark.parametrize("value", [-1, MAX_WEIGHT + 1, 10**9, True, "100", 1.5])
def test_weights_out_of_range_are_refused(round, area_consultant, field, value):
    refused("weight_out_of_range", lambda: set_priorities(round, area_consultant, **{field: value}), field=field)

    round.refresh_from_db()
    assert (round.weight_outlying, round.weight_never_adopted, round.weight_grey_zone) == (200, 100, 300)
    assert not round.outlying_municipalities.exists()


def test_outlying_municipalities_are_among_the_round_s(round, area_consultant):
    refused(
        "outlying_outside_round",
        lambda: set_priorities(round, area_consultant, outlying_municipalities=municipalities(HJORRING)),
        field="outlying_municipalities",
    )


def test_grey_zone_schools_are_in_the_round_s_area(round, area_consultant, school):
    elsewhere = factories.SchoolFactory(municipality=Municipality.objects.get(code=HJORRING))

    refused(
        "grey_zone_outside_round",
        lambda: set_priorities(round, area_consultant, grey_zone_schools=[school, elsewhere]),
        field="grey_zone_schools",
    )
    assert not round.grey_zone_schools.exists()
    round.refresh_from_db()
    assert round.weight_outlying == 200


@pytest.mark.parametrize("status", ["accepted", "closed"])
def test_priorities_are_fixed_once_accepted_or_closed(round, area_consultant, status):
    AdoptionRound.objects.filter(pk=round.pk).update(status=status)

    refused("priorities_fixed", lambda: set_priorities(round, area_consultant), field="status")


def test_priorities_may_change_while_matching(round, area_consultant):
    AdoptionRound.objects.filter(pk=round.pk).update(status="matching")

    assert set_priorities(round, area_consultant).weight_outlying == 150


@pytest.mark.parametrize("role", ["far_consultant", "teacher", "host"])
def test_only_the_round_s_consultant_sets_priorities(request, round, role):
    user = request.getfixturevalue(role)
    user = getattr(user, "user", user)

    refused("not_allowed", lambda: set_priorities(round, user))


# A company's capacity -----------------------------------------------------------------------


def set_capacity(round, actor, company, **overrides):
    arguments = {
        "actor": actor,
        "round": round,
        "company": company,
        "classes": 2,
        "grade_min": 8,
        "grade_max": 9,
        "max_travel_km": 40,
        "weekdays": [1, 3],
        "activities_per_month": 4,
        "notes": "Gerne 8.-klasser med interesse for el.",
    } | overrides
    return services.capacity_set(**arguments)


def test_host_states_their_company_s_capacity_and_changes_it(round, host, company):
    capacity = set_capacity(round, host.user, company, weekdays=[3, 1, 3])

    assert (capacity.classes, capacity.weekdays, capacity.updated_by) == (2, [1, 3], host.user)

    changed = set_capacity(round, host.user, company, classes=5, weekdays=[])
    assert changed.pk == capacity.pk
    assert (changed.classes, changed.weekdays) == (5, [])
    assert CompanyCapacity.objects.count() == 1


def test_consultant_states_a_company_s_capacity_and_is_recorded(round, area_consultant, company):
    assert set_capacity(round, area_consultant, company).updated_by == area_consultant


@pytest.mark.parametrize("role", ["other_host", "teacher", "far_consultant"])
def test_others_cannot_state_a_company_s_capacity(request, round, company, role):
    user = request.getfixturevalue(role)
    user = getattr(user, "user", user)

    refused("not_allowed", lambda: set_capacity(round, user, company))
    assert not CompanyCapacity.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"classes": 0}, "classes_out_of_range", "classes"),
        ({"classes": MAX_ADOPTED_CLASSES + 1}, "classes_out_of_range", "classes"),
        ({"classes": "3"}, "classes_out_of_range", "classes"),
        ({"grade_min": 14}, "grade_invalid", "grade_min"),
        ({"grade_max": -1}, "grade_invalid", "grade_max"),
        ({"grade_min": 9, "grade_max": 8}, "grade_range_reversed", "grade_max"),
        ({"grade_min": 9, "grade_max": 10}, "grade_range_misses_round", "grade_min"),
        ({"grade_min": 5, "grade_max": 7}, "grade_range_misses_round", "grade_min"),
        ({"max_travel_km": 0}, "travel_out_of_range", "max_travel_km"),
        ({"max_travel_km": MAX_TRAVEL_KM + 1}, "travel_out_of_range", "max_travel_km"),
        ({"weekdays": [5]}, "weekday_invalid", "weekdays"),
        ({"weekdays": [0, -1]}, "weekday_invalid", "weekdays"),
        ({"weekdays": ["MO"]}, "weekday_invalid", "weekdays"),
        ({"activities_per_month": 0}, "activities_out_of_range", "activities_per_month"),
        ({"activities_per_month": MAX_ACTIVITIES_PER_MONTH + 1}, "activities_out_of_range", "activities_per_month"),
        ({"notes": "x" * 2001}, "notes_too_long", "notes"),
    ],
)
def test_capacity_set_refuses_and_saves_nothing(round, host, company, overrides, code, field):
    refused(code, lambda: set_capacity(round, host.user, company, **overrides), field=field)
    assert not CompanyCapacity.objects.exists()


def test_capacity_accepts_the_bounds(round, host, company):
    capacity = set_capacity(
        round,
        host.user,
        company,
        classes=MAX_ADOPTED_CLASSES,
        grade_min=8,
        grade_max=8,
        max_travel_km=MAX_TRAVEL_KM,
        weekdays=[0, 1, 2, 3, 4],
        activities_per_month=MAX_ACTIVITIES_PER_MONTH,
        notes="x" * 2000,
    )
    assert capacity.classes == MAX_ADOPTED_CLASSES
    assert set_capacity(round, host.user, company, classes=1, max_travel_km=1, activities_per_month=1).classes == 1


def test_a_refused_change_keeps_the_capacity_as_it_was(round, host, company):
    set_capacity(round, host.user, company, classes=3)

    refused(
        "grade_range_reversed",
        lambda: set_capacity(round, host.user, company, classes=7, grade_min=9, grade_max=8),
        field="grade_max",
    )

    assert CompanyCapacity.objects.get().classes == 3


@pytest.mark.parametrize("status", ["matching", "accepted", "closed"])
def test_capacity_changes_only_while_the_round_collects(round, host, company, area_consultant, status):
    capacity = set_capacity(round, host.user, company)
    AdoptionRound.objects.filter(pk=round.pk).update(status=status)

    for actor in (host.user, area_consultant):
        refused(
            "round_not_collecting", lambda actor=actor: set_capacity(round, actor, company, classes=9), field="round"
        )
        refused(
            "round_not_collecting",
            lambda actor=actor: services.capacity_withdraw(actor=actor, capacity=capacity),
            field="round",
        )
    assert CompanyCapacity.objects.get().classes == 2


def test_after_the_deadline_only_the_consultant_states_capacity(round, host, company, area_consultant):
    capacity = set_capacity(round, host.user, company)
    AdoptionRound.objects.filter(pk=round.pk).update(wishes_deadline=today() - dt.timedelta(days=1))

    refused("deadline_passed", lambda: set_capacity(round, host.user, company, classes=9), field="round")
    refused("deadline_passed", lambda: services.capacity_withdraw(actor=host.user, capacity=capacity), field="round")
    assert set_capacity(round, area_consultant, company, classes=9).classes == 9


def test_the_deadline_day_itself_is_open(round, host, company):
    AdoptionRound.objects.filter(pk=round.pk).update(wishes_deadline=today())

    assert set_capacity(round, host.user, company).classes == 2


def test_a_company_just_outside_the_area_takes_part_within_its_longest_distance(area_consultant):
    """The round is Aalborg only; a company in Brønderslev (about 25 km from Aalborg's centre)
    takes part when it travels that far, and is told how far it would have to otherwise."""
    aalborg_only = factories.AdoptionRoundFactory(municipalities=[AALBORG])
    neighbour = factories.CompanyFactory(municipality=Municipality.objects.get(code=BRONDERSLEV))

    error = refused(
        "company_out_of_reach",
        lambda: set_capacity(aalborg_only, area_consultant, neighbour, max_travel_km=10),
        field="max_travel_km",
    )
    assert "25 km" in str(error.message)
    assert set_capacity(aalborg_only, area_consultant, neighbour, max_travel_km=30).max_travel_km == 30


def test_a_company_s_own_coordinates_count_before_its_municipality_s_centre(area_consultant):
    aalborg_only = factories.AdoptionRoundFactory(municipalities=[AALBORG])
    near_the_border = factories.CompanyFactory(
        municipality=Municipality.objects.get(code=BRONDERSLEV), latitude=57.10, longitude=9.92
    )

    assert services.company_distance_to_area(near_the_border, aalborg_only) < 10
    assert set_capacity(aalborg_only, area_consultant, near_the_border, max_travel_km=10)


def test_a_company_far_away_cannot_take_part(round, area_consultant):
    far = factories.CompanyFactory(municipality=Municipality.objects.get(code=BALLERUP))

    refused(
        "company_out_of_reach",
        lambda: set_capacity(round, area_consultant, far, max_travel_km=100),
        field="max_travel_km",
    )


def test_a_company_in_the_area_takes_part_with_any_distance(round, host, company):
    assert services.company_distance_to_area(company, round) == 0
    assert set_capacity(round, host.user, company, max_travel_km=1)


def test_members_of_a_company_outside_the_area_see_the_round_once_they_take_part(db, host):
    from adoptions.selectors import rounds_visible_to

    hjorring = factories.AdoptionRoundFactory(municipalities=[HJORRING])
    assert hjorring not in rounds_visible_to(host.user)

    factories.CompanyCapacityFactory(round=hjorring, company=host.company)

    assert list(rounds_visible_to(host.user)) == [hjorring]


def test_host_withdraws_their_capacity(round, host, company):
    capacity = set_capacity(round, host.user, company)

    services.capacity_withdraw(actor=host.user, capacity=capacity)

    assert not CompanyCapacity.objects.exists()


def test_others_cannot_withdraw_a_company_s_capacity(round, host, company, other_host, teacher):
    capacity = set_capacity(round, host.user, company)

    for user in (other_host.user, teacher.user):
        refused("not_allowed", lambda user=user: services.capacity_withdraw(actor=user, capacity=capacity))
    assert CompanyCapacity.objects.exists()


# A class's wishes ---------------------------------------------------------------------------


@pytest.fixture
def offering(round, company):
    """The company has stated capacity in the round, so classes may choose it."""
    return factories.CompanyCapacityFactory(round=round, company=company).company


def set_wish(round, actor, school_class, **overrides):
    arguments = {
        "actor": actor,
        "round": round,
        "school_class": school_class,
        "choices": [energy()],
        "max_travel_km": 30,
        "notes": "Klassen vil gerne se en vindmølle.",
    } | overrides
    return services.wish_set(**arguments)


def ranked(wish: ClassWish) -> list[tuple[int, object]]:
    return [(choice.rank, choice.company or choice.sector) for choice in wish.choices.order_by("rank")]


def test_teacher_states_a_class_s_ranked_wishes_and_changes_them(round, teacher, eighth_grade, offering):
    ict = Sector.objects.get(code="ict")

    wish = set_wish(round, teacher.user, eighth_grade, choices=[offering, energy(), ict])
    assert ranked(wish) == [(1, offering), (2, energy()), (3, ict)]
    assert (wish.max_travel_km, wish.updated_by) == (30, teacher.user)

    changed = set_wish(round, teacher.user, eighth_grade, choices=[ict, offering], max_travel_km=60)
    assert changed.pk == wish.pk
    assert ranked(changed) == [(1, ict), (2, offering)]
    assert ClassWish.objects.count() == 1


def test_consultant_states_a_class_s_wishes(round, area_consultant, eighth_grade):
    assert set_wish(round, area_consultant, eighth_grade).updated_by == area_consultant


@pytest.mark.parametrize("role", ["other_teacher", "host", "far_consultant"])
def test_others_cannot_state_a_class_s_wishes(request, round, eighth_grade, role):
    user = request.getfixturevalue(role)
    user = getattr(user, "user", user)

    refused("not_allowed", lambda: set_wish(round, user, eighth_grade))
    assert not ClassWish.objects.exists()


def test_five_choices_are_the_most(round, teacher, eighth_grade):
    sectors = list(Sector.objects.order_by("code"))

    assert len(ranked(set_wish(round, teacher.user, eighth_grade, choices=sectors[:5]))) == 5
    refused("choices_count", lambda: set_wish(round, teacher.user, eighth_grade, choices=sectors[:6]), field="choices")
    assert len(ranked(ClassWish.objects.get())) == 5


def test_a_class_gives_at_least_one_choice(round, teacher, eighth_grade):
    refused("choices_count", lambda: set_wish(round, teacher.user, eighth_grade, choices=[]), field="choices")
    assert not ClassWish.objects.exists()


def test_a_choice_is_made_once(round, teacher, eighth_grade, offering):
    for choices in ([energy(), energy()], [offering, energy(), offering]):
        refused(
            "choice_duplicate",
            lambda choices=choices: set_wish(round, teacher.user, eighth_grade, choices=choices),
            field="choices",
        )
    assert not ClassWish.objects.exists()


def test_a_choice_is_a_company_or_a_sector(round, teacher, eighth_grade):
    refused("choice_invalid", lambda: set_wish(round, teacher.user, eighth_grade, choices=["energy"]), field="choices")


def test_a_chosen_company_has_capacity_in_the_round(round, teacher, eighth_grade, company):
    error = refused(
        "choice_without_capacity",
        lambda: set_wish(round, teacher.user, eighth_grade, choices=[company]),
        field="choices",
    )

    assert company.name in str(error.message)
    assert not ClassWish.objects.exists()


def test_capacity_in_another_round_does_not_count(round, teacher, eighth_grade, company):
    factories.CompanyCapacityFactory(company=company)

    refused(
        "choice_without_capacity",
        lambda: set_wish(round, teacher.user, eighth_grade, choices=[company]),
        field="choices",
    )


def test_a_refused_change_keeps_the_wishes_as_they_were(round, teacher, eighth_grade, offering):
    set_wish(round, teacher.user, eighth_grade, choices=[offering, energy()])

    refused(
        "travel_out_of_range",
        lambda: set_wish(round, teacher.user, eighth_grade, choices=[energy()], max_travel_km=0),
        field="max_travel_km",
    )

    wish = ClassWish.objects.get()
    assert ranked(wish) == [(1, offering), (2, energy())]
    assert wish.max_travel_km == 30


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"max_travel_km": 0}, "travel_out_of_range", "max_travel_km"),
        ({"max_travel_km": MAX_TRAVEL_KM + 1}, "travel_out_of_range", "max_travel_km"),
        ({"notes": "x" * 2001}, "notes_too_long", "notes"),
    ],
)
def test_wish_set_refuses_out_of_bounds(round, teacher, eighth_grade, overrides, code, field):
    refused(code, lambda: set_wish(round, teacher.user, eighth_grade, **overrides), field=field)
    assert not ClassWish.objects.exists()


def test_wish_accepts_the_bounds(round, teacher, eighth_grade):
    assert set_wish(round, teacher.user, eighth_grade, max_travel_km=1, notes="").max_travel_km == 1
    assert set_wish(round, teacher.user, eighth_grade, max_travel_km=MAX_TRAVEL_KM, notes="x" * 2000)


def test_only_8th_grade_classes_of_the_round_s_year_and_area_state_wishes(round, teacher, school, area_consultant):
    ninth = factories.SchoolClassFactory(school=school, grade=9, school_year=next_school_year())
    this_year = factories.SchoolClassFactory(school=school, grade=8, school_year=next_school_year() - 1)
    hjorring_school = factories.SchoolFactory(municipality=Municipality.objects.get(code=HJORRING))
    elsewhere = factories.SchoolClassFactory(school=hjorring_school, grade=8, school_year=next_school_year())

    refused("class_wrong_grade", lambda: set_wish(round, teacher.user, ninth), field="school_class")
    refused("class_wrong_school_year", lambda: set_wish(round, teacher.user, this_year), field="school_class")
    refused("class_outside_area", lambda: set_wish(round, area_consultant, elsewhere), field="school_class")
    assert not ClassWish.objects.exists()


@pytest.mark.parametrize("status", ["matching", "accepted", "closed"])
def test_wishes_change_only_while_the_round_collects(round, teacher, eighth_grade, area_consultant, status):
    wish = set_wish(round, teacher.user, eighth_grade)
    AdoptionRound.objects.filter(pk=round.pk).update(status=status)

    for actor in (teacher.user, area_consultant):
        refused(
            "round_not_collecting",
            lambda actor=actor: set_wish(round, actor, eighth_grade, max_travel_km=99),
            field="round",
        )
        refused(
            "round_not_collecting", lambda actor=actor: services.wish_withdraw(actor=actor, wish=wish), field="round"
        )
    assert ClassWish.objects.get().max_travel_km == 30


def test_after_the_deadline_only_the_consultant_states_wishes(round, teacher, eighth_grade, area_consultant):
    wish = set_wish(round, teacher.user, eighth_grade)
    AdoptionRound.objects.filter(pk=round.pk).update(wishes_deadline=today() - dt.timedelta(days=1))

    refused("deadline_passed", lambda: set_wish(round, teacher.user, eighth_grade, max_travel_km=99), field="round")
    refused("deadline_passed", lambda: services.wish_withdraw(actor=teacher.user, wish=wish), field="round")
    assert set_wish(round, area_consultant, eighth_grade, max_travel_km=99).max_travel_km == 99


def test_teacher_withdraws_the_class_s_wishes(round, teacher, eighth_grade):
    wish = set_wish(round, teacher.user, eighth_grade)

    services.wish_withdraw(actor=teacher.user, wish=wish)

    assert not ClassWish.objects.exists()


def test_others_cannot_withdraw_a_class_s_wishes(round, teacher, eighth_grade, other_teacher, host):
    wish = set_wish(round, teacher.user, eighth_grade)

    for user in (other_teacher.user, host.user):
        refused("not_allowed", lambda user=user: services.wish_withdraw(actor=user, wish=wish))
    assert ClassWish.objects.exists()


def test_withdrawn_capacity_leaves_the_classes_choices(round, teacher, eighth_grade, offering, host):
    """The matching pairs only companies with capacity; the class's other choices still count."""
    set_wish(round, teacher.user, eighth_grade, choices=[offering, energy()])

    services.capacity_withdraw(actor=host.user, capacity=CompanyCapacity.objects.get())

    assert ranked(ClassWish.objects.get()) == [(1, offering), (2, energy())]
