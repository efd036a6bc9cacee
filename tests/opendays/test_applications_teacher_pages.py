"""A teacher's open-day pages: apply for several pupils at once (all or none), and see the
applications she made with their outcome."""

from __future__ import annotations

from django.urls import reverse

from opendays.models import Application
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)


def rows(hosts, *pupils: dict) -> dict:
    data = {"rows": str(len(pupils) + 1)}
    for n, pupil in enumerate(pupils):
        for key, value in pupil.items():
            data[f"p{n}-{key}"] = value
        for rank, host in enumerate(hosts, start=1):
            data.setdefault(f"p{n}-choice_{rank}", host.pk)
    return data


def test_teacher_applies_for_pupils_and_sees_them(client, open_day, hosts, teacher):
    client.force_login(teacher.user)
    url = reverse("openday-teacher-apply", args=[open_day.pk])
    assert client.get(url).status_code == 200

    data = rows(
        hosts, {"first_name": "Ida", "age": "15"}, {"first_name": "Alma", "age": "14", "guardian_email": "a@example.dk"}
    )
    response = client.post(url, data)

    assert response.status_code == 302
    assert Application.objects.filter(applied_by=teacher.user).count() == 2
    home = client.get(reverse("openday-teacher-applications")).content.decode()
    assert "Ida" in home and "Alma" in home and open_day.title in home


def test_one_refused_pupil_saves_none_and_is_shown_on_her_row(client, open_day, hosts, teacher):
    client.force_login(teacher.user)
    data = rows(hosts, {"first_name": "Ida", "age": "15"}, {"first_name": "Alma", "age": "14"})

    response = client.post(reverse("openday-teacher-apply", args=[open_day.pk]), data)

    assert response.status_code == 200
    assert "guardian" in response.content.decode()
    assert Application.objects.count() == 0


def test_teacher_pages_are_not_for_others(client, open_day, host):
    url = reverse("openday-teacher-apply", args=[open_day.pk])
    assert client.get(url).status_code == 302  # to the login
    client.force_login(host.user)
    assert client.get(url).status_code == 404
    assert client.get(reverse("openday-teacher-applications")).status_code == 404


def test_garbage_rows_never_give_a_500(client, open_day, hosts, teacher):
    client.force_login(teacher.user)
    url = reverse("openday-teacher-apply", args=[open_day.pk])
    assert client.get(url + "?rows=x").status_code == 200
    assert client.get(url + "?rows=100000").status_code == 200
    response = client.post(url, {"rows": "2", "p0-first_name": "Ida", "p0-age": "abc", "p0-choice_1": "9" * 30})
    assert response.status_code == 200


def test_teacher_withdraws_a_pupil_she_applied_for_and_no_other(client, open_day, hosts, teacher, other_teacher):
    client.force_login(teacher.user)
    client.post(reverse("openday-teacher-apply", args=[open_day.pk]), rows(hosts, {"first_name": "Ida", "age": "15"}))
    application = Application.objects.get()
    url = reverse("openday-teacher-withdraw", args=[application.pk])

    client.force_login(other_teacher.user)
    assert client.post(url).status_code == 404
    client.force_login(teacher.user)
    assert client.post(url).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_a_pupil_withdrawn_after_publication_is_not_shown_as_waiting_for_the_matching(client, open_day, hosts, teacher):
    """Her status says withdrawn; the outcome column shows no "Not matched yet" for a day whose
    matching was published long ago."""
    from django.utils import timezone

    from opendays.models import OpenDay

    client.force_login(teacher.user)
    client.post(reverse("openday-teacher-apply", args=[open_day.pk]), rows(hosts, {"first_name": "Ida", "age": "15"}))
    Application.objects.update(status=Application.Status.WITHDRAWN, outcome="")
    OpenDay.objects.filter(pk=open_day.pk).update(status=OpenDay.Status.PUBLISHED, published_at=timezone.now())

    home = client.get(reverse("openday-teacher-applications")).content.decode()

    assert "Trukket tilbage" in home and "Ikke matchet endnu" not in home


def test_withdrawing_from_the_list_asks_first(client, open_day, hosts, teacher):
    """The list's Withdraw leads to a page that names the pupil and asks; only its POST withdraws."""
    client.force_login(teacher.user)
    client.post(reverse("openday-teacher-apply", args=[open_day.pk]), rows(hosts, {"first_name": "Ida", "age": "15"}))
    application = Application.objects.get()
    url = reverse("openday-teacher-withdraw", args=[application.pk])

    home = client.get(reverse("openday-teacher-applications")).content.decode()
    asked = client.get(url)

    assert f'href="{url}"' in home
    assert asked.status_code == 200 and "Ida" in asked.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.CONFIRMED
