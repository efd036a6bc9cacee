"""E-mails of the overview through notifications' outbox: feedback links after an activity and
their one reminder.

The outbox row holds no token: the link is rendered at delivery from Feedback.link_token, so a
copy of the outbox opens nothing. Subject key "feedback:<id>". A message is current only while
its request can be answered (not answered, withdrawn or expired)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.models import Company, CompanyMember
from core.sites import site_url
from notifications import registry
from notifications.models import OutgoingMessage
from notifications.registry import MessageSource, subject_key
from notifications.rendering import compose
from notifications.services import Message, Recipient, messages_enqueue
from overview.models import Feedback

SUBJECT_TYPE = "feedback"


class Kind(models.TextChoices):
    ASKED = "feedback_asked", gettext_lazy("Feedback asked")
    REMINDER = "feedback_reminder", gettext_lazy("Feedback reminder")


class Role(models.TextChoices):
    TEACHER = "teacher", gettext_lazy("Teacher")
    HOST = "host", gettext_lazy("Host")


def _recipients(feedback: Feedback, company_id: int) -> list[Recipient]:
    """The teacher asked, or every member of the host company, each in their language; a
    company without a member to write to is asked at its own address, as bookings tell it."""
    if feedback.respondent == Feedback.Respondent.TEACHER:
        user = feedback.recipient
        return [Recipient(Role.TEACHER, user.email, user.get_full_name(), user.language)] if user and user.email else []
    members = CompanyMember.objects.filter(company_id=company_id).select_related("user").order_by("id")
    people = [
        Recipient(Role.HOST, member.user.email, member.user.get_full_name(), member.user.language)
        for member in members
        if member.user.email
    ]
    if not people:
        company = Company.objects.filter(pk=company_id).exclude(email="").first()
        if company is not None:
            people.append(Recipient(Role.HOST, company.email, company.name))
    return people


def feedback_messages_enqueue(*, feedback: Feedback, company_id: int, now: dt.datetime, reminder: bool = False) -> None:
    """Ask (or remind) the respondent; the dedup key names the link, so a request asked again
    with a new link (a no-show corrected) is e-mailed again."""
    kind = Kind.REMINDER if reminder else Kind.ASKED
    messages = [
        Message(
            kind=kind,
            recipient=person,
            due_at=now,
            dedup_key=f"{kind}:{feedback.pk}:{feedback.token_hash[:16]}:{person.email}",
        )
        for person in _recipients(feedback, company_id)
    ]
    if messages:
        messages_enqueue(subject_key=subject_key(SUBJECT_TYPE, feedback.pk), messages=messages, now=now)


# Delivering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class About:
    """What an activity was, as the e-mail and the form describe it."""

    title: str
    when: dt.datetime | dt.date | None
    participant: str
    school: str
    company: str

    @property
    def when_text(self) -> str:
        """The date in Copenhagen, in the active language."""
        if isinstance(self.when, dt.datetime):
            return date_format(timezone.localtime(self.when), "DATE_FORMAT")
        if isinstance(self.when, dt.date):
            return date_format(self.when, "YEAR_MONTH_FORMAT")
        return ""


def about(feedback: Feedback) -> About:
    """The activity a request is about: a booking's offer and slot, or an adoption activity."""
    if feedback.booking_id is not None:
        booking = feedback.booking
        return About(
            title=booking.slot.offer.title,
            when=booking.slot.start,
            participant=booking.participant,
            school=booking.school.name,
            company=booking.slot.offer.company.name,
        )
    activity = feedback.plan_activity
    adoption = activity.plan.adoption
    return About(
        title=activity.title,
        when=activity.starts_at or activity.planned_month,
        participant=adoption.school_class.name,
        school=adoption.school_class.school.name,
        company=adoption.company.name,
    )


def with_activity(queryset):
    """Requests with what `about` reads, in few queries."""
    return queryset.select_related(
        "booking__slot__offer__company",
        "booking__school_class__school",
        "booking__teacher__user",
        "booking__teacher__school",
        "plan_activity__plan__adoption__school_class__school",
        "plan_activity__plan__adoption__company",
        "recipient",
    )


def feedback_for_message(pk: str) -> Feedback | None:
    return with_activity(Feedback.objects.filter(pk=int(pk))).first()


def is_current(message: OutgoingMessage, feedback: Feedback) -> bool:
    """Only while the request can be answered through its link."""
    return (
        bool(feedback.link_nonce)
        and feedback.answered_at is None
        and feedback.withdrawn_at is None
        and feedback.expires_at > timezone.now()
    )


def render(message: OutgoingMessage, feedback: Feedback) -> EmailMultiAlternatives:
    """The request in the recipient's language, with the link made now from the row's nonce."""
    with translation.override(message.language):
        activity = about(feedback)
        values = {
            "title": activity.title,
            "date": activity.when_text,
            "class": activity.participant,
            "company": activity.company,
            "expires": date_format(timezone.localtime(feedback.expires_at), "DATE_FORMAT"),
        }
        url = site_url(reverse("feedback-answer", args=[feedback.link_token()]))
        if feedback.respondent == Feedback.Respondent.TEACHER:
            intro = _(
                "How did %(title)s with %(company)s on %(date)s go for %(class)s? Four short questions "
                "help the region see what works. The link works once, until %(expires)s."
            )
        else:
            intro = _(
                "How did %(title)s with %(class)s on %(date)s go for %(company)s? Three short questions; "
                "the first of you to answer answers for the company. The link works once, until %(expires)s."
            )
        if message.kind == Kind.REMINDER:
            subject = _("Reminder: how did %(title)s go?") % values
        else:
            subject = _("How did %(title)s go?") % values
        return compose(
            message,
            subject=subject,
            intro=intro % values,
            details=url,
            url=url,
            link_text=_("Give feedback"),
        )


def register() -> None:
    """Register the overview's message sources with notifications."""
    registry.register_messages(
        MessageSource(
            subject_type=SUBJECT_TYPE,
            load=feedback_for_message,
            render=render,
            is_current=is_current,
            kind_labels={choice.value: choice.label for choice in Kind},
            role_labels={choice.value: choice.label for choice in Role},
        )
    )
