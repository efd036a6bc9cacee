"""django-q2 tasks of open days: thin, ids not objects; the work is in services."""


def match_run_execute(run_id: int) -> None:
    """Run a queued matching run (opendays.services.runs.run_start enqueues it)."""
    from opendays.services.runs import run_execute

    run_execute(run_id=run_id)
