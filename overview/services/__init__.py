"""Writes and rules of the overview, one module per concern:

- `feedback`: asking the teacher and the host after an activity, one reminder, expiry,
  answers, and withdrawal when a class did not come.

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

__all__ = [
    "ASK_WITHIN",
    "LINK_LIFETIME",
    "REMIND_AFTER",
    "Answer",
    "feedback_answer",
    "feedback_ask_due",
    "feedback_remind_due",
    "feedback_reopen_for_booking",
    "feedback_state",
    "feedback_withdraw_for_booking",
]
