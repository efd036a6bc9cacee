"""Freed places after publication: offered to the waiting list in order, with a deadline."""

import datetime as dt

from opendays.models import Host


def places_freed(*, host: Host, now: dt.datetime | None = None) -> None:
    """Call after a change that may have freed places at `host` (a placed applicant withdrew or
    was erased, the host added places): offers each free place to the next waitlisted applicant
    who named the host. Filled in by the waiting-list part."""
