"""Matching classes to adopting companies: a pure function over plain data, so it is tested and
measured without a database (adoptions/services/runs.py builds its input from the database).

The problem is a transportation problem (see /work/shared/MATCHING.md):

    source → class (capacity 1) → company it may go to (capacity 1, cost) → sink (the company's places)

OR-Tools' SimpleMinCostFlow.solve_max_flow_with_min_cost() first routes as much flow as
possible, then the cheapest among those flows: "as many classes adopted as capacity allows"
comes first with no big-M constant to get wrong. The cost of a class→company arc orders what
comes next: the wish rank (one rank is worth RANK_STEP_KM kilometres), then the distance, less
the class's priority bonus (weights in kilometres). A bonus is the same on all of a class's
arcs, so it only decides *which* classes are adopted when places are short, never how many.

Ties are broken by a seeded perturbation that cannot change the goals: every cost is scaled by
a factor larger than the largest sum of perturbations a flow can collect, so a flow that is
worse by one cost unit stays worse whatever the perturbation. Same input and seed, same result.

Renewals (a class continuing into 9th grade with its company) and the consultant's locks are
placed before the solve and lower the company's places. The flow itself is core/assignment.py,
shared with the open-day matching. No Django here.
"""

from __future__ import annotations

import enum
import math
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from core import assignment
from core.geo import distance_km  # the project's one distance; core.geo imports no Django

RANK_STEP_KM = 1000  # one better wish rank outweighs any travel (MAX_TRAVEL_KM is 500)
COST_UNITS_PER_KM = 10  # distances enter the costs in whole 100 m


class Priority(enum.StrEnum):
    """Why a class is adopted first when places are short; each has a weight in km."""

    OUTLYING = "outlying"
    NEVER_ADOPTED = "never_adopted"
    GREY_ZONE = "grey_zone"


class Basis(enum.StrEnum):
    """How a class got its outcome (the values of ProposedPair.Basis)."""

    RENEWAL = "renewal"
    LOCKED = "locked"
    MATCHED = "matched"
    UNPLACED = "unplaced"


class Reason(enum.StrEnum):
    """Why a class was left out, or why one of its wished companies was no option."""

    NO_WISHES = "no_wishes"  # the class named no company or sector
    NOT_IN_ROUND = "not_in_round"  # no wished company offers places in the round
    ALREADY_HAD = "already_had"  # the class had this company before
    FORBIDDEN = "forbidden"  # the consultant forbade the pair
    GRADE = "grade"  # the company does not take the class's grade
    TOO_FAR_FOR_CLASS = "too_far_for_class"  # beyond the class's longest travel
    TOO_FAR_FOR_COMPANY = "too_far_for_company"  # beyond how far the company travels or hosts from
    FULL = "full"  # renewals and locks took every place before the matching
    NO_PLACES_LEFT = "no_places_left"  # every company it could go to was filled by others


class MatchingInputError(ValueError):
    """The input contradicts itself (a lock that overfills a company, a lock on an unknown
    class). `code` is stable; the service turns it into a DomainError."""

    def __init__(self, message: str, *, code: str, class_id: int | None = None, company_id: int | None = None):
        super().__init__(message)
        self.code, self.class_id, self.company_id = code, class_id, company_id


@dataclass(frozen=True)
class Wish:
    """One ranked choice: a company, or any company of a sector."""

    rank: int
    company_id: int | None = None
    sector: str | None = None


@dataclass(frozen=True)
class ClassUnit:
    """A class to place. `history` holds the companies it (or its earlier self) already had."""

    id: int
    municipality: int
    lat: float
    lon: float
    grade: int
    max_travel_km: float
    wishes: tuple[Wish, ...] = ()
    priorities: frozenset[Priority] = frozenset()
    history: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Host:
    """A company offering `capacity` adoptions in the round."""

    id: int
    sector: str
    lat: float
    lon: float
    capacity: int
    grade_min: int
    grade_max: int
    max_travel_km: float


@dataclass(frozen=True)
class Pair:
    class_id: int
    company_id: int


