"""Adoption rounds and what is stated in them: the consultant opens a round for a school year and
an area, sets its priorities and weights, and moves it along; companies state their capacity and
teachers their classes' wishes while the round collects.

Decisions worth knowing:
- A round adopts 8th-grade classes (ROUND_GRADE): the 9th grade is reached by renewing an
  8th-grade adoption (the roll-over), not by matching. A class states wishes in a round of its
  own school year, at a school in the round's area.
- A company takes part when its municipality lies in the round's area, or when it is near
  enough: within the longest distance it states of the centre of one of the area's
  municipalities (so a company just over the border can host the area's classes; its address
  is used when it has coordinates, else its municipality's centre). Its members then see the
  round as soon as they have stated capacity in it.
- After the deadline for capacity and wishes only the round's consultant changes them; schools
  and companies are refused. Capacity and wishes change only while the round collects.
- A withdrawn capacity leaves classes' choices of the company in place: the matching only pairs
  companies with capacity, and the class's other choices still count.

Every refusal is a DomainError with a stable code and the argument it concerns as its field;
each service validates everything before it writes, inside one transaction."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from adoptions.models import (
    MAX_ACTIVITIES_PER_MONTH,
    MAX_ADOPTED_CLASSES,
    MAX_TRAVEL_KM,
    MAX_WEIGHT,
    MAX_WISHES,
    AdoptionRound,
    ClassWish,
    CompanyCapacity,
    Weekday,
    WishChoice,
)
from adoptions.permissions import area_holds, can_manage_round, can_open_rounds, can_state_capacity, can_state_wishes
from companies.models import Company
from core.dates import school_year_of
from core.errors import DomainError
from core.geo import distance_km
from core.models import Municipality, Sector
from schools.models import Grade, School, SchoolClass

# The grade a round adopts (see the module's docstring).
ROUND_GRADE = Grade.G8
# A round opens for the current school year or at most this many years ahead.
MAX_YEARS_AHEAD = 2
MAX_TITLE = 200
MAX_NOTES = 2000
NOT_ALLOWED_CODE = "not_allowed"

ROUND_NOT_ALLOWED = _("Only the round's consultant can do this.")
OPEN_NOT_ALLOWED = _("Only a consultant can open an adoption round.")
TITLE_REQUIRED = _("Give the round a title.")
TITLE_TOO_LONG = _("The title can be at most %(max)s characters.")
SCHOOL_YEAR_PAST = _("The school year has already ended.")
SCHOOL_YEAR_TOO_FAR = _("A round can be opened at most %(years)s school years ahead.")
MUNICIPALITIES_REQUIRED = _("Choose at least one municipality.")
MUNICIPALITIES_OUTSIDE_AREA = _("Choose municipalities in your own area.")
DEADLINE_PAST = _("The deadline must not be in the past.")
DEADLINE_AFTER_SCHOOL_YEAR = _("The deadline must be before the school year ends.")
ROUND_CLOSED = _("The round is closed.")
STATUS_UNKNOWN = _("This is not a status of a round.")
STATUS_ACCEPTED_BY_RUN = _("A round becomes accepted by accepting a matching run's proposal.")
STATUS_NOT_ALLOWED = _("A round cannot go from “%(old)s” to “%(new)s”.")
PRIORITIES_FIXED = _("Priorities can only change while the round collects or matches.")
OUTLYING_OUTSIDE_ROUND = _("Outlying municipalities must be among the round's municipalities.")
GREY_ZONE_OUTSIDE_ROUND = _("Grey-zone schools must be in the round's municipalities.")
WEIGHT_OUT_OF_RANGE = _("A weight must be from 0 to %(max)s km.")
CAPACITY_NOT_ALLOWED = _("Only the company's people or the round's consultant can state its capacity.")
WISHES_NOT_ALLOWED = _("Only the school's teachers or the round's consultant can state the class's wishes.")
ROUND_NOT_COLLECTING = _("The round no longer collects capacity and wishes.")
DEADLINE_PASSED = _("The deadline for capacity and wishes has passed; contact the consultant.")
CLASSES_OUT_OF_RANGE = _("A company adopts from 1 to %(max)s classes in a round.")
GRADE_INVALID = _("Choose a grade from the list.")
GRADE_RANGE_REVERSED = _("The highest grade must not be below the lowest.")
GRADE_RANGE_MISSES_ROUND = _("The round adopts classes in %(grade)s; the grades must include it.")
TRAVEL_OUT_OF_RANGE = _("The longest distance must be from 1 to %(max)s km.")
WEEKDAY_INVALID = _("Weekdays are school days, Monday to Friday.")
ACTIVITIES_OUT_OF_RANGE = _("Activities a month must be from 1 to %(max)s.")
NOTES_TOO_LONG = _("Notes can be at most %(max)s characters.")
COMPANY_OUT_OF_REACH = _(
    "The company lies outside the round's area, %(km)s km from the nearest of its municipalities; "
    "a longest distance of at least that is needed."
)
CLASS_WRONG_SCHOOL_YEAR = _("The class is not a class of the round's school year (%(year)s).")
CLASS_OUTSIDE_AREA = _("The class's school is not in the round's area.")
CLASS_WRONG_GRADE = _("The round adopts classes in %(grade)s.")
CHOICES_COUNT = _("Give from 1 to %(max)s choices.")
CHOICE_INVALID = _("Each choice is a company or a sector.")
CHOICE_DUPLICATE = _("Each company or sector can be chosen only once.")
CHOICE_WITHOUT_CAPACITY = _("%(company)s has stated no capacity in this round.")


class _Keep(enum.Enum):
    """Marks an argument of round_update left out: the round keeps what it has."""

    KEEP = enum.auto()


KEEP = _Keep.KEEP

# The status changes that make sense by hand; "accepted" is reached only by accepting a run.
STATUS_CHANGES: dict[str, set[str]] = {
    AdoptionRound.Status.COLLECTING: {AdoptionRound.Status.MATCHING, AdoptionRound.Status.CLOSED},
    AdoptionRound.Status.MATCHING: {AdoptionRound.Status.COLLECTING, AdoptionRound.Status.CLOSED},
    AdoptionRound.Status.ACCEPTED: {AdoptionRound.Status.CLOSED},
    AdoptionRound.Status.CLOSED: set(),
}


# Checks shared by the services --------------------------------------------------------------


def _refuse(message, *, code: str, field: str | None = None, **params: object) -> DomainError:
    return DomainError(message % params if params else message, code=code, field=field)


def _check_text(value: str, *, field: str, max_length: int, message=NOTES_TOO_LONG) -> None:
    if len(value) > max_length:
        raise _refuse(message, code=f"{field}_too_long", field=field, max=max_length)


def _check_bounded(value: int, *, low: int, high: int, message, code: str, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _refuse(message, code=code, field=field, max=high)


def _check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise _refuse(TITLE_REQUIRED, code="title_required", field="title")
    _check_text(title, field="title", max_length=MAX_TITLE, message=TITLE_TOO_LONG)
    return title


def _check_deadline(deadline: dt.date | None, school_year: int) -> None:
    """A deadline is today or later, and before the round's school year ends (31 July)."""
    if deadline is None:
        return
    if deadline < timezone.localdate():
        raise _refuse(DEADLINE_PAST, code="deadline_past", field="wishes_deadline")
    if deadline >= dt.date(school_year + 1, 8, 1):
        raise _refuse(DEADLINE_AFTER_SCHOOL_YEAR, code="deadline_after_school_year", field="wishes_deadline")


