"""The feedback fixtures (tests/overview/fixtures.py), for every test here."""

from tests.overview.fixtures import held_activity, visit

__all__ = ["held_activity", "visit"]
