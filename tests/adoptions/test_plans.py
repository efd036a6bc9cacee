# ruff: noqa: F811 (pytest fixtures imported from plan_helpers are parameters by the same name)
"""The annual plan's rules: who edits, what an activity may be, its statuses, booking a dated
activity on the company's private slot, the history of every change, the monthly capacity."""

import datetime as dt

import pytest
from django.utils import timezone

from adoptions.models import Adoption, PlanActivity, PlanChange
from adoptions.services import (
    activity_book,
    activity_create,
    activity_delete,
    activity_month_warning,
    activity_set_status,
    activity_update,
    company_month_load,
    current_status,
    learning_goals_for,
    plan_progress,
    plan_update,
)
from bookings import services as booking_services
from bookings.models import Booking, Offer
from core.errors import DomainError
from notifications.models import OutgoingMessage
from notifications.registry import subject_key
from tests import factories
from tests.adoptions.plan_helpers import (  # noqa: F401 (fixtures)
    adoption,
    area_consultant,
    capacity,
    far_consultant,
    goal_for_8th,
    goal_not_for_8th,
    last_month,
    next_month,
    plan,
)
from tests.dates import at, school_day

pytestmark = pytest.mark.django_db


def visit(plan, actor, **fields) -> PlanActivity:
    values = {"title": "Besøg på fabrikken", "kind": PlanActivity.Kind.COMPANY_VISIT, **fields}
    return activity_create(actor=actor, plan=plan, **values)


def refused(code: str, call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# Who edits ------------------------------------------------------------------------------


def test_teacher_host_and_area_consultant_each_add_an_activity(plan, teacher, host, area_consultant):
    """The class's teacher, the company's member and the consultant of the area all write the plan."""
    for actor in (teacher.user, host.user, area_consultant):
        visit(plan, actor, title=f"Af {actor.username}")
    assert plan.activities.count() == 3


def test_outsiders_may_not_edit_the_plan(plan, other_teacher, other_host, far_consultant):
    """A teacher of another school, another company's member and a consultant of another area are refused."""
    for actor in (other_teacher.user, other_host.user, far_consultant):
        refused("not_allowed", visit, plan=plan, actor=actor)
    assert not plan.activities.exists()
    assert not PlanChange.objects.exists()


def test_an_ended_adoptions_plan_is_read_only(plan, teacher):
    """The plan of an ended adoption is history: nobody changes it."""
    Adoption.objects.filter(pk=plan.adoption_id).update(status=Adoption.Status.ENDED)
    plan.adoption.refresh_from_db()
    refused("not_allowed", visit, plan=plan, actor=teacher.user)


# The plan -------------------------------------------------------------------------------


def test_plan_update_sets_target_and_note_and_records_who_and_when(plan, host):
    """The target and the note change, and the history says who changed which fields, and when."""
    before = timezone.now()
    plan_update(actor=host.user, plan=plan, target_activities=12, goals_note="Fokus på energi")
    plan.refresh_from_db()
    assert (plan.target_activities, plan.goals_note) == (12, "Fokus på energi")
    change = PlanChange.objects.get(plan=plan)
    assert change.actor == host.user
    assert change.at >= before
    assert change.fields == {"target_activities": [10, 12], "goals_note": ["", "Fokus på energi"]}


@pytest.mark.parametrize("target", [0, 31, -1, 10**9])
def test_plan_target_outside_1_to_30_is_refused(plan, teacher, target):
    """A target of 0 or above 30 is refused on its field and nothing is saved."""
    error = refused("target_out_of_range", plan_update, actor=teacher.user, plan=plan, target_activities=target)
    assert error.field == "target_activities"
    plan.refresh_from_db()
    assert plan.target_activities == 10
    assert not PlanChange.objects.exists()


def test_unchanged_plan_records_nothing(plan, teacher):
    plan_update(actor=teacher.user, plan=plan, target_activities=10, goals_note="")
    assert not PlanChange.objects.exists()


# Activities -----------------------------------------------------------------------------


def test_activity_create_records_who_and_the_fields(plan, teacher, goal_for_8th):
    """A new activity is an idea by default; the history names the teacher and the fields given."""
    activity = visit(plan, teacher.user, planned_month=next_month().replace(day=15), learning_goals=[goal_for_8th])
    assert activity.status == PlanActivity.Status.IDEA
    assert activity.planned_month == next_month()
    assert list(activity.learning_goals.all()) == [goal_for_8th]
    change = PlanChange.objects.get(activity=activity)
    assert change.actor == teacher.user
    assert change.fields["title"] == [None, "Besøg på fabrikken"]
    assert change.fields["learning_goals"] == [[], [goal_for_8th.pk]]


def test_learning_goals_offered_are_those_covering_the_class_grade(school_class, goal_for_8th, goal_not_for_8th):
    goals = learning_goals_for(school_class)
    assert goal_for_8th in goals
    assert goal_not_for_8th not in goals


def test_learning_goal_of_another_grade_is_refused(plan, teacher, goal_not_for_8th):
    error = refused("goal_not_for_grade", visit, plan=plan, actor=teacher.user, learning_goals=[goal_not_for_8th])
    assert error.field == "learning_goals"


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"title": "  "}, "title_required", "title"),
        ({"title": "x" * 201}, "too_long", "title"),
        ({"kind": "party"}, "kind_invalid", "kind"),
        ({"preparation": "x" * 4001}, "too_long", "preparation"),
        ({"planned_month": dt.date(1999, 12, 1)}, "date_out_of_range", "planned_month"),
    ],
)
def test_invalid_activity_fields_are_refused_on_their_field(plan, teacher, fields, code, field):
    error = refused(code, visit, plan=plan, actor=teacher.user, **fields)
    assert error.field == field
    assert not plan.activities.exists()


