"""docs/deploy.md promises every environment variable: an operator follows its table literally,
so a variable the table names must be one the settings read, and each one they read is named."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Read by the settings but of no use on a production host: the embedded default's mail folder.
NOT_FOR_PRODUCTION = {"EMAIL_FILE_PATH"}


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text()
    return set(re.findall(r'env\.[a-z_]+\("([A-Z0-9_]+)"', source))


def variables_in_deploy_table() -> set[str]:
    """The names in the first column of the Environment table (one or more per row)."""
    text = (ROOT / "docs" / "deploy.md").read_text()
    section = text.split("## Environment", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z0-9_]+)`", first_cell))
    return names


def test_every_variable_in_the_deploy_table_is_read_by_the_settings():
    """A row of docs/deploy.md's table names only variables config/settings.py reads (an operator
    setting one that nothing reads believes a protection is on when it is not)."""
    assert variables_in_deploy_table() - variables_read_by_settings() == set()


def test_every_variable_the_settings_read_is_in_the_deploy_table():
    """Every environment variable config/settings.py reads has a row in docs/deploy.md's table."""
    missing = variables_read_by_settings() - variables_in_deploy_table() - NOT_FOR_PRODUCTION
    assert missing == set()
