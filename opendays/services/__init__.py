"""Every write of open days, transactional, each refusal a DomainError with a stable code and
field. By concern: days.py (create, change, status), hosts.py (registration), applications.py
(apply, confirm, guardian consent, change, withdraw, expire), runs.py (matching, adjust,
publish), waitlist.py (freed places and offers), after.py (attendance, survey, erasure)."""

from opendays.services.applications import (
    Pupil,
    application_change,
    application_erase_on_request,
    application_submit,
    application_withdraw,
    applications_submit_for_pupils,
    email_confirm,
    expire_unconfirmed,
    guardian_consent,
)

__all__ = [
    "Pupil",
    "application_change",
    "application_erase_on_request",
    "application_submit",
    "application_withdraw",
    "applications_submit_for_pupils",
    "email_confirm",
    "expire_unconfirmed",
    "guardian_consent",
]