@dataclass(frozen=True)
class Weights:
    """Each priority's bonus in kilometres of travel it outweighs."""

    outlying: int = 200
    never_adopted: int = 100
    grey_zone: int = 300

    def bonus(self, priorities: Iterable[Priority]) -> int:
        by_priority = {
            Priority.OUTLYING: self.outlying,
            Priority.NEVER_ADOPTED: self.never_adopted,
            Priority.GREY_ZONE: self.grey_zone,
        }
        return sum(by_priority[priority] for priority in set(priorities))


@dataclass(frozen=True)
class MatchInput:
    classes: tuple[ClassUnit, ...]
    companies: tuple[Host, ...]
    locks: tuple[Pair, ...] = ()
    forbidden: frozenset[Pair] = frozenset()
    renewals: tuple[Pair, ...] = ()
    weights: Weights = field(default_factory=Weights)
    seed: int = 0


@dataclass(frozen=True)
class Outcome:
    """One class's outcome and why: its company, wish rank, distance and priority bonus; or,
    unplaced, the reasons (the reasons each of its wished companies was no option)."""

    class_id: int
    company_id: int | None
    basis: Basis
    wish_rank: int | None = None
    distance_km: float | None = None
    priority_bonus: int = 0
    priorities: tuple[Priority, ...] = ()
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class MatchResult:
    outcomes: tuple[Outcome, ...]  # one per class and renewal, by class id
    solver_seconds: float = 0.0

    def placed(self) -> dict[int, int]:
        """Company id by class id, for every placed class."""
        return {o.class_id: o.company_id for o in self.outcomes if o.company_id is not None}


@dataclass(frozen=True)
class Option:
    """A pair that passed every hard filter: an arc of the flow graph."""

    company_id: int
    rank: int
    distance_km: float


# Preparing: what is fixed before the solve, and which pairs pass the filters -----------------


@dataclass
class Prepared:
    fixed: dict[int, Outcome]  # renewals and locks, by class id
    places: dict[int, int]  # places left per company after them
    options: dict[int, list[Option]]  # per class still to match, its arcs
    excluded: dict[int, tuple[Reason, ...]]  # per class with no arc, why


def _fixed_outcome(unit: ClassUnit | None, class_id: int, host: Host, basis: Basis, weights: Weights) -> Outcome:
    if unit is None:
        return Outcome(class_id=class_id, company_id=host.id, basis=basis)
    ranks = [
        w.rank for w in unit.wishes if w.company_id == host.id or (w.company_id is None and w.sector == host.sector)
    ]
    return Outcome(
        class_id=class_id,
        company_id=host.id,
        basis=basis,
        wish_rank=min(ranks) if ranks else None,
        distance_km=round(distance_km(unit.lat, unit.lon, host.lat, host.lon), 1),
        priority_bonus=weights.bonus(unit.priorities),
        priorities=tuple(sorted(unit.priorities)),
    )


def _place_fixed(data: MatchInput, units: dict[int, ClassUnit], hosts: dict[int, Host]) -> tuple[dict, dict]:
    """Renewals first, kept whatever else happens (a company's places never go below zero);
    then locks, refused if they would overfill a company."""
    places = {host.id: host.capacity for host in data.companies}
    fixed: dict[int, Outcome] = {}
    for renewal in sorted(data.renewals, key=lambda pair: pair.class_id):
        host = hosts.get(renewal.company_id)
        if host is None:  # a company that offers no places this round still keeps its class
            fixed[renewal.class_id] = Outcome(
                class_id=renewal.class_id, company_id=renewal.company_id, basis=Basis.RENEWAL
            )
            continue
        fixed[renewal.class_id] = _fixed_outcome(
            units.get(renewal.class_id), renewal.class_id, host, Basis.RENEWAL, data.weights
        )
        places[host.id] = max(0, places[host.id] - 1)
    for lock in sorted(data.locks, key=lambda pair: pair.class_id):
        if lock.class_id not in units:
            raise MatchingInputError(
                "The locked class is not in the round.", code="lock_unknown_class", class_id=lock.class_id
            )
        if lock.class_id in fixed:
            raise MatchingInputError(
                "The locked class continues with its company.", code="lock_on_renewal", class_id=lock.class_id
            )
        host = hosts.get(lock.company_id)
        if host is None:
            raise MatchingInputError(
                "The locked company offers no places in the round.",
                code="lock_unknown_company",
                company_id=lock.company_id,
            )
        if places[host.id] < 1:
            raise MatchingInputError(
                f"Locks and renewals would overfill company {host.id} ({host.capacity} places).",
                code="lock_over_capacity",
                class_id=lock.class_id,
                company_id=host.id,
            )
        places[host.id] -= 1
        fixed[lock.class_id] = _fixed_outcome(units[lock.class_id], lock.class_id, host, Basis.LOCKED, data.weights)
    return fixed, places


