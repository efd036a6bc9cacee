"""Fixtures for the live concurrency tests: real gunicorn servers on their own databases.

These tests never request pytest-django's `db` fixture and never open a database in the
pytest process; the server and the setup scripts run in subprocesses with their own
DATABASE_URL. So they run in the same `pytest` invocation as the rest of the suite, and
pytest-django's database blocker has nothing to block.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests import live

_REPORT: list[str] = []


@pytest.fixture(scope="module", params=live.BACKENDS)
def live_stack(request: pytest.FixtureRequest) -> Iterator[live.LiveStack]:
    """The real application under gunicorn (2 workers x 16 threads) on a fresh database,
    shared by the tests of a module; each test loads its own scenario into it."""
    live.skip_unless_available(request.param)
    with live.LiveStack(request.param) as stack:
        yield stack


@pytest.fixture
def live_report(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Print a line now (visible with -s) and again in the terminal summary."""

    def report(line: str) -> None:
        line = f"{request.node.name}: {line}"
        print(line)
        _REPORT.append(line)

    return report


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if _REPORT:
        terminalreporter.section("live concurrency figures")
        for line in _REPORT:
            terminalreporter.write_line(line)