def test_activity_needs_both_start_and_end_in_order(plan, teacher):
    start = at(school_day(), 9)
    refused("dates_incomplete", visit, plan=plan, actor=teacher.user, starts_at=start)
    refused("end_before_start", visit, plan=plan, actor=teacher.user, starts_at=start, ends_at=start)


def test_dated_activity_takes_its_dates_month(plan, teacher):
    day = school_day()
    activity = visit(plan, teacher.user, starts_at=at(day, 9), ends_at=at(day, 11), planned_month=next_month())
    assert activity.planned_month == day.replace(day=1)


def test_activity_update_records_only_what_changed(plan, teacher, host):
    activity = visit(plan, teacher.user)
    activity_update(actor=host.user, activity=activity, title="Ekspert i klassen", follow_up="Fremlæggelse")
    change = PlanChange.objects.filter(activity=activity).first()
    assert change.actor == host.user
    assert change.fields == {"title": ["Besøg på fabrikken", "Ekspert i klassen"], "follow_up": ["", "Fremlæggelse"]}


def test_activity_delete_is_recorded_with_its_title(plan, teacher):
    activity = visit(plan, teacher.user)
    activity_delete(actor=teacher.user, activity=activity)
    assert not plan.activities.exists()
    assert PlanChange.objects.filter(plan=plan, fields__title=["Besøg på fabrikken", None]).exists()


# Statuses -------------------------------------------------------------------------------


def test_planned_needs_a_month_or_date(plan, teacher):
    activity = visit(plan, teacher.user)
    refused("planned_needs_when", activity_set_status, actor=teacher.user, activity=activity, status="planned")
    activity_update(actor=teacher.user, activity=activity, planned_month=next_month())
    activity_set_status(actor=teacher.user, activity=activity, status="planned")
    assert activity.status == PlanActivity.Status.PLANNED
    assert PlanChange.objects.filter(activity=activity, fields__status=["idea", "planned"]).exists()


def test_booked_is_reached_only_by_booking(plan, teacher):
    activity = visit(plan, teacher.user, planned_month=next_month())
    refused("booked_needs_booking", activity_set_status, actor=teacher.user, activity=activity, status="booked")


