"""Deleting a class and who may write classes: both live in the schools services, so the API,
the admin and the demo keep the same rules."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bookings import services as booking_services
from core.dates import school_year_of
from core.errors import DomainError
from schools import services
from schools.models import SchoolClass
from tests.conftest import client_for


def refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code
    return caught.value


def test_deleting_a_booked_class_answers_400_with_a_code(teacher_client, teacher, school_class, slot):
    """A class that bookings refer to stays, with the stable code that says why."""
    booking_services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)

    response = teacher_client.delete(f"/api/v1/classes/{school_class.pk}/")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "class_has_bookings"
    assert SchoolClass.objects.filter(pk=school_class.pk).exists()


def test_deleting_a_class_without_bookings_answers_204(teacher_client, school_class):
    assert teacher_client.delete(f"/api/v1/classes/{school_class.pk}/").status_code == 204
    assert not SchoolClass.objects.filter(pk=school_class.pk).exists()


def test_another_schools_teacher_cannot_delete_the_class(other_teacher, school_class):
    """The class is not theirs to see: 404, and it stays."""
    response = client_for(other_teacher.user).delete(f"/api/v1/classes/{school_class.pk}/")

    assert response.status_code == 404
    assert SchoolClass.objects.filter(pk=school_class.pk).exists()


def test_class_services_refuse_an_actor_who_does_not_teach_at_the_school(other_teacher, host, school_class):
    """Only the school's teachers (and consultants) write its classes, whoever calls the services."""
    year = school_year_of(timezone.localdate())
    for actor in (other_teacher.user, host.user):
        refused(
            "not_allowed",
            lambda actor=actor: services.school_class_create(
                actor=actor, school=school_class.school, name="9.X", grade=9, school_year=year, pupils=20
            ),
        )
        refused(
            "not_allowed",
            lambda actor=actor: services.school_class_update(actor=actor, school_class=school_class, pupils=3),
        )
        refused("not_allowed", lambda actor=actor: services.school_class_delete(actor=actor, school_class=school_class))
    school_class.refresh_from_db()
    assert school_class.pupils == 24


def test_class_services_let_the_schools_teacher_and_a_consultant_write(teacher, consultant, school_class):
    year = school_year_of(timezone.localdate())
    made = services.school_class_create(
        actor=teacher.user, school=teacher.school, name="9.X", grade=9, school_year=year, pupils=20
    )
    services.school_class_update(actor=consultant, school_class=made, pupils=21)
    services.school_class_delete(actor=teacher.user, school_class=made)

    assert not SchoolClass.objects.filter(pk=made.pk).exists()


def test_school_class_delete_refuses_a_booked_class(teacher, school_class, slot):
    booking_services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)

    refused("class_has_bookings", lambda: services.school_class_delete(actor=None, school_class=school_class))
