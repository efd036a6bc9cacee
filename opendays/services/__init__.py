"""Every write of open days, transactional, each refusal a DomainError with a stable code and
field. By concern: days.py (create, change, status), hosts.py (registration), applications.py
(apply, confirm, guardian consent, change, withdraw, expire), runs.py (matching, adjust,
publish), waitlist.py (freed places and offers), after.py (attendance, survey, erasure)."""

from opendays.services.days import open_day_close, open_day_create, open_day_update
from opendays.services.hosts import attendance_mark, host_register, host_update
from opendays.services.runs import placement_move, placement_remove, run_execute, run_publish, run_start

__all__ = [
    "attendance_mark",
    "host_register",
    "host_update",
    "open_day_close",
    "open_day_create",
    "open_day_update",
    "placement_move",
    "placement_remove",
    "run_execute",
    "run_publish",
    "run_start",
]
