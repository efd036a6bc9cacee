"""Classes through the API: a class name is unique per school and school year."""

from schools.models import SchoolClass


def test_adding_a_class_with_a_name_taken_this_school_year_answers_400_for_name(teacher_client, school_class):
    payload = {"name": school_class.name, "grade": 9, "school_year": school_class.school_year, "pupils": 23}

    response = teacher_client.post("/api/v1/classes/", payload, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["name"]
    assert SchoolClass.objects.count() == 1


def test_renaming_a_class_to_a_name_taken_answers_400_for_name(teacher_client, teacher, school_class):
    other = SchoolClass.objects.create(
        school=teacher.school, name="9.Z", grade=9, school_year=school_class.school_year, pupils=20
    )

    response = teacher_client.patch(f"/api/v1/classes/{other.pk}/", {"name": school_class.name}, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["name"]


def test_the_same_name_in_another_school_year_is_fine(teacher_client, school_class):
    payload = {"name": school_class.name, "grade": 9, "school_year": school_class.school_year + 1, "pupils": 23}

    assert teacher_client.post("/api/v1/classes/", payload, format="json").status_code == 201
