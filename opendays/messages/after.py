"""What happens after publication tells whom: a freed place offered to the next on the waiting
list, survey links to the participants and the hosts after the day.

An applicant's e-mail carries her link, rendered at delivery from Application.link_token, so
the outbox holds no token. Subject keys name the application ("openday-offer:<id>",
"openday-survey:<id>") or the host ("openday-host-survey:<id>"); erasure finds an applicant's
rows by APPLICATION_SUBJECT_TYPES, which names the other parts' application subjects too."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from companies.models import CompanyMember
from core.sites import site_url
from notifications.models import OutgoingMessage
from notifications.registry import MessageSource, subject_key
from notifications.rendering import compose, long_datetime
from notifications.services import Message, Recipient, messages_enqueue
from opendays.messages.applications import SUBJECT_TYPE as APPLICATION_SUBJECT_TYPE
from opendays.messages.publication import PLACEMENT_SUBJECT
from opendays.models import Application, Host, LinkPurpose, SurveyResponse

OFFER_SUBJECT_TYPE = "openday-offer"
SURVEY_SUBJECT_TYPE = "openday-survey"
HOST_SURVEY_SUBJECT_TYPE = "openday-host-survey"
# Every subject type whose key is an application's id (her confirmation links, her placement,
# her offers, her survey): erasure withdraws and blanks their rows.
APPLICATION_SUBJECT_TYPES = (APPLICATION_SUBJECT_TYPE, PLACEMENT_SUBJECT, OFFER_SUBJECT_TYPE, SURVEY_SUBJECT_TYPE)


class Kind(models.TextChoices):
    OFFER = "openday_offer", gettext_lazy("Open day: a freed place offered")
    SURVEY = "openday_survey", gettext_lazy("Open day: survey")
    HOST_SURVEY = "openday_host_survey", gettext_lazy("Open day: host survey")


class Role(models.TextChoices):
    APPLICANT = "applicant", gettext_lazy("Applicant")
    HOST = "host", gettext_lazy("Host")


def applicant_recipient(application: Application) -> Recipient | None:
    """Her contact e-mail addressed by her first name; where a teacher applied, the teacher's
    e-mail addressed to the teacher, in the teacher's language."""
    if not application.email:
        return None
    teacher = application.applied_by
    if teacher is not None:
        return Recipient(Role.APPLICANT, application.email, teacher.get_full_name(), teacher.language)
    return Recipient(Role.APPLICANT, application.email, application.first_name)


def offer_message_enqueue(*, application: Application, now: dt.datetime) -> None:
    """Tell her a place is offered, until when, and where to answer."""
    recipient = applicant_recipient(application)
    if recipient is None:
        return
    deadline = application.offer_expires_at.isoformat() if application.offer_expires_at else ""
    message = Message(
        kind=Kind.OFFER,
        recipient=recipient,
        due_at=now,
        dedup_key=f"{Kind.OFFER}:{application.pk}:{application.host_id}:{deadline}",
    )
    messages_enqueue(subject_key=subject_key(OFFER_SUBJECT_TYPE, application.pk), messages=[message], now=now)


def survey_message_enqueue(*, application: Application, now: dt.datetime) -> None:
    """Send a participant her survey link."""
    recipient = applicant_recipient(application)
    if recipient is None:
        return
    message = Message(kind=Kind.SURVEY, recipient=recipient, due_at=now, dedup_key=f"{Kind.SURVEY}:{application.pk}")
    messages_enqueue(subject_key=subject_key(SURVEY_SUBJECT_TYPE, application.pk), messages=[message], now=now)


def host_survey_messages_enqueue(*, host: Host, now: dt.datetime) -> None:
    """Send each member of the host's company the host survey's page (answered once per host)."""
    members = CompanyMember.objects.filter(company_id=host.company_id).select_related("user").order_by("id")
    messages = [
        Message(
            kind=Kind.HOST_SURVEY,
            recipient=Recipient(Role.HOST, member.user.email, member.user.get_full_name(), member.user.language),
            due_at=now,
            dedup_key=f"{Kind.HOST_SURVEY}:{host.pk}:{member.user.email}",
        )
        for member in members
        if member.user.email
    ]
    if messages:
        messages_enqueue(subject_key=subject_key(HOST_SURVEY_SUBJECT_TYPE, host.pk), messages=messages, now=now)


def application_for_message(pk: str) -> Application | None:
    """The application as it is now; an erased one has nothing left to send."""
    return (
        Application.objects.select_related("open_day", "host", "host__company")
        .filter(pk=int(pk), erased_at__isnull=True)
        .first()
    )


