"""After the day: the survey (links to participants and hosts, answered once), the erasure of
applicants' personal data (on request at any time, and for a whole day a set number of days
after its survey closes), and the anonymous counts that remain for reporting.

Erasure blanks what identifies a pupil (first name, e-mails, school, who applied for her, her
links, her survey comment, a consultant's reason for moving her, and her address and words in
the outbox) and keeps what the counts need: age, grade, municipality, status, outcome, host,
preference met, attendance, scores."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record, audited
from accounts.models import User
from core.errors import DomainError
from notifications.models import OutgoingMessage
from notifications.registry import subject_key
from opendays.messages.after import (
    APPLICATION_SUBJECT_TYPES,
    host_survey_messages_enqueue,
    survey_message_enqueue,
)
from opendays.messages.publication import participants_changed_enqueue
from opendays.models import Application, Host, OpenDay, Placement, SurveyResponse
from opendays.permissions import can_act_for_host
from opendays.services.waitlist import HOLDS_PLACE, places_freed

# Without a closing date, the survey counts as closed this long after the day.
SURVEY_DAYS_WITHOUT_CLOSING = 30
MAX_COMMENT = 2000
ERASE_BATCH = 500  # applications erased per statement

SURVEY_NOT_OPEN = _("The survey opens after the day.")
SURVEY_CLOSED = _("The survey has closed.")
SURVEY_ANSWERED = _("The survey has already been answered.")
SURVEY_NOT_FOR_YOU = _("The survey is for those who took part in the day.")
SCORE_OUT_OF_RANGE = _("Choose a number from 1 to 5.")
COMMENT_TOO_LONG = _("Keep the comment under 2,000 characters.")
NOT_THE_HOST = _("Only the host's company answers its survey.")

# Outbox rows to any of these kinds of subject may carry an applicant's address.
OPENDAY_SUBJECT_PREFIX = "openday"


# Surveys -------------------------------------------------------------------------------------


def survey_closes_on(open_day: OpenDay) -> dt.date:
    """The last day answers are taken: the day's survey_closes, or a month after the day."""
    return open_day.survey_closes or open_day.date + dt.timedelta(days=SURVEY_DAYS_WITHOUT_CLOSING)


def survey_participants(open_day: OpenDay) -> QuerySet[Application]:
    """Who gets the participant survey: placed, not marked absent, not erased."""
    return (
        open_day.applications.filter(
            status=Application.Status.CONFIRMED,
            outcome=Application.Outcome.PLACED,
            erased_at__isnull=True,
        )
        .exclude(attended=False)
        .select_related("applied_by")
    )


