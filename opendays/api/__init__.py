"""The open-days API under /api/v1/: days and hosts (days.py), applications (applications.py),
matching runs (runs.py)."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Add every open-days endpoint to the API's router."""
    from opendays.api import applications, days, runs

    for module in (days, applications, runs):
        module.register(router)
