"""django-q2 tasks of open days: thin, ids not objects; the work is in services."""


def applications_expire() -> str:
    """Expire the applications nobody confirmed in time (the daily schedule runs it)."""
    from opendays.services import expire_unconfirmed

    return f"{expire_unconfirmed()} unconfirmed open-day applications expired."