class SectorGrid:
    """The companies of each sector by map cell (about 22 km square in Denmark), so that a
    class's sector wish looks only at the cells within its reach, not at every company of the
    sector across the country."""

    CELL_LAT = 0.2  # degrees: 22 km
    CELL_LON = 0.35  # degrees: 21 km at 56° north

    def __init__(self, hosts: Iterable[Host]) -> None:
        self.cells: dict[tuple[str, int, int], list[Host]] = defaultdict(list)
        self.sectors: set[str] = set()
        for host in sorted(hosts, key=lambda h: h.id):
            self.cells[(host.sector, *self._cell(host.lat, host.lon))].append(host)
            self.sectors.add(host.sector)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.CELL_LAT), math.floor(lon / self.CELL_LON)

    def near(self, sector: str, lat: float, lon: float, km: float) -> list[Host]:
        """The sector's companies in the cells within `km` of (lat, lon); a superset of those
        within `km`, and none farther than about `km` plus a cell's diagonal."""
        row, column = self._cell(lat, lon)
        rows = math.ceil(km / 111.0 / self.CELL_LAT)
        columns = math.ceil(km / (111.0 * max(math.cos(math.radians(lat)), 0.1)) / self.CELL_LON)
        found: list[Host] = []
        for r in range(row - rows, row + rows + 1):
            for c in range(column - columns, column + columns + 1):
                found += self.cells.get((sector, r, c), ())
        return found


def _wished(unit: ClassUnit, hosts: dict[int, Host], grid: SectorGrid) -> tuple[dict[int, int], bool]:
    """The best rank at which the class wished each company within its reach (a sector wish
    names each of the sector's companies at its rank), and whether a wished sector or company
    exists only beyond its reach."""
    ranks: dict[int, int] = {}
    beyond = False
    for wish in sorted(unit.wishes, key=lambda w: w.rank):
        if wish.company_id is not None:
            if wish.company_id in hosts:
                ranks.setdefault(wish.company_id, wish.rank)
            continue
        if wish.sector not in grid.sectors:
            continue
        named = grid.near(wish.sector, unit.lat, unit.lon, unit.max_travel_km)
        beyond = beyond or not named
        for host in named:
            ranks.setdefault(host.id, wish.rank)
    return ranks, beyond


def _filter(unit: ClassUnit, host: Host, forbidden: set[tuple[int, int]], places: dict[int, int]) -> Reason | float:
    """The first hard filter the pair fails, or the distance when it passes them all."""
    if host.id in unit.history:
        return Reason.ALREADY_HAD
    if (unit.id, host.id) in forbidden:
        return Reason.FORBIDDEN
    if not host.grade_min <= unit.grade <= host.grade_max:
        return Reason.GRADE
    # A cheap box first: a degree of latitude is 111 km, so most far pairs need no haversine.
    if abs(unit.lat - host.lat) * 111.0 > min(unit.max_travel_km, host.max_travel_km) + 1:
        return Reason.TOO_FAR_FOR_CLASS if unit.max_travel_km <= host.max_travel_km else Reason.TOO_FAR_FOR_COMPANY
    distance = distance_km(unit.lat, unit.lon, host.lat, host.lon)
    if distance > unit.max_travel_km:
        return Reason.TOO_FAR_FOR_CLASS
    if distance > host.max_travel_km:
        return Reason.TOO_FAR_FOR_COMPANY
    if places.get(host.id, 0) < 1:
        return Reason.FULL
    return distance


