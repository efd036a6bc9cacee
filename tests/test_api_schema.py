"""The OpenAPI schema generates without a single warning, so `spectacular --fail-on-warn` can
guard it, and every enum has a stable name of its own."""

import re
from pathlib import Path

from django.core.management import call_command


def test_schema_generates_without_warnings_and_with_stable_enum_names(tmp_path: Path):
    """A choice field named like another model's ("status", "kind") with other choices gets a
    name after its model, never a hash suffix such as "Status635Enum"; the command fails on
    any warning."""
    schema = tmp_path / "schema.yml"

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(schema))

    enum_names = re.findall(r"^    (\w+Enum):$", schema.read_text(), flags=re.MULTILINE)
    assert "PlanActivityStatusEnum" in enum_names and "BookingStatusEnum" in enum_names
    assert not [name for name in enum_names if re.search(r"[A-Za-z](?=[0-9a-f]*[0-9])[0-9a-f]{3}Enum$", name)]
