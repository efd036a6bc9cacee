"""Every write of open days, transactional, each refusal a DomainError with a stable code and
field. By concern: days.py (create, change, status), hosts.py (registration), applications.py
(apply, confirm, guardian consent, change, withdraw, expire), runs.py (matching, adjust,
publish), waitlist.py (freed places and offers), after.py (attendance, survey, erasure)."""

from opendays.services.after import (
    application_erase,
    erase_due,
    host_survey_answer,
    open_day_counts,
    survey_answer,
    surveys_send,
)
from opendays.services.applications import (
    Pupil,
    application_change,
    application_submit,
    application_withdraw,
    applications_submit_for_pupils,
    email_confirm,
    expire_unconfirmed,
    guardian_consent,
)
from opendays.services.days import open_day_close, open_day_create, open_day_update
from opendays.services.hosts import attendance_mark, attendance_mark_all, host_register, host_update
from opendays.services.runs import placement_move, placement_remove, run_execute, run_publish, run_start
from opendays.services.waitlist import expire_offers, offer_accept, offer_decline, places_freed

__all__ = [
    "Pupil",
    "application_change",
    "application_erase",
    "application_submit",
    "application_withdraw",
    "applications_submit_for_pupils",
    "attendance_mark",
    "attendance_mark_all",
    "email_confirm",
    "erase_due",
    "expire_offers",
    "expire_unconfirmed",
    "guardian_consent",
    "host_register",
    "host_survey_answer",
    "host_update",
    "offer_accept",
    "offer_decline",
    "open_day_close",
    "open_day_counts",
    "open_day_create",
    "open_day_update",
    "placement_move",
    "placement_remove",
    "places_freed",
    "run_execute",
    "run_publish",
    "run_start",
    "survey_answer",
    "surveys_send",
]
