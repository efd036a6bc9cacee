"""Every open-day page over the loaded demo, for every demo login and for a visitor: each
answers (a page, a redirect, a refusal) and none fails. The demo is loaded once, inside a
transaction rolled back afterwards."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, reverse

from accounts.models import User
from companies.models import CompanyMember
from demo import DEMO_LOGINS
from opendays.models import Application, Host, LinkPurpose, OpenDay
from web.views import openday_after, openday_hosts, openday_pupils, openday_runs, openday_teachers, opendays

PAGES = [
    pattern
    for module in (opendays, openday_hosts, openday_pupils, openday_teachers, openday_runs, openday_after)
    for pattern in module.urlpatterns
]


def argument_values() -> dict[str, list]:
    """The values each of the pages' arguments takes over the demo: every day, host, run and
    company with a login; a link of an applicant in every state, and a guardian's."""
    applications = Application.objects.exclude(link_nonce="").order_by("id")
    tokens = []
    for status in Application.Status.values:
        application = applications.filter(status=status).first()
        if application is not None:
            tokens.append(application.link_token(LinkPurpose.APPLICANT))
    placed = applications.filter(outcome=Application.Outcome.PLACED).first()
    if placed is not None:
        tokens.append(placed.link_token(LinkPurpose.APPLICANT))
    guardian = applications.filter(status=Application.Status.AWAITING_GUARDIAN).first()
    tokens.append(guardian.link_token(LinkPurpose.GUARDIAN))
    return {
        "token": tokens,
        "host_id": list(Host.objects.values_list("pk", flat=True)),
        "company_id": sorted(set(CompanyMember.objects.values_list("company_id", flat=True))),
        "application_id": list(Application.objects.filter(applied_by__isnull=False).values_list("pk", flat=True)),
    }


def addresses(pattern: URLPattern, values: dict[str, list]) -> list[str]:
    """Every address of `pattern` over the demo; a run's pages under its own day."""
    names = list(pattern.pattern.converters)
    if "run_id" in names:
        found = []
        for day in OpenDay.objects.all():
            for run in day.runs.all():
                kwargs = {"day_id": day.pk, "run_id": run.pk}
                if "placement_id" in names:
                    kwargs["placement_id"] = run.placements.order_by("id").values_list("pk", flat=True).first()
                found.append(reverse(pattern.name, kwargs=kwargs))
        return found
    choices = {**values, "day_id": list(OpenDay.objects.values_list("pk", flat=True))}
    return [
        reverse(pattern.name, kwargs=dict(zip(names, combination, strict=True)))
        for combination in itertools.product(*(choices[name] for name in names))
    ]


@pytest.mark.django_db
class TestDemoOpenDayPages:
    @pytest.fixture(scope="class", autouse=True)
    def demo(self, django_db_setup, django_db_blocker) -> Iterator[None]:
        with django_db_blocker.unblock(), transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)

    @pytest.mark.parametrize("username", [None] + [login.username for login in DEMO_LOGINS])
    def test_no_open_day_page_fails_for_a_demo_login(self, username):
        """Every open-day page, read by `username` (None: a visitor), answers below 500."""
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(User.objects.get(username=username))
        values = argument_values()
        failed = []
        for pattern in PAGES:
            for address in addresses(pattern, values):
                status = client.get(address).status_code
                if status >= 500:
                    failed.append((address, status))
        assert not failed
