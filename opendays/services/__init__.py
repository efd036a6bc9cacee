"""Every write of open days, transactional, each refusal a DomainError with a stable code and
field. By concern: days.py (create, change, status), hosts.py (registration), applications.py
(apply, confirm, guardian consent, change, withdraw, expire), runs.py (matching, adjust,
publish), waitlist.py (freed places and offers), after.py (attendance, survey, erasure)."""

from opendays.services.runs import (
    placement_move as placement_move,
)
from opendays.services.runs import (
    placement_remove as placement_remove,
)
from opendays.services.runs import (
    run_execute as run_execute,
)
from opendays.services.runs import (
    run_publish as run_publish,
)
from opendays.services.runs import (
    run_start as run_start,
)
