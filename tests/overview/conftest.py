"""The overview's fixtures: the small region of tests/overview/region.py (also built by the e2e
tests) and the feedback fixtures."""

from __future__ import annotations

import pytest

from tests.overview.fixtures import held_activity, visit  # noqa: F401 (the feedback fixtures)
from tests.overview.region import Region, build_region, in_school_year  # noqa: F401 (used by the tests)


@pytest.fixture
def region(db) -> Region:
    return build_region()
