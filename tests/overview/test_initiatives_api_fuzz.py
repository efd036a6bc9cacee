"""The initiative endpoints keep the promises of the API's schema whoever calls them: the
project's Schemathesis run (tests/test_api_schema_fuzz.py), on these endpoints alone and with
more examples, so that garbage to them never gives a server error."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from tests import test_api_schema_fuzz as fuzz
from tests.factories import api_key_for

# The project's fuzz fixtures, used here as they are.
world = fuzz.world
api_schema = fuzz.api_schema
requests_keep_the_test_connection = fuzz.requests_keep_the_test_connection


@pytest.mark.parametrize("role", fuzz.ROLES)
def test_initiative_operations_answer_within_their_schema(world, api_schema, requests_keep_the_test_connection, role):
    headers = {}
    if role != "anonymous":
        headers = {"Authorization": f"Token {api_key_for(world['users'][role])}"}
    statuses: Counter[int] = Counter()
    failures: list[str] = []

    def call(case) -> None:
        case.headers = {**(case.headers or {}), **headers}
        with transaction.atomic():
            statuses[case.call_and_validate(checks=fuzz.CHECKS).status_code] += 1

    operations = [
        result.ok() for result in api_schema.get_all_operations() if result.ok().path.startswith("/api/v1/initiatives/")
    ]
    assert len(operations) == 6
    for operation in operations:
        try:
            fuzz._run(operation, fuzz._cases(operation, world["ids"]["initiatives"]), call)
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {error}")

    assert not failures, "\n\n".join(failures)
    assert statuses.total() >= len(operations)
