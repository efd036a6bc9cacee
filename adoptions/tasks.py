"""django-q2 tasks of the adoptions app. Thin: they take ids and call services."""


def match_run_execute(run_id: int) -> None:
    """Run a queued matching run (adoptions.services.runs.run_start enqueues it)."""
    from adoptions.services import run_execute

    run_execute(run_id=run_id)


def school_year_roll_over() -> str:
    """Roll over the school year that has just ended (scheduled each 1 August by the migration
    adoptions 0003_roll_over_schedule); running it again changes nothing."""
    from adoptions.services import last_school_year
    from adoptions.services import school_year_roll_over as roll_over

    year = last_school_year()
    result = roll_over(school_year=year)
    return f"School year {year}: {result.continued} adoptions continued, {result.ended} ended."
