"""Writes and rules of the overview, one module per concern, each refusal a DomainError with a
stable code and field:

- `feedback`: asking the teacher and the host after an activity, one reminder, expiry,
  answers, and withdrawal when a class did not come;
- `initiatives`: the catalogue of STEM initiatives and its CSV import.

Callers import from here (`from overview import services; services.feedback_answer(...)`)."""

from overview.services.feedback import (
    ASK_WITHIN,
    LINK_LIFETIME,
    REMIND_AFTER,
    Answer,
    feedback_answer,
    feedback_ask_due,
    feedback_remind_due,
    feedback_reopen_for_booking,
    feedback_state,
    feedback_withdraw_for_booking,
)
from overview.services.initiatives import (
    ImportLine,
    ImportReport,
    initiative_create,
    initiative_delete,
    initiative_update,
    initiatives_import,
)

__all__ = [
    "ASK_WITHIN",
    "LINK_LIFETIME",
    "REMIND_AFTER",
    "Answer",
    "ImportLine",
    "ImportReport",
    "feedback_answer",
    "feedback_ask_due",
    "feedback_remind_due",
    "feedback_reopen_for_booking",
    "feedback_state",
    "feedback_withdraw_for_booking",
    "initiative_create",
    "initiative_delete",
    "initiative_update",
    "initiatives_import",
]
