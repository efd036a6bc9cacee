"""The annual plan: teacher, host and consultant write it together. Every change is recorded
(who, when, which fields, a summary) in the same transaction as the change. A dated activity
is booked through bookings' private booking (a one-class slot of the company's own, so the
class does not compete with the public catalogue). The company's monthly capacity counts its
adoption activities and its ordinary bookings together; going over it is a warning, never a
refusal: the company knows best whether it can take one more."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, DateField, Q, QuerySet
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from adoptions.models import MAX_TARGET_ACTIVITIES, Adoption, AnnualPlan, CompanyCapacity, PlanActivity, PlanChange
from adoptions.permissions import can_edit_plan
from bookings import services as booking_services
from bookings.models import Booking, Offer
from companies.models import Company
from core.errors import DomainError
from core.models import LearningGoal
from core.validators import EARLIEST_DATE, LATEST_DATE
from schools.models import SchoolClass, Teacher
from schools.selectors import teacher_of

NOT_ALLOWED = _("Only the class's teachers, the company's members and the consultant may change this plan.")
TARGET_OUT_OF_RANGE = _("The target must be from 1 to %(high)s activities.")
TITLE_REQUIRED = _("Give the activity a title.")
KIND_INVALID = _("Choose one of the kinds of activity.")
DATES_INCOMPLETE = _("Give both the start and the end, or neither.")
END_BEFORE_START = _("The end must be after the start.")
DATE_OUT_OF_RANGE = _("Give a date between %(earliest)s and %(latest)s.")
GOAL_NOT_FOR_GRADE = _("Choose learning goals that cover the class's grade.")
TEXT_TOO_LONG = _("At most %(limit)s characters.")
STATUS_INVALID = _("Choose one of the statuses.")
BOOKED_NEEDS_BOOKING = _("An activity is booked by booking it, not by setting its status.")
PLANNED_NEEDS_WHEN = _("Give the activity a month or a date before it is planned.")
DONE_BEFORE_DATE = _("An activity is done only once its date has passed.")
BOOKED_KEEPS_DATES = _("The activity is booked: move or cancel the booking to change its time.")
BOOKED_NOT_DELETED = _("The activity is booked: cancel its booking first.")
ALREADY_BOOKED = _("The activity is already booked.")
DONE_NOT_BOOKED = _("The activity is done.")
OVER_CAPACITY = _(
    "%(company)s has %(load)s activities and visits in %(month)s, more than the %(limit)s a month it can host."
)

MAX_TITLE = 200
MAX_TEXT = 4000
ACTIVITY_TEXTS = ("preparation", "description", "follow_up")
ACTIVITY_FIELDS = ("title", "kind", "planned_month", "starts_at", "ends_at", "learning_goals", *ACTIVITY_TEXTS)
# An activity of one of these kinds is booked on the company's private offer of the same kind.
BOOKING_KIND = {
    PlanActivity.Kind.EXPERT_AT_SCHOOL: Offer.Kind.EXPERT_VISIT,
}
ENDED_BOOKING = (Booking.Status.CANCELLED, Booking.Status.DECLINED)
BOOKING_FIELDS = {"start": "starts_at", "end": "ends_at"}


# Reading ------------------------------------------------------------------------------------


def current_status(activity: PlanActivity) -> str:
    """The activity's status as it stands: a booked activity whose booking was cancelled or
    declined (by the host, by the school, by a cancelled slot) is planned again. Bookings know
    nothing of plans, so this is decided when read."""
    if activity.status == PlanActivity.Status.BOOKED and (
        activity.booking_id is None or activity.booking.status in ENDED_BOOKING
    ):
        return PlanActivity.Status.PLANNED
    return activity.status


def current_times(activity: PlanActivity) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the activity takes place as it stands: a booked activity when its booking's slot
    does (the host may move the slot, and bookings know nothing of plans), else its own time."""
    if current_status(activity) == PlanActivity.Status.BOOKED:
        return activity.booking.slot.start, activity.booking.slot.end
    return activity.starts_at, activity.ends_at


def activity_month(activity: PlanActivity) -> dt.date | None:
    """The first day of the month the activity takes place in: its date's, else its planned month."""
    if activity.starts_at is not None:
        return timezone.localtime(activity.starts_at).date().replace(day=1)
    return activity.planned_month