def surveys_send(*, now: dt.datetime | None = None) -> int:
    """Send the survey links of every published day that has passed and whose survey is open,
    once per day: to each participant and to each host company's members. Returns how many days."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = OpenDay.objects.filter(
        status__in=[OpenDay.Status.PUBLISHED, OpenDay.Status.CLOSED],
        published_at__isnull=False,
        surveys_sent_at__isnull=True,
        erased_at__isnull=True,
        date__lt=today,
    )
    sent = 0
    for day_id in days.values_list("pk", flat=True):
        with transaction.atomic():
            day = OpenDay.objects.select_for_update().get(pk=day_id)
            if day.surveys_sent_at is not None or today > survey_closes_on(day):
                continue
            for application in survey_participants(day):
                survey_message_enqueue(application=application, now=now)
            for host in day.hosts.all():
                host_survey_messages_enqueue(host=host, now=now)
            day.surveys_sent_at = now
            day.save(update_fields=["surveys_sent_at", "updated_at"])
            sent += 1
    return sent


def _score(value: int | None, field: str, *, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if value is None or not 1 <= int(value) <= 5:
        raise DomainError(SCORE_OUT_OF_RANGE, code="survey_score_out_of_range", field=field)
    return int(value)


def _survey_window(open_day: OpenDay, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    if today <= open_day.date:
        raise DomainError(SURVEY_NOT_OPEN, code="survey_not_open")
    if today > survey_closes_on(open_day) or open_day.erased_at is not None:
        raise DomainError(SURVEY_CLOSED, code="survey_closed")


def survey_shut_reason(open_day: OpenDay, now: dt.datetime | None = None) -> str | None:
    """Why the day's surveys take no answers now (not yet, or closed), or None while they do; the
    pages show it in place of a form that could only be refused."""
    try:
        _survey_window(open_day, now or timezone.now())
    except DomainError as refusal:
        return str(refusal.message)
    return None


def _comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise DomainError(COMMENT_TOO_LONG, code="survey_comment_too_long", field="comment")
    return comment


@transaction.atomic
@audited("opendays.survey.answer", target="application")
def survey_answer(
    *,
    application: Application,
    interest_before: int,
    interest_after: int,
    rating: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> SurveyResponse:
    """A participant answers through her link, once, after the day and until the survey closes."""
    now = now or timezone.now()
    application = Application.objects.select_for_update().select_related("open_day").get(pk=application.pk)
    if (
        application.erased_at is not None
        or application.outcome != Application.Outcome.PLACED
        or application.status != Application.Status.CONFIRMED
        or application.attended is False
    ):
        raise DomainError(SURVEY_NOT_FOR_YOU, code="survey_not_for_you")
    _survey_window(application.open_day, now)
    if SurveyResponse.objects.filter(application=application).exists():
        raise DomainError(SURVEY_ANSWERED, code="survey_answered")
    return SurveyResponse.objects.create(
        open_day=application.open_day,
        respondent=SurveyResponse.Respondent.PARTICIPANT,
        application=application,
        interest_before=_score(interest_before, "interest_before"),
        interest_after=_score(interest_after, "interest_after"),
        rating=_score(rating, "rating"),
        comment=_comment(comment),
    )


@transaction.atomic
@audited("opendays.host_survey.answer", target="host", actor_arg="user")
def host_survey_answer(
    *, user: User, host: Host, rating: int, comment: str = "", now: dt.datetime | None = None
) -> SurveyResponse:
    """A member of the host's company answers for the host, once, after the day."""
    now = now or timezone.now()
    host = Host.objects.select_for_update().select_related("open_day", "company").get(pk=host.pk)
    if not can_act_for_host(user, host) or user.sees_everything:
        raise DomainError(NOT_THE_HOST, code="survey_not_for_you")
    _survey_window(host.open_day, now)
    if SurveyResponse.objects.filter(host=host).exists():
        raise DomainError(SURVEY_ANSWERED, code="survey_answered")
    return SurveyResponse.objects.create(
        open_day=host.open_day,
        respondent=SurveyResponse.Respondent.HOST,
        host=host,
        rating=_score(rating, "rating"),
        comment=_comment(comment),
    )


# Erasure -------------------------------------------------------------------------------------

PERSONAL_BLANKS: dict[str, Any] = {
    "first_name": "",
    "email": "",
    "guardian_email": "",
    "school": None,
    "applied_by": None,
    "link_nonce": "",
    "token_hash": "",
    "guardian_token_hash": "",
}


def _erase_outbox(applications: list[Application]) -> None:
    """Her messages: pending ones withdrawn; every row about her or to her address keeps no
    subject line or context, and those to her (or her guardian's) address no address or name.
    A teacher's address stays on the teacher's own messages about other pupils."""
    if not applications:
        return
    keys = [subject_key(kind, application.pk) for application in applications for kind in APPLICATION_SUBJECT_TYPES]
    addresses = {application.guardian_email for application in applications}
    addresses |= {application.email for application in applications if application.applied_by_id is None}
    addresses.discard("")
    to_her = Q(subject_key__startswith=OPENDAY_SUBJECT_PREFIX, recipient_email__in=addresses)
    rows = OutgoingMessage.objects.filter(Q(subject_key__in=keys) | to_her)
    rows.filter(status=OutgoingMessage.Status.PENDING).update(status=OutgoingMessage.Status.WITHDRAWN)
    rows.filter(subject_key__in=keys).update(subject="", context={})
    OutgoingMessage.objects.filter(to_her).update(recipient_email="", recipient_name="", subject="", context={})


