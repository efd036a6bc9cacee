"""The e-mails of an application: the applicant's link to confirm her e-mail, her guardian's
link to consent (under 15), "your application counts" and "your guardian said no".

The outbox row holds no token: the link is rendered when the message is delivered, from
Application.link_token, so a copy of the outbox opens nothing. A message is current only while
the application still is where the message finds it (a confirmation link for an application
already confirmed is not sent), and never after erasure."""

from __future__ import annotations

import datetime as dt

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sites import site_url
from notifications.models import OutgoingMessage
from notifications.registry import MessageSource, subject_key
from notifications.rendering import compose, long_datetime
from notifications.services import Message, Recipient, messages_enqueue
from opendays.models import Application, LinkPurpose

SUBJECT_TYPE = "openday-application"


class Kind(models.TextChoices):
    CONFIRM_EMAIL = "od_confirm_email", gettext_lazy("Open day: confirm your e-mail")
    GUARDIAN_CONSENT = "od_guardian_consent", gettext_lazy("Open day: a guardian's consent")
    CONFIRMED = "od_confirmed", gettext_lazy("Open day: application confirmed")
    GUARDIAN_REFUSED = "od_guardian_refused", gettext_lazy("Open day: guardian said no")
    WITHDRAWN = "od_withdrawn", gettext_lazy("Open day: application withdrawn")


class Role(models.TextChoices):
    APPLICANT = "applicant", gettext_lazy("Applicant")
    GUARDIAN = "guardian", gettext_lazy("Guardian")


# The status in which each kind of message is still true.
CURRENT_IN = {
    Kind.CONFIRM_EMAIL: Application.Status.AWAITING_EMAIL,
    Kind.GUARDIAN_CONSENT: Application.Status.AWAITING_GUARDIAN,
    Kind.CONFIRMED: Application.Status.CONFIRMED,
    Kind.GUARDIAN_REFUSED: Application.Status.WITHDRAWN,
    Kind.WITHDRAWN: Application.Status.WITHDRAWN,
}


def _enqueue(*, application: Application, kind: str, language: str, now: dt.datetime, role: str | None = None) -> None:
    """One message of `kind`: the guardian's consent to the guardian, every other to the
    applicant's contact address (hers, or the teacher's who applied for her) unless `role` says."""
    role = role or (Role.GUARDIAN if kind == Kind.GUARDIAN_CONSENT else Role.APPLICANT)
    email = application.guardian_email if role == Role.GUARDIAN else application.email
    if not email:
        return
    message = Message(
        kind=kind,
        recipient=Recipient(role, email, "", language if language in ("da", "en") else "da"),
        due_at=now,
        dedup_key=f"{kind}:{role}:{application.pk}:{application.link_nonce}:{application.status}",
    )
    messages_enqueue(subject_key=subject_key(SUBJECT_TYPE, application.pk), messages=[message], now=now)


def confirm_email_enqueue(*, application: Application, language: str, now: dt.datetime) -> None:
    _enqueue(application=application, kind=Kind.CONFIRM_EMAIL, language=language, now=now)


def guardian_consent_enqueue(*, application: Application, language: str, now: dt.datetime) -> None:
    _enqueue(application=application, kind=Kind.GUARDIAN_CONSENT, language=language, now=now)


def confirmed_enqueue(*, application: Application, language: str, now: dt.datetime) -> None:
    """The applicant (or the teacher who applied for her) hears that the application counts."""
    _enqueue(application=application, kind=Kind.CONFIRMED, language=language, now=now)


def guardian_refused_enqueue(*, application: Application, language: str, now: dt.datetime) -> None:
    _enqueue(application=application, kind=Kind.GUARDIAN_REFUSED, language=language, now=now)


def withdrawn_enqueue(*, application: Application, guardian_knew: bool, language: str, now: dt.datetime) -> None:
    """A receipt of the withdrawal to the applicant's contact, and to her guardian when the
    guardian was asked (so a guardian learns it whoever withdrew)."""
    _enqueue(application=application, kind=Kind.WITHDRAWN, language=language, now=now)
    if guardian_knew:
        _enqueue(application=application, kind=Kind.WITHDRAWN, language=language, now=now, role=Role.GUARDIAN)


