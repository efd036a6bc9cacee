"""Feedback after an activity: asking the teacher and the host, one reminder, expiry, the
answer, and withdrawal when the class did not come.

A request is asked by the daily round (overview.tasks.feedback_daily) about every activity
that ended in the last ASK_WITHIN days: a booking that was held (confirmed or completed), or
an adoption activity marked done without a booking. The teacher's request goes to one teacher;
the host's to every member of the host company, and the first to answer answers for it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audited
from accounts.models import User
from adoptions.models import PlanActivity, PlanChange
from bookings.models import Booking
from core.errors import DomainError
from overview import messages
from overview.models import MAX_COMMENT, Feedback
from schools.models import Teacher

ASK_WITHIN = dt.timedelta(days=14)
REMIND_AFTER = dt.timedelta(days=7)
LINK_LIFETIME = dt.timedelta(days=30)
# A booking's feedback is asked once the visit is over and it was held.
HELD = (Booking.Status.CONFIRMED, Booking.Status.COMPLETED)

FEEDBACK_ANSWERED = _("This feedback has already been given. Thank you!")
FEEDBACK_WITHDRAWN = _("This feedback is no longer asked for, for example because the class did not come.")
FEEDBACK_EXPIRED = _("The link has expired: feedback is taken for 30 days after the activity.")
SCORE_REQUIRED = _("Choose a number from 1 to 5.")
GOALS_REQUIRED = _("Choose yes, partly or no.")
COMMENT_TOO_LONG = _("Write at most %(limit)s characters.")


@dataclass(frozen=True)
class Answer:
    """What a respondent says; the interest scores only from the teacher."""

    rating: int
    goals_met: str
    interest_before: int | None = None
    interest_after: int | None = None
    comment: str = ""


def feedback_state(feedback: Feedback, *, now: dt.datetime | None = None) -> str:
    """ "answered", "withdrawn", "expired" or "open": what the link and the pages show."""
    if feedback.answered_at is not None:
        return "answered"
    if feedback.withdrawn_at is not None:
        return "withdrawn"
    if feedback.expires_at <= (now or timezone.now()):
        return "expired"
    return "open"


REFUSALS = {
    "answered": (FEEDBACK_ANSWERED, "feedback_answered"),
    "withdrawn": (FEEDBACK_WITHDRAWN, "feedback_withdrawn"),
    "expired": (FEEDBACK_EXPIRED, "feedback_expired"),
}


# Asking --------------------------------------------------------------------------------------


def _teacher_at(user: User | None, school_id: int) -> User | None:
    """`user` if they teach at the school."""
    if user is None:
        return None
    return user if Teacher.objects.filter(user=user, school_id=school_id).exists() else None


def _first_teacher(school_id: int) -> User | None:
    """A teacher of the school, as adoptions choose one for a booking a host makes."""
    teacher = Teacher.objects.filter(school_id=school_id).select_related("user").order_by("id").first()
    return teacher.user if teacher else None


def booking_teacher(booking: Booking) -> User | None:
    """Whom the teacher's request goes to: on a teacher visit the teacher who came; else the
    teacher who booked, or, if a host or consultant booked, a teacher of the class's school."""
    if booking.is_for_teacher:
        return booking.teacher.user
    school_id = booking.school_class.school_id
    return _teacher_at(booking.booked_by, school_id) or _first_teacher(school_id)


