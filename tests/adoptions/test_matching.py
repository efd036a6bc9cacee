"""The matching on plain data, without a database: optimal where greedy is not, capacities,
renewals, locks, forbidden pairs, priorities, reproducibility, and properties that hold for
any input (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adoptions.matching import (
    Basis,
    ClassUnit,
    Host,
    MatchingInputError,
    MatchInput,
    Pair,
    Priority,
    Reason,
    Weights,
    Wish,
    distance_km,
    greedy,
    report,
    solve,
)

# Aalborg; a hundredth of a degree of latitude is about 1.1 km.
LAT, LON = 57.05, 9.92


def unit(id: int, *wishes: int | str, km_north: float = 0, travel: float = 40, **extra) -> ClassUnit:
    """A class `km_north` km north of Aalborg wishing companies (ids) or sectors (codes) in order."""
    ranked = tuple(
        Wish(rank=rank, company_id=wish) if isinstance(wish, int) else Wish(rank=rank, sector=wish)
        for rank, wish in enumerate(wishes, start=1)
    )
    return ClassUnit(
        id=id,
        municipality=extra.pop("municipality", 851),
        lat=LAT + km_north / 111.2,
        lon=LON,
        grade=extra.pop("grade", 8),
        max_travel_km=travel,
        wishes=ranked,
        **extra,
    )


def host(id: int, capacity: int = 1, *, sector: str = "energy", km_north: float = 0, **extra) -> Host:
    return Host(
        id=id,
        sector=sector,
        lat=LAT + km_north / 111.2,
        lon=LON,
        capacity=capacity,
        grade_min=extra.pop("grade_min", 8),
        grade_max=extra.pop("grade_max", 9),
        max_travel_km=extra.pop("travel", 40),
    )


def placed(result) -> dict[int, int]:
    return result.placed()


def outcome(result, class_id: int):
    return next(o for o in result.outcomes if o.class_id == class_id)


def test_optimum_adopts_both_classes_where_greedy_adopts_one():
    """A wishes X then Y, B wishes only X, one place each: greedy gives X to A and leaves B
    out; the optimum gives A its second wish so that both are adopted."""
    data = MatchInput(classes=(unit(1, 10, 20), unit(2, 10)), companies=(host(10), host(20)))

    assert placed(greedy(data)) == {1: 10}
    assert placed(solve(data)) == {1: 20, 2: 10}


def test_optimum_gives_better_wishes_than_greedy_with_the_same_number_adopted():
    """Greedy's first-come class takes the place another class wanted first; the optimum swaps
    them so both get their first wish."""
    data = MatchInput(classes=(unit(1, 10, 20), unit(2, 20, 10)), companies=(host(10), host(20)))
    swapped = MatchInput(classes=(unit(1, 20, 10), unit(2, 20, 10)), companies=(host(10), host(20)))

    assert placed(solve(data)) == {1: 10, 2: 20}
    assert [outcome(solve(data), i).wish_rank for i in (1, 2)] == [1, 1]
    assert sorted(o.wish_rank for o in solve(swapped).outcomes) == [1, 2]


def test_wishes_beat_travel_and_travel_breaks_equal_wishes():
    """A nearer company at a worse rank loses to the first wish; between two companies of a
    wished sector, the nearer one wins."""
    by_rank = MatchInput(classes=(unit(1, 10, 20),), companies=(host(10, km_north=30), host(20, km_north=1)))
    by_distance = MatchInput(classes=(unit(1, "energy"),), companies=(host(10, km_north=30), host(20, km_north=2)))

    assert placed(solve(by_rank)) == {1: 10}
    assert placed(solve(by_distance)) == {1: 20}
    assert outcome(solve(by_distance), 1).wish_rank == 1
    assert outcome(solve(by_distance), 1).distance_km == pytest.approx(2.0, abs=0.1)


def test_a_company_never_gets_more_classes_than_its_places():
    data = MatchInput(classes=tuple(unit(i, 10) for i in range(1, 6)), companies=(host(10, capacity=3),))

    result = solve(data)

    assert len(placed(result)) == 3
    assert [o.reasons for o in result.outcomes if o.company_id is None] == [(Reason.NO_PLACES_LEFT,)] * 2


def test_hard_filters_leave_out_pairs_and_say_why():
    """Grade, distance on either side, forbidden pairs and the class's history each remove the
    pair; a class with no pair left is unplaced with the reasons."""
    companies = (host(10, grade_min=9), host(20, km_north=60), host(30, km_north=20, travel=10), host(40), host(50))
    classes = (unit(1, 10), unit(2, 20), unit(3, 30), unit(4, 40), unit(5, 50, history=frozenset({50})), unit(6))
    data = MatchInput(classes=classes, companies=companies, forbidden=frozenset({Pair(4, 40)}))

    result = solve(data)

    assert placed(result) == {}
    assert [outcome(result, i).reasons for i in range(1, 7)] == [
        (Reason.GRADE,),
        (Reason.TOO_FAR_FOR_CLASS,),
        (Reason.TOO_FAR_FOR_COMPANY,),
        (Reason.FORBIDDEN,),
        (Reason.ALREADY_HAD,),
        (Reason.NO_WISHES,),
    ]


def test_a_wish_for_a_company_outside_the_round_is_no_option():
    result = solve(MatchInput(classes=(unit(1, 99),), companies=(host(10),)))

    assert outcome(result, 1).reasons == (Reason.NOT_IN_ROUND,)


def test_renewals_are_kept_first_and_take_a_place():
    """The renewed class keeps its company though another class wished it first; the
    company's other place goes to the matching."""
    data = MatchInput(
        classes=(unit(1, 10), unit(2, 10), unit(3, 10)),
        companies=(host(10, capacity=2),),
        renewals=(Pair(7, 10),),
    )

    result = solve(data)

    assert outcome(result, 7).basis == Basis.RENEWAL
    assert outcome(result, 7).company_id == 10
    assert sum(1 for o in result.outcomes if o.basis == Basis.MATCHED) == 1


