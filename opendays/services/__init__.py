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
from opendays.services.waitlist import expire_offers, offer_accept, offer_decline, places_freed

__all__ = [
    "application_erase",
    "erase_due",
    "expire_offers",
    "host_survey_answer",
    "offer_accept",
    "offer_decline",
    "open_day_counts",
    "places_freed",
    "survey_answer",
    "surveys_send",
]