@dataclass(frozen=True)
class Progress:
    done: int
    planned: int  # planned or booked, not done yet
    ideas: int
    target: int

    @property
    def done_percent(self) -> int:
        return min(100, round(100 * self.done / self.target)) if self.target else 0

    @property
    def planned_percent(self) -> int:
        return min(100 - self.done_percent, round(100 * self.planned / self.target)) if self.target else 0


def plan_progress(plan: AnnualPlan, activities: list[PlanActivity] | None = None) -> Progress:
    """Done, planned (or booked) and ideas against the plan's target."""
    if activities is None:
        activities = list(plan.activities.select_related("booking"))
    statuses = [current_status(activity) for activity in activities]
    return Progress(
        done=statuses.count(PlanActivity.Status.DONE),
        planned=statuses.count(PlanActivity.Status.PLANNED) + statuses.count(PlanActivity.Status.BOOKED),
        ideas=statuses.count(PlanActivity.Status.IDEA),
        target=plan.target_activities,
    )


def learning_goals_for(school_class: SchoolClass) -> QuerySet[LearningGoal]:
    """The learning goals (Fælles Mål competence areas) that cover the class's grade."""
    return LearningGoal.objects.filter(grade_min__lte=school_class.grade, grade_max__gte=school_class.grade)


# Monthly capacity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthLoad:
    month: dt.date
    activities: int  # adoption activities not (or no longer) booked
    bookings: int  # bookings holding a place on the company's offers, adoption bookings included
    limit: int | None  # None: the company has stated no capacity

    @property
    def total(self) -> int:
        return self.activities + self.bookings

    @property
    def over(self) -> bool:
        return self.limit is not None and self.total > self.limit


def _month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(first, dt.time.min, tzinfo=zone),
        dt.datetime.combine(following, dt.time.min, tzinfo=zone),
    )


def company_month_limit(company: Company) -> int | None:
    """The activities a month the company can host, from its latest stated capacity."""
    capacity = (
        CompanyCapacity.objects.filter(company=company).order_by("-round__school_year", "-updated_at", "-id").first()
    )
    return capacity.activities_per_month if capacity else None


def company_month_load(*, company: Company, month: dt.date) -> MonthLoad:
    """What the company hosts in `month`: its ordinary bookings holding a place (a booked
    adoption activity is one of them) and its adoption activities planned that month that
    hold no booking, against its latest capacity."""
    start, end = _month_bounds(month)
    bookings = Booking.objects.filter(
        slot__offer__company=company, status__in=Booking.HOLDING_PLACE, slot__start__gte=start, slot__start__lt=end
    ).count()
    in_month = Q(starts_at__gte=start, starts_at__lt=end) | Q(
        starts_at__isnull=True, planned_month=month.replace(day=1)
    )
    holding_booking = Q(booking__status__in=Booking.HOLDING_PLACE)
    activities = (
        PlanActivity.objects.filter(
            in_month,
            plan__adoption__company=company,
            plan__adoption__status=Adoption.Status.ACTIVE,
            status__in=(PlanActivity.Status.PLANNED, PlanActivity.Status.BOOKED, PlanActivity.Status.DONE),
        )
        .exclude(holding_booking)
        .count()
    )
    return MonthLoad(
        month=month.replace(day=1), activities=activities, bookings=bookings, limit=company_month_limit(company)
    )


def month_warning(load: MonthLoad, company: Company, *, adding: int = 0) -> str | None:
    """The warning shown when the company's month is (or with `adding` more would be) over its capacity."""
    if load.limit is None or load.total + adding <= load.limit:
        return None
    return gettext(OVER_CAPACITY) % {
        "company": company.name,
        "load": load.total + adding,
        "month": date_format(load.month, "YEAR_MONTH_FORMAT"),
        "limit": load.limit,
    }


def activity_month_warning(activity: PlanActivity) -> str | None:
    """The capacity warning for the month of a planned, booked or done activity, if any."""
    month = activity_month(activity)
    if month is None or activity.status == PlanActivity.Status.IDEA:
        return None
    company = activity.plan.adoption.company
    return month_warning(company_month_load(company=company, month=month), company)


