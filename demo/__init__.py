"""A believable North Jutland demo for `manage.py load_demo` (and so for `make run`).

One module per domain, each with its data as plain tables at the top and the code that writes
them below: `people` (users), `companies`, `schools`, `offers` (offers and slots), `bookings`
and `adoptions` (this year's adoptions and their plans, next year's round with capacities and
wishes); `load` runs them in order in one transaction. Companies and schools are written
through their apps' services, offers, slots and bookings through bookings' services, so every
counter is what real use would leave behind; adoptions through adoptions' services where they
exist (see demo/adoptions.py for the few writes that wait for one). The data is fixed and every random choice comes
from one seeded generator, so a fresh database always gets the same demo. Dates move with
today: the slots lie in the coming three months, on school days between 8:00 and 15:00
Copenhagen time, never on a holiday.
"""

from demo.logins import DEMO_LOGINS, DEMO_PASSWORD, DemoError

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DemoError"]
