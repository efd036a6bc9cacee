# ruff: noqa: F811 (pytest fixtures imported from plan_helpers are parameters by the same name)
"""The plan API shows what the pages show: a booked activity at its booking's time as it
stands, read without a query per activity."""

import datetime as dt

import pytest

from adoptions.services import activity_book, activity_create
from bookings import services as booking_services
from tests.adoptions.plan_helpers import adoption, plan  # noqa: F401 (fixtures)
from tests.conftest import client_for
from tests.dates import at, school_day

pytestmark = pytest.mark.django_db


def booked(plan, teacher, day: dt.date, hour: int = 9):
    activity = activity_create(actor=teacher.user, plan=plan, title="Besøg", kind="company_visit")
    booking = activity_book(actor=teacher.user, activity=activity, starts_at=at(day, hour), ends_at=at(day, hour + 2))
    return activity, booking


def test_a_booked_activity_shows_its_booking_time_after_the_host_moves_it(plan, teacher, host):
    """The host moves the slot; the activity in the API follows the booking, as the plan page does."""
    day = school_day()
    activity, booking = booked(plan, teacher, day)
    booking_services.slot_update(slot=booking.slot, actor=host.user, start=at(day, 12), end=at(day, 14))

    shown = client_for(teacher.user).get(f"/api/v1/activities/{activity.pk}/").json()
    listed = client_for(teacher.user).get(f"/api/v1/activities/?plan={plan.pk}").json()["results"][0]

    for data in (shown, listed):
        assert dt.datetime.fromisoformat(data["starts_at"]) == at(day, 12)
        assert dt.datetime.fromisoformat(data["ends_at"]) == at(day, 14)


def slot_reads(queries) -> int:
    return sum(1 for query in queries if query["sql"].startswith("SELECT") and 'FROM "bookings_slot"' in query["sql"])


def test_listing_booked_activities_reads_their_slots_with_them(plan, teacher, django_assert_max_num_queries):
    """The booking's slot is read with the activity, not once per activity."""
    api = client_for(teacher.user)
    booked(plan, teacher, school_day())
    with django_assert_max_num_queries(100) as one:
        api.get(f"/api/v1/activities/?plan={plan.pk}")
    for weekday in (1, 2, 3):
        booked(plan, teacher, school_day(weekday=weekday), hour=12)
    with django_assert_max_num_queries(100) as four:
        api.get(f"/api/v1/activities/?plan={plan.pk}")
    assert slot_reads(four.captured_queries) == slot_reads(one.captured_queries)


def test_booking_an_activity_on_a_saturday_is_refused_on_its_field(plan, teacher):
    """A class visit takes place on a school day: the API says so with a code, on starts_at."""
    activity = activity_create(actor=teacher.user, plan=plan, title="Besøg", kind="company_visit")
    day = school_day()
    saturday = day + dt.timedelta(days=5 - day.weekday())
    response = client_for(teacher.user).post(
        f"/api/v1/activities/{activity.pk}/book/",
        {"starts_at": at(saturday, 0).isoformat(), "ends_at": at(saturday, 23, 59).isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "weekend"
    assert response.json()["starts_at"] == [response.json()["detail"]]


def test_a_page_of_activities_has_the_month_warnings_of_one_by_one(plan, teacher, company, school_class, offer):
    """The list reads the capacity warnings of its page together; each is the one the
    activity's own page shows: over the company's monthly capacity counting its ordinary
    bookings, its planned activities and a booked activity once."""
    from adoptions.models import PlanActivity
    from adoptions.services import activity_month_warning, activity_month_warnings
    from tests import factories
    from tests.adoptions.plan_helpers import capacity, next_month

    capacity(company, per_month=2)
    day = school_day()
    other = factories.SchoolClassFactory(school=school_class.school)
    slot = factories.SlotFactory(offer=offer, start=at(day, 13), end=at(day, 14))
    booking_services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=other.pk, pupils=10)
    booked(plan, teacher, day)
    for month in (day.replace(day=1), next_month(), next_month()):
        activity_create(actor=teacher.user, plan=plan, title="Besøg", kind="company_visit", planned_month=month)
        activity_create(
            actor=teacher.user, plan=plan, title="Besøg", kind="company_visit", planned_month=month, status="planned"
        )
    activities = list(PlanActivity.objects.select_related("plan__adoption__company", "booking__slot"))

    together = activity_month_warnings(activities)

    assert {activity.pk: activity_month_warning(activity) for activity in activities if activity.pk in together} == (
        together
    )
    assert any(together.values())  # the booked activity's month: 3 against 2


@pytest.mark.parametrize("url", ["/api/v1/activities/", "/api/v1/plans/"])
def test_a_page_of_activities_or_plans_costs_the_same_statements_whatever_its_size(
    url, plan, teacher, django_assert_max_num_queries
):
    from tests.adoptions.plan_helpers import capacity, next_month

    capacity(plan.adoption.company, per_month=1)
    # Planned, not ideas: an idea has no month to warn about, so a page of one idea reads none.
    for status in ("planned", "planned", "planned"):
        activity_create(
            actor=teacher.user,
            plan=plan,
            title="Besøg",
            kind="company_visit",
            planned_month=next_month(),
            status=status,
        )
    booked(plan, teacher, school_day())
    api = client_for(teacher.user)

    with django_assert_max_num_queries(30) as one:
        assert api.get(url, {"page_size": 1}).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert api.get(url, {"page_size": 100}).status_code == 200


def test_the_schema_describes_every_status_an_activity_is_shown_with(client):
    """A booked or done activity is answered with that status, so the response schema lists it
    (found by the schema fuzz test on the demo's done activities)."""
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()["components"]["schemas"]

    shown = schema["Activity"]["properties"]["status"]
    shown = shown["allOf"][0] if "allOf" in shown else shown
    enum = schema[shown["$ref"].rsplit("/", 1)[-1]]["enum"] if "$ref" in shown else shown["enum"]

    assert set(enum) == {"idea", "planned", "booked", "done"}


@pytest.mark.parametrize("status", ["booked", "done"])
def test_an_activity_is_not_created_booked_or_done(plan, teacher, status):
    """Booked is reached by booking, done through the status action: on creation, a 400 on `status`."""
    response = client_for(teacher.user).post(
        "/api/v1/activities/",
        {"plan": plan.pk, "title": "Besøg", "kind": "company_visit", "status": status},
        format="json",
    )

    assert response.status_code == 400
    assert "status" in response.json()
    assert not plan.activities.exists()