# Delivering ----------------------------------------------------------------------------------


def application_for_message(pk: str) -> Application | None:
    return Application.objects.select_related("open_day").filter(pk=int(pk), erased_at__isnull=True).first()


def is_current(message: OutgoingMessage, application: Application) -> bool:
    """Only while the application is where the message finds it, and its links work."""
    return bool(application.link_nonce) and application.status == CURRENT_IN.get(message.kind)


def applicant_url(application: Application) -> str:
    """Her own page; for a teacher's application, the teacher's list of the pupils she applied for."""
    if application.applied_by_id is not None:
        return site_url(reverse("openday-teacher-applications"))
    return site_url(reverse("openday-application", args=[application.link_token(LinkPurpose.APPLICANT)]))


def confirm_url(application: Application) -> str:
    return site_url(reverse("openday-apply-confirm", args=[application.link_token(LinkPurpose.APPLICANT)]))


def guardian_url(application: Application) -> str:
    return site_url(reverse("openday-guardian", args=[application.link_token(LinkPurpose.GUARDIAN)]))


def render(message: OutgoingMessage, application: Application) -> EmailMultiAlternatives:
    """The e-mail in the recipient's language, with the link made now from the row's nonce."""
    with translation.override(message.language):
        day = application.open_day
        values = {
            "day": day.title,
            "date": date_format(day.date, "DATE_FORMAT"),
            "name": application.first_name,
            "close": long_datetime(application.expires_at or day.applications_close),
        }
        details = _("Open day: %(day)s, %(date)s") % values
        if message.kind == Kind.CONFIRM_EMAIL:
            subject = _("Confirm your application for %(day)s") % values
            intro = (
                _(
                    "Open the link to confirm your e-mail address, so your application counts. "
                    "If you did not apply, ignore this e-mail: the application expires by itself (%(close)s)."
                )
                % values
            )
            url, link_text = confirm_url(application), _("Confirm my application")
        elif message.kind == Kind.GUARDIAN_CONSENT:
            subject = _("%(name)s has applied for %(day)s: your consent") % values
            intro = (
                _(
                    "%(name)s has applied for a place at the open day %(day)s on %(date)s. Pupils under 15 take part "
                    "only with a parent's or guardian's consent. Open the link to say yes or no (by %(close)s)."
                )
                % values
            )
            url, link_text = guardian_url(application), _("Answer")
        elif message.kind == Kind.WITHDRAWN:
            subject = _("The application of %(name)s for %(day)s is withdrawn") % values
            intro = (
                _(
                    "The application of %(name)s for %(day)s is withdrawn, and any place she had goes to the "
                    "waiting list. If that was a mistake, she can apply again while the application window is open."
                )
                % values
            )
            purpose = LinkPurpose.GUARDIAN if message.role == Role.GUARDIAN else LinkPurpose.APPLICANT
            url = (
                site_url(reverse("openday-application", args=[application.link_token(purpose)]))
                if application.applied_by_id is None or message.role == Role.GUARDIAN
                else applicant_url(application)
            )
            link_text = _("See the application")
        elif message.kind == Kind.GUARDIAN_REFUSED:
            subject = _("Your application for %(day)s was withdrawn") % values
            intro = _("Your parent or guardian did not agree, so the application was withdrawn.") % values
            url, link_text = applicant_url(application), _("See the application")
        else:
            subject = _("Your application for %(day)s counts") % values
            intro = (
                _(
                    "The application is confirmed. After the application window closes, the places are shared out "
                    "and you hear which host you visit. Until then you can change your choices or withdraw."
                )
                % values
            )
            url, link_text = applicant_url(application), _("See or change the application")
        details += "\n\n" + url
        return compose(message, subject=subject, intro=intro, details=details, url=url, link_text=link_text)


def sources() -> list[MessageSource]:
    return [
        MessageSource(
            subject_type=SUBJECT_TYPE,
            load=application_for_message,
            render=render,
            is_current=is_current,
            kind_labels={kind.value: kind.label for kind in Kind},
            role_labels={role.value: role.label for role in Role},
        )
    ]
