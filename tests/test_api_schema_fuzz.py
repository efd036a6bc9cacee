"""The API keeps the promises of its own OpenAPI schema whoever calls it: Schemathesis generates
requests for every operation in /api/v1/schema/ (valid ones and invalid ones, with ids of rows
that exist and of rows that do not), as an anonymous visitor and as every role, and each answer
must be no server error and must match the schema's description of that response. The rows are
the demo's (`load_demo`), and each role gets the ids it sees itself beside the ids of others.

This is a bounded run for `make test` (a few examples per operation and role). A longer run:
`FUZZ_EXAMPLES=100 .venv/bin/python -m pytest tests/test_api_schema_fuzz.py`."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import User
from adoptions.services import activity_create, adoption_create
from bookings import services
from companies.models import CompanyMember
from demo.logins import ADMIN, CONSULTANT, HOST, HOST2, TEACHER, TEACHER2
from overview.services import initiative_create
from tests import factories

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
ROLES = ["anonymous", "teacher", "other_teacher", "host", "company_admin", "consultant", "administrator"]
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def world(db) -> dict[str, Any]:
    """Users of every role, and offers, slots, classes and bookings for them to act on: made by
    factories, for the per-domain fuzz tests that import this module (lighter than the demo)."""
    teacher = factories.TeacherFactory(user__username="fuzz-teacher")
    other_teacher = factories.TeacherFactory(user__username="fuzz-other-teacher")
    host = factories.CompanyMemberFactory(user__username="fuzz-host")
    company_admin = factories.CompanyMemberFactory(
        company=host.company, user__username="fuzz-company-admin", role=CompanyMember.Role.ADMIN
    )
    classes = [
        factories.SchoolClassFactory(school=teacher.school, pupils=24),
        factories.SchoolClassFactory(school=other_teacher.school, pupils=22),
    ]
    offer = factories.OfferFactory(company=host.company, contact=host)
    draft = factories.OfferFactory(company=host.company, is_published=False)
    first = factories.SlotFactory(offer=offer, capacity_classes=1)
    slots = [first, factories.SlotFactory(offer=offer, start=first.start + dt.timedelta(days=7))]
    bookings = [
        services.booking_create(actor=teacher.user, slot_id=slots[0].pk, school_class_id=classes[0].pk, pupils=20),
        services.booking_create(
            actor=other_teacher.user, slot_id=slots[0].pk, school_class_id=classes[1].pk, pupils=20
        ),
        services.booking_create(actor=teacher.user, slot_id=slots[1].pk, school_class_id=classes[0].pk, pupils=20),
    ]
    adoption = adoption_create(school_class=classes[0], company=host.company)
    activity = activity_create(actor=teacher.user, plan=adoption.plan, title="Besøg", kind="company_visit")
    # An adoption round of this school year (the classes' own), with a capacity and a wish in it.
    adoption_round = factories.AdoptionRoundFactory(school_year=classes[0].school_year)
    capacity = factories.CompanyCapacityFactory(round=adoption_round, company=host.company)
    wish = factories.WishChoiceFactory(wish__round=adoption_round, wish__school_class=classes[0]).wish
    initiative = initiative_create(actor=None, name="Coding Pirates", owner="Coding Pirates", geography="national")
    users = {
        "teacher": teacher.user,
        "other_teacher": other_teacher.user,
        "host": host.user,
        "company_admin": company_admin.user,
        "consultant": factories.UserFactory(username="fuzz-consultant", is_consultant=True),
        "administrator": factories.UserFactory(username="fuzz-admin", is_superuser=True, is_staff=True),
    }
    return {
        "users": users,
        "ids": {
            "bookings": [booking.pk for booking in bookings],
            "waitlist": [booking.pk for booking in bookings],
            "slots": [slot.pk for slot in slots],
            "offers": [offer.pk, draft.pk],
            "classes": [school_class.pk for school_class in classes],
            "schools": [teacher.school_id, other_teacher.school_id],
            "companies": [host.company_id],
            "calendar-feeds": [],
            "adoptions": [adoption.pk],
            "plans": [adoption.plan.pk],
            "activities": [activity.pk],
            "adoption-rounds": [adoption_round.pk],
            "adoption-capacities": [capacity.pk],
            "adoption-wishes": [wish.pk],
            "initiatives": [initiative.pk],
        },
    }


# Each role is a demo login (demo/logins.py): a teacher, a teacher at another school, a host, the
# administrator of another company, the consultant and the site's administrator.
ROLE_LOGINS = {
    "teacher": TEACHER.username,
    "other_teacher": TEACHER2.username,
    "host": HOST.username,
    "company_admin": HOST2.username,
    "consultant": CONSULTANT.username,
    "administrator": ADMIN.username,
}
IDS_PER_RESOURCE = 3


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo (`manage.py load_demo`): real offers, bookings, adoptions, open days, runs and
    initiatives for the roles to act on, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _listed_ids(client: Client, resource: str) -> list[Any]:
    """The first ids a list endpoint shows to the client's user (none when it refuses)."""
    response = client.get(f"/api/v1/{resource}/", {"page_size": IDS_PER_RESOURCE})
    if response.status_code != 200:
        return []
    body = response.json()
    rows = body.get("results") if isinstance(body, dict) else body
    if not isinstance(rows, list):
        return []
    return [row["id"] for row in rows[:IDS_PER_RESOURCE] if isinstance(row, dict) and "id" in row]


