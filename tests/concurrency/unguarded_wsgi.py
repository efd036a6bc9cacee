"""WSGI entry point for the negative control in test_booking_rush.py: the real application
with its capacity guard taken out. Only ever loaded by gunicorn in a live test.

`bookings.services.capacity.slot_claim` is replaced by a naive read-check-then-write: read the slot,
compare the counts in Python, then write the count computed in Python. Under concurrency two
requests read the same count and both write count + 1 (a lost update), so more bookings are
confirmed than the counter shows and than the slot holds. The written value never exceeds
capacity, so the Slot check constraints cannot stop it: the overbooking is silent.

BROBYG_LIVE_SQLITE_TRANSACTION_MODE (e.g. DEFERRED) also replaces SQLite's IMMEDIATE
transactions, the other half of the guard on SQLite.
"""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings

_mode = os.environ.get("BROBYG_LIVE_SQLITE_TRANSACTION_MODE", "")
if _mode and settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] = _mode

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()

from bookings.models import Slot  # noqa: E402
from bookings.services import capacity  # noqa: E402


def naive_slot_claim(*, slot_id: int, pupils: int) -> bool:
    slot = Slot.objects.get(pk=slot_id)
    if (
        slot.status != Slot.Status.OPEN
        or slot.booked_classes >= slot.capacity_classes
        or slot.booked_pupils + pupils > slot.capacity_pupils
    ):
        return False
    Slot.objects.filter(pk=slot_id).update(
        booked_classes=slot.booked_classes + 1, booked_pupils=slot.booked_pupils + pupils
    )
    return True


capacity.slot_claim = naive_slot_claim
# On PostgreSQL a new booking would otherwise claim its place with the guarded UPDATE inside
# the statement that inserts it (booking_sql.place_booking), never calling slot_claim.
capacity.claims_in_one_statement = lambda: False
# The test reads this line from the server log to know the patch is in place.
print(
    f"UNGUARDED: bookings.services.capacity.slot_claim replaced (pid {os.getpid()}, "
    f"sqlite transaction mode {_mode or 'unchanged'})",
    file=sys.stderr,
    flush=True,
)
