"""Reads of open days, hosts, applications and runs, scoped to the user: a consultant sees their
area (the whole installation when no area is set), a company member their company's host
registrations and, after publication, the first names of the pupils placed with them; a teacher
the applications they made. A pupil reaches her own application only through her link
(application_for_token). Something the user may not see looks exactly like something that does
not exist."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.selectors import area_q
from companies.models import Company
from companies.selectors import company_ids_of
from opendays.models import Application, Host, MatchRun, OpenDay, Placement, token_hash
from schools.selectors import teacher_of


def open_days_public() -> QuerySet[OpenDay]:
    """Open days anyone may see and apply to: those taking applications now or later."""
    return OpenDay.objects.filter(status=OpenDay.Status.OPEN, applications_close__gt=timezone.now()).prefetch_related(
        "municipalities"
    )


def open_days_visible_to(user: User) -> QuerySet[OpenDay]:
    """A consultant's open days touch their area; teachers and company members see the days whose
    area holds their school or company, and a company also every day it hosts."""
    days = OpenDay.objects.prefetch_related("municipalities")
    if not user.is_authenticated:
        return days.none()
    if user.sees_everything:
        area = area_q(user, municipality="municipalities")
        return days if area is None else days.filter(area).distinct()
    municipalities: set[int] = set()
    teacher = teacher_of(user)
    if teacher is not None:
        municipalities.add(teacher.school.municipality_id)
    companies = company_ids_of(user)
    municipalities.update(Company.objects.filter(pk__in=companies).values_list("municipality", flat=True))
    hosted = Host.objects.filter(company_id__in=companies).values("open_day_id")
    return days.filter(Q(municipalities__in=municipalities) | Q(pk__in=hosted)).distinct()


def hosts_visible_to(user: User) -> QuerySet[Host]:
    """Host registrations: a company's own, or those in the consultant's area."""
    hosts = Host.objects.select_related("open_day", "company", "company__municipality")
    if not user.is_authenticated:
        return hosts.none()
    if user.sees_everything:
        area = area_q(user, municipality="open_day__municipalities")
        return hosts if area is None else hosts.filter(area).distinct()
    return hosts.filter(company_id__in=company_ids_of(user))


def hosts_public(open_day: OpenDay) -> QuerySet[Host]:
    """The hosts an applicant chooses among: company, place, programme, role models; no people."""
    return open_day.hosts.select_related("company", "company__sector").prefetch_related("role_models")


def applications_visible_to(user: User) -> QuerySet[Application]:
    """A consultant: applications to the days of their area. A teacher: those they made. A
    company member: the pupils placed with their host, once the day is published (not before)."""
    applications = Application.objects.select_related("open_day", "school", "host", "host__company")
    if not user.is_authenticated:
        return applications.none()
    if user.sees_everything:
        area = area_q(user, municipality="open_day__municipalities")
        return applications if area is None else applications.filter(area).distinct()
    scope = Q(applied_by=user)
    companies = company_ids_of(user)
    if companies:
        scope |= Q(
            host__company_id__in=companies,
            open_day__published_at__isnull=False,
            outcome=Application.Outcome.PLACED,
        )
    return applications.filter(scope)


def application_for_token(token: str) -> Application | None:
    """The application whose applicant's link holds `token`, or None (erased, unknown)."""
    if not token:
        return None
    return (
        Application.objects.select_related("open_day", "school", "host", "host__company")
        .filter(token_hash=token_hash(token), erased_at__isnull=True)
        .first()
    )


def application_for_guardian_token(token: str) -> Application | None:
    """The application whose guardian's link holds `token`, or None."""
    if not token:
        return None
    return (
        Application.objects.select_related("open_day", "school")
        .filter(guardian_token_hash=token_hash(token), erased_at__isnull=True)
        .first()
    )


def runs_visible_to(user: User) -> QuerySet[MatchRun]:
    """Matching runs are the consultant's work."""
    runs = MatchRun.objects.select_related("open_day")
    if not (user.is_authenticated and user.sees_everything):
        return runs.none()
    area = area_q(user, municipality="open_day__municipalities")
    return runs if area is None else runs.filter(area).distinct()


def placements_visible_to(user: User) -> QuerySet[Placement]:
    placements = Placement.objects.select_related("run", "application", "host", "host__company")
    if not (user.is_authenticated and user.sees_everything):
        return placements.none()
    area = area_q(user, municipality="run__open_day__municipalities")
    return placements if area is None else placements.filter(area).distinct()