def activity_teacher(activity: PlanActivity) -> User | None:
    """Whom the teacher's request about an adoption activity goes to: the teacher who marked it
    done, else a teacher of the class's school."""
    school_id = activity.plan.adoption.school_class.school_id
    change = (
        PlanChange.objects.filter(activity=activity, action=PlanChange.Action.STATUS, actor__isnull=False)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    return _teacher_at(change.actor if change else None, school_id) or _first_teacher(school_id)


def _create(*, now: dt.datetime, company_id: int, respondent: str, recipient: User | None, **about) -> bool:
    """One request with its link and its e-mails, together or not at all; False if it was
    asked already (the unique constraint decides)."""
    try:
        with transaction.atomic():
            feedback = Feedback.objects.create(
                respondent=respondent, recipient=recipient, sent_at=now, expires_at=now + LINK_LIFETIME, **about
            )
            feedback.issue_link()
            feedback.save(update_fields=["link_nonce", "token_hash"])
            messages.feedback_messages_enqueue(feedback=feedback, company_id=company_id, now=now)
    except IntegrityError:
        return False
    return True


def _ask(*, now: dt.datetime, company_id: int, teacher: User | None, **about) -> int:
    """The teacher's and the host's requests about one activity, each e-mailed; returns how many."""
    asked = set(Feedback.objects.filter(**about).values_list("respondent", flat=True))
    wanted = [(Feedback.Respondent.HOST, None)]
    if teacher is not None:
        wanted.insert(0, (Feedback.Respondent.TEACHER, teacher))
    return sum(
        _create(now=now, company_id=company_id, respondent=respondent, recipient=recipient, **about)
        for respondent, recipient in wanted
        if respondent not in asked
    )


def bookings_due(now: dt.datetime):
    """Held bookings whose slot ended in the last ASK_WITHIN, not yet asked of both sides."""
    return (
        Booking.objects.filter(status__in=HELD, slot__end__lte=now, slot__end__gt=now - ASK_WITHIN)
        .annotate(asked=Count("feedback"))
        .filter(asked__lt=2)
        .select_related("slot__offer", "school_class", "teacher__user", "booked_by")
        .order_by("slot__end", "id")
    )


def activities_due(now: dt.datetime):
    """Adoption activities marked done without a booking in the last ASK_WITHIN (by their end,
    start, or, undated, when they were last changed), not yet asked of both sides."""
    return (
        PlanActivity.objects.filter(status=PlanActivity.Status.DONE, booking__isnull=True)
        .annotate(over=Coalesce("ends_at", "starts_at", "updated_at"), asked=Count("feedback"))
        .filter(over__lte=now, over__gt=now - ASK_WITHIN, asked__lt=2)
        .select_related("plan__adoption__school_class")
        .order_by("over", "id")
    )


def feedback_ask_due(*, now: dt.datetime | None = None) -> int:
    """Ask the teacher and the host about every activity that is due; returns requests made."""
    now = now or timezone.now()
    created = 0
    for booking in bookings_due(now):
        created += _ask(
            now=now, company_id=booking.slot.offer.company_id, teacher=booking_teacher(booking), booking=booking
        )
    for activity in activities_due(now):
        created += _ask(
            now=now,
            company_id=activity.plan.adoption.company_id,
            teacher=activity_teacher(activity),
            plan_activity=activity,
        )
    return created


def feedback_remind_due(*, now: dt.datetime | None = None) -> int:
    """Remind once, REMIND_AFTER asking, whoever has not answered a request still open."""
    now = now or timezone.now()
    due = Feedback.objects.filter(
        answered_at__isnull=True,
        withdrawn_at__isnull=True,
        reminded_at__isnull=True,
        sent_at__lte=now - REMIND_AFTER,
        expires_at__gt=now,
    )
    reminded = 0
    for feedback_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Feedback.objects.filter(pk=feedback_id, reminded_at__isnull=True, answered_at__isnull=True)
            if claimed.update(reminded_at=now) != 1:
                continue
            feedback = Feedback.objects.get(pk=feedback_id)
            messages.feedback_messages_enqueue(
                feedback=feedback, company_id=company_of(feedback), now=now, reminder=True
            )
            reminded += 1
    return reminded


def company_of(feedback: Feedback) -> int:
    """The host company of the activity the feedback is about."""
    if feedback.booking_id is not None:
        return Booking.objects.values_list("slot__offer__company_id", flat=True).get(pk=feedback.booking_id)
    return PlanActivity.objects.values_list("plan__adoption__company_id", flat=True).get(pk=feedback.plan_activity_id)


# After attendance ----------------------------------------------------------------------------


def feedback_withdraw_for_booking(*, booking_id: int, now: dt.datetime | None = None) -> int:
    """The class did not come: its open requests are no longer asked, and their links stop
    working. Returns how many."""
    return Feedback.objects.filter(booking_id=booking_id, answered_at__isnull=True, withdrawn_at__isnull=True).update(
        withdrawn_at=now or timezone.now(), link_nonce="", updated_at=timezone.now()
    )


def feedback_reopen_for_booking(*, booking_id: int, now: dt.datetime | None = None) -> int:
    """A no-show corrected to attended: the requests it withdrew are asked again with new
    links and a new 30 days. Returns how many."""
    now = now or timezone.now()
    reopened = 0
    withdrawn = Feedback.objects.filter(booking_id=booking_id, answered_at__isnull=True, withdrawn_at__isnull=False)
    for feedback in withdrawn:
        feedback.withdrawn_at = feedback.reminded_at = None
        feedback.sent_at, feedback.expires_at = now, now + LINK_LIFETIME
        feedback.issue_link()
        feedback.save()
        messages.feedback_messages_enqueue(feedback=feedback, company_id=company_of(feedback), now=now)
        reopened += 1
    return reopened


def on_attendance_marked(sender, *, booking: Booking, attended: bool, **kwargs) -> None:
    """bookings.signals.attendance_marked, connected in overview/apps.py."""
    if attended:
        feedback_reopen_for_booking(booking_id=booking.pk)
    else:
        feedback_withdraw_for_booking(booking_id=booking.pk)


# Answering -----------------------------------------------------------------------------------


def _score(value: int | None, field: str) -> int:
    if value is None or isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise DomainError(SCORE_REQUIRED, code="score_out_of_range", field=field)
    return value


def _clean(feedback: Feedback, answer: Answer) -> dict:
    """The answer's fields as stored; the host is not asked about the pupils' interest."""
    if answer.goals_met not in Feedback.GoalsMet.values:
        raise DomainError(GOALS_REQUIRED, code="goals_required", field="goals_met")
    if len(answer.comment) > MAX_COMMENT:
        raise DomainError(COMMENT_TOO_LONG % {"limit": MAX_COMMENT}, code="comment_too_long", field="comment")
    fields = {
        "rating": _score(answer.rating, "rating"),
        "goals_met": answer.goals_met,
        "comment": answer.comment.strip(),
        "interest_before": None,
        "interest_after": None,
    }
    if feedback.respondent == Feedback.Respondent.TEACHER:
        fields["interest_before"] = _score(answer.interest_before, "interest_before")
        fields["interest_after"] = _score(answer.interest_after, "interest_after")
    return fields


@audited("overview.feedback.answer", target="feedback")
def feedback_answer(*, feedback: Feedback, answer: Answer, now: dt.datetime | None = None) -> Feedback:
    """Answer a request once, through its link or signed in. The answer is saved with a
    conditional UPDATE, so of two members of a host company answering at once the first
    answers for the company and the second is told it was answered; the link stops working."""
    now = now or timezone.now()
    state = feedback_state(feedback, now=now)
    if state != "open":
        message, code = REFUSALS[state]
        raise DomainError(message, code=code)
    fields = _clean(feedback, answer)
    changed = Feedback.objects.filter(
        pk=feedback.pk, answered_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now
    ).update(answered_at=now, link_nonce="", updated_at=now, **fields)
    if changed != 1:
        feedback.refresh_from_db()
        message, code = REFUSALS.get(feedback_state(feedback, now=now), REFUSALS["answered"])
        raise DomainError(message, code=code)
    feedback.refresh_from_db()
    return feedback
