"""The applications' API: a teacher applies for several pupils and sees her own; a host sees
nothing before publication and no preferences after; withdraw and erase only by the teacher who
applied or the day's consultant."""

from __future__ import annotations

from django.utils import timezone

from opendays.models import Application, OpenDay
from tests.conftest import client_for
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)
from tests.opendays.conftest_applications import apply

URL = "/api/v1/openday-applications/"


def body(open_day, hosts, *pupils) -> dict:
    return {
        "open_day": open_day.pk,
        "pupils": [{"preferences": [h.pk for h in hosts], **pupil} for pupil in pupils],
    }


def test_teacher_applies_for_pupils_and_lists_them(open_day, hosts, teacher):
    client = client_for(teacher.user)

    response = client.post(URL + "for-pupils/", body(open_day, hosts, {"first_name": "Ida", "age": 15}), format="json")

    assert response.status_code == 201, response.content
    assert response.json()[0]["status"] == "confirmed"
    listed = client.get(URL).json()["results"]
    assert [row["first_name"] for row in listed] == ["Ida"]
    assert listed[0]["preferences"] == [h.pk for h in hosts]
    assert "email" not in listed[0]


def test_a_refused_pupil_answers_400_with_its_code_and_saves_nothing(open_day, hosts, teacher):
    client = client_for(teacher.user)
    pupils = [{"first_name": "Ida", "age": 15}, {"first_name": "Alma", "age": 14}]

    response = client.post(URL + "for-pupils/", body(open_day, hosts, *pupils), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "guardian_required"
    assert Application.objects.count() == 0


def test_only_teachers_apply_for_pupils(open_day, hosts, host, consultant):
    for user in (host.user, consultant):
        response = client_for(user).post(
            URL + "for-pupils/", body(open_day, hosts, {"first_name": "Ida", "age": 15}), format="json"
        )
        assert response.status_code == 403


def test_host_sees_participants_only_after_publication_and_without_preferences(open_day, hosts, host, teacher):
    made = client_for(teacher.user).post(
        URL + "for-pupils/", body(open_day, hosts, {"first_name": "Ida", "age": 15}), format="json"
    )
    application = Application.objects.get(pk=made.json()[0]["id"])
    hosts[0].company = host.company
    hosts[0].save()
    Application.objects.filter(pk=application.pk).update(outcome=Application.Outcome.PLACED, host=hosts[0])
    member = client_for(host.user)
    assert member.get(URL).json()["results"] == []

    OpenDay.objects.filter(pk=open_day.pk).update(status=OpenDay.Status.PUBLISHED, published_at=timezone.now())
    [row] = member.get(URL).json()["results"]
    assert row["first_name"] == "Ida" and row["preferences"] == []
    assert (row["age"], row["school"]) == (15, application.school_id)
    hidden = ("grade", "municipality", "first_time", "preference_rank", "confirmed_at", "created_at")
    assert [row[field] for field in hidden] == [None] * len(hidden), "a host reads only what its page shows"
    assert member.post(f"{URL}{application.pk}/withdraw/").status_code == 403


def test_consultant_withdraws_and_erases_on_request(open_day, hosts, consultant):
    application = apply(open_day, hosts, age=16)
    client = client_for(consultant)

    assert client.post(f"{URL}{application.pk}/withdraw/").json()["status"] == "withdrawn"
    assert client.post(f"{URL}{application.pk}/erase/").status_code == 204
    application.refresh_from_db()
    assert application.erased_at is not None and application.first_name == ""
    assert client.get(f"{URL}{application.pk}/").status_code == 404


def test_other_teachers_see_nothing(open_day, hosts, teacher, other_teacher):
    client_for(teacher.user).post(
        URL + "for-pupils/", body(open_day, hosts, {"first_name": "Ida", "age": 15}), format="json"
    )
    other = client_for(other_teacher.user)
    assert other.get(URL).json()["results"] == []
    assert other.get(f"{URL}{Application.objects.get().pk}/").status_code == 404
    assert other.get(URL + "?open_day=99999999999999999999").status_code == 400
