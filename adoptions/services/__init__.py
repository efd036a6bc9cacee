"""Every write of the adoptions domain, by concern; callers import from here."""

from adoptions.services.adoptions import adoption_create
from adoptions.services.runs import (
    pair_forbid,
    pair_lock,
    pair_rule_remove,
    run_accept,
    run_execute,
    run_start,
)

__all__ = [
    "adoption_create",
    "pair_forbid",
    "pair_lock",
    "pair_rule_remove",
    "run_accept",
    "run_execute",
    "run_start",
]
