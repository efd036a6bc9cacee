# ruff: noqa: F811 (pytest fixtures imported from plan_helpers are parameters by the same name)
"""The annual plan pages: each side finds its adopted classes, sees the plan's progress,
activities by month and history, edits it, books an activity, answers the renewal; garbage
submitted to any form gives a message per field, never a 500, and saves nothing."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from adoptions.models import PlanActivity, PlanChange
from adoptions.services import activity_book, activity_create, adoption_create
from bookings import services as booking_services
from bookings.models import Booking
from tests import factories
from tests.adoptions.plan_helpers import (  # noqa: F401 (fixtures)
    adoption,
    area_consultant,
    capacity,
    goal_for_8th,
    next_month,
    plan,
)
from tests.dates import at, school_day

pytestmark = pytest.mark.django_db


def web_client(user, language: str = "en") -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def activity_data(**overrides) -> dict:
    return {"title": "Besøg på fabrikken", "kind": "company_visit", "status": "idea", **overrides}


# Finding and reading a plan ----------------------------------------------------------------


def test_teacher_and_host_find_the_adopted_class_from_the_menu(plan, teacher, host):
    for user in (teacher.user, host.user):
        web = web_client(user)
        assert 'href="/adoptions/"' in web.get("/").content.decode()
        page = web.get("/adoptions/").content.decode()
        assert f'href="/plans/{plan.pk}/"' in page
        assert "8.A" in page


def test_plan_page_shows_progress_months_goals_and_history(plan, teacher, goal_for_8th):
    activity_create(
        actor=teacher.user,
        plan=plan,
        title="Vindmølleværksted",
        kind="company_visit",
        planned_month=next_month(),
        status="planned",
        learning_goals=[goal_for_8th],
        preparation="Læs om vindenergi",
    )
    page = web_client(teacher.user).get(f"/plans/{plan.pk}/").content.decode()
    assert "0 done · 1 planned · target 10" in page
    assert 'class="plan-bar"' in page
    assert "Vindmølleværksted" in page
    assert goal_for_8th.area_en in page
    assert "Læs om vindenergi" in page
    assert teacher.user.get_full_name() in page  # the history names who


def test_plan_page_in_danish(plan, teacher):
    page = web_client(teacher.user, "da").get(f"/plans/{plan.pk}/").content.decode()
    assert "Årsplan" in page
    assert "Historik" in page


def test_print_page_has_the_plan_without_forms_and_a_print_stylesheet(plan, teacher):
    activity_create(actor=teacher.user, plan=plan, title="Ekspert i klassen", kind="expert_at_school")
    page = web_client(teacher.user).get(f"/plans/{plan.pk}/print/").content.decode()
    assert "Ekspert i klassen" in page
    assert "<form" not in page.split('<main id="main">')[1]
    css = (Path(settings.BASE_DIR) / "web/static/web/brobyg.css").read_text()
    assert "@media print" in css


def test_plan_ics_has_dated_activities(plan, teacher):
    day = school_day()
    start = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
    activity_create(
        actor=teacher.user,
        plan=plan,
        title="Dateret besøg",
        kind="company_visit",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    response = web_client(teacher.user).get(f"/plans/{plan.pk}/plan.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert "Dateret besøg" in response.content.decode()


# Editing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["teacher", "host", "area_consultant"])
def test_each_side_adds_an_activity(plan, who, request):
    person = request.getfixturevalue(who)
    user = getattr(person, "user", person)
    response = web_client(user).post(f"/plans/{plan.pk}/activities/new/", activity_data(title=f"Af {who}"))
    assert response.status_code == 302
    assert plan.activities.get().title == f"Af {who}"
    assert PlanChange.objects.get(plan=plan).actor == user


def test_edit_activity_and_mark_it_done(plan, teacher):
    activity = activity_create(actor=teacher.user, plan=plan, title="Gammel", kind="project")
    last_month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    response = web_client(teacher.user).post(
        f"/activities/{activity.pk}/edit/", activity_data(title="Ny", planned_month=last_month, status="done")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("Ny", PlanActivity.Status.DONE)


def test_refused_status_keeps_the_other_changes_unsaved(plan, teacher):
    activity = activity_create(actor=teacher.user, plan=plan, title="Gammel", kind="project")
    response = web_client(teacher.user).post(
        f"/activities/{activity.pk}/edit/",
        activity_data(title="Ny", planned_month=next_month().strftime("%Y-%m"), status="done"),
    )
    assert response.status_code == 200
    assert "only once its date has passed" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "Gammel"


def test_delete_activity(plan, teacher):
    activity = activity_create(actor=teacher.user, plan=plan, title="Væk", kind="project")
    web = web_client(teacher.user)
    assert web.get(f"/activities/{activity.pk}/delete/").status_code == 200
    assert web.post(f"/activities/{activity.pk}/delete/").status_code == 302
    assert not plan.activities.exists()


def test_booking_an_activity_from_its_page(plan, teacher, host):
    activity = activity_create(actor=teacher.user, plan=plan, title="Besøg", kind="company_visit")
    day = school_day()
    response = web_client(host.user).post(
        f"/activities/{activity.pk}/book/",
        {"date": day.isoformat(), "start_time": "09:00", "end_time": "11:00", "place": "Porten"},
    )
    booking = Booking.objects.get()
    assert response["Location"] == f"/bookings/{booking.pk}/"
    assert booking.status == Booking.Status.CONFIRMED
    activity.refresh_from_db()
    assert activity.status == PlanActivity.Status.BOOKED


def test_booked_activity_links_to_its_plan_and_never_to_the_private_offer(plan, teacher, host):
    """The private offer has no public page: the booking page links to the plan instead, and
    the teacher's lists name the offer without a link that would answer 404."""
    activity = activity_create(actor=teacher.user, plan=plan, title="Besøg", kind="company_visit")
    day = school_day()
    web = web_client(teacher.user)
    web.post(
        f"/activities/{activity.pk}/book/",
        {"date": day.isoformat(), "start_time": "09:00", "end_time": "11:00"},
    )
    booking = Booking.objects.get()
    private_offer = f'href="/offers/{booking.slot.offer_id}/"'
    page = web.get(f"/bookings/{booking.pk}/").content.decode()
    assert private_offer not in page
    assert f'href="/plans/{plan.pk}/"' in page
    for address in ("/", f"/classes/{booking.school_class_id}/"):
        assert private_offer not in web.get(address).content.decode(), address


