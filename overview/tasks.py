"""django-q2 tasks of the overview: thin; the work is in services."""

from django.utils import timezone


def feedback_daily() -> dict[str, int]:
    """The daily round (django-q2 schedule, migration 0004_feedback_schedule): ask feedback
    about the activities that ended, and remind once whoever has not answered in a week."""
    from overview.services import feedback_ask_due, feedback_remind_due

    now = timezone.now()
    return {"asked": feedback_ask_due(now=now), "reminded": feedback_remind_due(now=now)}