def _real_ids(api_schema, role: str) -> dict[str, list[Any]]:
    """For each resource, ids the role sees (its own rows) and ids the consultant sees (mostly
    someone else's): requests on both, so the scopes are exercised with rows that exist."""
    resources = {_resource(result.ok().path) for result in api_schema.get_all_operations()}
    viewers = [Client()]
    for username in {ROLE_LOGINS.get(role), CONSULTANT.username} - {None}:
        viewer = Client()
        viewer.force_login(User.objects.get(username=username))
        viewers.append(viewer)
    return {
        resource: sorted({pk for viewer in viewers for pk in _listed_ids(viewer, resource)}, key=str)
        for resource in resources
    }


@contextlib.contextmanager
def _connection_kept_across_requests() -> Iterator[None]:
    """Requests go straight to Django's WSGI handler, which closes the database connection when
    a request starts or finishes outside autocommit (as inside a test's transaction, or the
    demo's module-long one); Django's own test client switches that off in the same way. On
    SQLite's in-memory test database a close does nothing, so only PostgreSQL shows it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def requests_keep_the_test_connection() -> Iterator[None]:
    with _connection_kept_across_requests():
        yield


@pytest.fixture(scope="module")
def api_schema(django_db_setup, django_db_blocker) -> schemathesis.BaseSchema:
    with django_db_blocker.unblock(), _connection_kept_across_requests():
        return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


def _cases(operation, existing_ids: list[int]) -> st.SearchStrategy:
    """Valid and invalid requests; for an operation on one row, also requests on rows that exist."""
    strategies = [
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=schemathesis.GenerationMode.NEGATIVE),
    ]
    if "{id}" in operation.path:
        strategies += [
            operation.as_strategy(generation_mode=schemathesis.GenerationMode.POSITIVE, path_parameters={"id": pk})
            for pk in existing_ids
        ]
    return st.one_of(strategies)


def _resource(path: str) -> str:
    return path.removeprefix("/api/v1/").split("/")[0]


def _run(operation, cases: st.SearchStrategy, call: Callable) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=os.environ.get("FUZZ_RANDOM") is None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case) -> None:
        call(case)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_its_schema(demo, db, api_schema, requests_keep_the_test_connection, role):
    """No server error and no response that breaks the schema, for any generated request."""
    headers = {}
    if role != "anonymous":
        headers = {"Authorization": f"Token {factories.api_key_for(User.objects.get(username=ROLE_LOGINS[role]))}"}
    real_ids = _real_ids(api_schema, role)
    failures: list[str] = []
    statuses: Counter[int] = Counter()

    def call(case) -> None:
        case.headers = {**(case.headers or {}), **headers}
        # Each request in a savepoint, as each runs in its own transaction in production: a
        # refused statement must not break the test's transaction for the requests after it.
        with transaction.atomic():
            statuses[case.call_and_validate(checks=CHECKS).status_code] += 1

    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30
    # Django's test client, which read the real ids, connects the closing receivers again after
    # each of its requests: off again for the generated ones.
    with _connection_kept_across_requests():
        for operation in operations:
            existing = real_ids.get(_resource(operation.path), [])
            try:
                _run(operation, _cases(operation, existing), call)
            except (Exception, BaseExceptionGroup) as error:  # collect every failure, then report them all
                failures.append(f"{operation.label}: {error}")

    print(f"{role}: {len(operations)} operations, {statuses.total()} requests, statuses {sorted(statuses.items())}")
    assert not failures, f"{len(failures)} operations failed as {role}:\n\n" + "\n\n".join(failures)
    assert statuses.total() >= len(operations)


def test_the_schema_is_served_and_lists_every_endpoint(api_schema):
    paths = {operation.path for operation in (result.ok() for result in api_schema.get_all_operations())}

    assert {"/api/v1/bookings/", "/api/v1/slots/{id}/", "/api/v1/offers/{id}/", "/api/v1/slots/series/"} <= paths
