"""Helpers for the matching and publication tests (part H1): a day whose applications have
closed, hosts, confirmed applications with preferences. Local to this part; the shared
factories are tests/opendays/factories.py."""

import datetime as dt
import itertools

from django.utils import timezone

from opendays.models import Application, Host, OpenDay, Preference
from tests import factories

AALBORG, HJORRING = 851, 860
_numbers = itertools.count(1)


def make_day(*, closed: bool = True, days_ahead: int = 30, **fields) -> OpenDay:
    """An open day `days_ahead` days on whose applications closed yesterday (or close tomorrow)."""
    now = timezone.now()
    close = now - dt.timedelta(days=1) if closed else now + dt.timedelta(days=1)
    day = OpenDay.objects.create(
        title=fields.pop("title", "Pigedag i teknik"),
        date=timezone.localdate() + dt.timedelta(days=days_ahead),
        applications_open=close - dt.timedelta(days=14),
        applications_close=close,
        **fields,
    )
    day.municipalities.set([AALBORG, HJORRING])
    return day


def make_host(day: OpenDay, *, places: int = 2, company=None, **fields) -> Host:
    company = company or factories.CompanyFactory()
    return Host.objects.create(
        open_day=day,
        company=company,
        places=places,
        starts_at=dt.time(9, 0),
        ends_at=dt.time(14, 0),
        programme="Rundvisning og værksted",
        address="Havnegade 12",
        postcode="9000",
        city="Aalborg",
        **fields,
    )


def make_application(
    day: OpenDay, *hosts: Host, age: int = 15, status: str = Application.Status.CONFIRMED, **fields
) -> Application:
    number = next(_numbers)
    application = Application.objects.create(
        open_day=day,
        first_name=fields.pop("first_name", f"Freja{number}"),
        age=age,
        municipality_id=fields.pop("municipality_id", AALBORG),
        email=fields.pop("email", f"pige{number}@example.dk"),
        status=status,
        **fields,
    )
    application.issue_links()
    application.save()
    for rank, host in enumerate(hosts, start=1):
        Preference.objects.create(application=application, host=host, rank=rank)
    return application
