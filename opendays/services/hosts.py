"""Host registrations: a company's member (or the day's consultant) registers the company as a
host of an open day and changes the registration; after the day the host marks who came.

Decisions worth knowing:
- A company registers while the day is open (before the matching starts), for a day whose area
  holds the company's municipality; the day's consultant may register any company.
- Places and the youngest age the host takes change only while the day is open: the matching
  reads them. The times, address, programme, role models and notes change until the day closes.
- The address defaults to the company's own; the role models listed are the company's own.
- Attendance is marked from the day itself on, once the day is published, for the pupils placed
  with the host; None takes a mark back.

Every refusal is a DomainError with a stable code and the argument it concerns as its field;
each service validates everything before it writes, inside one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from companies.models import Company, RoleModel
from opendays.models import MAX_AGE, MAX_HOST_PLACES, MIN_AGE, Application, Host, OpenDay
from opendays.permissions import can_act_for_host, can_manage_open_day, can_register_host
from opendays.services.common import KEEP, Keep, refuse

MAX_PROGRAMME = 5000
MAX_NOTES = 2000
MAX_ADDRESS = 200
MAX_CITY = 100
NOT_ALLOWED_CODE = "not_allowed"

REGISTER_NOT_ALLOWED = _("Only the company's people or the day's consultant can register it as a host.")
HOST_NOT_ALLOWED = _("Only the host company's people or the day's consultant can do this.")
DAY_NOT_OPEN = _("The open day no longer takes hosts.")
DAY_CLOSED = _("The open day is closed.")
COMPANY_OUTSIDE_AREA = _("The company is not in the open day's area; contact the consultant.")
ALREADY_HOST = _("The company is already registered as a host of this day.")
PLACES_OUT_OF_RANGE = _("A host takes from 1 to %(high)s pupils.")
PLACES_FIXED = _("The matching has started: places and age limits can no longer change.")
TIMES_REVERSED = _("The day at the host must end after it starts.")
PROGRAMME_REQUIRED = _("Describe what the pupils will do.")
TEXT_TOO_LONG = _("This can be at most %(high)s characters.")
ADDRESS_REQUIRED = _("Give the address, postcode and city.")
POSTCODE_INVALID = _("A postcode is four digits.")
ROLE_MODEL_OTHER_COMPANY = _("Choose role models of the company itself.")
AGE_OUT_OF_RANGE = _("The youngest age must be from %(low)s to %(high)s.")
AGE_ABOVE_DAY = _("The youngest age must not be above the day's oldest (%(high)s).")
ATTENDANCE_NOT_PUBLISHED = _("Attendance is marked after the participants are published.")
ATTENDANCE_BEFORE_DAY = _("Attendance is marked from the day itself.")
ATTENDANCE_NOT_PARTICIPANT = _("The pupil is not placed with this host.")


def _check_places(places: object) -> None:
    if isinstance(places, bool) or not isinstance(places, int) or not 1 <= places <= MAX_HOST_PLACES:
        raise refuse(PLACES_OUT_OF_RANGE, code="places_out_of_range", field="places", high=MAX_HOST_PLACES)


def _check_times(starts_at: dt.time, ends_at: dt.time) -> None:
    """Both are times on the day itself; the visit ends after it starts (and before midnight)."""
    if starts_at >= ends_at:
        raise refuse(TIMES_REVERSED, code="times_reversed", field="ends_at")


def _check_text(value: str, *, field: str, high: int) -> None:
    if len(value) > high:
        raise refuse(TEXT_TOO_LONG, code=f"{field}_too_long", field=field, high=high)


def _check_programme(programme: str) -> None:
    if not programme:
        raise refuse(PROGRAMME_REQUIRED, code="programme_required", field="programme")
    _check_text(programme, field="programme", high=MAX_PROGRAMME)


def _check_address(address: str, postcode: str, city: str) -> None:
    if not (address and postcode and city):
        raise refuse(ADDRESS_REQUIRED, code="address_required", field="address")
    _check_text(address, field="address", high=MAX_ADDRESS)
    _check_text(city, field="city", high=MAX_CITY)
    if not (len(postcode) == 4 and postcode.isdigit()):
        raise refuse(POSTCODE_INVALID, code="postcode_invalid", field="postcode")


def _check_role_models(role_models: list[RoleModel], company: Company) -> None:
    if any(role_model.company_id != company.pk for role_model in role_models):
        raise refuse(ROLE_MODEL_OTHER_COMPANY, code="role_model_other_company", field="role_models")


def _check_age_min(age_min: int | None, open_day: OpenDay) -> None:
    if age_min is None:
        return
    if isinstance(age_min, bool) or not isinstance(age_min, int) or not MIN_AGE <= age_min <= MAX_AGE:
        raise refuse(AGE_OUT_OF_RANGE, code="age_out_of_range", field="age_min", low=MIN_AGE, high=MAX_AGE)
    if age_min > open_day.age_max:
        raise refuse(AGE_ABOVE_DAY, code="age_above_day", field="age_min", high=open_day.age_max)


def _locked_day(open_day: OpenDay) -> OpenDay:
    """The day read afresh under a row lock, so registrations are decided on its stored status
    (a run starting at the same moment waits, or is waited for)."""
    return OpenDay.objects.select_for_update().get(pk=open_day.pk)


@transaction.atomic
@audited("opendays.host.register")
def host_register(
    *,
    actor: User,
    open_day: OpenDay,
    company: Company,
    places: int,
    starts_at: dt.time,
    ends_at: dt.time,
    programme: str,
    address: str = "",
    postcode: str = "",
    city: str = "",
    role_models: Iterable[RoleModel] = (),
    role_models_text: str = "",
    age_min: int | None = None,
    safety_notes: str = "",
) -> Host:
    """Register a company as a host of an open day. Without an address, the company's own."""
    if not can_register_host(actor, open_day, company):
        raise refuse(REGISTER_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    day = _locked_day(open_day)
    if day.status != OpenDay.Status.OPEN:
        raise refuse(DAY_NOT_OPEN, code="day_not_open")
    in_area = day.municipalities.filter(pk=company.municipality_id).exists()
    if not in_area and not can_manage_open_day(actor, day):
        raise refuse(COMPANY_OUTSIDE_AREA, code="company_outside_area", field="company")
    if Host.objects.filter(open_day=day, company=company).exists():
        raise refuse(ALREADY_HOST, code="already_host", field="company")
    if not address.strip():
        address, postcode, city = company.address, company.postcode, company.city
    host = Host(
        open_day=day,
        company=company,
        places=places,
        starts_at=starts_at,
        ends_at=ends_at,
        programme=programme.strip(),
        address=address.strip(),
        postcode=postcode.strip(),
        city=city.strip(),
        role_models_text=role_models_text.strip(),
        age_min=age_min,
        safety_notes=safety_notes.strip(),
        registered_by=actor,
    )
    role_models = list(role_models)
    _check_host(host, role_models)
    host.save()
    host.role_models.set(role_models)
    return host


def _check_host(host: Host, role_models: list[RoleModel]) -> None:
    _check_places(host.places)
    _check_times(host.starts_at, host.ends_at)
    _check_programme(host.programme)
    _check_address(host.address, host.postcode, host.city)
    _check_role_models(role_models, host.company)
    _check_text(host.role_models_text, field="role_models_text", high=MAX_NOTES)
    _check_age_min(host.age_min, host.open_day)
    _check_text(host.safety_notes, field="safety_notes", high=MAX_NOTES)


@transaction.atomic
@audited("opendays.host.update", target="host", fields=True)
def host_update(
    *,
    actor: User,
    host: Host,
    places: int | Keep = KEEP,
    starts_at: dt.time | Keep = KEEP,
    ends_at: dt.time | Keep = KEEP,
    programme: str | Keep = KEEP,
    address: str | Keep = KEEP,
    postcode: str | Keep = KEEP,
    city: str | Keep = KEEP,
    role_models: Iterable[RoleModel] | Keep = KEEP,
    role_models_text: str | Keep = KEEP,
    age_min: int | None | Keep = KEEP,
    safety_notes: str | Keep = KEEP,
) -> Host:
    """Change a registration; what is left out stays. Places and age limit only while the day is open."""
    if not can_act_for_host(actor, host):
        raise refuse(HOST_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    day = _locked_day(host.open_day)
    if day.status == OpenDay.Status.CLOSED:
        raise refuse(DAY_CLOSED, code="day_closed")
    host = Host.objects.select_for_update().select_related("company").get(pk=host.pk)
    host.open_day = day
    fixed = {"places": places, "age_min": age_min}
    if day.status != OpenDay.Status.OPEN:
        for field, value in fixed.items():
            if value is not KEEP and value != getattr(host, field):
                raise refuse(PLACES_FIXED, code="places_fixed", field=field)
    texts = {
        "programme": programme,
        "address": address,
        "postcode": postcode,
        "city": city,
        "role_models_text": role_models_text,
        "safety_notes": safety_notes,
    }
    for field, value in {**fixed, "starts_at": starts_at, "ends_at": ends_at}.items():
        if value is not KEEP:
            setattr(host, field, value)
    for field, value in texts.items():
        if value is not KEEP:
            setattr(host, field, value.strip())
    chosen = list(host.role_models.all()) if role_models is KEEP else list(role_models)
    _check_host(host, chosen)
    host.save()
    if role_models is not KEEP:
        host.role_models.set(chosen)
    return host


@transaction.atomic
@audited("opendays.application.attendance_mark", target="application")
def attendance_mark(*, actor: User, host: Host, application: Application, attended: bool | None) -> Application:
    """Mark whether a pupil placed with the host came (None: not marked). From the day on,
    once the day is published; the survey goes to those not marked absent."""
    if not can_act_for_host(actor, host):
        raise refuse(HOST_NOT_ALLOWED, code=NOT_ALLOWED_CODE)
    day = host.open_day
    if day.published_at is None:
        raise refuse(ATTENDANCE_NOT_PUBLISHED, code="not_published")
    if timezone.localdate() < day.date:
        raise refuse(ATTENDANCE_BEFORE_DAY, code="before_day")
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.host_id != host.pk or application.outcome != Application.Outcome.PLACED:
        raise refuse(ATTENDANCE_NOT_PARTICIPANT, code="not_participant", field="application")
    application.attended = attended
    application.save(update_fields=["attended", "updated_at"])
    return application


@transaction.atomic
@audited("opendays.host.attendance_mark_all", target="host")
def attendance_mark_all(*, actor: User, host: Host, marks: dict[int, bool | None]) -> int:
    """Mark several participants at once (application id → came, did not come, not marked): all of
    them, or, when one is refused, none. Returns how many were marked."""
    applications = Application.objects.filter(pk__in=marks)
    if len(applications) != len(marks):
        raise refuse(ATTENDANCE_NOT_PARTICIPANT, code="not_participant", field="application")
    for application in applications:
        attendance_mark(actor=actor, host=host, application=application, attended=marks[application.pk])
    return len(marks)
