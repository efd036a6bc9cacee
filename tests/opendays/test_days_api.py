"""The open days API: thin over the day and host services. A refusal is a 400 with the service's
code and the field it concerns; a change keeps what it leaves out; what is not yours is 404."""

import datetime as dt

from django.utils import timezone

from opendays.models import Application, Host, OpenDay
from tests.conftest import client_for
from tests.opendays.factories import ApplicationFactory, HostFactory, OpenDayFactory


def day_terms(**changes) -> dict:
    date = timezone.localdate() + dt.timedelta(days=60)
    terms = {
        "title": "Tekniske Piger-dag",
        "date": date.isoformat(),
        "municipalities": [851],
        "applications_open": timezone.now().isoformat(),
        "applications_close": (timezone.now() + dt.timedelta(days=20)).isoformat(),
    }
    return terms | changes


def registration(day, company, **changes) -> dict:
    terms = {
        "open_day": day.pk,
        "company": company.pk,
        "places": 10,
        "starts_at": "09:00",
        "ends_at": "14:00",
        "programme": "Lodning og rundvisning.",
    }
    return terms | changes


def test_a_consultant_creates_a_day_and_reads_it_back(consultant):
    api = client_for(consultant)

    response = api.post("/api/v1/open-days/", day_terms(), format="json")

    assert response.status_code == 201, response.content
    body = api.get(f"/api/v1/open-days/{response.json()['id']}/").json()
    assert (body["status"], body["municipalities"], body["preferences"], body["hosts"]) == ("open", [851], 3, 0)


def test_a_refused_day_names_its_code_and_field(consultant):
    late = (timezone.localdate() + dt.timedelta(days=61)).isoformat() + "T08:00:00+01:00"

    response = client_for(consultant).post("/api/v1/open-days/", day_terms(applications_close=late), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "window_after_day" and "applications_close" in response.json()
    assert not OpenDay.objects.exists()


def test_a_change_keeps_what_it_leaves_out(consultant):
    day = OpenDayFactory(preferences=4)

    response = client_for(consultant).patch(f"/api/v1/open-days/{day.pk}/", {"title": "Ny titel"}, format="json")

    assert response.status_code == 200, response.content
    assert (response.json()["title"], response.json()["preferences"]) == ("Ny titel", 4)


def test_the_consultant_closes_a_day(consultant):
    day = OpenDayFactory()

    response = client_for(consultant).post(f"/api/v1/open-days/{day.pk}/close/")

    assert (response.status_code, response.json()["status"]) == (200, "closed")


def test_a_teacher_reads_days_of_the_area_but_cannot_create_one(teacher):
    day = OpenDayFactory()
    api = client_for(teacher.user)

    assert [row["id"] for row in api.get("/api/v1/open-days/").json()["results"]] == [day.pk]
    assert api.post("/api/v1/open-days/", day_terms(), format="json").status_code == 403
    assert api.patch(f"/api/v1/open-days/{day.pk}/", {"title": "X"}, format="json").status_code == 403


def test_a_member_registers_the_company_at_its_own_address_then_changes_places(host):
    day = OpenDayFactory()
    api = client_for(host.user)

    created = api.post("/api/v1/open-day-hosts/", registration(day, host.company), format="json")
    changed = api.patch(f"/api/v1/open-day-hosts/{created.json()['id']}/", {"places": 14}, format="json")

    assert created.status_code == 201, created.content
    assert (created.json()["address"], created.json()["city"]) == ("Havnegade 12", "Aalborg")
    assert (changed.status_code, changed.json()["places"], changed.json()["programme"]) == (
        200,
        14,
        "Lodning og rundvisning.",
    )


def test_places_are_refused_once_matching_started(host):
    registered = HostFactory(company=host.company, open_day=OpenDayFactory(status=OpenDay.Status.MATCHING))

    response = client_for(host.user).patch(f"/api/v1/open-day-hosts/{registered.pk}/", {"places": 3}, format="json")

    assert (response.status_code, response.json()["code"]) == (400, "places_fixed")


def test_another_company_cannot_be_registered_nor_its_registration_seen(host, other_host):
    day = OpenDayFactory()
    registered = HostFactory(company=host.company, open_day=day)
    api = client_for(other_host.user)

    refused = api.post("/api/v1/open-day-hosts/", registration(day, host.company), format="json")

    assert refused.status_code == 400 and "company" in refused.json()
    assert api.get(f"/api/v1/open-day-hosts/{registered.pk}/").status_code == 404
    assert api.patch(f"/api/v1/open-day-hosts/{registered.pk}/", {"places": 3}, format="json").status_code == 404
    assert Host.objects.count() == 1


def test_the_host_marks_attendance_after_the_published_day(host):
    day = OpenDayFactory(
        date=timezone.localdate(),
        applications_open=timezone.now() - dt.timedelta(days=40),
        applications_close=timezone.now() - dt.timedelta(days=20),
        status=OpenDay.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=9),
    )
    registered = HostFactory(company=host.company, open_day=day)
    placed = ApplicationFactory(open_day=day, host=registered, outcome=Application.Outcome.PLACED)
    elsewhere = ApplicationFactory(open_day=day)
    api = client_for(host.user)

    marked = api.post(
        f"/api/v1/open-day-hosts/{registered.pk}/attendance/", {"application": placed.pk, "attended": False}
    )
    refused = api.post(
        f"/api/v1/open-day-hosts/{registered.pk}/attendance/",
        {"application": elsewhere.pk, "attended": True},
        format="json",
    )

    assert (marked.status_code, marked.json()) == (200, {"application": placed.pk, "attended": False})
    assert (refused.status_code, refused.json()["code"]) == (400, "not_participant")
    placed.refresh_from_db()
    assert placed.attended is False


def test_attendance_for_an_application_of_another_day_is_404(host):
    registered = HostFactory(company=host.company)
    stranger = ApplicationFactory()

    response = client_for(host.user).post(
        f"/api/v1/open-day-hosts/{registered.pk}/attendance/",
        {"application": stranger.pk, "attended": True},
        format="json",
    )

    assert response.status_code == 404