def test_plan_shows_a_booked_activity_at_its_booking_time_after_the_host_moves_it(plan, teacher, host):
    """The host moves the booked time on the slot (everyone booked is told); the plan follows
    the booking instead of showing the old time."""
    activity = activity_create(actor=teacher.user, plan=plan, title="Besøg", kind="company_visit")
    day = school_day()
    booking = activity_book(
        actor=teacher.user,
        activity=activity,
        starts_at=at(day, 9),
        ends_at=at(day, 11),
    )
    booking_services.slot_update(slot=booking.slot, actor=host.user, start=at(day, 12), end=at(day, 14))
    page = web_client(teacher.user).get(f"/plans/{plan.pk}/").content.decode()
    assert "12:00–14:00" in page
    assert "09:00–11:00" not in page


def test_over_capacity_is_warned_on_the_plan_and_after_saving(plan, teacher, company):
    capacity(company, per_month=1)
    month = next_month()
    activity_create(
        actor=teacher.user, plan=plan, title="Første", kind="project", planned_month=month, status="planned"
    )
    web = web_client(teacher.user)
    response = web.post(
        f"/plans/{plan.pk}/activities/new/",
        activity_data(title="Anden", planned_month=month.strftime("%Y-%m"), status="planned"),
        follow=True,
    )
    page = response.content.decode()
    assert "more than the 1 a month it can host" in page
    assert plan.activities.count() == 2


def test_host_is_warned_when_a_new_slot_goes_over_the_month(host, company, offer):
    capacity(company, per_month=1)
    day = school_day()
    factories.SlotFactory(offer=offer, start=dt.datetime.combine(day, dt.time(8), tzinfo=dt.UTC))
    booking_class = factories.SchoolClassFactory()
    teacher = factories.TeacherFactory(school=booking_class.school)
    from bookings import services

    slot = offer.slots.get()
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=booking_class.pk, pupils=10)
    response = web_client(host.user).post(
        f"/host/offers/{offer.pk}/slots/",
        {"slot-date": day.isoformat(), "slot-start_time": "12:00", "slot-end_time": "13:00"},
        follow=True,
    )
    assert "a month it can host" in response.content.decode()


def test_renewal_answer_from_the_plan_page(plan, teacher):
    web = web_client(teacher.user)
    assert "Continue into 9th grade?" in web.get(f"/plans/{plan.pk}/").content.decode()
    web.post(f"/adoptions/{plan.adoption_id}/renewal/", {"wants": "yes"})
    plan.adoption.refresh_from_db()
    assert plan.adoption.school_wants_renewal is True


def test_next_years_8th_grade_plan_does_not_ask_about_9th_grade(plan, teacher, company):
    """The renewal question is asked of this school year's running 8th-grade adoption only."""
    next_year = factories.SchoolClassFactory(school=teacher.school, grade=8, school_year=plan.adoption.school_year + 1)
    planned = adoption_create(school_class=next_year, company=company)
    page = web_client(teacher.user).get(f"/plans/{planned.plan.pk}/").content.decode()
    assert "Continue into 9th grade?" not in page


