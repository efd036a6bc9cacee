"""Assigning units to hosts with capacities, optimally: a min-cost flow, pure and without Django,
shared by the adoption matching (classes to companies) and the open-day matching (applicants to
hosts). Each caller turns its own rules into arcs and integer costs; this module only solves.

    source → unit (capacity 1) → host it may go to (capacity 1, cost) → sink (the host's places)

OR-Tools' SimpleMinCostFlow.solve_max_flow_with_min_cost() first routes as much flow as
possible, then the cheapest among those flows: "as many placed as capacity allows" comes
first, with no big-M constant to get wrong; the costs order everything after that.

Ties are broken by a seeded perturbation that cannot change the goals: every cost is scaled by
a factor larger than the largest sum of perturbations a flow can collect, so a flow that is
worse by one cost unit stays worse whatever the perturbation. Same input and seed, same result.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

PERTURBATION_RANGE = 64  # each arc's seeded tie-break term lies in [0, PERTURBATION_RANGE)


@dataclass(frozen=True)
class Arc:
    """One host a unit may go to, at a non-negative integer cost (lower is better)."""

    host: int
    cost: int


@dataclass(frozen=True)
class Assignment:
    """Per unit, in the order given, the index of its chosen arc, or None when it is left out."""

    chosen: tuple[int | None, ...]
    solver_seconds: float


def assign(arcs_by_unit: Sequence[Sequence[Arc]], places: Mapping[int, int], *, seed: int) -> Assignment:
    """The optimal assignment: most units placed within `places` (per host id), then the lowest
    total cost, ties broken by `seed`. Every arc's host must have places left (above zero);
    the perturbation is drawn for the arcs in the order given, so callers that list units and
    their arcs in a fixed order get the same result for the same seed."""
    hosts = sorted(host for host, left in places.items() if left > 0)
    unit_count = len(arcs_by_unit)
    host_node = {host: 2 + unit_count + index for index, host in enumerate(hosts)}
    source, sink = 0, 1
    pair_count = sum(len(arcs) for arcs in arcs_by_unit)
    # Every flow uses at most unit_count arcs of perturbation < PERTURBATION_RANGE, so scaling by
    # more than their sum keeps any real difference in cost ahead of any tie-break.
    scale = PERTURBATION_RANGE * max(unit_count, 1) + 1
    draws = iter(np.random.default_rng(seed).integers(0, PERTURBATION_RANGE, size=pair_count).tolist())
    table: list[tuple[int, int, int, int]] = []  # tail, head, capacity, cost
    pairs: list[tuple[int, int, int]] = []  # arc index in the table, unit index, arc index of the unit
    for unit_index, arcs in enumerate(arcs_by_unit):
        node = 2 + unit_index
        table.append((source, node, 1, 0))
        for arc_index, arc in enumerate(arcs):
            pairs.append((len(table), unit_index, arc_index))
            table.append((node, host_node[arc.host], 1, arc.cost * scale + next(draws)))
    table += [(host_node[host], sink, places[host], 0) for host in hosts]
    chosen: list[int | None] = [None] * unit_count
    started = time.perf_counter()
    if pair_count:
        flow = min_cost_flow.SimpleMinCostFlow()
        array = np.array(table, dtype=np.int64)
        flow.add_arcs_with_capacity_and_unit_cost(
            array[:, 0].astype(np.int32), array[:, 1].astype(np.int32), array[:, 2], array[:, 3]
        )
        flow.set_node_supply(source, unit_count)
        flow.set_node_supply(sink, -unit_count)
        status = flow.solve_max_flow_with_min_cost()
        if status != flow.OPTIMAL:
            raise RuntimeError(f"The min-cost flow solver answered {status!r}.")
        flows = flow.flows(np.array([index for index, _, _ in pairs], dtype=np.int32))
        for (_, unit_index, arc_index), used in zip(pairs, flows, strict=True):
            if used:
                chosen[unit_index] = arc_index
    return Assignment(chosen=tuple(chosen), solver_seconds=time.perf_counter() - started)
