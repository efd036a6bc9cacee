"""Who may do what with open days: create and run one, register a company as host, apply for
pupils as a teacher, mark attendance. The one definition the services, the API and the pages
share. Pupils and guardians act through their links, not through an account."""

from __future__ import annotations

from accounts.models import User
from companies.models import Company
from companies.selectors import company_ids_of
from opendays.models import Host, OpenDay
from schools.selectors import teacher_of


def can_create_open_days(user: User) -> bool:
    """A consultant or an administrator."""
    return user.is_authenticated and user.sees_everything


def can_manage_open_day(user: User, open_day: OpenDay) -> bool:
    """A consultant whose area overlaps the day's municipalities (no area: every day), or an
    administrator: edits the day, runs its matching, adjusts, publishes, erases."""
    if not can_create_open_days(user):
        return False
    codes = user.area_municipality_codes()
    if codes is None:
        return True
    if open_day.pk is None:
        return False
    return open_day.municipalities.filter(code__in=codes).exists()


def can_register_host(user: User, open_day: OpenDay, company: Company) -> bool:
    """A member of the company, or someone who manages the day."""
    if not user.is_authenticated:
        return False
    return company.pk in company_ids_of(user) or can_manage_open_day(user, open_day)


def can_act_for_host(user: User, host: Host) -> bool:
    """Changes the registration and marks attendance: the company's members or the day's consultant."""
    return can_register_host(user, host.open_day, host.company)


def can_apply_for_pupils(user: User) -> bool:
    """A teacher applies for several pupils of a class."""
    return user.is_authenticated and teacher_of(user) is not None
