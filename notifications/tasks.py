"""django-q2 tasks. Thin: they take no objects and call into the delivery module."""

import time

from django.conf import settings

POLL_SECONDS = 1.0
# Left at the end of the task's time for recording the last outcome and closing the connection.
MARGIN_SECONDS = 5.0


def claim_seconds() -> float:
    """How long the delivery task claims messages: django-q2's timeout (Q_CLUSTER["timeout"])
    less a margin and one send's worst case, EMAIL_TIMEOUT (the SMTP timeout of one socket
    operation; a send that takes longer is cut off, see delivery.deliver_due). Read at each
    call, so settings changed by a deployment or a test hold."""
    return settings.Q_CLUSTER["timeout"] - MARGIN_SECONDS - float(settings.EMAIL_TIMEOUT or 0)


def deliver_due_messages(run_seconds: float | None = None) -> int:
    """Run by one django-q2 schedule every minute: deliver what is due, polling the outbox
    each second for `run_seconds` (claim_seconds() by default), so an invite leaves within
    about a second of the booking without each booking enqueuing a task. Runs overlapping by
    a little are harmless: every message is claimed before it is sent.

    No message is claimed after `run_seconds`, and the mail connection is shut MARGIN_SECONDS
    before django-q2's timeout, so a send never outlives the task: a task killed by the
    timeout mid-send would leave its message claimed until the claim timeout."""
    from notifications.delivery import deliver_due

    started = time.monotonic()
    stop = started + (claim_seconds() if run_seconds is None else run_seconds)
    cutoff = started + settings.Q_CLUSTER["timeout"] - MARGIN_SECONDS
    sent = 0
    while True:
        sent += deliver_due(deadline=stop, cutoff=max(cutoff, stop))
        if time.monotonic() >= stop:
            return sent
        time.sleep(POLL_SECONDS)


def retention_daily() -> dict[str, int]:
    """Run by the django-q2 schedule "Personal data: the daily retention round"."""
    from notifications.retention import retention_round

    return retention_round()
