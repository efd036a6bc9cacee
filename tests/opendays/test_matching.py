"""The open-day matching (opendays/matching.py): pure, no database."""

import itertools
import random

import pytest

from opendays import matching
from opendays.matching import Applicant, Host, MatchInput, Priority, Reason, Weights


def applicant(id: int, *preferences: int, age: int = 14, municipality: int = 851, priorities=()) -> Applicant:
    return Applicant(
        id=id, municipality=municipality, age=age, preferences=preferences, priorities=frozenset(priorities)
    )


def brute_force(data: MatchInput) -> tuple[int, int]:
    """The best (placed, -total rank) over every assignment, by exhaustive search."""
    hosts = {h.id: h for h in data.hosts}
    choices = []
    for a in data.applicants:
        options = [None]
        for rank, host_id in enumerate(a.preferences, start=1):
            host = hosts.get(host_id)
            if host and (host.age_min is None or a.age >= host.age_min):
                options.append((host_id, rank))
        choices.append(options)
    best = (0, 0)
    for combo in itertools.product(*choices):
        used: dict[int, int] = {}
        for choice in combo:
            if choice:
                used[choice[0]] = used.get(choice[0], 0) + 1
        if any(count > hosts[h].places for h, count in used.items()):
            continue
        placed = sum(1 for c in combo if c)
        cost = sum(c[1] for c in combo if c)
        best = max(best, (placed, -cost))
    return best


def quality(result: matching.MatchResult) -> tuple[int, int]:
    """What the matching optimises: placed, then the lowest total of rank less priority bonus."""
    placed = [o for o in result.outcomes if o.host_id is not None]
    return len(placed), -sum(o.rank - o.priority_bonus for o in placed)


def test_optimum_places_both_where_greedy_places_one():
    """A names X then Y, B names only X, one place each: greedy gives X to A and leaves B out;
    the optimum places A at Y and B at X."""
    data = MatchInput(applicants=(applicant(1, 10, 20), applicant(2, 10)), hosts=(Host(10, 1), Host(20, 1)))
    assert matching.greedy(data).placed() == {1: 10}
    assert matching.solve(data).placed() == {1: 20, 2: 10}


def test_optimum_prefers_better_ranks_among_equally_many_placed():
    """With room for all, each gets her first choice when places allow."""
    data = MatchInput(applicants=(applicant(1, 10, 20), applicant(2, 20, 10)), hosts=(Host(10, 1), Host(20, 1)), seed=3)
    assert matching.solve(data).placed() == {1: 10, 2: 20}


@pytest.mark.parametrize("seed", range(25))
def test_optimum_matches_exhaustive_search_on_small_random_cases(seed):
    """On small random cases (ties, age limits, scarce places), the solver's placed count and
    total rank equal the best found by trying every assignment."""
    rng = random.Random(seed)
    hosts = tuple(Host(id=h, places=rng.randint(0, 2), age_min=rng.choice([None, None, 15])) for h in range(1, 4))
    applicants = tuple(
        applicant(i, *rng.sample(range(1, 5), rng.randint(0, 3)), age=rng.randint(13, 16)) for i in range(1, 7)
    )
    data = MatchInput(applicants=applicants, hosts=hosts, weights=Weights(0, 0), seed=seed)
    assert quality(matching.solve(data)) == brute_force(data)


def test_priority_decides_who_is_placed_when_places_are_short():
    """Two want the one place; the first-timer gets it whatever the seed, the other waits."""
    for seed in range(10):
        data = MatchInput(
            applicants=(applicant(1, 10), applicant(2, 10, priorities=[Priority.FIRST_TIME])),
            hosts=(Host(10, 1),),
            seed=seed,
        )
        result = matching.solve(data)
        assert result.placed() == {2: 10}
        assert result.outcomes[0].reason == Reason.NO_PLACES_LEFT
        assert result.outcomes[0].waitlist_order == 1


