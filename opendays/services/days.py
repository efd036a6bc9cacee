"""Open days themselves: the consultant creates one in their own area, changes it, and closes it.

Decisions worth knowing:
- The application window opens before it closes, and closes before the day begins (Copenhagen
  time), so the matching can run and the invites go out before the day.
- Once the matching has started, what shaped the applications and the matching is fixed: the
  date, the area, the target group, the window, the number of preferences and the priorities.
  Title, description, the offer deadline and the survey and retention settings still change.
- The number of preferences changes only while the day has no applications (each application
  holds exactly that many).
- A day closes from "open" (called off) or "published" (done); not while a run is matching.

Every refusal is a DomainError with a stable code and the argument it concerns as its field;
each service validates everything before it writes, inside one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from core.models import Municipality
from core.validators import validate_date_in_range
from opendays.models import (
    MAX_AGE,
    MAX_PREFERENCES,
    MAX_RETENTION_DAYS,
    MAX_WEIGHT,
    MIN_AGE,
    OpenDay,
)
from opendays.permissions import can_create_open_days, can_manage_open_day
from opendays.services.common import KEEP, Keep, refuse
from schools.models import Grade

MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_OFFER_HOURS = 24 * 14
NOT_ALLOWED_CODE = "not_allowed"

CREATE_NOT_ALLOWED = _("Only a consultant can create an open day.")
DAY_NOT_ALLOWED = _("Only the open day's consultant can do this.")
TITLE_REQUIRED = _("Give the open day a title.")
TEXT_TOO_LONG = _("This can be at most %(max)s characters.")
DATE_PAST = _("The day must not be in the past.")
DATE_OUT_OF_RANGE = _("Choose a date within the calendar the system keeps.")
MUNICIPALITIES_REQUIRED = _("Choose at least one municipality.")
MUNICIPALITIES_OUTSIDE_AREA = _("Choose municipalities in your own area.")
OUTLYING_OUTSIDE_DAY = _("Outlying municipalities must be among the day's municipalities.")
AGE_OUT_OF_RANGE = _("Ages must be from %(low)s to %(high)s.")
AGES_REVERSED = _("The oldest age must not be below the youngest.")
GRADE_INVALID = _("Choose a grade from the list.")
GRADES_REVERSED = _("The highest grade must not be below the lowest.")
GENDER_INVALID = _("Choose a gender focus from the list.")
WINDOW_REVERSED = _("Applications must open before they close.")
WINDOW_AFTER_DAY = _("Applications must close before the day begins.")
PREFERENCES_OUT_OF_RANGE = _("An applicant gives from 1 to %(high)s preferences.")
PREFERENCES_FIXED = _("The number of preferences cannot change once pupils have applied.")
WEIGHT_OUT_OF_RANGE = _("A weight must be from 0 to %(high)s.")
OFFER_HOURS_OUT_OF_RANGE = _("The hours to accept a freed place must be from 1 to %(high)s.")
SURVEY_BEFORE_DAY = _("The survey must close on or after the day.")
RETENTION_OUT_OF_RANGE = _("Personal data is kept from 0 to %(high)s days.")
DAY_FIXED = _("The matching has started: the date, area, target group, window and priorities are fixed.")
DAY_CLOSED = _("The open day is closed.")
CLOSE_WHILE_MATCHING = _("A matching run is in progress; publish it or go back before closing the day.")


@dataclass(frozen=True)
class _Terms:
    """Everything a consultant sets on a day, checked together (one rule often spans two)."""

    title: str
    description: str
    date: dt.date
    municipalities: tuple[Municipality, ...]
    age_min: int
    age_max: int
    grade_min: int | None
    grade_max: int | None
    gender_focus: str
    applications_open: dt.datetime
    applications_close: dt.datetime
    preferences: int
    outlying_municipalities: tuple[Municipality, ...]
    weight_first_time: int
    weight_outlying: int
    offer_hours: int
    survey_closes: dt.date | None
    retention_days: int


TERM_NAMES = {field.name for field in fields(_Terms)}

# Fixed once the matching has started (see the module's docstring).
FIXED_AFTER_OPEN = {
    "date",
    "municipalities",
    "age_min",
    "age_max",
    "grade_min",
    "grade_max",
    "gender_focus",
    "applications_open",
    "applications_close",
    "preferences",
    "outlying_municipalities",
    "weight_first_time",
    "weight_outlying",
}


def _check_int(value: object, *, low: int, high: int, message, code: str, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise refuse(message, code=code, field=field, low=low, high=high)


def _check_date_in_range(value: dt.date, field: str) -> None:
    try:
        validate_date_in_range(value)
    except ValidationError:
        raise refuse(DATE_OUT_OF_RANGE, code="date_out_of_range", field=field) from None


def _day_starts(date: dt.date) -> dt.datetime:
    """Midnight at the start of the day, Copenhagen time."""
    return timezone.make_aware(dt.datetime.combine(date, dt.time.min))


def _check_texts(terms: _Terms) -> None:
    if not terms.title:
        raise refuse(TITLE_REQUIRED, code="title_required", field="title")
    if len(terms.title) > MAX_TITLE:
        raise refuse(TEXT_TOO_LONG, code="title_too_long", field="title", max=MAX_TITLE)
    if len(terms.description) > MAX_DESCRIPTION:
        raise refuse(TEXT_TOO_LONG, code="description_too_long", field="description", max=MAX_DESCRIPTION)


def _check_area(terms: _Terms, actor: User) -> None:
    """The day lies in the consultant's area; its outlying municipalities are among its own."""
    if not terms.municipalities:
        raise refuse(MUNICIPALITIES_REQUIRED, code="municipalities_required", field="municipalities")
    codes = actor.area_municipality_codes()
    if codes is not None and any(municipality.code not in codes for municipality in terms.municipalities):
        raise refuse(MUNICIPALITIES_OUTSIDE_AREA, code="municipalities_outside_area", field="municipalities")
    day_codes = {municipality.code for municipality in terms.municipalities}
    if any(municipality.code not in day_codes for municipality in terms.outlying_municipalities):
        raise refuse(OUTLYING_OUTSIDE_DAY, code="outlying_outside_day", field="outlying_municipalities")


