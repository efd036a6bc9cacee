"""Every write of the adoptions domain, by concern; callers import from here."""

from adoptions.services.adoptions import adoption_create

__all__ = ["adoption_create"]
