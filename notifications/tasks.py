"""django-q2 tasks. Thin: they take no objects and call into the delivery module."""

import time

POLL_SECONDS = 1.0
RUN_SECONDS = 50.0


def deliver_due_messages(run_seconds: float = RUN_SECONDS) -> int:
    """Run by one django-q2 schedule every minute: deliver what is due, polling the outbox
    each second for `run_seconds`, so an invite leaves within about a second of the booking
    without each booking enqueuing a task. Runs overlapping by a little are harmless: every
    message is claimed before it is sent. No message is claimed after `run_seconds`, so the
    task ends well inside django-q2's timeout (Q_CLUSTER["timeout"], 60 s) even when a pass
    has a big batch: a task killed by the timeout mid-send would leave its message claimed."""
    from notifications.delivery import deliver_due

    sent, stop = 0, time.monotonic() + run_seconds
    while True:
        sent += deliver_due(deadline=stop)
        if time.monotonic() >= stop:
            return sent
        time.sleep(POLL_SECONDS)