def _locked(round: AdoptionRound) -> AdoptionRound:
    """The round read afresh under a row lock, so its status is decided on what is stored now."""
    return AdoptionRound.objects.select_for_update().get(pk=round.pk)


def _check_collecting(round: AdoptionRound, actor: User) -> None:
    """Capacity and wishes change while the round collects; after its deadline only its consultant changes them."""
    if round.status != AdoptionRound.Status.COLLECTING:
        raise _refuse(ROUND_NOT_COLLECTING, code="round_not_collecting", field="round")
    deadline_passed = round.wishes_deadline is not None and timezone.localdate() > round.wishes_deadline
    if deadline_passed and not can_manage_round(actor, round):
        raise _refuse(DEADLINE_PASSED, code="deadline_passed", field="round")


def _check_travel(max_travel_km: int) -> None:
    _check_bounded(
        max_travel_km,
        low=1,
        high=MAX_TRAVEL_KM,
        message=TRAVEL_OUT_OF_RANGE,
        code="travel_out_of_range",
        field="max_travel_km",
    )


def _round_municipality_codes(round: AdoptionRound) -> set[int]:
    return set(round.municipalities.values_list("code", flat=True))


# Rounds -------------------------------------------------------------------------------------


@transaction.atomic
@audited("adoptions.round.open")
def round_open(
    *,
    actor: User,
    title: str,
    school_year: int,
    municipalities: Iterable[Municipality],
    wishes_deadline: dt.date | None = None,
) -> AdoptionRound:
    """Open a round collecting capacity and wishes for a school year, in municipalities of the
    consultant's own area."""
    if not can_open_rounds(actor):
        raise _refuse(OPEN_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    title = _check_title(title)
    current = school_year_of(timezone.localdate())
    if isinstance(school_year, bool) or not isinstance(school_year, int) or school_year < current:
        raise _refuse(SCHOOL_YEAR_PAST, code="school_year_past", field="school_year")
    if school_year > current + MAX_YEARS_AHEAD:
        raise _refuse(SCHOOL_YEAR_TOO_FAR, code="school_year_too_far", field="school_year", years=MAX_YEARS_AHEAD)
    municipalities = list(municipalities)
    if not municipalities:
        raise _refuse(MUNICIPALITIES_REQUIRED, code="municipalities_required", field="municipalities")
    if not area_holds(actor, (municipality.pk for municipality in municipalities)):
        raise _refuse(MUNICIPALITIES_OUTSIDE_AREA, code="municipalities_outside_area", field="municipalities")
    _check_deadline(wishes_deadline, school_year)
    round = AdoptionRound.objects.create(
        title=title, school_year=school_year, wishes_deadline=wishes_deadline, created_by=actor
    )
    round.municipalities.set(municipalities)
    return round


@transaction.atomic
@audited("adoptions.round.update", target="round", fields=True)
def round_update(
    *,
    round: AdoptionRound,
    actor: User,
    title: str | _Keep = KEEP,
    wishes_deadline: dt.date | None | _Keep = KEEP,
    status: str | _Keep = KEEP,
) -> AdoptionRound:
    """Change a round's title, deadline or status; arguments left out keep their value. A closed
    round is history and changes no more; "accepted" is reached by accepting a run."""
    if not can_manage_round(actor, round):
        raise _refuse(ROUND_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    current = _locked(round)
    if current.status == AdoptionRound.Status.CLOSED:
        raise _refuse(ROUND_CLOSED, code="round_closed", field="status")
    if title is not KEEP:
        current.title = _check_title(title)
    if wishes_deadline is not KEEP and wishes_deadline != current.wishes_deadline:
        _check_deadline(wishes_deadline, current.school_year)
        current.wishes_deadline = wishes_deadline
    if status is not KEEP and status != current.status:
        current.status = _checked_status(current.status, status)
    current.save()
    return current


def _checked_status(old: str, new: str) -> str:
    if new not in AdoptionRound.Status.values:
        raise _refuse(STATUS_UNKNOWN, code="status_unknown", field="status")
    if new == AdoptionRound.Status.ACCEPTED:
        raise _refuse(STATUS_ACCEPTED_BY_RUN, code="status_accepted_by_run", field="status")
    if new not in STATUS_CHANGES[old]:
        raise _refuse(
            STATUS_NOT_ALLOWED,
            code="status_change_not_allowed",
            field="status",
            old=AdoptionRound.Status(old).label,
            new=AdoptionRound.Status(new).label,
        )
    return new


@transaction.atomic
@audited("adoptions.round.set_priorities", target="round")
def round_set_priorities(
    *,
    round: AdoptionRound,
    actor: User,
    outlying_municipalities: Iterable[Municipality],
    grey_zone_schools: Iterable[School],
    weight_outlying: int,
    weight_never_adopted: int,
    weight_grey_zone: int,
) -> AdoptionRound:
    """Set who is adopted first when capacity is short: outlying municipalities among the
    round's, grey-zone schools in its area, and each priority's weight in kilometres of travel."""
    if not can_manage_round(actor, round):
        raise _refuse(ROUND_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    current = _locked(round)
    if current.status not in (AdoptionRound.Status.COLLECTING, AdoptionRound.Status.MATCHING):
        raise _refuse(PRIORITIES_FIXED, code="priorities_fixed", field="status")
    area = _round_municipality_codes(current)
    outlying = list(outlying_municipalities)
    if any(municipality.pk not in area for municipality in outlying):
        raise _refuse(OUTLYING_OUTSIDE_ROUND, code="outlying_outside_round", field="outlying_municipalities")
    schools = list(grey_zone_schools)
    if any(school.municipality_id not in area for school in schools):
        raise _refuse(GREY_ZONE_OUTSIDE_ROUND, code="grey_zone_outside_round", field="grey_zone_schools")
    weights = {
        "weight_outlying": weight_outlying,
        "weight_never_adopted": weight_never_adopted,
        "weight_grey_zone": weight_grey_zone,
    }
    for field, weight in weights.items():
        _check_bounded(
            weight, low=0, high=MAX_WEIGHT, message=WEIGHT_OUT_OF_RANGE, code="weight_out_of_range", field=field
        )
    for field, weight in weights.items():
        setattr(current, field, weight)
    current.save()
    current.outlying_municipalities.set(outlying)
    current.grey_zone_schools.set(schools)
    return current


# Company capacity ---------------------------------------------------------------------------


def company_distance_to_area(company: Company, round: AdoptionRound) -> float:
    """0 for a company in the round's area; else the distance in km from the company (its
    address's coordinates, or its municipality's centre) to the nearest centre of the round's
    municipalities."""
    municipalities = list(round.municipalities.all())
    if any(municipality.pk == company.municipality_id for municipality in municipalities):
        return 0.0
    if company.latitude is not None and company.longitude is not None:
        here = (company.latitude, company.longitude)
    else:
        here = (company.municipality.latitude, company.municipality.longitude)
    return min(
        (distance_km(*here, municipality.latitude, municipality.longitude) for municipality in municipalities),
        default=float("inf"),
    )


def _check_grades(grade_min: int, grade_max: int) -> None:
    for field, grade in (("grade_min", grade_min), ("grade_max", grade_max)):
        if isinstance(grade, bool) or grade not in Grade.values:
            raise _refuse(GRADE_INVALID, code="grade_invalid", field=field)
    if grade_min > grade_max:
        raise _refuse(GRADE_RANGE_REVERSED, code="grade_range_reversed", field="grade_max")
    if not grade_min <= ROUND_GRADE <= grade_max:
        raise _refuse(
            GRADE_RANGE_MISSES_ROUND, code="grade_range_misses_round", field="grade_min", grade=ROUND_GRADE.label
        )


def _checked_weekdays(weekdays: Iterable[int]) -> list[int]:
    """School days as numbers (Monday 0 to Friday 4), each once, in order; none means any."""
    days = list(weekdays)
    if any(isinstance(day, bool) or day not in Weekday.values for day in days):
        raise _refuse(WEEKDAY_INVALID, code="weekday_invalid", field="weekdays")
    return sorted(set(days))


@transaction.atomic
@audited("adoptions.capacity.set")
def capacity_set(
    *,
    actor: User,
    round: AdoptionRound,
    company: Company,
    classes: int,
    grade_min: int = Grade.G8,
    grade_max: int = Grade.G9,
    max_travel_km: int = 40,
    weekdays: Iterable[int] = (),
    activities_per_month: int = 4,
    notes: str = "",
) -> CompanyCapacity:
    """State (or change) what the company offers in a collecting round: how many classes,
    which grades, how far from its address, which weekdays suit (none: any school day), and how
    many activities a month across adoptions and ordinary visits."""
    if not can_state_capacity(actor, round, company):
        raise _refuse(CAPACITY_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    current = _locked(round)
    _check_collecting(current, actor)
    _check_bounded(
        classes,
        low=1,
        high=MAX_ADOPTED_CLASSES,
        message=CLASSES_OUT_OF_RANGE,
        code="classes_out_of_range",
        field="classes",
    )
    _check_grades(grade_min, grade_max)
    _check_travel(max_travel_km)
    days = _checked_weekdays(weekdays)
    _check_bounded(
        activities_per_month,
        low=1,
        high=MAX_ACTIVITIES_PER_MONTH,
        message=ACTIVITIES_OUT_OF_RANGE,
        code="activities_out_of_range",
        field="activities_per_month",
    )
    _check_text(notes, field="notes", max_length=MAX_NOTES)
    distance = company_distance_to_area(company, current)
    if distance > max_travel_km:
        raise _refuse(COMPANY_OUT_OF_REACH, code="company_out_of_reach", field="max_travel_km", km=round_up(distance))
    capacity, _created = CompanyCapacity.objects.update_or_create(
        round=current,
        company=company,
        defaults={
            "classes": classes,
            "grade_min": grade_min,
            "grade_max": grade_max,
            "max_travel_km": max_travel_km,
            "weekdays": days,
            "activities_per_month": activities_per_month,
            "notes": notes,
            "updated_by": actor,
        },
    )
    return capacity


def round_up(km: float) -> int:
    """Whole kilometres, up: the least longest distance that reaches."""
    return int(-(-km // 1))


@transaction.atomic
@audited("adoptions.capacity.withdraw", target="capacity")
def capacity_withdraw(*, actor: User, capacity: CompanyCapacity) -> None:
    """Take the company's capacity out of a collecting round."""
    if not can_state_capacity(actor, capacity.round, capacity.company):
        raise _refuse(CAPACITY_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    _check_collecting(_locked(capacity.round), actor)
    capacity.delete()


# Class wishes -------------------------------------------------------------------------------


def _check_class(school_class: SchoolClass, round: AdoptionRound) -> None:
    if school_class.school_year != round.school_year:
        raise _refuse(
            CLASS_WRONG_SCHOOL_YEAR, code="class_wrong_school_year", field="school_class", year=round.school_year_label
        )
    if school_class.school.municipality_id not in _round_municipality_codes(round):
        raise _refuse(CLASS_OUTSIDE_AREA, code="class_outside_area", field="school_class")
    if school_class.grade != ROUND_GRADE:
        raise _refuse(CLASS_WRONG_GRADE, code="class_wrong_grade", field="school_class", grade=ROUND_GRADE.label)


def _check_choices(choices: Sequence[Company | Sector], round: AdoptionRound) -> None:
    """1–MAX_WISHES choices, each a company with capacity in the round or a sector, each once."""
    if not 1 <= len(choices) <= MAX_WISHES:
        raise _refuse(CHOICES_COUNT, code="choices_count", field="choices", max=MAX_WISHES)
    if not all(isinstance(choice, Company | Sector) for choice in choices):
        raise _refuse(CHOICE_INVALID, code="choice_invalid", field="choices")
    keys = [(type(choice).__name__, choice.pk) for choice in choices]
    if len(set(keys)) != len(keys):
        raise _refuse(CHOICE_DUPLICATE, code="choice_duplicate", field="choices")
    companies = [choice for choice in choices if isinstance(choice, Company)]
    with_capacity = set(
        CompanyCapacity.objects.filter(round=round, company__in=companies).values_list("company_id", flat=True)
    )
    for company in companies:
        if company.pk not in with_capacity:
            raise _refuse(CHOICE_WITHOUT_CAPACITY, code="choice_without_capacity", field="choices", company=company)


@transaction.atomic
@audited("adoptions.wish.set")
def wish_set(
    *,
    actor: User,
    round: AdoptionRound,
    school_class: SchoolClass,
    choices: Sequence[Company | Sector],
    max_travel_km: int = 40,
    notes: str = "",
) -> ClassWish:
    """State (or change) an 8th-grade class's wishes in a collecting round: its choices in the
    order of preference (first is rank 1), the longest travel it accepts, notes."""
    if not can_state_wishes(actor, round, school_class):
        raise _refuse(WISHES_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    current = _locked(round)
    _check_collecting(current, actor)
    _check_class(school_class, current)
    choices = list(choices)
    _check_choices(choices, current)
    _check_travel(max_travel_km)
    _check_text(notes, field="notes", max_length=MAX_NOTES)
    wish, _created = ClassWish.objects.update_or_create(
        round=current,
        school_class=school_class,
        defaults={"max_travel_km": max_travel_km, "notes": notes, "updated_by": actor},
    )
    wish.choices.all().delete()
    WishChoice.objects.bulk_create(
        WishChoice(
            wish=wish,
            rank=rank,
            company=choice if isinstance(choice, Company) else None,
            sector=choice if isinstance(choice, Sector) else None,
        )
        for rank, choice in enumerate(choices, start=1)
    )
    return wish


@transaction.atomic
@audited("adoptions.wish.withdraw", target="wish")
def wish_withdraw(*, actor: User, wish: ClassWish) -> None:
    """Take the class's wishes out of a collecting round."""
    if not can_state_wishes(actor, wish.round, wish.school_class):
        raise _refuse(WISHES_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    _check_collecting(_locked(wish.round), actor)
    wish.delete()