def host_for_message(pk: str) -> Host | None:
    return Host.objects.select_related("open_day", "company").filter(pk=int(pk)).first()


def offer_is_current(message: OutgoingMessage, application: Application) -> bool:
    """An offer already answered, lapsed or passed on is no longer true."""
    return (
        application.outcome == Application.Outcome.OFFERED
        and application.offer_expires_at is not None
        and application.offer_expires_at > timezone.now()
    )


def survey_is_current(message: OutgoingMessage, application: Application) -> bool:
    """Not once she has answered, nor after the survey has closed."""
    closes = application.open_day.survey_closes
    if closes is not None and timezone.localdate() > closes:
        return False
    return not SurveyResponse.objects.filter(application=application).exists()


def host_survey_is_current(message: OutgoingMessage, host: Host) -> bool:
    closes = host.open_day.survey_closes
    if closes is not None and timezone.localdate() > closes:
        return False
    return not SurveyResponse.objects.filter(host=host).exists()


def _day_values(application: Application) -> dict[str, str]:
    day = application.open_day
    return {
        "day": day.title,
        "date": date_format(day.date, "DATE_FORMAT"),
        "company": application.host.company.name if application.host else "",
    }


def render_offer(message: OutgoingMessage, application: Application) -> EmailMultiAlternatives:
    """The offer in her language: which host, until when, and the link to answer."""
    with translation.override(message.language):
        values = _day_values(application)
        values["deadline"] = long_datetime(application.offer_expires_at) if application.offer_expires_at else ""
        url = site_url(reverse("openday-offer", args=[application.link_token(LinkPurpose.APPLICANT)]))
        return compose(
            message,
            subject=_("A place has freed up for you: %(day)s") % values,
            intro=_(
                "A place has freed up at %(company)s on %(day)s, %(date)s, and you are next on the waiting "
                "list. Accept or decline it by %(deadline)s; after that it goes to the next in line."
            )
            % values,
            details=_("Host: %(company)s\nAnswer by: %(deadline)s") % values + "\n\n" + url,
            url=url,
            link_text=_("Accept or decline the place"),
        )


def render_survey(message: OutgoingMessage, application: Application) -> EmailMultiAlternatives:
    """The survey link in her language: three questions, answered once."""
    with translation.override(message.language):
        values = _day_values(application)
        url = site_url(reverse("openday-survey", args=[application.link_token(LinkPurpose.APPLICANT)]))
        if application.applied_by_id is not None:
            # The teacher who applied is the contact: the link is hers to pass on.
            values["name"] = application.first_name
            intro = _(
                "Thank you for bringing %(name)s to %(day)s. Please pass this link on to %(name)s: three "
                "short questions help us make the next one better; the answers are used only as anonymous counts."
            )
        else:
            intro = _(
                "Thank you for taking part in %(day)s. Three short questions help us make the next one "
                "better; the answers are used only as anonymous counts."
            )
        return compose(
            message,
            subject=_("How was %(day)s?") % values,
            intro=intro % values,
            details=url,
            url=url,
            link_text=_("Answer the survey"),
        )


def render_host_survey(message: OutgoingMessage, host: Host) -> EmailMultiAlternatives:
    """The host survey's page in the member's language; one answer per host."""
    with translation.override(message.language):
        values = {"day": host.open_day.title, "company": host.company.name}
        url = site_url(reverse("openday-host-survey", args=[host.pk]))
        return compose(
            message,
            subject=_("How was %(day)s for %(company)s?") % values,
            intro=_("Thank you for hosting %(day)s. Tell us in two questions how it went.") % values,
            details=url,
            url=url,
            link_text=_("Answer the host survey"),
        )


def sources() -> list[MessageSource]:
    """Offers, participant surveys and host surveys."""
    kinds = {choice.value: choice.label for choice in Kind}
    roles = {choice.value: choice.label for choice in Role}
    return [
        MessageSource(
            subject_type=OFFER_SUBJECT_TYPE,
            load=application_for_message,
            render=render_offer,
            is_current=offer_is_current,
            kind_labels=kinds,
            role_labels=roles,
        ),
        MessageSource(
            subject_type=SURVEY_SUBJECT_TYPE,
            load=application_for_message,
            render=render_survey,
            is_current=survey_is_current,
            kind_labels=kinds,
            role_labels=roles,
        ),
        MessageSource(
            subject_type=HOST_SURVEY_SUBJECT_TYPE,
            load=host_for_message,
            render=render_host_survey,
            is_current=host_survey_is_current,
            kind_labels=kinds,
            role_labels=roles,
        ),
    ]