def _erase(applications: QuerySet[Application], now: dt.datetime) -> int:
    """Blank the personal data of `applications` (already locked), their survey comments and
    their outbox rows, ERASE_BATCH at a time (a day of 18,000 applicants would pass more
    parameters in one statement than SQLite takes). Returns how many were erased."""
    ids = list(applications.filter(erased_at__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(ids), ERASE_BATCH):
        batch = ids[start : start + ERASE_BATCH]
        _erase_outbox(list(Application.objects.filter(pk__in=batch)))
        SurveyResponse.objects.filter(application_id__in=batch).update(comment="")
        # A consultant's reason for moving her is free text, like her comment: it may name her.
        Placement.objects.filter(application_id__in=batch).exclude(adjust_reason="").update(adjust_reason="")
        Application.objects.filter(pk__in=batch).update(**PERSONAL_BLANKS, erased_at=now, updated_at=now)
    return len(ids)


@transaction.atomic
@audited("opendays.application.erase", target="application")
def application_erase(*, application: Application, now: dt.datetime | None = None) -> Application:
    """Erase one applicant's personal data on request, at any time. Before the day, an
    application that still counts is withdrawn too, and a place she held goes to the waiting
    list; after the day, her outcome and attendance stay for the counts."""
    now = now or timezone.now()
    application = Application.objects.select_for_update().select_related("open_day").get(pk=application.pk)
    if application.erased_at is not None:
        return application
    freed: Host | None = None
    was_participant = False
    live = (Application.Status.AWAITING_EMAIL, Application.Status.AWAITING_GUARDIAN, Application.Status.CONFIRMED)
    if application.status in live and timezone.localdate(now) <= application.open_day.date:
        if application.outcome in HOLDS_PLACE:
            freed = application.host
            was_participant = application.outcome == Application.Outcome.PLACED
            application.host = None
            application.outcome = Application.Outcome.PENDING
            application.preference_rank = None
            application.offer_expires_at = None
        application.status = Application.Status.WITHDRAWN
        application.withdrawn_at = now
        application.waitlist_position = None
        application.save()
    _erase(Application.objects.filter(pk=application.pk), now)
    if freed is not None:
        if was_participant and application.open_day.published_at is not None:
            participants_changed_enqueue(host=freed, now=now)
        places_freed(host=freed, now=now)
    application.refresh_from_db()
    return application


def erasure_due_on(open_day: OpenDay) -> dt.date:
    """The day a day's applicants are erased: retention_days after its survey closes."""
    return survey_closes_on(open_day) + dt.timedelta(days=open_day.retention_days)


def erase_due(*, now: dt.datetime | None = None) -> int:
    """Erase every application of the days whose retention has run out, and mark each day
    erased. Returns how many days were erased."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    erased = 0
    for day in OpenDay.objects.filter(erased_at__isnull=True, date__lt=today):
        if today < erasure_due_on(day):
            continue
        with transaction.atomic():
            day = OpenDay.objects.select_for_update().get(pk=day.pk)
            if day.erased_at is not None:
                continue
            count = _erase(day.applications.select_for_update(), now)
            audit_record(actor=None, action="opendays.open_day.erase_due", target=day, details={"count": count})
            day.erased_at = now
            day.save(update_fields=["erased_at", "updated_at"])
            erased += 1
    return erased


# Anonymous counts ----------------------------------------------------------------------------


def _counted(applications: QuerySet[Application], field: str) -> dict[Any, int]:
    """Applications per value of `field`, counted in the database."""
    return dict(applications.values_list(field).annotate(count=Count("pk")).order_by())


def open_day_counts(open_day: OpenDay) -> dict[str, Any]:
    """What remains for reporting, with no person in it: applications by status, outcome, age,
    municipality and preference met; attendance; places and hosts; survey averages."""
    applications = open_day.applications.all()
    hosts = open_day.hosts.aggregate(count=Count("pk"), places=Sum("places"))
    participant = open_day.survey_responses.filter(respondent=SurveyResponse.Respondent.PARTICIPANT)
    host_answers = open_day.survey_responses.filter(respondent=SurveyResponse.Respondent.HOST)
    return {
        "applications": applications.count(),
        "by_status": _counted(applications, "status"),
        "by_outcome": _counted(applications, "outcome"),
        "by_age": _counted(applications, "age"),
        "by_municipality": _counted(applications, "municipality__name"),
        "by_preference_met": _counted(applications, "preference_rank"),
        "attended": applications.filter(attended=True).count(),
        "absent": applications.filter(attended=False).count(),
        "hosts": hosts["count"],
        "places": hosts["places"] or 0,
        "participant_answers": participant.count(),
        "interest_before": participant.aggregate(value=Avg("interest_before"))["value"],
        "interest_after": participant.aggregate(value=Avg("interest_after"))["value"],
        "participant_rating": participant.aggregate(value=Avg("rating"))["value"],
        "host_answers": host_answers.count(),
        "host_rating": host_answers.aggregate(value=Avg("rating"))["value"],
    }


def person_applications_erase(sender: object, *, users: list[User], email: str, **kwargs: object) -> dict[str, int]:
    """Erasure (accounts.services.person_erase): a pupil's applications (hers, or her guardian's
    address) are erased as on her own request; applications a teacher made for pupils lose the
    teacher's contact address, but stay the pupils'."""
    mine = Application.objects.filter(applied_by__isnull=True, erased_at__isnull=True).filter(
        Q(email__iexact=email) | Q(guardian_email__iexact=email)
    )
    erased = 0
    for application in mine:
        application_erase(application=application)
        erased += 1
    contacts = Application.objects.filter(email__iexact=email).update(email="")
    return {"open-day applications erased": erased, "open-day contact addresses blanked": contacts}
