"""Applications to an open day: a pupil applies through the public form (or a teacher for several
pupils of a class at once), confirms her e-mail through her link, a guardian consents for those
under 15, and until the window closes she may change her preferences; she may withdraw at any
time until the day. An application counts only once confirmed, and only if confirmed before the
window closes, so the set the matching sees is fixed when the window closes. Unconfirmed ones
expire. Erasure on request is after.application_erase.

Every refusal is a DomainError with a stable code and the field it concerns; nothing is saved
half: each function is one transaction."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts.audit import audited
from accounts.models import User
from core.errors import DomainError
from core.models import Municipality
from opendays import permissions
from opendays.messages import applications as messages
from opendays.messages.publication import participants_changed_enqueue
from opendays.models import MAX_FIRST_NAME, MAX_PREFERENCES, Application, Host, OpenDay, Preference
from opendays.services import waitlist
from schools.models import Grade, School
from schools.selectors import teacher_of

# How long an applicant has to confirm her e-mail, and a guardian to consent; never past the
# window's close.
EMAIL_CONFIRM_HOURS = 48
GUARDIAN_CONSENT_DAYS = 7
MAX_PUPILS_AT_ONCE = 40  # a class, with room for a mixed group

OUTSIDE_WINDOW = _("The open day is not taking applications now.")
AGE_OUTSIDE_TARGET = _("The open day is for ages %(min)s to %(max)s.")
GRADE_REQUIRED = _("Give the grade: the open day is for some grades only.")
GRADE_OUTSIDE_TARGET = _("The open day is for %(min)s to %(max)s.")
UNKNOWN_HOST = _("Choose among this open day's hosts.")
DUPLICATE_PREFERENCE = _("Choose each host only once.")
TOO_FEW_PREFERENCES = ngettext_lazy(
    "Choose %(count)s host.", "Choose %(count)s hosts, in the order you prefer them.", "count"
)
TOO_MANY_PREFERENCES = ngettext_lazy("Choose at most %(count)s host.", "Choose at most %(count)s hosts.", "count")
UNDER_HOST_AGE = _("%(host)s takes pupils from the age of %(age)s.")
FIRST_NAME_REQUIRED = _("Give your first name.")
FIRST_NAME_INVALID = _("A first name of letters, on one line.")
NAME_JOINERS = frozenset(" -'\u2019.")
FIRST_NAME_TOO_LONG = _("A first name of at most %(max)s characters.")
PLACE_REQUIRED = _("Choose your school or your municipality.")
EMAIL_INVALID = _("Give an e-mail address that mail can reach, like name@example.dk.")
EMAIL_REQUIRED = _("Give an e-mail address where the link can reach you.")
EMAIL_TAKEN = _("This e-mail address has already applied for this open day. Use the link in the e-mail you got.")
GUARDIAN_REQUIRED = _("Under 15, a parent or guardian must agree: give their e-mail address.")
GUARDIAN_SAME = _("The guardian's e-mail address must be someone else's than yours.")
LINK_INVALID = _("This link does not work (any more).")
EXPIRED = _("The application expired before it was confirmed. You may apply again.")
WITHDRAWN = _("The application has been withdrawn.")
NOT_AWAITING_GUARDIAN = _("The application is not waiting for a guardian's consent.")
DAY_PASSED = _("The open day has passed: there is nothing to withdraw from. You can have your data erased.")
CHANGE_CLOSED = _("The preferences can be changed only while the open day takes applications.")
NOT_A_TEACHER = _("Only a teacher applies for pupils of a class.")
NO_PUPILS = _("Add at least one pupil.")
TOO_MANY_PUPILS = _("At most %(max)s pupils at once.")
DUPLICATE_PUPIL = _("Two pupils with the same first name: add an initial to tell them apart.")
PUPIL_REFUSED = _("Pupil %(row)s (%(name)s): %(reason)s")


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _check_window(open_day: OpenDay, now: dt.datetime) -> None:
    """Applications and changes are taken while the day is open and its window runs."""
    taking = open_day.status == OpenDay.Status.OPEN and open_day.applications_open <= now < open_day.applications_close
    if not taking:
        raise DomainError(OUTSIDE_WINDOW, code="outside_window")


def _check_target(open_day: OpenDay, *, age: int, grade: int | None) -> None:
    if not open_day.age_min <= age <= open_day.age_max:
        raise DomainError(
            AGE_OUTSIDE_TARGET % {"min": open_day.age_min, "max": open_day.age_max}, code="age_outside", field="age"
        )
    if open_day.grade_min is None and open_day.grade_max is None:
        return
    if grade is None:
        raise DomainError(GRADE_REQUIRED, code="grade_required", field="grade")
    low = open_day.grade_min if open_day.grade_min is not None else min(Grade.values)
    high = open_day.grade_max if open_day.grade_max is not None else max(Grade.values)
    if not low <= grade <= high:
        band = {"min": Grade(low).label, "max": Grade(high).label}
        raise DomainError(GRADE_OUTSIDE_TARGET % band, code="grade_outside", field="grade")


def _chosen_hosts(open_day: OpenDay, host_ids: Sequence[int], *, age: int) -> list[Host]:
    """The hosts in the applicant's order, after every check on the list: all of the day, none
    twice, as many as the day asks (fewer only if the day has fewer hosts for her age), none
    whose age limit she is under."""
    if len(host_ids) > max(open_day.preferences, 1) or len(host_ids) > MAX_PREFERENCES:
        raise DomainError(
            TOO_MANY_PREFERENCES % {"count": open_day.preferences}, code="too_many_preferences", field="preferences"
        )
    if len(set(host_ids)) != len(host_ids):
        raise DomainError(DUPLICATE_PREFERENCE, code="duplicate_preference", field="preferences")
    hosts = {host.pk: host for host in open_day.hosts.select_related("company").filter(pk__in=list(host_ids))}
    if len(hosts) != len(host_ids):
        raise DomainError(UNKNOWN_HOST, code="unknown_host", field="preferences")
    for host in hosts.values():
        if host.age_min is not None and age < host.age_min:
            raise DomainError(
                UNDER_HOST_AGE % {"host": host.company.name, "age": host.age_min},
                code="under_host_age",
                field="preferences",
            )
    open_to_her = open_day.hosts.exclude(age_min__gt=age).count()
    needed = min(open_day.preferences, open_to_her)
    if len(host_ids) < max(needed, 1):
        raise DomainError(
            TOO_FEW_PREFERENCES % {"count": max(needed, 1)}, code="too_few_preferences", field="preferences"
        )
    return [hosts[pk] for pk in host_ids]


def _save_preferences(application: Application, hosts: Sequence[Host]) -> None:
    application.preferences.all().delete()
    Preference.objects.bulk_create(
        Preference(application=application, host=host, rank=rank) for rank, host in enumerate(hosts, start=1)
    )


def _is_a_name(text: str) -> bool:
    """Letters (with their accents), joined by spaces, hyphens, apostrophes or a full stop."""
    if not any(char.isalpha() for char in text):
        return False
    return all(char.isalpha() or char in NAME_JOINERS or unicodedata.category(char) == "Mn" for char in text)


def _check_address(address: str, *, field: str) -> None:
    """An address given must be one mail can be sent to (Django's rule, as the forms apply it):
    a non-ASCII local part, say, is saved fine but fails at every sending attempt."""
    if not address:
        return
    try:
        validate_email(address)
    except ValidationError:
        raise DomainError(EMAIL_INVALID, code="email_invalid", field=field) from None


def _clean_first_name(first_name: str) -> str:
    first_name = (first_name or "").strip()
    if not first_name:
        raise DomainError(FIRST_NAME_REQUIRED, code="first_name_required", field="first_name")
    if not _is_a_name(first_name):
        # The name goes into the guardian's e-mail (its subject too) and onto the host's list:
        # a line break, markup, digits or a link have no place there.
        raise DomainError(FIRST_NAME_INVALID, code="first_name_invalid", field="first_name")
    if len(first_name) > MAX_FIRST_NAME:
        raise DomainError(FIRST_NAME_TOO_LONG % {"max": MAX_FIRST_NAME}, code="first_name_too_long", field="first_name")
    return first_name


def _deadline(open_day: OpenDay, moment: dt.datetime) -> dt.datetime:
    """A confirmation deadline, never past the window's close (see the module's docstring)."""
    return min(moment, open_day.applications_close)


def _email_taken(open_day: OpenDay, email: str, *, excluding: int | None = None) -> bool:
    counting = open_day.applications.filter(
        applied_by__isnull=True,
        email__iexact=email,
        status__in=[
            Application.Status.AWAITING_EMAIL,
            Application.Status.AWAITING_GUARDIAN,
            Application.Status.CONFIRMED,
        ],
    )
    if excluding is not None:
        counting = counting.exclude(pk=excluding)
    return counting.exists()


@dataclass(frozen=True)
class Pupil:
    """One pupil in a teacher's application for several: what the public form asks of her,
    except the contact e-mail (the teacher's) and the school (the teacher's)."""

    first_name: str
    age: int
    host_ids: Sequence[int]
    grade: int | None = None
    guardian_email: str = ""
    first_time: bool = True


def _validate(
    *,
    open_day: OpenDay,
    first_name: str,
    age: int,
    grade: int | None,
    email: str,
    guardian_email: str,
    host_ids: Sequence[int],
) -> tuple[str, list[Host]]:
    first_name = _clean_first_name(first_name)
    _check_address(email, field="email")
    _check_address(guardian_email, field="guardian_email")
    _check_target(open_day, age=age, grade=grade)
    hosts = _chosen_hosts(open_day, host_ids, age=age)
    if age < 15:
        if not guardian_email:
            raise DomainError(GUARDIAN_REQUIRED, code="guardian_required", field="guardian_email")
        if guardian_email.lower() == email.lower():
            raise DomainError(GUARDIAN_SAME, code="guardian_same", field="guardian_email")
    return first_name, hosts


@transaction.atomic
@audited("opendays.application.submit")
def application_submit(
    *,
    open_day: OpenDay,
    first_name: str,
    age: int,
    email: str,
    host_ids: Sequence[int],
    grade: int | None = None,
    school: School | None = None,
    municipality: Municipality | None = None,
    guardian_email: str = "",
    first_time: bool = True,
    language: str = "da",
    now: dt.datetime | None = None,
) -> Application:
    """A pupil's own application through the public form. It waits for her to confirm her
    e-mail (then, under 15, for her guardian) and counts only once confirmed."""
    now = _now(now)
    # The day's row is locked while its window and status are checked: a service that ends the
    # window (a matching run starting) takes the same lock, so an application is in the run or refused.
    open_day = OpenDay.objects.select_for_update().get(pk=open_day.pk)
    _check_window(open_day, now)
    email, guardian_email = (email or "").strip(), (guardian_email or "").strip()
    if not email:
        raise DomainError(EMAIL_REQUIRED, code="email_required", field="email")
    first_name, hosts = _validate(
        open_day=open_day,
        first_name=first_name,
        age=age,
        grade=grade,
        email=email,
        guardian_email=guardian_email,
        host_ids=host_ids,
    )
    if school is None and municipality is None:
        raise DomainError(PLACE_REQUIRED, code="place_required", field="school")
    if _email_taken(open_day, email):
        raise DomainError(EMAIL_TAKEN, code="email_taken", field="email")
    application = Application(
        open_day=open_day,
        first_name=first_name,
        age=age,
        grade=grade,
        school=school,
        municipality=school.municipality if school is not None else municipality,
        email=email,
        guardian_email=guardian_email if age < 15 else "",
        first_time=first_time,
        status=Application.Status.AWAITING_EMAIL,
        expires_at=_deadline(open_day, now + dt.timedelta(hours=EMAIL_CONFIRM_HOURS)),
    )
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Two submissions of the same address at once: the partial unique index decides.
        raise DomainError(EMAIL_TAKEN, code="email_taken", field="email") from None
    application.issue_links()
    application.save(update_fields=["link_nonce", "token_hash", "guardian_token_hash"])
    _save_preferences(application, hosts)
    messages.confirm_email_enqueue(application=application, language=language, now=now)
    return application


@transaction.atomic
@audited("opendays.application.submit_for_pupils", target="open_day", actor_arg="user")
def applications_submit_for_pupils(
    *, open_day: OpenDay, user: User, pupils: Sequence[Pupil], now: dt.datetime | None = None
) -> list[Application]:
    """A teacher applies for several pupils of a class: all of them, or (one refused) none. The
    teacher's e-mail is the contact, so there is nothing for the pupils to confirm; under 15,
    each pupil's guardian still consents through her own link."""
    now = _now(now)
    teacher = teacher_of(user) if permissions.can_apply_for_pupils(user) else None
    if teacher is None:
        raise DomainError(NOT_A_TEACHER, code="not_allowed")
    open_day = OpenDay.objects.select_for_update().get(pk=open_day.pk)
    _check_window(open_day, now)
    if not pupils:
        raise DomainError(NO_PUPILS, code="no_pupils", field="pupils")
    if len(pupils) > MAX_PUPILS_AT_ONCE:
        raise DomainError(TOO_MANY_PUPILS % {"max": MAX_PUPILS_AT_ONCE}, code="too_many_pupils", field="pupils")
    names = [(pupil.first_name or "").strip().lower() for pupil in pupils]
    if len(set(names)) != len(names):
        raise DomainError(DUPLICATE_PUPIL, code="duplicate_pupil", field="pupils")
    school = teacher.school
    applications = []
    for row, pupil in enumerate(pupils, start=1):
        guardian_email = (pupil.guardian_email or "").strip()
        try:
            first_name, hosts = _validate(
                open_day=open_day,
                first_name=pupil.first_name,
                age=pupil.age,
                grade=pupil.grade,
                email=user.email,
                guardian_email=guardian_email,
                host_ids=pupil.host_ids,
            )
        except DomainError as error:
            message = PUPIL_REFUSED % {"row": row, "name": pupil.first_name, "reason": error.message}
            raise DomainError(
                message, code=error.code, field=f"pupils.{row - 1}.{error.field or ''}".rstrip(".")
            ) from None
        needs_guardian = pupil.age < 15
        application = Application.objects.create(
            open_day=open_day,
            first_name=first_name,
            age=pupil.age,
            grade=pupil.grade,
            school=school,
            municipality=school.municipality,
            email=user.email,
            guardian_email=guardian_email if needs_guardian else "",
            first_time=pupil.first_time,
            applied_by=user,
            status=Application.Status.AWAITING_GUARDIAN if needs_guardian else Application.Status.CONFIRMED,
            confirmed_at=None if needs_guardian else now,
            expires_at=_deadline(open_day, now + dt.timedelta(days=GUARDIAN_CONSENT_DAYS)) if needs_guardian else None,
        )
        application.issue_links()
        application.save(update_fields=["link_nonce", "token_hash", "guardian_token_hash"])
        _save_preferences(application, hosts)
        if needs_guardian:
            messages.guardian_consent_enqueue(application=application, language=user.language, now=now)
        applications.append(application)
    return applications


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("open_day").get(pk=application.pk)


