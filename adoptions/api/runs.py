from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Add this module's endpoints to the API's router."""
