"""django-q2 tasks of the adoptions app. Thin: they take ids and call services."""


def match_run_execute(run_id: int) -> None:
    """Run a queued matching run (adoptions.services.runs.run_start enqueues it)."""
    from adoptions.services import run_execute

    run_execute(run_id=run_id)