def test_priority_never_lowers_how_many_are_placed():
    """The outlying applicant's bonus cannot cost another applicant her place."""
    data = MatchInput(
        applicants=(applicant(1, 10, 20, priorities=[Priority.OUTLYING]), applicant(2, 10)),
        hosts=(Host(10, 1), Host(20, 1)),
        weights=Weights(first_time=0, outlying=10),
    )
    assert len(matching.solve(data).placed()) == 2


def test_host_age_limit_is_a_hard_filter_with_its_reason():
    """A 13-year-old is never placed with a host for 15 and up; with no other host, the reason says age."""
    data = MatchInput(applicants=(applicant(1, 10, age=13),), hosts=(Host(10, 5, age_min=15),))
    outcome = matching.solve(data).outcomes[0]
    assert outcome.host_id is None and outcome.reason == Reason.AGE


def test_no_preferences_is_its_own_reason():
    """An applicant naming no host of the day is unplaced for that reason."""
    data = MatchInput(applicants=(applicant(1, 99),), hosts=(Host(10, 5),))
    assert matching.solve(data).outcomes[0].reason == Reason.NO_PREFERENCES


def random_input(seed: int, applicants: int = 400, hosts: int = 30) -> MatchInput:
    rng = random.Random(1)
    return MatchInput(
        applicants=tuple(
            applicant(
                i,
                *rng.sample(range(1, hosts + 1), 3),
                municipality=rng.choice([851, 860]),
                priorities=[Priority.FIRST_TIME] if rng.random() < 0.5 else [],
            )
            for i in range(1, applicants + 1)
        ),
        hosts=tuple(Host(h, rng.randint(5, 12)) for h in range(1, hosts + 1)),
        seed=seed,
    )


def test_same_input_and_seed_give_the_same_result():
    """Byte for byte: placements, ranks and waiting-list order."""
    assert matching.solve(random_input(7)).outcomes == matching.solve(random_input(7)).outcomes


def test_another_seed_breaks_ties_differently_at_equal_quality():
    """A different seed may pick other applicants among equals, never a worse result."""
    first, second = matching.solve(random_input(7)), matching.solve(random_input(8))
    assert quality(first) == quality(second)
    assert first.outcomes != second.outcomes


def test_optimum_is_never_worse_than_greedy():
    """On a crowded day the optimum places at least as many as greedy."""
    data = random_input(1)
    assert quality(matching.solve(data))[0] >= quality(matching.greedy(data))[0]


def test_waitlist_puts_priority_first_then_a_seeded_lottery():
    """Unplaced first-timers come before the others; the rest of the order follows the seed."""
    result = matching.solve(random_input(7))
    waiting = sorted((o for o in result.outcomes if o.host_id is None), key=lambda o: o.waitlist_order)
    assert [o.waitlist_order for o in waiting] == list(range(1, len(waiting) + 1))
    bonuses = [o.priority_bonus for o in waiting]
    assert bonuses == sorted(bonuses, reverse=True)


def test_report_gives_shares_fill_and_groups():
    """The report counts placed, first and top-3 choices, fill per host, per municipality and group."""
    data = MatchInput(
        applicants=(
            applicant(1, 10, 20, municipality=851, priorities=[Priority.OUTLYING]),
            applicant(2, 10, municipality=860),
            applicant(3, 10, municipality=860),
        ),
        hosts=(Host(10, 1), Host(20, 2)),
        weights=Weights(first_time=0, outlying=0),
    )
    report = matching.report(data, matching.solve(data))
    assert report["eligible"] == 3 and report["placed"] == 2 and report["waitlisted"] == 1
    assert report["first_choice"] == 1 and report["top3"] == 2
    assert report["hosts"]["10"] == {"places": 1, "placed": 1, "fill": 1.0}
    assert report["hosts"]["20"] == {"places": 2, "placed": 1, "fill": 0.5}
    assert report["fill_rate"] == round(2 / 3, 4)
    assert report["municipalities"]["851"] == {"eligible": 1, "placed": 1, "share": 1.0}
    assert report["priorities"]["outlying"]["placed"] == 1