def test_renewals_beyond_the_places_are_kept_and_leave_none():
    data = MatchInput(classes=(unit(1, 10),), companies=(host(10),), renewals=(Pair(7, 10), Pair(8, 10)))

    result = solve(data)

    assert placed(result) == {7: 10, 8: 10}
    assert outcome(result, 1).reasons == (Reason.FULL,)


def test_a_lock_places_the_class_whatever_its_wishes():
    """Locked to a company it did not wish: it gets that company, and the company's one place
    is no longer free for the class that wished it."""
    data = MatchInput(classes=(unit(1, 20), unit(2, 10)), companies=(host(10), host(20)), locks=(Pair(1, 10),))

    result = solve(data)

    assert outcome(result, 1).basis == Basis.LOCKED
    assert placed(result) == {1: 10}
    assert outcome(result, 2).reasons == (Reason.FULL,)


def test_a_lock_that_overfills_a_company_is_refused_with_a_clear_error():
    data = MatchInput(
        classes=(unit(1, 10), unit(2, 10)),
        companies=(host(10),),
        renewals=(Pair(7, 10),),
        locks=(Pair(1, 10),),
    )

    with pytest.raises(MatchingInputError, match="overfill") as refused:
        solve(data)

    assert (refused.value.code, refused.value.company_id) == ("lock_over_capacity", 10)


def test_priorities_decide_who_is_adopted_when_places_are_short():
    """One place, two classes wishing it first: the grey-zone school's class gets it, although
    the other is nearer; without weights the nearer one would."""
    classes = (unit(1, 10, km_north=1), unit(2, 10, km_north=30, priorities=frozenset({Priority.GREY_ZONE})))
    companies = (host(10),)

    assert placed(solve(MatchInput(classes=classes, companies=companies))) == {2: 10}
    assert placed(solve(MatchInput(classes=classes, companies=companies, weights=Weights(0, 0, 0)))) == {1: 10}
    assert outcome(solve(MatchInput(classes=classes, companies=companies)), 2).priority_bonus == 300


def test_priorities_never_cost_an_adoption():
    """The priority class could only take the place the other class needs; max adopted wins."""
    classes = (unit(1, 10), unit(2, 10, 20, priorities=frozenset({Priority.OUTLYING})))
    data = MatchInput(classes=classes, companies=(host(10), host(20)), weights=Weights(1000, 1000, 1000))

    assert placed(solve(data)) == {1: 10, 2: 20}


def test_the_same_seed_gives_the_same_result_and_another_seed_may_break_ties_otherwise():
    """Ten classes at equal distance want one company with five places: a pure tie."""
    data = MatchInput(classes=tuple(unit(i, 10) for i in range(1, 11)), companies=(host(10, capacity=5),), seed=7)

    assert solve(data).outcomes == solve(data).outcomes
    chosen = {frozenset(placed(solve(MatchInput(data.classes, data.companies, seed=seed)))) for seed in range(8)}
    assert len(chosen) > 1
    assert all(len(choice) == 5 for choice in chosen)


