"""The adoptions API under /api/v1/: rounds, capacities and wishes (rounds.py), matching runs
(runs.py), adoptions, plans and activities (plans.py)."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Add every adoptions endpoint to the API's router."""
    from adoptions.api import plans, rounds, runs

    for module in (rounds, runs, plans):
        module.register(router)
