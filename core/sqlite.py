"""SQLite's LIKE, made to ignore case beyond ASCII.

Django runs `icontains` (and, on SQLite, `contains`) as LIKE, and SQLite's own LIKE folds
only A–Z: a teacher searching "øresund" would not find "Øresund Energi". SQLite lets an
application replace LIKE with its own like() function; this one folds case with Python's
Unicode rules and keeps LIKE's wildcards (% and _) and ESCAPE. PostgreSQL's ILIKE already
folds by the database's locale (a UTF-8 locale such as C.UTF-8 or da_DK.UTF-8).
"""

from __future__ import annotations

import functools
import re
from typing import Any


@functools.lru_cache(maxsize=512)
def like_pattern(pattern: str, escape: str | None = None) -> re.Pattern[str]:
    """A compiled regular expression that matches what the LIKE pattern matches."""
    parts, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if escape is not None and char == escape and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        index += 1
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def unicode_like(pattern: Any, value: Any, escape: Any = None) -> bool | None:
    """like(X, Y[, Z]) as SQLite calls it for `Y LIKE X [ESCAPE Z]`; NULL if either is NULL."""
    if pattern is None or value is None:
        return None
    return like_pattern(str(pattern), escape).fullmatch(str(value)) is not None


def install_unicode_like(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: give every new SQLite connection the Unicode LIKE."""
    if connection.vendor != "sqlite":
        return
    for arguments in (2, 3):
        connection.connection.create_function("like", arguments, unicode_like, deterministic=True)