def _check_target_group(terms: _Terms) -> None:
    for field in ("age_min", "age_max"):
        _check_int(
            getattr(terms, field),
            low=MIN_AGE,
            high=MAX_AGE,
            message=AGE_OUT_OF_RANGE,
            code="age_out_of_range",
            field=field,
        )
    if terms.age_min > terms.age_max:
        raise refuse(AGES_REVERSED, code="ages_reversed", field="age_max")
    for field in ("grade_min", "grade_max"):
        grade = getattr(terms, field)
        if grade is not None and (isinstance(grade, bool) or grade not in Grade.values):
            raise refuse(GRADE_INVALID, code="grade_invalid", field=field)
    if terms.grade_min is not None and terms.grade_max is not None and terms.grade_min > terms.grade_max:
        raise refuse(GRADES_REVERSED, code="grades_reversed", field="grade_max")
    if terms.gender_focus not in OpenDay.GenderFocus.values:
        raise refuse(GENDER_INVALID, code="gender_invalid", field="gender_focus")


def _check_window(terms: _Terms) -> None:
    """Applications open before they close, and close before the day begins."""
    if terms.applications_open >= terms.applications_close:
        raise refuse(WINDOW_REVERSED, code="window_reversed", field="applications_close")
    if terms.applications_close > _day_starts(terms.date):
        raise refuse(WINDOW_AFTER_DAY, code="window_after_day", field="applications_close")


