"""Who may manage a company's people: the one definition the services and the pages share.

Both kinds of member manage offers (bookings.permissions); only administrators manage the
company's people and role models."""

from accounts.models import User
from companies.models import CompanyMember


def can_manage_people(user: User, company_id: int) -> bool:
    """An administrator member of the company, or someone who sees everything."""
    if not user.is_authenticated:
        return False
    if user.sees_everything:
        return True
    return CompanyMember.objects.filter(user=user, company_id=company_id, role=CompanyMember.Role.ADMIN).exists()
