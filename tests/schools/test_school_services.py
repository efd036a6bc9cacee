"""Schools' services: every write is validated, a class name is unique per school and year,
a user teaches at one school; the API and the admin write through the services."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import school_year_of
from core.errors import DomainError
from core.models import Municipality
from schools import services
from schools.models import School, SchoolClass, Teacher
from tests import factories
from tests.conftest import client_for


def refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code
    return caught.value


@pytest.fixture
def this_year() -> int:
    return school_year_of(timezone.localdate())


def create_school(**overrides) -> School:
    fields = {
        "name": "Vestbjerg Skole",
        "institution_number": "851901",
        "kind": School.Kind.FOLKESKOLE,
        "municipality": Municipality.objects.get(code=851),
        "address": "Skolevej 4",
        "postcode": "9380",
        "city": "Vestbjerg",
    }
    return services.school_create(**fields | overrides)


def test_school_create_saves_the_school(db):
    school = create_school(latitude=57.13, longitude=9.96)

    school.refresh_from_db()
    assert school.full_address == "Skolevej 4, 9380 Vestbjerg"
    assert school.latitude == 57.13


def test_school_create_refuses_an_institution_number_that_is_not_six_digits(db):
    with pytest.raises(ValidationError) as caught:
        create_school(institution_number="85190")

    assert "institution_number" in caught.value.message_dict
    assert not School.objects.exists()


def test_school_update_changes_the_given_fields_only(db):
    school = create_school()

    services.school_update(school=school, city="Aalborg")

    school.refresh_from_db()
    assert (school.city, school.name) == ("Aalborg", "Vestbjerg Skole")
    with pytest.raises(TypeError):
        services.school_update(school=school, id=99)


def test_teacher_add_makes_a_user_a_teacher_at_one_school_only(db):
    school, user = create_school(), factories.UserFactory()

    teacher = services.teacher_add(school=school, user=user)

    assert teacher.school == school
    refused("already_teacher", lambda: services.teacher_add(school=factories.SchoolFactory(), user=user))
    assert Teacher.objects.filter(user=user).count() == 1


def test_school_class_create_refuses_a_name_the_school_already_uses_that_year(db, this_year):
    school = create_school()
    services.school_class_create(actor=None, school=school, name="8.A", grade=8, school_year=this_year, pupils=24)

    error = refused(
        "class_exists",
        lambda: services.school_class_create(
            actor=None, school=school, name="8.A", grade=8, school_year=this_year, pupils=20
        ),
    )

    assert error.field == "name"
    next_year = services.school_class_create(
        actor=None, school=school, name="8.A", grade=9, school_year=this_year + 1, pupils=24
    )
    other_school = services.school_class_create(
        actor=None, school=factories.SchoolFactory(), name="8.A", grade=8, school_year=this_year, pupils=24
    )
    assert next_year.pk and other_school.pk


def test_school_class_create_refuses_a_class_without_pupils(db, this_year):
    with pytest.raises(ValidationError) as caught:
        services.school_class_create(
            actor=None, school=create_school(), name="8.A", grade=8, school_year=this_year, pupils=0
        )

    assert "pupils" in caught.value.message_dict


def test_school_class_update_may_keep_its_own_name_but_not_take_another_class_s(db, this_year):
    school = create_school()
    a = services.school_class_create(actor=None, school=school, name="8.A", grade=8, school_year=this_year, pupils=24)
    services.school_class_create(actor=None, school=school, name="8.B", grade=8, school_year=this_year, pupils=24)

    services.school_class_update(actor=None, school_class=a, name="8.A", pupils=25)
    refused("class_exists", lambda: services.school_class_update(actor=None, school_class=a, name="8.B"))

    a.refresh_from_db()
    assert (a.name, a.pupils) == ("8.A", 25)
    with pytest.raises(TypeError):
        services.school_class_update(actor=None, school_class=a, school=factories.SchoolFactory())


def test_api_class_create_and_update_answer_a_taken_name_with_its_code(teacher, school_class):
    client = client_for(teacher.user)
    payload = {"name": school_class.name, "grade": 8, "school_year": school_class.school_year, "pupils": 20}

    created = client.post("/api/v1/classes/", payload, format="json")
    renamed = client.post("/api/v1/classes/", payload | {"name": "8.Z"}, format="json")
    taken = client.patch(f"/api/v1/classes/{renamed.json()['id']}/", {"name": school_class.name}, format="json")

    assert created.status_code == 400 and created.json()["code"] == "class_exists"
    assert renamed.status_code == 201 and renamed.json()["school"] == teacher.school_id
    assert taken.status_code == 400 and taken.json()["code"] == "class_exists"


def test_api_class_update_cannot_move_a_class_to_another_school(teacher, school_class):
    client = client_for(teacher.user)

    response = client.patch(
        f"/api/v1/classes/{school_class.pk}/", {"school": factories.SchoolFactory().pk, "pupils": 26}, format="json"
    )

    school_class.refresh_from_db()
    assert response.status_code == 200
    assert (school_class.school_id, school_class.pupils) == (teacher.school_id, 26)


def test_admin_adds_a_class_through_the_service_and_keeps_its_school(admin_client, school, this_year):
    response = admin_client.post(
        "/admin/schools/schoolclass/add/",
        {"school": school.pk, "name": "9.C", "grade": 9, "school_year": this_year, "pupils": 22},
    )
    school_class = SchoolClass.objects.get()
    admin_client.post(
        f"/admin/schools/schoolclass/{school_class.pk}/change/",
        {"school": factories.SchoolFactory().pk, "name": "9.D", "grade": 9, "school_year": this_year, "pupils": 23},
    )

    assert response.status_code == 302
    school_class.refresh_from_db()
    assert (school_class.school, school_class.name, school_class.pupils) == (school, "9.D", 23)


def test_admin_school_page_lists_its_classes(admin_client, school_class):
    response = admin_client.get(f"/admin/schools/school/{school_class.school_id}/change/")

    assert response.status_code == 200
    assert school_class.name in response.text


def test_admin_adds_a_teacher_and_moves_them_to_another_school(admin_client, school):
    user, other = factories.UserFactory(), factories.SchoolFactory()

    admin_client.post("/admin/schools/teacher/add/", {"user": user.pk, "school": school.pk})
    teacher = Teacher.objects.get()
    admin_client.post(f"/admin/schools/teacher/{teacher.pk}/change/", {"school": other.pk})

    teacher.refresh_from_db()
    assert (teacher.user, teacher.school) == (user, other)
