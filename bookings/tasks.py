"""django-q2 tasks of the bookings app. Thin: they call services."""


def expire_unanswered_requests() -> int:
    """Requests still unanswered at the slot's booking deadline expire; the teacher is told."""
    from bookings.services import requests_expire

    return len(requests_expire())


def check_slot_counters() -> int:
    """Hourly: report slots whose counters disagree with their bookings. Returns how many."""
    from bookings.services import slot_counters_check

    return slot_counters_check().disagreeing
