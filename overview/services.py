"""The overview's writes. The summary table of encounters is rebuilt by overview.facts."""

from overview.facts import facts_refresh

__all__ = ["facts_refresh"]
