"""The consultant's filters on region-wide lists of bookings, adoptions and plans.

Schools, companies and municipalities are offered as choices read once per page, so a value
is checked against them as text before it reaches a query: an id too large for the database,
or anything else that is no choice, is a form error, never a failing query. Dates are bounded
(core.filters.DateFilter)."""

from __future__ import annotations

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from adoptions.models import Adoption, AnnualPlan
from bookings.models import Booking
from companies.models import Company
from core.dates import school_year_of
from core.filters import DateFilter
from core.models import Municipality, Sector
from schools.models import Grade, School
from web.workspace import PlanProgress

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
# A class is adopted in 8th grade and may continue into 9th (adoptions.services.rounds, rollover),
# so an adoption's or a plan's class is in one of these grades only.
ADOPTED_GRADES = (Grade.G8, Grade.G9)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class WorkspaceFilter(django_filters.FilterSet):
    """Municipality, school, company, sector, grade, status and dates. Subclasses say where
    each lies from their rows (`school_paths`: a booking's school is its class's or its
    visiting teacher's) and what their status and dates mean."""

    school_paths: tuple[str, ...] = ()
    company_path = ""
    grade_path = ""
    grades: tuple[Grade, ...] = tuple(Grade)

    municipality = django_filters.ChoiceFilter(
        method="filter_municipality", label=_("Municipality"), empty_label=_("All municipalities")
    )
    school = django_filters.ChoiceFilter(method="filter_school", label=_("School"), empty_label=_("All schools"))
    company = django_filters.ChoiceFilter(method="filter_company", label=_("Company"), empty_label=_("All companies"))
    sector = django_filters.ChoiceFilter(method="filter_sector", label=_("Sector"), empty_label=_("All sectors"))
    grade = django_filters.ChoiceFilter(method="filter_grade", label=_("Grade"), empty_label=_("All grades"))
    date_from = DateFilter(method="filter_dates", label=_("From"), widget=DATE_WIDGET)
    date_to = DateFilter(method="filter_dates", label=_("To"), widget=DATE_WIDGET)

    def __init__(self, data=None, queryset=None, *, user: User, **kwargs) -> None:
        super().__init__(data, queryset, **kwargs)
        codes = user.area_municipality_codes()
        municipalities = Municipality.objects.all()
        schools = School.objects.order_by("name", "id")
        if codes is not None:
            municipalities = municipalities.filter(code__in=codes)
            schools = schools.filter(municipality__in=codes)
        self.filters["municipality"].extra["choices"] = list(municipalities.values_list("code", "name"))
        self.filters["school"].extra["choices"] = list(schools.values_list("id", "name"))
        self.filters["company"].extra["choices"] = list(
            Company.objects.order_by("name", "id").values_list("id", "name")
        )
        self.filters["sector"].extra["choices"] = [(sector.code, sector.name) for sector in Sector.objects.all()]
        self.filters["grade"].extra["choices"] = [(grade.value, grade.label) for grade in self.grades]

    def _any_school(self, condition: str, value: object) -> Q:
        found = Q()
        for path in self.school_paths:
            found |= Q(**{f"{path}{condition}": value})
        return found

    def filter_municipality(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(self._any_school("__municipality", int(value)))

    def filter_school(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(self._any_school("", int(value)))

    def filter_company(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{self.company_path: int(value)})

    def filter_sector(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{f"{self.company_path}__sector": value})

    def filter_grade(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{self.grade_path: int(value)})

    def filter_dates(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        raise NotImplementedError


class WorkspaceBookingFilter(WorkspaceFilter):
    """Bookings by their visit's date; a teacher visit has no class and so no grade."""

    school_paths = ("school_class__school", "teacher__school")
    company_path = "slot__offer__company"
    grade_path = "school_class__grade"

    status = django_filters.ChoiceFilter(
        choices=Booking.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )

    class Meta:
        model = Booking
        fields = ["municipality", "school", "company", "sector", "grade", "status", "date_from", "date_to"]

    def filter_dates(self, queryset: QuerySet[Booking], name: str, value: dt.date) -> QuerySet[Booking]:
        if name == "date_from":
            return queryset.filter(slot__start__gte=_day_start(value))
        return queryset.filter(slot__start__lt=_day_start(value + dt.timedelta(days=1)))


def _school_years_within(queryset: QuerySet, path: str, name: str, value: dt.date) -> QuerySet:
    """Rows whose school year runs on or after `date_from`, or on or before `date_to`."""
    if name == "date_from":
        return queryset.filter(**{f"{path}__gte": school_year_of(value)})
    return queryset.filter(**{f"{path}__lte": school_year_of(value)})


class WorkspaceAdoptionFilter(WorkspaceFilter):
    """Adoptions whose school year runs within the dates."""

    school_paths = ("school_class__school",)
    company_path = "company"
    grade_path = "school_class__grade"
    grades = ADOPTED_GRADES

    status = django_filters.ChoiceFilter(
        choices=Adoption.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )

    class Meta:
        model = Adoption
        fields = ["municipality", "school", "company", "sector", "grade", "status", "date_from", "date_to"]

    def filter_dates(self, queryset: QuerySet[Adoption], name: str, value: dt.date) -> QuerySet[Adoption]:
        return _school_years_within(queryset, "school_year", name, value)


PLAN_STANDINGS = [
    (PlanProgress.BEHIND, _("Behind its target")),
    (PlanProgress.ON_TRACK, _("On track")),
    (PlanProgress.REACHED, _("Target reached")),
]


class WorkspacePlanFilter(WorkspaceFilter):
    """Plans by where they stand against their target (the rows carry web.workspace.with_progress's
    annotations), and by their adoption's school year."""

    school_paths = ("adoption__school_class__school",)
    company_path = "adoption__company"
    grade_path = "adoption__school_class__grade"
    grades = ADOPTED_GRADES

    status = django_filters.ChoiceFilter(
        field_name="standing",
        choices=PLAN_STANDINGS,
        label=_("Progress against the target"),
        empty_label=_("Any progress"),
    )

    class Meta:
        model = AnnualPlan
        fields = ["municipality", "school", "company", "sector", "grade", "status", "date_from", "date_to"]

    def filter_dates(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return _school_years_within(queryset, "adoption__school_year", name, value)
