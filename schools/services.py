"""Writes and rules for schools, their teachers and their classes.

Every write validates the model (`full_clean`) before saving, so the admin, the API and the
demo keep the same rules; rules people should hear about in words raise DomainError."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from accounts.services import user_invitation_send, user_invite
from core.errors import DomainError
from core.models import Municipality
from core.services import assign_fields
from schools.models import School, SchoolClass, Teacher

ALREADY_TEACHER = _("This user is already a teacher at a school.")
CLASS_EXISTS = _("The school already has a class with this name in that school year.")
NOT_LAST_YEARS_CLASS = _("Choose one of the school's classes of the school year before.")
ALREADY_CONTINUED = _("Another class already continues that class.")
NOT_ALLOWED_TO_INVITE = _("Only a consultant or an administrator may invite teachers.")
NOT_ALLOWED_TO_WRITE_CLASSES = _("Only a teacher at the school can add, change or delete its classes.")
CLASS_HAS_BOOKINGS = _("The class has bookings, so it cannot be deleted.")
INVITED_AS_TEACHER = _("%(inviter)s has invited you to Brobyg as a teacher at %(school)s.")

SCHOOL_FIELDS = frozenset({"name", "institution_number", "kind", "municipality", *School.ADDRESS_FIELDS})
CLASS_FIELDS = frozenset({"name", "grade", "school_year", "pupils"})


@transaction.atomic
@audited("schools.school.create")
def school_create(
    *,
    name: str,
    institution_number: str,
    kind: str,
    municipality: Municipality,
    address: str,
    postcode: str,
    city: str,
    latitude: float | None = None,
    longitude: float | None = None,
) -> School:
    school = School(
        name=name,
        institution_number=institution_number,
        kind=kind,
        municipality=municipality,
        address=address,
        postcode=postcode,
        city=city,
        latitude=latitude,
        longitude=longitude,
    )
    school.full_clean()
    school.save()
    return school


@transaction.atomic
@audited("schools.school.update", target="school", fields=True)
def school_update(*, school: School, **fields: Any) -> School:
    """Change the given fields (any of SCHOOL_FIELDS)."""
    assign_fields(school, SCHOOL_FIELDS, fields)
    school.full_clean()
    school.save()
    return school


@transaction.atomic
@audited("schools.teacher.add")
def teacher_add(*, school: School, user: User) -> Teacher:
    """Make a user a teacher at a school. A user teaches at one school only: the school
    scopes every class and booking the teacher sees."""
    if Teacher.objects.filter(user=user).exists():
        raise DomainError(ALREADY_TEACHER, code="already_teacher", field="user")
    teacher = Teacher(user=user, school=school)
    teacher.full_clean()
    teacher.save()
    return teacher


@transaction.atomic
@audited("schools.teacher.invite")
def teacher_invite(
    *, actor: User, school: School, email: str, first_name: str, last_name: str, language: str
) -> Teacher:
    """Invite a person by e-mail to teach at the school. An address that already has an
    account joins with that account, unless it teaches elsewhere already. The e-mail goes
    out after commit, so a refused invitation leaves no account and sends nothing."""
    if not actor.sees_everything:
        raise DomainError(NOT_ALLOWED_TO_INVITE, code="not_allowed")
    user = user_invite(email=email, first_name=first_name, last_name=last_name, language=language)
    teacher = teacher_add(school=school, user=user)
    user_invitation_send(user=user, intro=INVITED_AS_TEACHER, params={"inviter": str(actor), "school": school.name})
    return teacher


@transaction.atomic
@audited("schools.teacher.move", target="teacher")
def teacher_move(*, teacher: Teacher, school: School) -> Teacher:
    """Move a teacher to another school (their classes stay with the old one)."""
    teacher.school = school
    teacher.full_clean()
    teacher.save()
    return teacher


def _check_class_name_free(school_class: SchoolClass) -> None:
    taken = SchoolClass.objects.filter(
        school_id=school_class.school_id, school_year=school_class.school_year, name=school_class.name
    ).exclude(pk=school_class.pk)
    if taken.exists():
        raise DomainError(CLASS_EXISTS, code="class_exists", field="name")


def _check_continues(school_class: SchoolClass) -> None:
    """The class a class continues is of the same school, the school year before, and not
    continued by another class already."""
    previous = school_class.previous
    if previous is None:
        return
    if previous.school_id != school_class.school_id or previous.school_year != school_class.school_year - 1:
        raise DomainError(NOT_LAST_YEARS_CLASS, code="not_last_years_class", field="previous")
    if SchoolClass.objects.filter(previous=previous).exclude(pk=school_class.pk).exists():
        raise DomainError(ALREADY_CONTINUED, code="already_continued", field="previous")


def _check_may_write_classes(actor: User | None, school: School) -> None:
    """A school's classes are written by its own teachers, consultants and administrators.
    `actor=None` is for trusted callers that check on their own: the Django admin (its model
    permissions) and the demo loader."""
    if actor is None or actor.sees_everything:
        return
    if not Teacher.objects.filter(user=actor, school=school).exists():
        raise DomainError(NOT_ALLOWED_TO_WRITE_CLASSES, code="not_allowed")


@transaction.atomic
@audited("schools.class.create")
def school_class_create(
    *,
    actor: User | None,
    school: School,
    name: str,
    grade: int,
    school_year: int,
    pupils: int,
    previous: SchoolClass | None = None,
) -> SchoolClass:
    """A class of the school for a school year; `previous` is the same class the year before
    (8.B 2027/28 continues 7.B 2026/27), which keeps its history together."""
    _check_may_write_classes(actor, school)
    school_class = SchoolClass(
        school=school, name=name, grade=grade, school_year=school_year, pupils=pupils, previous=previous
    )
    _check_continues(school_class)
    _check_class_name_free(school_class)
    school_class.full_clean()
    school_class.save()
    return school_class


@transaction.atomic
@audited("schools.class.update", target="school_class", fields=True)
def school_class_update(*, actor: User | None, school_class: SchoolClass, **fields: Any) -> SchoolClass:
    """Change the given fields (any of CLASS_FIELDS); a class stays with its school."""
    _check_may_write_classes(actor, school_class.school)
    assign_fields(school_class, CLASS_FIELDS, fields)
    _check_class_name_free(school_class)
    school_class.full_clean()
    school_class.save()
    return school_class


@transaction.atomic
@audited("schools.class.delete", target="school_class")
def school_class_delete(*, actor: User | None, school_class: SchoolClass) -> None:
    """Delete a class nobody booked for; its calendar feed goes with it. A booking keeps its
    class (the visit's history and the host's list name it), so a booked class stays.

    Bookings sit above schools, so they are not asked here: their foreign key protects the
    class, and the refusal is turned into the domain's words."""
    _check_may_write_classes(actor, school_class.school)
    try:
        school_class.delete()
    except ProtectedError as error:
        raise DomainError(CLASS_HAS_BOOKINGS, code="class_has_bookings") from error
