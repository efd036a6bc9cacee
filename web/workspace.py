"""What needs a consultant's attention across their area, read for the workspace in a few
queries however many rows there are. Every read starts from a domain's scoped selector (or the
area condition of adoptions.selectors), so a consultant with an area sees its schools only and
an administrator, or a consultant without an area, the whole installation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor
from django.utils import timezone

from accounts.models import User
from adoptions.models import Adoption, AdoptionRound, AnnualPlan, ClassWish, CompanyCapacity, MatchRun, PlanActivity
from adoptions.selectors import (
    adoptions_visible_to,
    area_q,
    plans_visible_to,
    proposed_pairs_visible_to,
    rounds_visible_to,
)
from bookings.models import Booking, BookingEvent
from bookings.selectors import booking_list_for_user
from core.dates import school_year_of
from notifications.models import OutgoingMessage
from notifications.registry import split_subject_key
from opendays.models import Application as OpenDayApplication
from opendays.models import Host as OpenDayHost
from opendays.models import MatchRun as OpenDayRun
from opendays.models import OpenDay, Preference
from opendays.selectors import applications_visible_to, hosts_visible_to, open_days_visible_to
from schools.models import SchoolClass

# An application waiting for a guardian's consent this close to expiring is worth a reminder.
GUARDIAN_EXPIRY_WARNING = dt.timedelta(days=2)
# Applications still in the running: a first choice of one of these may fill a host's place.
LIVE_APPLICATION_STATUSES = (
    OpenDayApplication.Status.AWAITING_EMAIL,
    OpenDayApplication.Status.AWAITING_GUARDIAN,
    OpenDayApplication.Status.CONFIRMED,
)
# A request the host has left this many days is the consultant's to chase.
UNANSWERED_AFTER_DAYS = 3
# How many rows of a long attention item the home page names; it counts them all.
ROWS_SHOWN = 25
# The most rows of one item the home page lists when asked for all of them (bounds the page).
ROWS_SHOWN_ALL = 1000
# A class meets a company through a booking that holds a place or was completed; a no-show,
# a cancelled or a declined booking brought no encounter.
ENCOUNTER_STATUSES = (Booking.Status.REQUESTED, Booking.Status.CONFIRMED, Booking.Status.COMPLETED)


@dataclass
class Attention:
    """One item of the home page: how many rows need attention, and the first of them."""

    count: int
    rows: list = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def _attention(queryset: QuerySet, *, show_all: bool = False) -> Attention:
    return Attention(count=queryset.count(), rows=list(queryset[: ROWS_SHOWN_ALL if show_all else ROWS_SHOWN]))


# School year ------------------------------------------------------------------------------


def school_year_share_passed(today: dt.date) -> float:
    """How much of the school year containing `today` has passed, from 0 on 1 August to just
    under 1 on 31 July: the share of an annual plan's target a class should have behind it."""
    year = school_year_of(today)
    start, end = dt.date(year, 8, 1), dt.date(year + 1, 8, 1)
    return (today - start).days / (end - start).days


# Open rounds ------------------------------------------------------------------------------


def _count(queryset: QuerySet, *, of: str = "id", total: str | None = None) -> Coalesce:
    """A subquery counting (or, with `total`, summing) the rows of `queryset` per outer row."""
    aggregate = Sum(total) if total else Count(of)
    return Coalesce(Subquery(queryset.order_by().values("round").annotate(n=aggregate).values("n")), 0)


def open_rounds(user: User) -> list[AdoptionRound]:
    """Rounds not yet closed, each with its capacities, the classes they offer, its wishes and
    its latest run; one query (and one for the rounds' municipalities)."""
    latest_run = MatchRun.objects.filter(round=OuterRef("pk")).order_by("-created_at", "-id")
    capacities = CompanyCapacity.objects.filter(round=OuterRef("pk"))
    rounds = (
        rounds_visible_to(user)
        .exclude(status=AdoptionRound.Status.CLOSED)
        .annotate(
            capacity_count=_count(capacities),
            offered_classes=_count(capacities, total="classes"),
            wish_count=_count(ClassWish.objects.filter(round=OuterRef("pk"))),
            latest_run_id=Subquery(latest_run.values("id")[:1]),
            latest_run_status=Subquery(latest_run.values("status")[:1]),
        )
        .order_by("school_year", "title", "id")
    )
    found = list(rounds)
    for adoption_round in found:
        status = adoption_round.latest_run_status
        adoption_round.latest_run_label = MatchRun.Status(status).label if status else None
    return found


# Requests the host has not answered ---------------------------------------------------------


def requested_at() -> Coalesce:
    """When a booking last became a request: a promotion from the waitlist starts the host's
    time to answer afresh. A booking without events counts from its creation."""
    became_request = BookingEvent.objects.filter(booking=OuterRef("pk"), to_status=Booking.Status.REQUESTED)
    return Coalesce(Subquery(became_request.order_by("-at", "-id").values("at")[:1]), F("created_at"))