def _as_date(month: dt.date | dt.datetime) -> dt.date:
    """A month read by an aggregate: PostgreSQL gives COALESCE(date_trunc(…), date) as a
    timestamp, SQLite as a date."""
    return month.date() if isinstance(month, dt.datetime) else month


def activity_month_warnings(activities: list[PlanActivity]) -> dict[int, str | None]:
    """activity_month_warning for each of `activities` (by id), in three statements however
    many there are (a page of the API's list): the companies' bookings and their activities
    without a booking counted per month, and their latest capacities."""
    months = {
        activity.pk: (activity.plan.adoption.company, month)
        for activity in activities
        if (month := activity_month(activity)) is not None and activity.status != PlanActivity.Status.IDEA
    }
    if not months:
        return {}
    company_ids = {company.pk for company, _ in months.values()}
    start = _month_bounds(min(month for _, month in months.values()))[0]
    end = _month_bounds(max(month for _, month in months.values()))[1]
    zone = timezone.get_current_timezone()
    bookings = (
        Booking.objects.filter(
            slot__offer__company__in=company_ids,
            status__in=Booking.HOLDING_PLACE,
            slot__start__gte=start,
            slot__start__lt=end,
        )
        .annotate(month=TruncMonth("slot__start", output_field=DateField(), tzinfo=zone))
        .values_list("slot__offer__company", "month")
        .annotate(count=Count("id"))
    )
    activity_month_sql = Coalesce(TruncMonth("starts_at", output_field=DateField(), tzinfo=zone), "planned_month")
    planned = (
        PlanActivity.objects.filter(
            Q(starts_at__gte=start, starts_at__lt=end)
            | Q(starts_at__isnull=True, planned_month__gte=start.date(), planned_month__lt=end.date()),
            plan__adoption__company__in=company_ids,
            plan__adoption__status=Adoption.Status.ACTIVE,
            status__in=(PlanActivity.Status.PLANNED, PlanActivity.Status.BOOKED, PlanActivity.Status.DONE),
        )
        .exclude(booking__status__in=Booking.HOLDING_PLACE)
        .annotate(month=activity_month_sql)
        .values_list("plan__adoption__company", "month")
        .annotate(count=Count("id"))
    )
    booked = {(company_id, _as_date(month)): count for company_id, month, count in bookings}
    unbooked = {(company_id, _as_date(month)): count for company_id, month, count in planned}
    limits: dict[int, int] = {}
    for capacity in CompanyCapacity.objects.filter(company__in=company_ids).order_by(
        "company", "-round__school_year", "-updated_at", "-id"
    ):
        limits.setdefault(capacity.company_id, capacity.activities_per_month)
    warnings = {}
    for activity_id, (company, month) in months.items():
        key = (company.pk, month)
        load = MonthLoad(
            month=month, activities=unbooked.get(key, 0), bookings=booked.get(key, 0), limit=limits.get(company.pk)
        )
        warnings[activity_id] = month_warning(load, company)
    return warnings


# Writing ------------------------------------------------------------------------------------


def _check_may_edit(actor: User, plan: AnnualPlan) -> None:
    if not can_edit_plan(actor, plan):
        raise DomainError(NOT_ALLOWED, code="not_allowed")


def _record(
    plan: AnnualPlan,
    *,
    actor: User,
    action: str,
    fields: dict,
    activity: PlanActivity | None = None,
    subject: str = "",
) -> None:
    """One line of the plan's history: what happened as data (each reader sees it in their own
    language) and, as written now, the sentence for readers of the raw row."""
    change = PlanChange(plan=plan, activity=activity, actor=actor, action=action, subject=subject, fields=fields)
    change.summary = change.description[:300]
    change.save()


