"""The open-day API keeps its schema's promises under generated input, as the consultant, a
teacher and a host, with days, hosts, applications and a run that exist (user trial). A longer
run: `FUZZ_EXAMPLES=100 .venv/bin/python -m pytest tests/opendays/test_trial_api_fuzz.py`."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import transaction

from tests import factories
from tests import test_api_schema_fuzz as schema_fuzz
from tests.opendays.factories import ApplicationFactory, HostFactory, OpenDayFactory, PreferenceFactory

# The whole-API run's fixtures: the schema, and requests that keep the test's connection.
api_schema = schema_fuzz.api_schema
requests_keep_the_test_connection = schema_fuzz.requests_keep_the_test_connection

OPEN_DAY_RESOURCES = ("open-days", "open-day-hosts", "openday-applications", "open-day-runs", "open-day-placements")


@pytest.fixture
def open_day_world(db) -> dict[str, Any]:
    teacher = factories.TeacherFactory(user__username="fuzz-teacher")
    host = factories.CompanyMemberFactory(user__username="fuzz-host")
    day = OpenDayFactory()
    hosts = [HostFactory(open_day=day, company=host.company), HostFactory(open_day=day)]
    applications = [ApplicationFactory(open_day=day), ApplicationFactory(open_day=day, applied_by=teacher.user)]
    for application in applications:
        PreferenceFactory(application=application, host=hosts[0], rank=1)
    return {
        "users": {
            "teacher": teacher.user,
            "host": host.user,
            "consultant": factories.UserFactory(username="fuzz-consultant", is_consultant=True),
        },
        "ids": {
            "open-days": [day.pk],
            "open-day-hosts": [h.pk for h in hosts],
            "openday-applications": [a.pk for a in applications],
            "open-day-runs": [],
        },
    }


@pytest.mark.parametrize("role", ["consultant", "teacher", "host"])
def test_every_open_day_operation_answers_within_its_schema(
    open_day_world, api_schema, requests_keep_the_test_connection, role
):
    """No server error and no response outside the schema, for any generated request."""
    headers = {"Authorization": f"Token {factories.api_key_for(open_day_world['users'][role])}"}
    failures: list[str] = []
    statuses: Counter[int] = Counter()

    def call(case) -> None:
        case.headers = {**(case.headers or {}), **headers}
        with transaction.atomic():
            statuses[case.call_and_validate(checks=schema_fuzz.CHECKS).status_code] += 1

    operations = [
        result.ok()
        for result in api_schema.get_all_operations()
        if result.ok().path.removeprefix("/api/v1/").split("/")[0] in OPEN_DAY_RESOURCES
    ]
    assert operations
    for operation in operations:
        existing = open_day_world["ids"].get(operation.path.removeprefix("/api/v1/").split("/")[0], [])
        try:
            schema_fuzz._run(operation, schema_fuzz._cases(operation, existing), call)
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {error}")

    print(f"{role}: {len(operations)} operations, statuses {sorted(statuses.items())}")
    assert not failures, f"{len(failures)} operations failed as {role}:\n\n" + "\n\n".join(failures)