def _check_alive(application: Application, now: dt.datetime) -> None:
    if application.erased_at is not None:
        raise DomainError(LINK_INVALID, code="link_invalid")
    if application.status == Application.Status.WITHDRAWN:
        raise DomainError(WITHDRAWN, code="withdrawn")
    if application.status == Application.Status.EXPIRED or (
        application.status in (Application.Status.AWAITING_EMAIL, Application.Status.AWAITING_GUARDIAN)
        and application.expires_at is not None
        and application.expires_at <= now
    ):
        raise DomainError(EXPIRED, code="expired")


def _counts_from(application: Application, *, now: dt.datetime, language: str) -> None:
    """Confirmed (by her e-mail, or her guardian under 15): the application counts from `now`,
    and she hears so."""
    application.status = Application.Status.CONFIRMED
    application.confirmed_at, application.expires_at = now, None
    application.save(update_fields=["status", "confirmed_at", "expires_at", "updated_at"])
    messages.confirmed_enqueue(application=application, language=language, now=now)


@transaction.atomic
@audited("opendays.application.email_confirm", target="application")
def email_confirm(*, application: Application, language: str = "da", now: dt.datetime | None = None) -> Application:
    """The applicant opened her link: her e-mail works. Over 15 the application now counts; under
    15 it waits for her guardian, who gets a link only now (so a form cannot make Brobyg write to
    an address nobody confirmed). Confirming again changes nothing."""
    now = _now(now)
    application = _locked(application)
    if application.status in (Application.Status.CONFIRMED, Application.Status.AWAITING_GUARDIAN):
        return application
    _check_alive(application, now)
    if application.needs_guardian:
        application.status = Application.Status.AWAITING_GUARDIAN
        application.expires_at = _deadline(application.open_day, now + dt.timedelta(days=GUARDIAN_CONSENT_DAYS))
        application.save(update_fields=["status", "expires_at", "updated_at"])
        messages.guardian_consent_enqueue(application=application, language=language, now=now)
    else:
        _counts_from(application, now=now, language=language)
    return application


