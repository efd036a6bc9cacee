from rest_framework.routers import BaseRouter


def register(router: BaseRouter) -> None:
    """Add this part's viewsets to the router."""