def unanswered_requests(user: User, *, now: dt.datetime) -> QuerySet[Booking]:
    """Requests a host has left unanswered for UNANSWERED_AFTER_DAYS days or more, oldest first."""
    return (
        booking_list_for_user(user)
        .filter(status=Booking.Status.REQUESTED)
        .select_related("school_class__school__municipality", "teacher__school__municipality")
        .annotate(requested_at=requested_at())
        .filter(requested_at__lte=now - dt.timedelta(days=UNANSWERED_AFTER_DAYS))
        .order_by("requested_at", "id")
    )


# Classes without a company encounter --------------------------------------------------------


def classes_in_area(user: User) -> QuerySet[SchoolClass]:
    """Every class of the schools in the consultant's area (all classes for the whole installation)."""
    if not (user.is_authenticated and user.sees_everything):
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.select_related("school", "school__municipality")
    area = area_q(user, municipality="school__municipality")
    return classes if area is None else classes.filter(area)


def classes_without_encounter(user: User, *, today: dt.date) -> QuerySet[SchoolClass]:
    """This school year's classes that have met no company: no booking holding a place or
    completed, and no active adoption."""
    encounter = Booking.objects.filter(school_class=OuterRef("pk"), status__in=ENCOUNTER_STATUSES)
    adopted = Adoption.objects.filter(school_class=OuterRef("pk"), status=Adoption.Status.ACTIVE)
    return (
        classes_in_area(user)
        .filter(school_year=school_year_of(today))
        .exclude(Exists(encounter))
        .exclude(Exists(adopted))
        .order_by("school__name", "grade", "name", "id")
    )


# Plans and their progress -------------------------------------------------------------------


class PlanProgress:
    """Where a plan stands against the share of its target the school year so far needs."""

    BEHIND = "behind"
    ON_TRACK = "on_track"
    REACHED = "reached"


