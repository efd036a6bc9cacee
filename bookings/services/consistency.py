"""The periodic check that every slot's counters equal its bookings.

A slot's `booked_classes` and `booked_pupils` change by conditional UPDATEs in the same
transaction as each booking change (`capacity`), so they cannot drift through the services.
They can drift around them: a hand-made SQL fix, a partial restore, a future bug. Then a slot
is offered over its capacity, or shown full while it has room. The check finds such slots
with one aggregate statement, records the run (the admin shows the last one), logs them at
ERROR and e-mails the administrators (settings.ADMINS). It repairs nothing: which side is
wrong is for a person to decide."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.mail import mail_admins
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bookings.models import SlotCounterCheck
from bookings.selectors import slots_with_disagreeing_counters

logger = logging.getLogger(__name__)

KEEP_CHECKS = dt.timedelta(days=30)
COUNTERS = ("booked_classes", "held_classes", "booked_pupils", "held_pupils")


def slot_counters_check(*, now: dt.datetime | None = None) -> SlotCounterCheck:
    """Find every slot whose counters disagree with its bookings, record the run, and tell
    the administrators when there is any. Returns the run."""
    now = now or timezone.now()
    disagreeing = [
        {"slot": slot["pk"], **{name: slot[name] for name in COUNTERS}}
        for slot in slots_with_disagreeing_counters().values("pk", *COUNTERS)
    ]
    with transaction.atomic():
        check = SlotCounterCheck.objects.create(checked_at=now, disagreeing=len(disagreeing), details=disagreeing)
        SlotCounterCheck.objects.filter(checked_at__lt=now - KEEP_CHECKS).delete()
    if disagreeing:
        logger.error("Slot counters disagree with their bookings on %d slot(s): %s", len(disagreeing), disagreeing)
        _tell_administrators(disagreeing)
    return check


def _tell_administrators(disagreeing: list[dict]) -> None:
    """E-mail settings.ADMINS. A mail server that fails must not fail the check: the run is
    recorded and logged already, and the next run mails again."""
    subject = ngettext(
        "%(count)d slot's counters disagree with its bookings",
        "%(count)d slots' counters disagree with their bookings",
        len(disagreeing),
    ) % {"count": len(disagreeing)}
    lines = [
        _(
            "Slot %(slot)s: booked classes %(booked_classes)s, held by bookings %(held_classes)s; "
            "booked pupils %(booked_pupils)s, held by bookings %(held_pupils)s."
        )
        % row
        for row in disagreeing
    ]
    body = "\n".join(
        [
            _("The hourly check found slots whose counters disagree with their requested and confirmed bookings."),
            _("The admin's slot list shows them with the filter “counters disagree with bookings”."),
            "",
            *lines,
        ]
    )
    try:
        mail_admins(subject, body)
    except Exception:
        logger.exception("E-mailing the administrators about slot counters failed")