def _shown(value: Any) -> Any:
    """A field's value as the history stores it (JSON)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    return {
        name: [_shown(before.get(name)), _shown(value)] for name, value in after.items() if before.get(name) != value
    }


@transaction.atomic
@audited("adoptions.plan.update", target="plan")
def plan_update(*, actor: User, plan: AnnualPlan, target_activities: int, goals_note: str = "") -> AnnualPlan:
    """Set the plan's target (1–30 activities) and the note on the class's learning goals."""
    _check_may_edit(actor, plan)
    if not isinstance(target_activities, int) or not 1 <= target_activities <= MAX_TARGET_ACTIVITIES:
        raise DomainError(
            TARGET_OUT_OF_RANGE % {"high": MAX_TARGET_ACTIVITIES}, code="target_out_of_range", field="target_activities"
        )
    _check_text(goals_note, field="goals_note")
    before = {"target_activities": plan.target_activities, "goals_note": plan.goals_note}
    after = {"target_activities": target_activities, "goals_note": goals_note}
    changed = _changes(before, after)
    if not changed:
        return plan
    plan.target_activities, plan.goals_note = target_activities, goals_note
    plan.save(update_fields=["target_activities", "goals_note", "updated_at"])
    _record(plan, actor=actor, action=PlanChange.Action.PLAN, fields=changed)
    return plan


def _check_text(value: str, *, field: str, limit: int = MAX_TEXT) -> None:
    if len(value) > limit:
        raise DomainError(TEXT_TOO_LONG % {"limit": limit}, code="too_long", field=field)


def _check_in_range(value: dt.date | dt.datetime | None, *, field: str) -> None:
    if value is None:
        return
    day = timezone.localtime(value).date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        message = DATE_OUT_OF_RANGE % {"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()}
        raise DomainError(message, code="date_out_of_range", field=field)


def _clean_activity(plan: AnnualPlan, fields: dict[str, Any]) -> dict[str, Any]:
    """Check an activity's fields (all of ACTIVITY_FIELDS) and return them tidied: the planned
    month is a month's first day, and a dated activity's month is its date's."""
    title = (fields["title"] or "").strip()
    if not title:
        raise DomainError(TITLE_REQUIRED, code="title_required", field="title")
    _check_text(title, field="title", limit=MAX_TITLE)
    if fields["kind"] not in PlanActivity.Kind.values:
        raise DomainError(KIND_INVALID, code="kind_invalid", field="kind")
    for name in ACTIVITY_TEXTS:
        _check_text(fields[name] or "", field=name)
    starts_at, ends_at, month = fields["starts_at"], fields["ends_at"], fields["planned_month"]
    if (starts_at is None) != (ends_at is None):
        raise DomainError(
            DATES_INCOMPLETE, code="dates_incomplete", field="ends_at" if ends_at is None else "starts_at"
        )
    _check_in_range(starts_at, field="starts_at")
    _check_in_range(ends_at, field="ends_at")
    _check_in_range(month, field="planned_month")
    if starts_at is not None and ends_at <= starts_at:
        raise DomainError(END_BEFORE_START, code="end_before_start", field="ends_at")
    if starts_at is not None:
        month = timezone.localtime(starts_at).date()
    goals = list(fields["learning_goals"] or [])
    grade = plan.adoption.school_class.grade
    if any(not goal.grade_min <= grade <= goal.grade_max for goal in goals):
        raise DomainError(GOAL_NOT_FOR_GRADE, code="goal_not_for_grade", field="learning_goals")
    return {
        **{name: fields[name] or "" for name in ACTIVITY_TEXTS},
        "title": title,
        "kind": fields["kind"],
        "starts_at": starts_at,
        "ends_at": ends_at,
        "planned_month": month.replace(day=1) if month else None,
        "learning_goals": goals,
    }


def _snapshot(activity: PlanActivity) -> dict[str, Any]:
    values = {name: getattr(activity, name) for name in ACTIVITY_FIELDS if name != "learning_goals"}
    values["learning_goals"] = sorted(goal.pk for goal in activity.learning_goals.all()) if activity.pk else []
    return values


def _apply(activity: PlanActivity, cleaned: dict[str, Any]) -> dict[str, list]:
    """Set the cleaned fields on the activity, save it, and return what changed."""
    before = _snapshot(activity) if activity.pk else {}
    goals = cleaned.pop("learning_goals")
    for name, value in cleaned.items():
        setattr(activity, name, value)
    activity.save()
    activity.learning_goals.set(goals)
    after = {**cleaned, "learning_goals": sorted(goal.pk for goal in goals)}
    if not before:  # a new activity: what was given
        return {
            name: [[] if name == "learning_goals" else None, _shown(value)] for name, value in after.items() if value
        }
    return _changes(before, after)