def _check_settings(terms: _Terms) -> None:
    _check_int(
        terms.preferences,
        low=1,
        high=MAX_PREFERENCES,
        message=PREFERENCES_OUT_OF_RANGE,
        code="preferences_out_of_range",
        field="preferences",
    )
    for field in ("weight_first_time", "weight_outlying"):
        _check_int(
            getattr(terms, field),
            low=0,
            high=MAX_WEIGHT,
            message=WEIGHT_OUT_OF_RANGE,
            code="weight_out_of_range",
            field=field,
        )
    _check_int(
        terms.offer_hours,
        low=1,
        high=MAX_OFFER_HOURS,
        message=OFFER_HOURS_OUT_OF_RANGE,
        code="offer_hours_out_of_range",
        field="offer_hours",
    )
    if terms.survey_closes is not None:
        _check_date_in_range(terms.survey_closes, "survey_closes")
        if terms.survey_closes < terms.date:
            raise refuse(SURVEY_BEFORE_DAY, code="survey_before_day", field="survey_closes")
    _check_int(
        terms.retention_days,
        low=0,
        high=MAX_RETENTION_DAYS,
        message=RETENTION_OUT_OF_RANGE,
        code="retention_out_of_range",
        field="retention_days",
    )


def _check_terms(terms: _Terms, actor: User) -> None:
    _check_texts(terms)
    _check_date_in_range(terms.date, "date")
    _check_date_in_range(terms.applications_open, "applications_open")
    _check_date_in_range(terms.applications_close, "applications_close")
    _check_area(terms, actor)
    _check_target_group(terms)
    _check_window(terms)
    _check_settings(terms)


def _write(open_day: OpenDay, terms: _Terms) -> OpenDay:
    for field in fields(terms):
        if field.name not in ("municipalities", "outlying_municipalities"):
            setattr(open_day, field.name, getattr(terms, field.name))
    open_day.save()
    open_day.municipalities.set(terms.municipalities)
    open_day.outlying_municipalities.set(terms.outlying_municipalities)
    return open_day


