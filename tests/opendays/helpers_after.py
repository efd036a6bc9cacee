"""Test data of the waiting-list and after-the-day tests, written through the models: a
published day with hosts and applicants in a given state, dated relative to today."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from core.models import Municipality
from opendays.models import Application, Host, OpenDay, Preference
from tests import factories

_numbers = itertools.count(1)


def make_day(*, days_from_today: int = 20, published: bool = True, **fields) -> OpenDay:
    """A day `days_from_today` on (negative: past), published yesterday unless told otherwise."""
    now = timezone.now()
    date = timezone.localdate() + dt.timedelta(days=days_from_today)
    opens = timezone.make_aware(dt.datetime.combine(date - dt.timedelta(days=60), dt.time(9)))
    values = {
        "title": "Pigedag i teknik",
        "date": date,
        "applications_open": opens,
        "applications_close": opens + dt.timedelta(days=30),
        "status": OpenDay.Status.PUBLISHED if published else OpenDay.Status.OPEN,
        "published_at": now - dt.timedelta(days=1) if published else None,
    }
    values.update(fields)
    day = OpenDay.objects.create(**values)
    day.municipalities.add(Municipality.objects.get(code=851))
    return day


def make_host(day: OpenDay, *, places: int = 1, **fields) -> Host:
    values = {"open_day": day, "places": places, "starts_at": dt.time(9), "ends_at": dt.time(14)}
    values.update(fields)
    values.setdefault("company", factories.CompanyFactory())
    return Host.objects.create(**values, programme="Rundvisning og værksted")


def make_application(
    day: OpenDay,
    *,
    preferences: list[Host] = (),
    host: Host | None = None,
    outcome: str = "",
    waitlist_position: int | None = None,
    **fields,
) -> Application:
    """A confirmed application naming `preferences` in rank order, with links issued."""
    number = next(_numbers)
    values = {
        "open_day": day,
        "first_name": f"Freja{number}",
        "age": 15,
        "grade": 9,
        "school": factories.SchoolFactory(),
        "municipality": Municipality.objects.get(code=851),
        "email": f"elev{number}@example.dk",
        "guardian_email": f"forælder{number}@example.dk",
        "status": Application.Status.CONFIRMED,
        "confirmed_at": timezone.now() - dt.timedelta(days=40),
        "outcome": outcome,
        "host": host,
        "waitlist_position": waitlist_position,
    }
    values.update(fields)
    application = Application.objects.create(**values)
    application.issue_links()
    application.save()
    for rank, preferred in enumerate(preferences, start=1):
        Preference.objects.create(application=application, host=preferred, rank=rank)
    return application