# Garbage -----------------------------------------------------------------------------------

GARBAGE = {
    "title": "x" * 5000,
    "kind": "party",
    "status": "cancelled",
    "planned_month": "13/2027",
    "date": "2027-02-30",
    "start_time": "25:61",
    "end_time": "nonsense",
    "learning_goals": ["999999999999999999999", "abc"],
    "preparation": "x" * 5000,
    "description": "x" * 5000,
    "follow_up": "x" * 5000,
    "target_activities": "99999999999999999999999",
    "goals_note": "x" * 5000,
    "place": "x" * 500,
    "message": "x" * 3000,
    "wants": "maybe",
    "side": "the moon",
}
FORMS = [
    ("/plans/{plan}/edit/", {"target_activities", "goals_note"}),
    (
        "/plans/{plan}/activities/new/",
        {"title", "kind", "status", "planned_month", "date", "start_time", "end_time", "learning_goals"}
        | {"preparation", "description", "follow_up"},
    ),
    (
        "/activities/{activity}/edit/",
        {"title", "kind", "status", "planned_month", "date", "start_time", "end_time", "learning_goals"}
        | {"preparation", "description", "follow_up"},
    ),
    ("/activities/{activity}/book/", {"date", "start_time", "end_time", "place", "message"}),
]


@pytest.mark.parametrize(("url", "fields"), FORMS)
def test_garbage_gives_a_message_per_field_and_saves_nothing(plan, teacher, url, fields):
    activity = activity_create(actor=teacher.user, plan=plan, title="Fast", kind="project")
    before = PlanChange.objects.count()
    response = web_client(teacher.user).post(url.format(plan=plan.pk, activity=activity.pk), GARBAGE)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= fields, set(fields) - set(form.errors)
    assert PlanChange.objects.count() == before
    assert not Booking.objects.exists()
    activity.refresh_from_db()
    assert activity.title == "Fast"


@pytest.mark.parametrize("url", [f[0] for f in FORMS])
def test_empty_post_gives_messages_and_saves_nothing(plan, teacher, url):
    activity = activity_create(actor=teacher.user, plan=plan, title="Fast", kind="project")
    before = PlanChange.objects.count()
    response = web_client(teacher.user).post(url.format(plan=plan.pk, activity=activity.pk), {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert PlanChange.objects.count() == before


def test_garbage_renewal_answer_is_reported_and_saves_nothing(plan, teacher):
    response = web_client(teacher.user).post(f"/adoptions/{plan.adoption_id}/renewal/", GARBAGE, follow=True)
    assert response.status_code == 200
    assert "Continue into 9th grade?" in response.content.decode()
    plan.adoption.refresh_from_db()
    assert plan.adoption.school_wants_renewal is None


def test_booking_an_activity_outside_a_school_day_is_refused_on_its_field(plan, teacher):
    """A Saturday is refused next to the date, a ten-hour visit next to the end time; nothing is booked."""
    activity = activity_create(actor=teacher.user, plan=plan, title="Besøg", kind="company_visit")
    day = school_day()
    saturday = day + dt.timedelta(days=5 - day.weekday())
    client = web_client(teacher.user)
    url = f"/activities/{activity.pk}/book/"
    weekend = client.post(url, {"date": saturday.isoformat(), "start_time": "00:00", "end_time": "23:59"})
    too_long = client.post(url, {"date": day.isoformat(), "start_time": "07:00", "end_time": "17:00"})
    assert "school day" in " ".join(weekend.context["form"].errors["date"])
    assert "at most 8 hours" in " ".join(too_long.context["form"].errors["end_time"])
    assert not Booking.objects.exists()


def test_history_reads_in_the_readers_language_whoever_wrote_it(plan, teacher, host):
    """A Danish teacher adds an activity: an English
    reader of the plan sees the line in English, a Danish one in Danish, and so does the API."""
    with translation.override("da"):
        activity_create(actor=teacher.user, plan=plan, title="Vindmølleværksted", kind="company_visit")

    english = web_client(host.user, "en").get(f"/plans/{plan.pk}/").content.decode()
    danish = web_client(host.user, "da").get(f"/plans/{plan.pk}/").content.decode()

    assert "Added “Vindmølleværksted”" in english
    assert "Tilføjede" not in english
    assert "Tilføjede »Vindmølleværksted«" in danish
    history = web_client(host.user, "en").get(f"/api/v1/plans/{plan.pk}/history/", HTTP_ACCEPT_LANGUAGE="en")
    assert [change["summary"] for change in history.json()["results"]] == ["Added “Vindmølleværksted”"]
