"""Demo of the school year so far: the visits this school year held before today, so that the
dashboard's "this year" stands beside last year's and the demo logins can try the feedback pages.

This year's classes meet companies as last year's did, in the share of the year gone by; the
visits ended attended, no-show, cancelled or declined, and those of the last school days are
partly not yet marked ("Did they come?"). The demo logins have fixed visits of their own: one
whose feedback both sides gave, one whose feedback they are still asked for, and one that began
on the last school day and waits for the host to say whether the class came.

Slots and bookings lie in the past, which bookings' services refuse: they are written directly,
as demo/history.py writes them. Feedback goes through the overview's services: the daily round
(`feedback_ask_due`, `feedback_remind_due`) is run at its hour on each day gone by on which
it had something to do, and answers go through `feedback_answer` at their time, so the
requests still open have their links and their e-mails. The e-mails of the days gone by are
marked sent when they were due (written directly, as demo/opendays.py does for last year's);
the last e-mail of each request still open waits in the outbox, for the demo's delivery to
write it to var/mail/.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from django.db.models import F, Max
from django.utils import timezone

from adoptions.models import PlanActivity
from bookings.models import Booking, Offer
from core.dates import holiday_name
from demo.dates import at
from demo.history import COMPLETED, YEARS, Writer, Year, YearSpec, encounters, teacher_visits, weighted
from demo.offers import OfferSpec
from demo.schools import SCHOOL_LOGINS, DemoSchool
from notifications.models import OutgoingMessage
from notifications.registry import subject_key
from overview import services as overview_services
from overview.messages import SUBJECT_TYPE
from overview.models import Feedback
from overview.services.feedback import HELD

CONFIRMED = Booking.Status.CONFIRMED
ROUND_AT = "09:00"  # when the daily feedback round runs (overview/migrations/0004)
UNMARKED_DAYS = 2  # the last school days, of which hosts have marked attendance only in part
UNMARKED_SHARE = 0.5
REMINDER_ROUND = overview_services.REMIND_AFTER
THIS_YEAR = YEARS[-1]  # this year goes as last year did


@dataclass(frozen=True)
class PastVisit:
    """A demo teacher's class at a demo host's offer `days_back` school days ago: `answered`
    both sides' feedback given; not `answered` still asked; not `marked` still waiting for
    the host to say whether the class came."""

    username: str
    class_name: str
    offer: str
    days_back: int
    answered: bool = False
    marked: bool = True


DEMO_VISITS = (
    PastVisit("laerer", "9.A", "nordlys-besog", 15, answered=True),
    PastVisit("laerer", "9.B", "nordlys-besog", 4),
    PastVisit("laerer", "8.B", "nordlys-besog", 1, marked=False),
    PastVisit("laerer2", "9.A", "vindmoelle", 14, answered=True),
    PastVisit("laerer2", "8.A", "vindmoelle", 3),
    PastVisit("laerer2", "7.B", "vindmoelle", 1, marked=False),
)


def this_year_create(
    *,
    offers: list[tuple[OfferSpec, Offer]],
    schools: dict[str, DemoSchool],
    school_year: int,
    rng: random.Random,
    today: dt.date,
) -> None:
    """This school year's visits before today, and the feedback the daily round asked about
    them and about this year's adoption activities done."""
    days = teaching_days(school_year, until=today)
    year = Year(spec=_so_far(len(days) / len(teaching_days(school_year))), school_year=school_year, days=days)
    year.classes = [school_class for school in schools.values() for school_class in school.classes]
    year.busy = _busy_with_activities(school_year)
    writer = Writer(rng=rng, today=today, asks_feedback=False)
    by_key = {spec.key: offer for spec, offer in offers if spec.key}
    fixed = _demo_visits(year, offers=by_key, schools=schools, writer=writer)
    if days:
        public = list(
            Offer.objects.filter(is_published=True, is_private=False)
            .select_related("company", "contact__user")
            .order_by("pk")
        )
        teachers = {school.school.pk: school.teacher for school in schools.values()}
        visits = [offer for offer in public if offer.kind != Offer.Kind.TEACHER_VISIT]
        encounters(year, offers=visits, teachers=teachers, writer=writer)
        teacher_visits(
            year,
            offers=[o for o in public if o.kind == Offer.Kind.TEACHER_VISIT],
            teachers=list(teachers.values()),
            writer=writer,
        )
        _some_unmarked(writer, last_days=set(days[-UNMARKED_DAYS:]))
    writer.flush()  # the bookings have their ids from here on
    _daily_rounds(
        school_year,
        rng=rng,
        answered={booking.pk for booking, answered in fixed if answered},
        unanswered={booking.pk for booking, answered in fixed if not answered},
    )