@transaction.atomic
@audited("opendays.open_day.create")
def open_day_create(
    *,
    actor: User,
    title: str,
    date: dt.date,
    municipalities: Iterable[Municipality],
    applications_open: dt.datetime,
    applications_close: dt.datetime,
    description: str = "",
    age_min: int = OpenDay._meta.get_field("age_min").default,
    age_max: int = OpenDay._meta.get_field("age_max").default,
    grade_min: int | None = None,
    grade_max: int | None = None,
    gender_focus: str = OpenDay.GenderFocus.EVERYONE,
    preferences: int = OpenDay._meta.get_field("preferences").default,
    outlying_municipalities: Iterable[Municipality] = (),
    weight_first_time: int = 1,
    weight_outlying: int = 1,
    offer_hours: int = 48,
    survey_closes: dt.date | None = None,
    retention_days: int = OpenDay._meta.get_field("retention_days").default,
) -> OpenDay:
    """Create an open day taking hosts and applications, in municipalities of the consultant's area."""
    if not can_create_open_days(actor):
        raise refuse(CREATE_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    terms = _Terms(
        title=title.strip(),
        description=description.strip(),
        date=date,
        municipalities=tuple(municipalities),
        age_min=age_min,
        age_max=age_max,
        grade_min=grade_min,
        grade_max=grade_max,
        gender_focus=gender_focus,
        applications_open=applications_open,
        applications_close=applications_close,
        preferences=preferences,
        outlying_municipalities=tuple(outlying_municipalities),
        weight_first_time=weight_first_time,
        weight_outlying=weight_outlying,
        offer_hours=offer_hours,
        survey_closes=survey_closes,
        retention_days=retention_days,
    )
    _check_date_in_range(date, "date")
    if date < timezone.localdate():
        raise refuse(DATE_PAST, code="date_past", field="date")
    _check_terms(terms, actor)
    return _write(OpenDay(created_by=actor), terms)


def _terms_of(open_day: OpenDay) -> _Terms:
    values = {
        field.name: getattr(open_day, field.name)
        for field in fields(_Terms)
        if field.name not in ("municipalities", "outlying_municipalities")
    }
    return _Terms(
        municipalities=tuple(open_day.municipalities.all()),
        outlying_municipalities=tuple(open_day.outlying_municipalities.all()),
        **values,
    )


def _locked(open_day: OpenDay) -> OpenDay:
    """The day read afresh under a row lock, so its status is decided on what is stored now."""
    return OpenDay.objects.select_for_update().get(pk=open_day.pk)


@transaction.atomic
@audited("opendays.open_day.update", target="open_day", fields=True)
def open_day_update(
    *,
    actor: User,
    open_day: OpenDay,
    title: str | Keep = KEEP,
    description: str | Keep = KEEP,
    date: dt.date | Keep = KEEP,
    municipalities: Iterable[Municipality] | Keep = KEEP,
    age_min: int | Keep = KEEP,
    age_max: int | Keep = KEEP,
    grade_min: int | None | Keep = KEEP,
    grade_max: int | None | Keep = KEEP,
    gender_focus: str | Keep = KEEP,
    applications_open: dt.datetime | Keep = KEEP,
    applications_close: dt.datetime | Keep = KEEP,
    preferences: int | Keep = KEEP,
    outlying_municipalities: Iterable[Municipality] | Keep = KEEP,
    weight_first_time: int | Keep = KEEP,
    weight_outlying: int | Keep = KEEP,
    offer_hours: int | Keep = KEEP,
    survey_closes: dt.date | None | Keep = KEEP,
    retention_days: int | Keep = KEEP,
) -> OpenDay:
    """Change a day; what is left out stays. After the matching has started, only the title,
    description, offer hours and the survey and retention settings change."""
    arguments = dict(locals())
    if not can_manage_open_day(actor, open_day):
        raise refuse(DAY_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    day = _locked(open_day)
    if day.status == OpenDay.Status.CLOSED:
        raise refuse(DAY_CLOSED, code="day_closed")
    current = _terms_of(day)
    given = {name: value for name, value in arguments.items() if name in TERM_NAMES and value is not KEEP}
    for name in ("title", "description"):
        if name in given:
            given[name] = given[name].strip()
    for name in ("municipalities", "outlying_municipalities"):
        if name in given:
            given[name] = tuple(given[name])
    terms = replace(current, **given)
    changed = {name for name in given if getattr(terms, name) != getattr(current, name)}
    if day.status != OpenDay.Status.OPEN and changed & FIXED_AFTER_OPEN:
        raise refuse(DAY_FIXED, code="day_fixed", field=sorted(changed & FIXED_AFTER_OPEN)[0])
    if "preferences" in changed and day.applications.exists():
        raise refuse(PREFERENCES_FIXED, code="preferences_fixed", field="preferences")
    if "date" in changed and terms.date < timezone.localdate():
        raise refuse(DATE_PAST, code="date_past", field="date")
    _check_terms(terms, actor)
    return _write(day, terms)


# The statuses a day closes from (see the module's docstring).
CLOSABLE = {OpenDay.Status.OPEN, OpenDay.Status.PUBLISHED}


@transaction.atomic
@audited("opendays.open_day.close", target="open_day")
def open_day_close(*, actor: User, open_day: OpenDay) -> OpenDay:
    """Close a day: called off while open, or done after publication. Nothing changes after."""
    if not can_manage_open_day(actor, open_day):
        raise refuse(DAY_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    day = _locked(open_day)
    if day.status == OpenDay.Status.CLOSED:
        raise refuse(DAY_CLOSED, code="day_closed")
    if day.status not in CLOSABLE:
        raise refuse(CLOSE_WHILE_MATCHING, code="day_matching")
    day.status = OpenDay.Status.CLOSED
    day.save(update_fields=["status", "updated_at"])
    return day
