"""Every write of the adoptions domain, by concern; callers import from here."""

from adoptions.services.adoptions import adoption_create
from adoptions.services.plans import (
    activity_book,
    activity_create,
    activity_delete,
    activity_month_warning,
    activity_set_status,
    activity_update,
    company_month_load,
    current_status,
    learning_goals_for,
    month_warning,
    plan_progress,
    plan_update,
)
from adoptions.services.rollover import renewal_answer, school_year_roll_over
from adoptions.services.runs import (
    pair_forbid,
    pair_lock,
    pair_rule_remove,
    run_accept,
    run_execute,
    run_start,
)

__all__ = [
    "activity_book",
    "activity_create",
    "activity_delete",
    "activity_month_warning",
    "activity_set_status",
    "activity_update",
    "adoption_create",
    "company_month_load",
    "current_status",
    "learning_goals_for",
    "month_warning",
    "pair_forbid",
    "pair_lock",
    "pair_rule_remove",
    "plan_progress",
    "plan_update",
    "renewal_answer",
    "run_accept",
    "run_execute",
    "run_start",
    "school_year_roll_over",
]
