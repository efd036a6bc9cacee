"""Fixtures of the applications part: an open day taking applications now, with three hosts,
and small helpers to apply and to read the outbox. Imported by the applications' tests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from core.models import Municipality
from notifications.models import OutgoingMessage
from opendays.models import Application, Host, OpenDay
from opendays.services import application_submit
from tests import factories


def make_open_day(**fields) -> OpenDay:
    now = timezone.now()
    values = {
        "title": "IGEday Nordjylland",
        "date": (now + dt.timedelta(days=40)).date(),
        "age_min": 13,
        "age_max": 19,
        "applications_open": now - dt.timedelta(days=1),
        "applications_close": now + dt.timedelta(days=20),
        "preferences": 3,
    }
    values.update(fields)
    day = OpenDay.objects.create(**values)
    day.municipalities.add(Municipality.objects.get(code=851))
    return day


def make_host(day: OpenDay, **fields) -> Host:
    values = {
        "open_day": day,
        "company": factories.CompanyFactory(),
        "places": 12,
        "starts_at": dt.time(9),
        "ends_at": dt.time(14),
        "programme": "Mød ingeniører og prøv at programmere en robot.",
        "address": "Havnegade 12",
        "postcode": "9000",
        "city": "Aalborg",
    }
    values.update(fields)
    return Host.objects.create(**values)


@pytest.fixture
def open_day(db) -> OpenDay:
    return make_open_day()


@pytest.fixture
def hosts(open_day) -> list[Host]:
    return [make_host(open_day) for _ in range(3)]


@pytest.fixture
def pupil_school(db):
    return factories.SchoolFactory()


def apply(open_day: OpenDay, hosts: list[Host], **fields) -> Application:
    values = {
        "open_day": open_day,
        "first_name": "Freja",
        "age": 15,
        "email": "freja@example.dk",
        "host_ids": [host.pk for host in hosts[:3]],
        "municipality": Municipality.objects.get(code=851),
    }
    values.update(fields)
    return application_submit(**values)


def outbox(kind: str | None = None) -> list[OutgoingMessage]:
    rows = OutgoingMessage.objects.order_by("id")
    if kind is not None:
        rows = rows.filter(kind=kind)
    return list(rows)