@transaction.atomic
@audited("adoptions.activity.create")
def activity_create(
    *,
    actor: User,
    plan: AnnualPlan,
    title: str,
    kind: str,
    planned_month: dt.date | None = None,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    learning_goals: list[LearningGoal] | None = None,
    preparation: str = "",
    description: str = "",
    follow_up: str = "",
    status: str = PlanActivity.Status.IDEA,
) -> PlanActivity:
    """Add an activity to the plan, as an idea or (with a month or date) planned."""
    _check_may_edit(actor, plan)
    given = {
        "title": title,
        "kind": kind,
        "planned_month": planned_month,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "learning_goals": learning_goals,
        "preparation": preparation,
        "description": description,
        "follow_up": follow_up,
    }
    cleaned = _clean_activity(plan, given)
    if status not in (PlanActivity.Status.IDEA, PlanActivity.Status.PLANNED):
        raise DomainError(STATUS_INVALID, code="status_invalid", field="status")
    activity = PlanActivity(plan=plan, status=status)
    if status == PlanActivity.Status.PLANNED and cleaned["planned_month"] is None:
        raise DomainError(PLANNED_NEEDS_WHEN, code="planned_needs_when", field="planned_month")
    changed = _apply(activity, cleaned)
    changed["status"] = [None, status]
    _record(
        plan, actor=actor, activity=activity, action=PlanChange.Action.ADDED, subject=activity.title, fields=changed
    )
    return activity


@transaction.atomic
@audited("adoptions.activity.update", target="activity", fields=True)
def activity_update(*, actor: User, activity: PlanActivity, **fields: Any) -> PlanActivity:
    """Change an activity's fields (any of ACTIVITY_FIELDS); a booked activity keeps its time."""
    plan = activity.plan
    _check_may_edit(actor, plan)
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise TypeError(f"activity_update got unknown fields: {sorted(unknown)}")
    merged = {**_snapshot(activity), **fields}
    merged["learning_goals"] = (
        fields["learning_goals"] if "learning_goals" in fields else list(activity.learning_goals.all())
    )
    cleaned = _clean_activity(plan, merged)
    if current_status(activity) == PlanActivity.Status.BOOKED and (
        cleaned["starts_at"] != activity.starts_at or cleaned["ends_at"] != activity.ends_at
    ):
        raise DomainError(BOOKED_KEEPS_DATES, code="booked_keeps_dates", field="starts_at")
    if activity.status != PlanActivity.Status.IDEA and cleaned["planned_month"] is None:
        raise DomainError(PLANNED_NEEDS_WHEN, code="planned_needs_when", field="planned_month")
    changed = _apply(activity, cleaned)
    if changed:
        _record(
            plan,
            actor=actor,
            activity=activity,
            action=PlanChange.Action.CHANGED,
            subject=activity.title,
            fields=changed,
        )
    return activity


@transaction.atomic
@audited("adoptions.activity.delete", target="activity")
def activity_delete(*, actor: User, activity: PlanActivity) -> None:
    """Remove an activity that holds no active booking; the history keeps its title."""
    plan = activity.plan
    _check_may_edit(actor, plan)
    if activity.booking_id is not None and activity.booking.status in Booking.ACTIVE:
        raise DomainError(BOOKED_NOT_DELETED, code="booked_not_deleted")
    _record(
        plan,
        actor=actor,
        action=PlanChange.Action.DELETED,
        subject=activity.title,
        fields={"title": [activity.title, None]},
    )
    activity.delete()


@transaction.atomic
@audited("adoptions.activity.set_status", target="activity")
def activity_set_status(*, actor: User, activity: PlanActivity, status: str) -> PlanActivity:
    """Move an activity between idea, planned and done: planned needs a month or date, done
    needs its date (or month) to have come. Booked is reached by booking it (activity_book);
    an activity whose booking ended may be set back."""
    plan = activity.plan
    _check_may_edit(actor, plan)
    if status not in PlanActivity.Status.values:
        raise DomainError(STATUS_INVALID, code="status_invalid", field="status")
    old = current_status(activity)
    if status == PlanActivity.Status.BOOKED:
        if old != PlanActivity.Status.BOOKED:
            raise DomainError(BOOKED_NEEDS_BOOKING, code="booked_needs_booking", field="status")
    elif old == PlanActivity.Status.BOOKED and status != PlanActivity.Status.DONE:
        raise DomainError(BOOKED_NOT_DELETED, code="booked_keeps_status", field="status")
    elif status == PlanActivity.Status.PLANNED and activity_month(activity) is None:
        raise DomainError(PLANNED_NEEDS_WHEN, code="planned_needs_when", field="status")
    elif status == PlanActivity.Status.DONE and not _date_has_come(activity):
        raise DomainError(DONE_BEFORE_DATE, code="done_before_date", field="status")
    if status == old and status == activity.status:
        return activity
    activity.status = status
    activity.save(update_fields=["status", "updated_at"])
    _record(
        plan,
        actor=actor,
        activity=activity,
        action=PlanChange.Action.STATUS,
        subject=activity.title,
        fields={"status": [old, status]},
    )
    return activity