@transaction.atomic
@audited("opendays.application.guardian_consent", target="application")
def guardian_consent(
    *, application: Application, consent: bool, language: str = "da", now: dt.datetime | None = None
) -> Application:
    """The guardian agrees (the application counts) or refuses (it is withdrawn); the applicant
    hears either way."""
    now = _now(now)
    application = _locked(application)
    _check_alive(application, now)
    if application.status != Application.Status.AWAITING_GUARDIAN:
        if application.status == Application.Status.CONFIRMED and consent:
            return application
        raise DomainError(NOT_AWAITING_GUARDIAN, code="not_awaiting_guardian")
    if consent:
        _counts_from(application, now=now, language=language)
    else:
        application.status, application.withdrawn_at, application.expires_at = Application.Status.WITHDRAWN, now, None
        application.save(update_fields=["status", "withdrawn_at", "expires_at", "updated_at"])
        messages.guardian_refused_enqueue(application=application, language=language, now=now)
    return application


@transaction.atomic
@audited("opendays.application.change", target="application")
def application_change(
    *, application: Application, host_ids: Sequence[int], now: dt.datetime | None = None
) -> Application:
    """New preferences, while the window runs; the same checks as when she applied."""
    now = _now(now)
    application = _locked(application)
    _check_alive(application, now)
    open_day = application.open_day
    try:
        _check_window(open_day, now)
    except DomainError:
        raise DomainError(CHANGE_CLOSED, code="change_closed") from None
    hosts = _chosen_hosts(open_day, host_ids, age=application.age)
    _save_preferences(application, hosts)
    application.save(update_fields=["updated_at"])
    return application


