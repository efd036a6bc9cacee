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
    "plan_progress",
    "plan_update",
    "renewal_answer",
    "school_year_roll_over",
]
