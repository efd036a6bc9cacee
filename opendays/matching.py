"""Matching applicants to open-day hosts: a pure function over plain data, so it is tested and
measured without a database (opendays/services/runs.py builds its input from the database).

The flow is core/assignment.py (min-cost flow, "as many placed as places allow" first). The
cost of an applicant→host arc is the preference rank, less the applicant's priority bonus
(first-time applicant, outlying municipality; each weight counts in preference ranks). A bonus
is the same on all of an applicant's arcs, so it only decides *who* is placed when places are
short, never how many. A host's age limit is a hard filter: a pair that fails it has no arc.

Ties are broken by the run's seed, and the unplaced get a waiting-list order from the same
seed (priority first, then a seeded lottery), so the same input and seed give the same result.
No Django here.
"""

from __future__ import annotations

import enum
import random
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from core import assignment


class Priority(enum.StrEnum):
    """Why an applicant is placed first when places are short; each has a weight in ranks."""

    FIRST_TIME = "first_time"
    OUTLYING = "outlying"


class Reason(enum.StrEnum):
    """Why an applicant was left unplaced."""

    NO_PREFERENCES = "no_preferences"  # she named no host of the day
    AGE = "age"  # every host she named takes only older pupils
    NO_PLACES_LEFT = "no_places_left"  # every host she could go to was filled by others


@dataclass(frozen=True)
class Applicant:
    """A confirmed application: its host preferences in rank order (the first is rank 1)."""

    id: int
    municipality: int
    age: int
    preferences: tuple[int, ...]
    priorities: frozenset[Priority] = frozenset()


@dataclass(frozen=True)
class Host:
    id: int
    places: int
    age_min: int | None = None


@dataclass(frozen=True)
class Weights:
    """Each priority's bonus, in preference ranks it outweighs."""

    first_time: int = 1
    outlying: int = 1

    def bonus(self, priorities: Iterable[Priority]) -> int:
        by_priority = {Priority.FIRST_TIME: self.first_time, Priority.OUTLYING: self.outlying}
        return sum(by_priority[priority] for priority in set(priorities))


@dataclass(frozen=True)
class MatchInput:
    applicants: tuple[Applicant, ...]
    hosts: tuple[Host, ...]
    weights: Weights = field(default_factory=Weights)
    seed: int = 0


@dataclass(frozen=True)
class Outcome:
    """One applicant's outcome: her host and the preference rank met; or, unplaced, why and her
    place in the waiting-list order (1 is offered the first freed place she can take)."""

    application_id: int
    host_id: int | None
    rank: int | None = None
    priority_bonus: int = 0
    priorities: tuple[Priority, ...] = ()
    reason: Reason | None = None
    waitlist_order: int | None = None


@dataclass(frozen=True)
class MatchResult:
    outcomes: tuple[Outcome, ...]  # one per applicant, by application id
    solver_seconds: float = 0.0

    def placed(self) -> dict[int, int]:
        """Host id by application id, for every placed applicant."""
        return {o.application_id: o.host_id for o in self.outcomes if o.host_id is not None}


@dataclass(frozen=True)
class Option:
    """A host an applicant may go to: an arc of the flow."""

    host_id: int
    rank: int


def options_of(data: MatchInput) -> tuple[dict[int, list[Option]], dict[int, Reason]]:
    """Each applicant's arcs in rank order (hosts of the day with places, old enough for the
    host), and for an applicant with none, why. Unknown or repeated hosts are skipped."""
    hosts = {host.id: host for host in data.hosts}
    options: dict[int, list[Option]] = {}
    excluded: dict[int, Reason] = {}
    for applicant in sorted(data.applicants, key=lambda a: a.id):
        arcs, seen, too_young = [], set(), False
        for rank, host_id in enumerate(applicant.preferences, start=1):
            host = hosts.get(host_id)
            if host is None or host_id in seen:
                continue
            seen.add(host_id)
            if host.age_min is not None and applicant.age < host.age_min:
                too_young = True
            elif host.places > 0:
                arcs.append(Option(host_id=host_id, rank=rank))
        if arcs:
            options[applicant.id] = arcs
        elif too_young:
            excluded[applicant.id] = Reason.AGE
        elif not seen:
            excluded[applicant.id] = Reason.NO_PREFERENCES
        else:
            excluded[applicant.id] = Reason.NO_PLACES_LEFT
    return options, excluded


def waitlist_order(data: MatchInput, unplaced: Iterable[int]) -> dict[int, int]:
    """The order in which the unplaced are offered freed places: a higher priority bonus first,
    then a lottery drawn from the run's seed (not the order of applying, which favours those
    who heard of the day first). Numbered from 1."""
    bonuses = {a.id: data.weights.bonus(a.priorities) for a in data.applicants}
    ids = sorted(unplaced)
    random.Random(data.seed).shuffle(ids)
    ids.sort(key=lambda application_id: -bonuses[application_id])  # stable: the lottery breaks ties
    return {application_id: position for position, application_id in enumerate(ids, start=1)}


