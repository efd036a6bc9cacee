"""django-q2 tasks of open days: thin, ids not objects; the work is in services."""

from django.utils import timezone

from opendays.services import erase_due, expire_offers, expire_unconfirmed, surveys_send


def match_run_execute(run_id: int) -> None:
    """Run a queued matching run (opendays.services.runs.run_start enqueues it)."""
    from opendays.services.runs import run_execute

    run_execute(run_id=run_id)


def after_the_day_daily() -> dict[str, int]:
    """The daily round (django-q2 schedule, migration 0004_after_schedule): unconfirmed
    applications expire, unanswered offers lapse and pass on, survey links go out after a day,
    and personal data is erased when a day's retention has run out."""
    now = timezone.now()
    done: dict[str, int] = {}
    done["expired_applications"] = expire_unconfirmed(now=now)
    done["lapsed_offers"] = expire_offers(now=now)
    done["surveys_sent"] = surveys_send(now=now)
    done["days_erased"] = erase_due(now=now)
    return done