def _date_has_come(activity: PlanActivity, now: dt.datetime | None = None) -> bool:
    """A dated activity is done once it has started; one with only a month once the month has begun."""
    now = now or timezone.now()
    if activity.starts_at is not None:
        return activity.starts_at <= now
    return activity.planned_month is not None and activity.planned_month <= timezone.localdate(now)


@transaction.atomic
@audited("adoptions.activity.book", target="activity")
def activity_book(
    *,
    actor: User,
    activity: PlanActivity,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    message: str = "",
) -> Booking:
    """Book the activity for the class with the company at the given time, on a slot of the
    company's own (bookings.services.private_booking_create): the booking rules apply (a
    class visit's time, the class's other bookings, invites and reminders) and nobody else can
    take the place. The
    activity is dated to the booking and becomes booked."""
    plan = activity.plan
    _check_may_edit(actor, plan)
    status = current_status(activity)
    if status == PlanActivity.Status.BOOKED:
        raise DomainError(ALREADY_BOOKED, code="already_booked")
    if status == PlanActivity.Status.DONE:
        raise DomainError(DONE_NOT_BOOKED, code="activity_done")
    _check_text(place, field="place", limit=300)
    _check_text(message, field="message", limit=2000)
    # The snapshot holds the goals' ids (for the history); the rules check the goals themselves.
    fields = {**_snapshot(activity), "learning_goals": list(activity.learning_goals.all())}
    cleaned = _clean_activity(plan, {**fields, "starts_at": starts_at, "ends_at": ends_at})
    adoption = plan.adoption
    details = "\n".join(part for part in (activity.title, place and gettext("Place: %s") % place, message) if part)
    try:
        booking = booking_services.private_booking_create(
            actor=actor,
            company=adoption.company,
            school_class=adoption.school_class,
            kind=BOOKING_KIND.get(activity.kind, Offer.Kind.COMPANY_VISIT),
            start=cleaned["starts_at"],
            end=cleaned["ends_at"],
            message=details,
            booked_for=_teacher_booking(actor, adoption),
        )
    except DomainError as error:
        # The refusal names the field as the caller gave it: starts_at/ends_at, not the slot's start/end.
        error.field = BOOKING_FIELDS.get(error.field, error.field)
        raise
    before = {"starts_at": activity.starts_at, "ends_at": activity.ends_at, "status": status}
    activity.starts_at, activity.ends_at = cleaned["starts_at"], cleaned["ends_at"]
    activity.planned_month = cleaned["planned_month"]
    activity.status, activity.booking = PlanActivity.Status.BOOKED, booking
    activity.save()
    changed = _changes(
        before, {"starts_at": activity.starts_at, "ends_at": activity.ends_at, "status": activity.status}
    )
    changed["booking"] = [None, booking.pk]
    _record(
        plan, actor=actor, activity=activity, action=PlanChange.Action.BOOKED, subject=activity.title, fields=changed
    )
    return booking


def _teacher_booking(actor: User, adoption: Adoption) -> User | None:
    """Whom a booking of the class is for: the teacher booking it, else (a host or consultant
    books) a teacher of the class's school, who gets the teacher's invite and reminders."""
    teacher = teacher_of(actor)
    if teacher is not None and teacher.school_id == adoption.school_class.school_id:
        return actor
    teacher = (
        Teacher.objects.filter(school_id=adoption.school_class.school_id).select_related("user").order_by("id").first()
    )
    return teacher.user if teacher else None