@transaction.atomic
@audited("opendays.application.withdraw", target="application")
def application_withdraw(
    *, application: Application, language: str = "da", now: dt.datetime | None = None
) -> Application:
    """Withdraw at any time. After publication a place she held (or was offered) is freed and
    goes to the waiting list. Withdrawing again changes nothing."""
    now = _now(now)
    application = _locked(application)
    if application.erased_at is not None:
        raise DomainError(LINK_INVALID, code="link_invalid")
    if application.status == Application.Status.WITHDRAWN:
        return application
    if timezone.localdate(now) > application.open_day.date:
        # Her outcome and attendance stay for the counts; erasure is what is left to ask for.
        raise DomainError(DAY_PASSED, code="day_passed")
    freed = (
        application.host if application.outcome in (Application.Outcome.PLACED, Application.Outcome.OFFERED) else None
    )
    was_participant = application.outcome == Application.Outcome.PLACED
    guardian_knew = bool(application.guardian_email) and application.status in (
        Application.Status.AWAITING_GUARDIAN,
        Application.Status.CONFIRMED,
    )
    application.status, application.withdrawn_at, application.expires_at = Application.Status.WITHDRAWN, now, None
    application.outcome, application.host, application.offer_expires_at = Application.Outcome.PENDING, None, None
    application.waitlist_position = None
    application.save(
        update_fields=[
            "status",
            "withdrawn_at",
            "expires_at",
            "outcome",
            "host",
            "offer_expires_at",
            "waitlist_position",
            "updated_at",
        ]
    )
    messages.withdrawn_enqueue(application=application, guardian_knew=guardian_knew, language=language, now=now)
    if freed is not None and application.open_day.published_at is not None:
        if was_participant:
            participants_changed_enqueue(host=freed, now=now)
        waitlist.places_freed(host=freed, now=now)
    return application


@audited("opendays.application.expire_unconfirmed")
def expire_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Unconfirmed applications past their deadline no longer wait (the daily schedule calls
    this); returns how many expired."""
    now = _now(now)
    return Application.objects.filter(
        status__in=[Application.Status.AWAITING_EMAIL, Application.Status.AWAITING_GUARDIAN],
        expires_at__lte=now,
        erased_at__isnull=True,
    ).update(status=Application.Status.EXPIRED, updated_at=now)