def prepare(data: MatchInput) -> Prepared:
    """Place renewals and locks, then find each remaining class's arcs through the hard
    filters (history, forbidden, grade, distance either side accepts, places left). Done once
    per run: the solver and the greedy baseline share it."""
    units = {unit.id: unit for unit in data.classes}
    hosts = {host.id: host for host in data.companies}
    grid = SectorGrid(data.companies)
    forbidden = {(pair.class_id, pair.company_id) for pair in data.forbidden}
    fixed, places = _place_fixed(data, units, hosts)
    options: dict[int, list[Option]] = {}
    excluded: dict[int, tuple[Reason, ...]] = {}
    for unit in sorted(data.classes, key=lambda u: u.id):
        if unit.id in fixed:
            continue
        if not unit.wishes:
            excluded[unit.id] = (Reason.NO_WISHES,)
            continue
        wished, beyond = _wished(unit, hosts, grid)
        if not wished and not beyond:
            excluded[unit.id] = (Reason.NOT_IN_ROUND,)
            continue
        arcs, reasons = [], {Reason.TOO_FAR_FOR_CLASS} if beyond else set()
        for company_id, rank in wished.items():
            verdict = _filter(unit, hosts[company_id], forbidden, places)
            if isinstance(verdict, Reason):
                reasons.add(verdict)
            else:
                arcs.append(Option(company_id=company_id, rank=rank, distance_km=verdict))
        if arcs:
            options[unit.id] = sorted(arcs, key=lambda o: (o.rank, o.distance_km, o.company_id))
        else:
            excluded[unit.id] = tuple(sorted(reasons))
    return Prepared(fixed=fixed, places=places, options=options, excluded=excluded)


# Solving ------------------------------------------------------------------------------------


def _base_cost(option: Option, bonus: int, max_bonus: int) -> int:
    """The arc's cost before the tie-break, in units of 100 m; never negative (the largest
    bonus is added back to every arc, which adds the same to every flow of a given size)."""
    travel = round(option.distance_km * COST_UNITS_PER_KM)
    return (option.rank * RANK_STEP_KM + max_bonus - bonus) * COST_UNITS_PER_KM + travel


def _outcome(unit: ClassUnit, option: Option, weights: Weights) -> Outcome:
    return Outcome(
        class_id=unit.id,
        company_id=option.company_id,
        basis=Basis.MATCHED,
        wish_rank=option.rank,
        distance_km=round(option.distance_km, 1),
        priority_bonus=weights.bonus(unit.priorities),
        priorities=tuple(sorted(unit.priorities)),
    )


def _unplaced(unit: ClassUnit, reasons: tuple[Reason, ...], weights: Weights) -> Outcome:
    return Outcome(
        class_id=unit.id,
        company_id=None,
        basis=Basis.UNPLACED,
        priority_bonus=weights.bonus(unit.priorities),
        priorities=tuple(sorted(unit.priorities)),
        reasons=reasons,
    )


def _result(data: MatchInput, prepared: Prepared, chosen: dict[int, Option], seconds: float) -> MatchResult:
    outcomes = dict(prepared.fixed)
    for unit in data.classes:
        if unit.id in outcomes:
            continue
        if unit.id in chosen:
            outcomes[unit.id] = _outcome(unit, chosen[unit.id], data.weights)
        else:
            reasons = prepared.excluded.get(unit.id, (Reason.NO_PLACES_LEFT,))
            outcomes[unit.id] = _unplaced(unit, reasons, data.weights)
    return MatchResult(outcomes=tuple(outcomes[key] for key in sorted(outcomes)), solver_seconds=seconds)