def with_progress(plans: QuerySet[AnnualPlan], *, today: dt.date) -> QuerySet[AnnualPlan]:
    """Annotate each plan's activities by status (`done`, `booked`, `planned`, `ideas`), its
    `progress` (done + booked), the activities the school year so far `needed`, and `standing`
    (a PlanProgress value). A plan of an earlier school year needed its whole target; one of
    a later year nothing yet."""
    Status = PlanActivity.Status
    this_year = school_year_of(today)
    share = school_year_share_passed(today)

    def of(status: str) -> Coalesce:
        # A subquery per status rather than a grouped join: the standing below compares counts
        # with `needed`, and PostgreSQL refuses a grouped query whose HAVING reads a joined column.
        activities = PlanActivity.objects.filter(plan=OuterRef("pk"), status=status).order_by()
        return Coalesce(Subquery(activities.values("plan").annotate(n=Count("id")).values("n")), 0)

    needed = Case(
        When(adoption__school_year__lt=this_year, then=F("target_activities")),
        When(
            adoption__school_year=this_year,
            then=Cast(
                Floor(ExpressionWrapper(F("target_activities") * Value(share), output_field=FloatField())),
                IntegerField(),
            ),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        plans.annotate(
            done=of(Status.DONE), booked=of(Status.BOOKED), planned=of(Status.PLANNED), ideas=of(Status.IDEA)
        )
        .annotate(progress=F("done") + F("booked"), needed=needed)
        .annotate(
            standing=Case(
                When(progress__gte=F("target_activities"), then=Value(PlanProgress.REACHED)),
                When(progress__lt=F("needed"), then=Value(PlanProgress.BEHIND)),
                default=Value(PlanProgress.ON_TRACK),
            )
        )
    )


def plans_behind(user: User, *, today: dt.date) -> QuerySet[AnnualPlan]:
    """This school year's plans of active adoptions whose done and booked activities fall short
    of what the share of the year passed needs, furthest behind first."""
    plans = plans_visible_to(user).filter(
        adoption__status=Adoption.Status.ACTIVE, adoption__school_year=school_year_of(today)
    )
    return (
        with_progress(plans, today=today)
        .filter(standing=PlanProgress.BEHIND)
        .select_related("adoption__school_class__school__municipality")
        .order_by(F("progress") - F("needed"), "adoption__school_class__school__name", "id")
    )


# Open days ----------------------------------------------------------------------------------


def open_days_unrun(user: User, *, now: dt.datetime) -> QuerySet[OpenDay]:
    """Days whose application window has closed with no matching run started, soonest first,
    each with its confirmed applications counted: the consultant's next step is the run."""
    confirmed = OpenDayApplication.objects.filter(
        open_day=OuterRef("pk"), status=OpenDayApplication.Status.CONFIRMED
    ).order_by()
    return (
        open_days_visible_to(user)
        .filter(status=OpenDay.Status.OPEN, applications_close__lte=now)
        .exclude(Exists(OpenDayRun.objects.filter(open_day=OuterRef("pk"))))
        .annotate(confirmed=Coalesce(Subquery(confirmed.values("open_day").annotate(n=Count("id")).values("n")), 0))
        .order_by("date", "id")
    )


def guardian_consents_expiring(user: User, *, now: dt.datetime) -> QuerySet[OpenDayApplication]:
    """Applications still waiting for a guardian's consent that expire within
    GUARDIAN_EXPIRY_WARNING, soonest first: a word to the school may save the pupil's place."""
    return (
        applications_visible_to(user)
        .filter(
            status=OpenDayApplication.Status.AWAITING_GUARDIAN,
            expires_at__gt=now,
            expires_at__lte=now + GUARDIAN_EXPIRY_WARNING,
        )
        .order_by("expires_at", "id")
    )


def hosts_without_first_choices(user: User, *, now: dt.datetime) -> QuerySet[OpenDayHost]:
    """Hosts no pupil fills a place of as a first choice: while a day takes applications (its
    window has opened), no live application ranks the host first; once it is published and still
    ahead, no pupil placed there had it as her first choice. Few first choices foretell empty
    places, so the consultant can promote the host or talk to the company."""
    first_choices = Preference.objects.filter(
        host=OuterRef("pk"), rank=1, application__status__in=LIVE_APPLICATION_STATUSES
    ).order_by()
    placed_first = OpenDayApplication.objects.filter(
        host=OuterRef("pk"), outcome=OpenDayApplication.Outcome.PLACED, preference_rank=1
    )
    collecting = Q(open_day__status=OpenDay.Status.OPEN, open_day__applications_open__lte=now)
    published = Q(open_day__status=OpenDay.Status.PUBLISHED, open_day__date__gte=timezone.localdate(now))
    return (
        hosts_visible_to(user)
        .filter(collecting | published)
        .annotate(first_choices=Coalesce(Subquery(first_choices.values("host").annotate(n=Count("id")).values("n")), 0))
        .filter(
            (collecting & Q(first_choices=0)) | (published & ~Exists(placed_first)),
        )
        .order_by("open_day__date", "company__name", "id")
    )


# Failed messages ----------------------------------------------------------------------------

# The subject types (notifications.registry) whose messages a consultant with an area sees,
# each with its rows the user may see; a failed message about anything else is for the
# administrator and the consultants of the whole installation.
AREA_SUBJECTS: dict[str, Callable[[User], QuerySet]] = {
    "booking": booking_list_for_user,
    "adoption": adoptions_visible_to,
    "unplaced": proposed_pairs_visible_to,
}


def failed_messages(user: User) -> QuerySet[OutgoingMessage]:
    """Outbox messages that failed, newest first: all of them for the whole installation; for a
    consultant with an area, those about a booking or an adoption in it. A few
    queries, whatever the number of failed messages."""
    failed = OutgoingMessage.objects.filter(status=OutgoingMessage.Status.FAILED).order_by("-due_at", "-id")
    if not (user.is_authenticated and user.sees_everything):
        return failed.none()
    if user.area_municipality_codes() is None:
        return failed
    subjects: dict[str, dict[str, list[int]]] = {}
    for message_id, key in failed.values_list("id", "subject_key"):
        subject_type, pk = split_subject_key(key)
        if subject_type in AREA_SUBJECTS and pk.isascii() and pk.isdigit() and len(pk) < 19:
            subjects.setdefault(subject_type, {}).setdefault(pk, []).append(message_id)
    visible: list[int] = []
    for subject_type, by_pk in subjects.items():
        seen = AREA_SUBJECTS[subject_type](user).filter(pk__in=[int(pk) for pk in by_pk]).values_list("pk", flat=True)
        for pk in seen:
            visible += by_pk[str(pk)]
    return failed.filter(pk__in=visible)


# The home page ------------------------------------------------------------------------------


def attention_for(
    user: User, *, now: dt.datetime | None = None, all_classes_without_encounter: bool = False
) -> dict[str, object]:
    """Everything the home page shows, each item with its count and its first rows. The classes
    without an encounter have no list page of their own, so the home page lists all of them on request."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "rounds": open_rounds(user),
        "unanswered": _attention(unanswered_requests(user, now=now)),
        "without_encounter": _attention(
            classes_without_encounter(user, today=today), show_all=all_classes_without_encounter
        ),
        "behind": _attention(plans_behind(user, today=today)),
        "failed": _attention(failed_messages(user)),
        "unanswered_days": UNANSWERED_AFTER_DAYS,
        "days_unrun": _attention(open_days_unrun(user, now=now)),
        "guardians_expiring": _attention(guardian_consents_expiring(user, now=now)),
        "hosts_unchosen": _attention(hosts_without_first_choices(user, now=now)),
    }
