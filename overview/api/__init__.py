"""The overview's API under /api/v1/: the initiative catalogue (initiatives.py)."""

from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Add every overview endpoint to the API's router."""
    from overview.api import initiatives

    initiatives.register(router)