def test_done_only_once_its_date_has_passed(plan, teacher):
    """An activity next month cannot be done yet; one last month can."""
    ahead = visit(plan, teacher.user, planned_month=next_month(), status="planned")
    refused("done_before_date", activity_set_status, actor=teacher.user, activity=ahead, status="done")
    behind = visit(plan, teacher.user, planned_month=last_month(), status="planned")
    activity_set_status(actor=teacher.user, activity=behind, status="done")
    assert behind.status == PlanActivity.Status.DONE


def test_unknown_status_is_refused(plan, teacher):
    activity = visit(plan, teacher.user)
    refused("status_invalid", activity_set_status, actor=teacher.user, activity=activity, status="cancelled")


def test_progress_counts_done_planned_and_target(plan, teacher):
    visit(plan, teacher.user)
    visit(plan, teacher.user, planned_month=next_month(), status="planned")
    done = visit(plan, teacher.user, planned_month=last_month(), status="planned")
    activity_set_status(actor=teacher.user, activity=done, status="done")
    progress = plan_progress(plan)
    assert (progress.done, progress.planned, progress.ideas, progress.target) == (1, 1, 1, 10)
    assert progress.done_percent == 10


# Booking --------------------------------------------------------------------------------


def book(activity, actor, day=None, **kwargs) -> Booking:
    day = day or school_day()
    return activity_book(actor=actor, activity=activity, starts_at=at(day, 9), ends_at=at(day, 11), **kwargs)


def test_booking_an_activity_books_the_class_on_a_private_slot_with_invites(plan, teacher, host, school_class):
    """The class is confirmed on a one-class slot of an unpublished offer of the company; the
    booking's invites go to the teacher and the host through the normal booking messages."""
    activity = visit(plan, teacher.user, planned_month=next_month(), status="planned")
    booking = book(activity, teacher.user, place="Havnegade 12")
    activity.refresh_from_db()
    assert activity.status == PlanActivity.Status.BOOKED
    assert activity.booking == booking
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.school_class_id == school_class.pk
    offer = booking.slot.offer
    assert (offer.is_private, offer.is_published, offer.company_id) == (True, False, plan.adoption.company_id)
    assert booking.slot.capacity_classes == 1
    booking_services.bookings_announce_new()
    invited = set(
        OutgoingMessage.objects.filter(subject_key=subject_key("booking", booking.pk)).values_list(
            "recipient_email", flat=True
        )
    )
    assert {teacher.user.email, host.user.email} <= invited
    assert PlanChange.objects.filter(activity=activity, fields__status=["planned", "booked"]).exists()


def test_booking_an_activity_with_learning_goals_keeps_its_goals(plan, teacher, goal_for_8th):
    """An activity serving learning goals is booked like any other and still serves them."""
    activity = visit(plan, teacher.user, learning_goals=[goal_for_8th], planned_month=next_month(), status="planned")
    book(activity, teacher.user)
    activity.refresh_from_db()
    assert activity.status == PlanActivity.Status.BOOKED
    assert list(activity.learning_goals.all()) == [goal_for_8th]


def test_host_books_for_the_class_and_the_teacher_gets_the_invite(plan, teacher, host):
    activity = visit(plan, host.user)
    booking = book(activity, host.user)
    assert booking.booked_by == teacher.user
    assert PlanChange.objects.filter(activity=activity).first().actor == host.user


def test_private_offer_is_reused_and_kind_follows_the_activity(plan, teacher):
    first = book(visit(plan, teacher.user), teacher.user)
    second = book(visit(plan, teacher.user), teacher.user, day=school_day(weekday=3))
    expert = book(
        visit(plan, teacher.user, kind=PlanActivity.Kind.EXPERT_AT_SCHOOL), teacher.user, day=school_day(weekday=2)
    )
    assert first.slot.offer_id == second.slot.offer_id
    assert expert.slot.offer.kind == Offer.Kind.EXPERT_VISIT
    assert not Offer.objects.filter(is_private=True, is_published=True).exists()


