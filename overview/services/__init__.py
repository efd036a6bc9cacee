"""Every write of the overview, transactional, each refusal a DomainError with a stable code and
field. By concern: initiatives.py (the catalogue of STEM initiatives and its CSV import)."""

from overview.services.initiatives import (
    ImportLine,
    ImportReport,
    initiative_create,
    initiative_delete,
    initiative_update,
    initiatives_import,
)

__all__ = [
    "ImportLine",
    "ImportReport",
    "initiative_create",
    "initiative_delete",
    "initiative_update",
    "initiatives_import",
]