def solve(data: MatchInput, prepared: Prepared | None = None) -> MatchResult:
    """The optimal proposal: most classes adopted, then best wishes, then shortest travel;
    priorities decide who when places are short. Raises MatchingInputError for locks that
    contradict the input. `prepared` is prepare(data), when the caller has it already. The
    flow itself is core/assignment.py."""
    prepared = prepared or prepare(data)
    units = [unit for unit in sorted(data.classes, key=lambda u: u.id) if unit.id in prepared.options]
    bonuses = {unit.id: data.weights.bonus(unit.priorities) for unit in units}
    max_bonus = max(bonuses.values(), default=0)
    arcs = [
        [
            assignment.Arc(host=option.company_id, cost=_base_cost(option, bonuses[unit.id], max_bonus))
            for option in prepared.options[unit.id]
        ]
        for unit in units
    ]
    solved = assignment.assign(arcs, prepared.places, seed=data.seed)
    chosen = {
        unit.id: prepared.options[unit.id][index]
        for unit, index in zip(units, solved.chosen, strict=True)
        if index is not None
    }
    return _result(data, prepared, chosen, solved.solver_seconds)


def greedy(data: MatchInput, prepared: Prepared | None = None) -> MatchResult:
    """The spreadsheet's way, as a baseline: classes in the order they came (by id), each
    takes its best-ranked wish with a free place (the nearest, for a sector), on the same
    renewals, locks and filters."""
    prepared = prepared or prepare(data)
    places = dict(prepared.places)
    chosen: dict[int, Option] = {}
    started = time.perf_counter()
    for unit in sorted(data.classes, key=lambda u: u.id):
        for option in prepared.options.get(unit.id, []):
            if places[option.company_id] > 0:
                places[option.company_id] -= 1
                chosen[unit.id] = option
                break
    return _result(data, prepared, chosen, time.perf_counter() - started)


# Reporting ----------------------------------------------------------------------------------


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def report(data: MatchInput, result: MatchResult) -> dict:
    """The run's figures, JSON-ready: classes adopted of eligible (the classes matched, renewals
    counted apart), the share with their first and a top-3 wish (of eligible), mean and
    longest travel of those adopted, the adopted share per municipality and per priority."""
    renewed = {o.class_id for o in result.outcomes if o.basis == Basis.RENEWAL}
    by_class = {o.class_id: o for o in result.outcomes}
    eligible = [unit for unit in data.classes if unit.id not in renewed]
    adopted = [by_class[unit.id] for unit in eligible if by_class[unit.id].company_id is not None]
    travel = [o.distance_km for o in adopted if o.distance_km is not None]
    ranks = [o.wish_rank for o in adopted if o.wish_rank is not None]

    def group(units: Sequence[ClassUnit]) -> dict:
        placed = sum(1 for unit in units if by_class[unit.id].company_id is not None)
        return {"eligible": len(units), "adopted": placed, "share": _share(placed, len(units))}

    municipalities: dict[int, list[ClassUnit]] = defaultdict(list)
    for unit in eligible:
        municipalities[unit.municipality].append(unit)
    priorities = {
        str(priority): group([unit for unit in eligible if priority in unit.priorities]) for priority in Priority
    }
    priorities["any"] = group([unit for unit in eligible if unit.priorities])
    return {
        "eligible": len(eligible),
        "adopted": len(adopted),
        "adopted_share": _share(len(adopted), len(eligible)),
        "renewals": len(renewed),
        "first_wish": sum(1 for rank in ranks if rank == 1),
        "first_wish_share": _share(sum(1 for rank in ranks if rank == 1), len(eligible)),
        "top3_wish": sum(1 for rank in ranks if rank <= 3),
        "top3_wish_share": _share(sum(1 for rank in ranks if rank <= 3), len(eligible)),
        "mean_travel_km": round(statistics.fmean(travel), 1) if travel else None,
        "longest_travel_km": round(max(travel), 1) if travel else None,
        "municipalities": {str(code): group(units) for code, units in sorted(municipalities.items())},
        "priorities": priorities,
    }