def test_booking_overlapping_another_booking_of_the_class_is_refused(plan, teacher, school_class, offer):
    """The class's ordinary booking at the same time refuses the activity's booking; nothing changes."""
    slot = factories.SlotFactory(offer=offer, start=at(school_day(), 9), end=at(school_day(), 11))
    booking_services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    activity = visit(plan, teacher.user)
    start = slot.start
    with pytest.raises(DomainError) as caught:
        activity_book(actor=teacher.user, activity=activity, starts_at=start, ends_at=start + dt.timedelta(hours=1))
    assert caught.value.code == "class_busy"
    activity.refresh_from_db()
    assert activity.status == PlanActivity.Status.IDEA
    assert activity.booking is None


def test_booking_in_the_past_is_refused(plan, teacher):
    activity = visit(plan, teacher.user)
    start = timezone.now() - dt.timedelta(days=2)
    refused(
        "start_in_past",
        activity_book,
        actor=teacher.user,
        activity=activity,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )


def test_booked_activity_keeps_its_time_and_is_not_deleted(plan, teacher):
    activity = visit(plan, teacher.user)
    book(activity, teacher.user)
    later = activity.starts_at + dt.timedelta(days=1)
    refused(
        "booked_keeps_dates",
        activity_update,
        actor=teacher.user,
        activity=activity,
        starts_at=later,
        ends_at=later + dt.timedelta(hours=1),
    )
    refused("booked_not_deleted", activity_delete, actor=teacher.user, activity=activity)
    refused("already_booked", book, activity=activity, actor=teacher.user)


def test_cancelled_booking_returns_the_activity_to_planned(plan, teacher):
    """When the booking is cancelled, the activity reads as planned again and can be booked anew."""
    activity = visit(plan, teacher.user)
    booking = book(activity, teacher.user)
    booking_services.booking_cancel(booking=booking, actor=teacher.user)
    activity.refresh_from_db()
    assert current_status(activity) == PlanActivity.Status.PLANNED
    assert plan_progress(plan).planned == 1
    again = book(activity, teacher.user, day=school_day(weekday=3))
    assert again.status == Booking.Status.CONFIRMED


def test_private_offer_cannot_be_published(plan, teacher, host):
    booking = book(visit(plan, teacher.user), teacher.user)
    refused(
        "private_offer", booking_services.offer_update, offer=booking.slot.offer, actor=host.user, is_published=True
    )


# Monthly capacity ------------------------------------------------------------------------


def test_month_load_counts_activities_and_ordinary_bookings(plan, teacher, company, school_class, offer):
    """Planned adoption activities and the company's ordinary bookings in the month are counted
    together; a booked activity counts once (as its booking); ideas do not count."""
    day = school_day()
    month = day.replace(day=1)
    capacity(company, per_month=3)
    slot = factories.SlotFactory(offer=offer, start=at(day, 13), end=at(day, 14))
    other = factories.SchoolClassFactory(school=school_class.school)
    booking_services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=other.pk, pupils=10)
    visit(plan, teacher.user, planned_month=month, status="planned")
    visit(plan, teacher.user, planned_month=month)  # an idea
    book(visit(plan, teacher.user), teacher.user, day=day)
    load = company_month_load(company=company, month=month)
    assert (load.activities, load.bookings, load.limit, load.over) == (1, 2, 3, False)


def test_planning_over_the_monthly_capacity_warns_but_saves(plan, teacher, company):
    month = next_month()
    capacity(company, per_month=1)
    first = visit(plan, teacher.user, planned_month=month, status="planned")
    assert activity_month_warning(first) is None
    second = visit(plan, teacher.user, planned_month=month, status="planned")
    warning = activity_month_warning(second)
    assert warning and company.name in warning
    assert plan.activities.count() == 2


def test_no_capacity_stated_means_no_warning(plan, teacher):
    activity = visit(plan, teacher.user, planned_month=next_month(), status="planned")
    assert activity_month_warning(activity) is None