def _result(data: MatchInput, chosen: dict[int, Option], excluded: dict[int, Reason], seconds: float) -> MatchResult:
    order = waitlist_order(data, [a.id for a in data.applicants if a.id not in chosen])
    outcomes = []
    for applicant in sorted(data.applicants, key=lambda a: a.id):
        common = {
            "application_id": applicant.id,
            "priority_bonus": data.weights.bonus(applicant.priorities),
            "priorities": tuple(sorted(applicant.priorities)),
        }
        option = chosen.get(applicant.id)
        if option is not None:
            outcomes.append(Outcome(host_id=option.host_id, rank=option.rank, **common))
        else:
            reason = excluded.get(applicant.id, Reason.NO_PLACES_LEFT)
            outcomes.append(Outcome(host_id=None, reason=reason, waitlist_order=order[applicant.id], **common))
    return MatchResult(outcomes=tuple(outcomes), solver_seconds=seconds)


Prepared = tuple[dict[int, list[Option]], dict[int, Reason]]


def solve(data: MatchInput, prepared: Prepared | None = None) -> MatchResult:
    """The optimal placement: most applicants placed, then the best preference ranks (less the
    priority bonuses), ties broken by the seed. `prepared` is options_of(data), when the
    caller has it already (the greedy baseline shares it)."""
    options, excluded = prepared or options_of(data)
    applicants = [a for a in sorted(data.applicants, key=lambda a: a.id) if a.id in options]
    bonuses = {a.id: data.weights.bonus(a.priorities) for a in applicants}
    max_bonus = max(bonuses.values(), default=0)
    # The largest bonus is added back to every arc so no cost is negative; that adds the same
    # to every flow of a given size, so it changes nothing else.
    arcs = [
        [assignment.Arc(host=o.host_id, cost=o.rank + max_bonus - bonuses[a.id]) for o in options[a.id]]
        for a in applicants
    ]
    places = {host.id: host.places for host in data.hosts}
    solved = assignment.assign(arcs, places, seed=data.seed)
    chosen = {
        a.id: options[a.id][index] for a, index in zip(applicants, solved.chosen, strict=True) if index is not None
    }
    return _result(data, chosen, excluded, solved.solver_seconds)


def greedy(data: MatchInput, prepared: Prepared | None = None) -> MatchResult:
    """The spreadsheet's way, as a baseline: applicants in the order they applied (by id), each
    takes her best-ranked preference with a free place."""
    options, excluded = prepared or options_of(data)
    places = {host.id: host.places for host in data.hosts}
    chosen: dict[int, Option] = {}
    started = time.perf_counter()
    for applicant in sorted(data.applicants, key=lambda a: a.id):
        for option in options.get(applicant.id, []):
            if places[option.host_id] > 0:
                places[option.host_id] -= 1
                chosen[applicant.id] = option
                break
    return _result(data, chosen, excluded, time.perf_counter() - started)


# Reporting ----------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def report(data: MatchInput, result: MatchResult) -> dict:
    """The run's figures, JSON-ready: placed of eligible, the share with their first and a
    top-3 preference (of eligible), the fill rate overall and per host, the placed share per
    municipality and per priority group."""
    by_id = {o.application_id: o for o in result.outcomes}
    placed = [o for o in result.outcomes if o.host_id is not None]
    ranks = [o.rank for o in placed if o.rank is not None]
    eligible = len(data.applicants)

    def group(applicants: list[Applicant]) -> dict:
        count = sum(1 for a in applicants if by_id[a.id].host_id is not None)
        return {"eligible": len(applicants), "placed": count, "share": _share(count, len(applicants))}

    municipalities: dict[int, list[Applicant]] = defaultdict(list)
    for applicant in data.applicants:
        municipalities[applicant.municipality].append(applicant)
    priorities = {
        str(priority): group([a for a in data.applicants if priority in a.priorities]) for priority in Priority
    }
    priorities["any"] = group([a for a in data.applicants if a.priorities])
    priorities["none"] = group([a for a in data.applicants if not a.priorities])
    taken: dict[int, int] = defaultdict(int)
    for outcome in placed:
        taken[outcome.host_id] += 1
    places = sum(host.places for host in data.hosts)
    first = sum(1 for rank in ranks if rank == 1)
    top3 = sum(1 for rank in ranks if rank <= 3)
    return {
        "eligible": eligible,
        "placed": len(placed),
        "placed_share": _share(len(placed), eligible),
        "waitlisted": eligible - len(placed),
        "first_choice": first,
        "first_choice_share": _share(first, eligible),
        "top3": top3,
        "top3_share": _share(top3, eligible),
        "places": places,
        "fill_rate": _share(len(placed), places),
        "hosts": {
            str(host.id): {"places": host.places, "placed": taken[host.id], "fill": _share(taken[host.id], host.places)}
            for host in sorted(data.hosts, key=lambda h: h.id)
        },
        "municipalities": {str(code): group(apps) for code, apps in sorted(municipalities.items())},
        "priorities": priorities,
    }