def teaching_days(school_year: int, *, until: dt.date | None = None) -> list[dt.date]:
    """The school year's teaching days (mid-August to late June, no weekends or holidays),
    before `until` if given."""
    day, last = dt.date(school_year, 8, 11), dt.date(school_year + 1, 6, 25)
    days = []
    while day <= last and (until is None or day < until):
        if day.weekday() < 5 and not holiday_name(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _so_far(share: float) -> YearSpec:
    """Last year's spec, with the chance of meeting a company, and the teacher visits' days,
    cut to the share of the school days gone by (by Christmas about two fifths)."""
    return dataclasses.replace(
        THIS_YEAR,
        years_back=0,
        reach=THIS_YEAR.reach * share,
        reach_outside=THIS_YEAR.reach_outside * share,
        more=THIS_YEAR.more * share,
        teacher_visit_slots=round(THIS_YEAR.teacher_visit_slots * share),
    )


def _busy_with_activities(school_year: int) -> set[tuple[int, dt.date]]:
    """(class, day) of this year's adoption activities with a day: no visit is put beside them."""
    activities = PlanActivity.objects.filter(
        plan__adoption__school_year=school_year, starts_at__isnull=False
    ).values_list("plan__adoption__school_class_id", "starts_at")
    return {(class_id, timezone.localtime(starts_at).date()) for class_id, starts_at in activities}


def _demo_visits(
    year: Year, *, offers: dict[str, Offer], schools: dict[str, DemoSchool], writer: Writer
) -> list[tuple[Booking, bool]]:
    """The demo logins' own visits that fit in the school days gone by, each with whether its
    feedback is answered (else left open)."""
    by_login = {login.username: key for key, login in SCHOOL_LOGINS.items()}
    fixed: list[tuple[Booking, bool]] = []
    for visit in DEMO_VISITS:
        if visit.days_back > len(year.days):
            continue  # early in the school year: not that many school days have gone by
        school = schools[by_login[visit.username]]
        school_class = next(c for c in school.classes if c.name == visit.class_name)
        offer = Offer.objects.select_related("contact__user").get(pk=offers[visit.offer].pk)
        day = year.days[-visit.days_back]
        slot = writer.slot(
            offer,
            start=at(day, "09:00"),
            minutes=offer.duration_minutes,
            capacity=(offer.default_capacity_classes, offer.default_capacity_pupils),
        )
        year.slots[offer.pk].append(slot)
        booking = writer.booking(
            slot,
            status=COMPLETED if visit.marked else CONFIRMED,
            booked_by=school.teacher,
            auto_confirm=offer.auto_confirm,
            host=offer.contact.user,
            school_class=school_class,
        )
        year.busy.add((school_class.pk, day))
        fixed.append((booking, visit.answered))
    return fixed


def _some_unmarked(writer: Writer, *, last_days: set[dt.date]) -> None:
    """Of the visits of the last school days, hosts have marked about half: the rest are still
    confirmed, waiting for "Did they come?"."""
    for booking in writer.bookings:
        if (
            booking.status in (COMPLETED, Booking.Status.NO_SHOW)
            and timezone.localtime(booking.slot.start).date() in last_days
            and writer.rng.random() < UNMARKED_SHARE
        ):
            booking.status = CONFIRMED


# Feedback --------------------------------------------------------------------------------------


def _daily_rounds(school_year: int, *, rng: random.Random, answered: set[int], unanswered: set[int]) -> None:
    """The daily feedback round at its hour, from the first activity of the school year that
    ended, to now, with the answers given in between at their time. The requests about the
    demo logins' fixed visits are answered or left open as those say."""
    now = timezone.now()
    since = Feedback.objects.aggregate(last=Max("pk"))["last"] or 0
    answers: list[tuple[dt.datetime, int]] = []
    for round_at in _round_times(school_year, now=now):
        answers = _answer_until(round_at, answers, rng=rng)
        before = Feedback.objects.aggregate(last=Max("pk"))["last"] or 0
        overview_services.feedback_ask_due(now=round_at)
        overview_services.feedback_remind_due(now=round_at)
        for row in Feedback.objects.filter(pk__gt=before):
            when = _answer_time(row, rng=rng, now=now, answered=answered, unanswered=unanswered)
            if when is not None:
                answers.append((when, row.pk))
    _answer_until(now, answers, rng=rng)
    asked = Feedback.objects.filter(pk__gt=since)
    # The service stamps a request with the clock's time; it was written when it was sent.
    asked.update(created_at=F("sent_at"))
    _sent_at_the_time(asked)


def _round_times(school_year: int, *, now: dt.datetime) -> list[dt.datetime]:
    """The daily rounds before now that had something to do: the first after an activity of
    this school year ended (a held visit, or an adoption activity done without a booking; the
    earliest of these, loaded early in the school year, lie weeks before it), and a week after
    that, when it reminds (a day later too, as a week after can fall an hour short across a
    change to summer time). The rounds of the other days asked and reminded nothing."""
    visits = Booking.objects.filter(
        status__in=HELD, school_class__school_year=school_year, slot__end__lte=now
    ).values_list("slot__end", flat=True)
    teacher_visits = Booking.objects.filter(
        status__in=HELD,
        school_class__isnull=True,
        slot__start__gte=at(dt.date(school_year, 8, 1), "00:00"),
        slot__end__lte=now,
    ).values_list("slot__end", flat=True)
    activities = PlanActivity.objects.filter(
        plan__adoption__school_year=school_year,
        status=PlanActivity.Status.DONE,
        booking__isnull=True,
        ends_at__lte=now,
    ).values_list("ends_at", flat=True)
    days = set()
    for ended in [*visits, *teacher_visits, *activities]:
        first = timezone.localtime(ended).date()
        if at(first, ROUND_AT) < ended:
            first += dt.timedelta(days=1)
        days |= {first, first + REMINDER_ROUND, first + REMINDER_ROUND + dt.timedelta(days=1)}
    return [at(day, ROUND_AT) for day in sorted(days) if at(day, ROUND_AT) <= now]


def _answer_time(
    row: Feedback, *, rng: random.Random, now: dt.datetime, answered: set[int], unanswered: set[int]
) -> dt.datetime | None:
    """When the request is answered, if it is before now and before its link expires."""
    if row.booking_id in unanswered:
        return None
    if row.booking_id in answered:
        when = row.sent_at + dt.timedelta(days=1, hours=rng.randint(1, 6))
    elif rng.random() < THIS_YEAR.answered:
        when = row.sent_at + dt.timedelta(days=rng.randint(0, 12), hours=rng.randint(1, 6))
    else:
        return None
    return when if when < min(now, row.expires_at) else None


def _answer_until(until: dt.datetime, answers: list[tuple[dt.datetime, int]], *, rng: random.Random):
    """Give the answers due before `until`, in their order; returns those still to come."""
    due = sorted(answer for answer in answers if answer[0] < until)
    for when, pk in due:
        feedback = Feedback.objects.get(pk=pk)
        overview_services.feedback_answer(feedback=feedback, answer=_answer(feedback, rng=rng), now=when)
    return [answer for answer in answers if answer[0] >= until]


def _answer(feedback: Feedback, *, rng: random.Random) -> overview_services.Answer:
    """An answer as last year's went; the teacher judges the pupils' interest."""
    spec = THIS_YEAR
    fields: dict[str, object] = {
        "rating": rng.choice(spec.ratings),
        "goals_met": weighted(rng, spec.goals_met),
    }
    if feedback.respondent == Feedback.Respondent.TEACHER:
        before = rng.randint(1, 4)
        fields |= {"interest_before": before, "interest_after": min(5, before + rng.choice(spec.interest_gain))}
    return overview_services.Answer(**fields)


def _sent_at_the_time(asked) -> None:
    """The e-mails of the days gone by went out when they were due; the last e-mail of a
    request still open is left waiting, for the demo's delivery to send now."""
    keys = [subject_key(SUBJECT_TYPE, pk) for pk in asked.values_list("pk", flat=True)]
    still_open = {
        subject_key(SUBJECT_TYPE, pk)
        for pk in asked.filter(
            answered_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        ).values_list("pk", flat=True)
    }
    messages = OutgoingMessage.objects.filter(subject_key__in=keys, status=OutgoingMessage.Status.PENDING)
    waiting = messages.filter(subject_key__in=still_open).values("subject_key").annotate(last=Max("pk"))
    messages.exclude(pk__in=list(waiting.values_list("last", flat=True))).update(
        status=OutgoingMessage.Status.SENT, sent_at=F("due_at")
    )
