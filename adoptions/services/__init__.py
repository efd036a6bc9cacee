"""Every write of the adoptions domain, by concern; callers import from here."""

from adoptions.services.adoptions import adoption_create
from adoptions.services.rounds import (
    KEEP,
    ROUND_GRADE,
    capacity_set,
    capacity_withdraw,
    company_distance_to_area,
    round_open,
    round_set_priorities,
    round_update,
    wish_set,
    wish_withdraw,
)

__all__ = [
    "KEEP",
    "ROUND_GRADE",
    "adoption_create",
    "capacity_set",
    "capacity_withdraw",
    "company_distance_to_area",
    "round_open",
    "round_set_priorities",
    "round_update",
    "wish_set",
    "wish_withdraw",
]