def test_report_compares_adopted_wishes_travel_municipalities_and_priorities():
    classes = (unit(1, 10, 20), unit(2, 10, municipality=860, priorities=frozenset({Priority.OUTLYING})))
    data = MatchInput(classes=classes, companies=(host(10), host(20, km_north=5)))

    optimal, baseline = report(data, solve(data)), report(data, greedy(data))

    assert (optimal["adopted"], optimal["eligible"], baseline["adopted"]) == (2, 2, 1)
    assert (optimal["first_wish"], optimal["top3_wish"], optimal["top3_wish_share"]) == (1, 2, 1.0)
    assert optimal["longest_travel_km"] == pytest.approx(5.0, abs=0.1)
    assert baseline["municipalities"]["860"] == {"eligible": 1, "adopted": 0, "share": 0.0}
    assert optimal["priorities"]["outlying"]["share"] == 1.0


# Properties ----------------------------------------------------------------------------------


@st.composite
def instances(draw) -> MatchInput:
    company_ids = list(range(100, 100 + draw(st.integers(1, 6))))
    companies = tuple(
        host(
            id,
            capacity=draw(st.integers(0, 3)),
            sector=draw(st.sampled_from(["energy", "health"])),
            km_north=draw(st.integers(0, 60)),
            grade_min=draw(st.sampled_from([7, 8])),
            travel=draw(st.sampled_from([10, 30, 60])),
        )
        for id in company_ids
    )
    choices = st.one_of(st.sampled_from([*company_ids, 999]), st.sampled_from(["energy", "health"]))
    classes = tuple(
        unit(
            id,
            *draw(st.lists(choices, max_size=5, unique=True)),
            km_north=draw(st.integers(0, 60)),
            travel=draw(st.sampled_from([10, 30, 60])),
            grade=draw(st.sampled_from([7, 8, 9])),
            history=frozenset(draw(st.sets(st.sampled_from(company_ids), max_size=1))),
            priorities=frozenset(draw(st.sets(st.sampled_from(list(Priority)), max_size=2))),
        )
        for id in range(1, draw(st.integers(0, 10)) + 1)
    )
    pairs = [Pair(c.id, h.id) for c in classes for h in companies]
    forbidden = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=3))) if pairs else frozenset()
    return MatchInput(classes=classes, companies=companies, forbidden=forbidden, seed=draw(st.integers(0, 2**31)))


def allowed(data: MatchInput, class_unit: ClassUnit, company: Host) -> bool:
    """The hard filters, written again independently of the module: is there an arc?"""
    wished = any(
        w.company_id == company.id or (w.company_id is None and w.sector == company.sector) for w in class_unit.wishes
    )
    distance = distance_km(class_unit.lat, class_unit.lon, company.lat, company.lon)
    return (
        wished
        and company.id not in class_unit.history
        and Pair(class_unit.id, company.id) not in data.forbidden
        and company.grade_min <= class_unit.grade <= company.grade_max
        and distance <= min(class_unit.max_travel_km, company.max_travel_km)
    )


def max_adoptions(data: MatchInput) -> int:
    """The most classes any assignment can adopt: augmenting paths over the allowed pairs."""
    companies = {company.id: company for company in data.companies}
    slots = [company.id for company in data.companies for _ in range(company.capacity)]
    holder: dict[int, int] = {}  # slot index → class id

    def augment(class_unit: ClassUnit, seen: set[int]) -> bool:
        for index, company_id in enumerate(slots):
            if index in seen or not allowed(data, class_unit, companies[company_id]):
                continue
            seen.add(index)
            if index not in holder or augment(units[holder[index]], seen):
                holder[index] = class_unit.id
                return True
        return False

    units = {class_unit.id: class_unit for class_unit in data.classes}
    return sum(1 for class_unit in data.classes if augment(class_unit, set()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_properties_hold_for_any_input(data):
    """Never over a company's places; as many adopted as any assignment could; every pair
    passes the filters; greedy never beats it; the same input gives the same result."""
    result = solve(data)
    adopted = placed(result)
    units = {class_unit.id: class_unit for class_unit in data.classes}
    companies = {company.id: company for company in data.companies}

    for company in data.companies:
        assert sum(1 for company_id in adopted.values() if company_id == company.id) <= company.capacity
    assert len(adopted) == max_adoptions(data)
    assert all(allowed(data, units[class_id], companies[company_id]) for class_id, company_id in adopted.items())
    assert len(placed(greedy(data))) <= len(adopted)
    assert solve(data).outcomes == result.outcomes


def test_a_sector_wish_with_companies_only_beyond_reach_says_too_far():
    """The sector has a company in the round, but 100 km away: the class is too far, not
    without a company in the round."""
    data = MatchInput(classes=(unit(1, "energy"),), companies=(host(10, km_north=100, travel=200),))

    assert outcome(solve(data), 1).reasons == (Reason.TOO_FAR_FOR_CLASS,)
