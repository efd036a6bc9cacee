"""Reads every domain scopes by: the consultant's area."""

from django.db.models import Q

from accounts.models import User


def area_q(user: User, *, municipality: str) -> Q | None:
    """The condition "in the consultant's area" on the municipality at the path `municipality`
    (e.g. "school_class__school__municipality"); None when the user sees the whole installation."""
    codes = user.area_municipality_codes()
    if codes is None:
        return None
    return Q(**{f"{municipality}__in": codes})
