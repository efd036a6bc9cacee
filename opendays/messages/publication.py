"""What publishing an open day's matching tells whom, and how those e-mails read.

run_publish (opendays.services.runs) writes, inside its transaction:
- per application (subject "openday-placement:<application id>"): to the applicant, her
  guardian (under 15) and the teacher who applied for her, "placed" with a calendar invite or
  "waitlisted" with her position; reminders before the day to the placed;
- per host (subject "openday-host:<host id>"): to each member of the company, the participant
  list (first names, age, school) with an invite, and reminders before the day.

The applicant's link is rendered at delivery from Application.link_token, so the outbox holds
no token. A message whose news is no longer true (she withdrew, was erased or moved) is not sent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from companies.models import CompanyMember
from core.sites import site_url
from notifications.calendar import CalendarEvent, Person, event_uid
from notifications.models import OutgoingMessage
from notifications.registry import MessageSource, subject_key
from notifications.rendering import compose, long_datetime, site_domain
from notifications.services import Message, Recipient, days_before, messages_enqueue
from opendays.models import Application, Host, LinkPurpose, OpenDay

PLACEMENT_SUBJECT = "openday-placement"
HOST_SUBJECT = "openday-host"


# A host is told of the changes to its participant list once per this long.
CHANGE_GATHERING = dt.timedelta(minutes=30)


class Kind(models.TextChoices):
    PLACED = "placed", gettext_lazy("Open-day place")
    WAITLISTED = "waitlisted", gettext_lazy("Open-day waiting list")
    REMINDER = "reminder", gettext_lazy("Open-day reminder")
    PARTICIPANTS = "participants", gettext_lazy("Open-day participant list")
    PARTICIPANTS_CHANGED = "participants_changed", gettext_lazy("Open-day participant list changed")


class Role(models.TextChoices):
    APPLICANT = "applicant", gettext_lazy("Applicant")
    GUARDIAN = "guardian", gettext_lazy("Guardian")
    TEACHER = "teacher", gettext_lazy("Teacher")
    HOST = "host", gettext_lazy("Host")


# Times and links -------------------------------------------------------------------------------


def host_start(host: Host) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(host.open_day.date, host.starts_at))


def host_end(host: Host) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(host.open_day.date, host.ends_at))


def _url(name: str, args: list) -> str:
    """The page's full address; a name that does not exist fails the delivery loudly rather
    than sending a link to somewhere else."""
    return site_url(reverse(name, args=args))


def applicant_url(application: Application, role: str) -> str:
    """The applicant's own page through her (or her guardian's) link; the teacher's list for a teacher."""
    if role == Role.TEACHER:
        return _url("openday-teacher-applications", [])
    purpose = LinkPurpose.GUARDIAN if role == Role.GUARDIAN else LinkPurpose.APPLICANT
    token = application.link_token(purpose)
    return _url("openday-application", [token]) if token else site_url("/")


def host_url(host: Host) -> str:
    return _url("openday-host-detail", [host.pk])


def host_description(host: Host) -> str:
    """What a participant needs on the day, in the active language."""
    lines = [host.programme.strip(), ""]
    times = {"start": long_datetime(host_start(host)), "end": f"{host.ends_at:%H:%M}"}
    lines.append(_("Time: %(start)s–%(end)s") % times)
    lines.append(_("Address: %(address)s") % {"address": host.full_address})
    if host.role_models_text.strip():
        lines.append(_("You meet: %(people)s") % {"people": host.role_models_text.strip()})
    if host.safety_notes.strip():
        lines += ["", _("Practical notes: %(notes)s") % {"notes": host.safety_notes.strip()}]
    return "\n".join(lines).strip()


def host_event(host: Host, *, uid: str, url: str, description: str) -> CalendarEvent:
    return CalendarEvent(
        uid=uid,
        sequence=0,
        start=host_start(host),
        end=host_end(host),
        summary=f"{host.open_day.title} – {host.company.name}",
        organizer=Person(settings.CALENDAR_ORGANIZER_EMAIL, host.company.name),
        location=host.full_address,
        description=description,
        url=url,
    )


def application_event(application: Application, url: str) -> CalendarEvent:
    """The applicant's calendar entry for her host; one UID per application, so a later offer
    of another host updates the same entry."""
    host = application.host
    return host_event(
        host,
        uid=event_uid("openday-application", application.pk, site_domain()),
        url=url,
        description=host_description(host),
    )


# Writing -----------------------------------------------------------------------------------------


def _recipients(application: Application) -> list[Recipient]:
    """The applicant, her guardian when she is under 15, and the teacher who applied (once per address)."""
    people = []
    if application.email:
        people.append(Recipient(Role.APPLICANT, application.email, application.first_name, "da"))
    if application.needs_guardian and application.guardian_email:
        people.append(Recipient(Role.GUARDIAN, application.guardian_email, "", "da"))
    teacher = application.applied_by
    if teacher is not None and teacher.email:
        people.append(Recipient(Role.TEACHER, teacher.email, teacher.get_full_name(), teacher.language))
    seen, unique = set(), []
    for person in people:
        if person.email.lower() not in seen:
            seen.add(person.email.lower())
            unique.append(person)
    return unique


def _reminders(start: dt.datetime, now: dt.datetime) -> list[tuple[int, dt.datetime]]:
    return [(days, due) for days in settings.REMINDER_DAYS if (due := days_before(start, days)) > now]


def publication_messages_enqueue(*, open_day: OpenDay, now: dt.datetime) -> None:
    """Every message publication causes: per applicant placed or waitlisted, and per host."""
    applications = (
        Application.objects.filter(open_day=open_day, status=Application.Status.CONFIRMED)
        .exclude(outcome="")
        .select_related("applied_by", "host__open_day")
        .order_by("id")
    )
    for application in applications:
        placement_messages_enqueue(application=application, now=now)
    members = _host_people(open_day.hosts.values_list("company_id", flat=True))
    for host in open_day.hosts.select_related("open_day").order_by("id"):
        key = subject_key(HOST_SUBJECT, host.pk)
        messages = []
        for person in members.get(host.company_id, []):
            messages.append(Message(Kind.PARTICIPANTS, person, now, f"{Kind.PARTICIPANTS}:{host.pk}:{person.email}"))
            for days, due in _reminders(host_start(host), now):
                messages.append(
                    Message(Kind.REMINDER, person, due, f"{Kind.REMINDER}:{host.pk}:{days}d:{person.email}")
                )
        if messages:
            messages_enqueue(subject_key=key, messages=messages, now=now)


def _host_people(company_ids) -> dict[int, list[Recipient]]:
    """The members with an e-mail address of each company, by company id."""
    members = defaultdict(list)
    for member in CompanyMember.objects.filter(company_id__in=company_ids).select_related("user").order_by("id"):
        user = member.user
        if user.email:
            members[member.company_id].append(Recipient(Role.HOST, user.email, user.get_full_name(), user.language))
    return members


def participants_changed_enqueue(*, host: Host, now: dt.datetime) -> None:
    """Tell the host's people that their participant list changed after publication (a pupil
    withdrew or was erased, a freed place was taken). The changes of each half hour make one
    e-mail, due when the half hour ends and written with the list as it is then: a change always
    falls in a half hour whose e-mail is still to come."""
    window = CHANGE_GATHERING.total_seconds()
    due = dt.datetime.fromtimestamp((now.timestamp() // window + 1) * window, tz=dt.UTC)
    key = subject_key(HOST_SUBJECT, host.pk)
    dedup = f"{Kind.PARTICIPANTS_CHANGED}:{host.pk}:{due:%Y%m%d%H%M}"
    messages = [
        Message(Kind.PARTICIPANTS_CHANGED, person, due, f"{dedup}:{person.email}")
        for person in _host_people([host.company_id]).get(host.company_id, [])
    ]
    if messages:
        messages_enqueue(subject_key=key, messages=messages, now=now)


def placement_messages_enqueue(*, application: Application, now: dt.datetime) -> None:
    """The applicant's outcome to her, her guardian and her teacher; reminders if placed. The
    host is kept on each message, so news of a host she no longer has is not sent."""
    placed = application.outcome == Application.Outcome.PLACED and application.host_id is not None
    kind = Kind.PLACED if placed else Kind.WAITLISTED
    context = {"host": application.host_id}
    messages = []
    for person in _recipients(application):
        base = f"{application.host_id}:{person.role}:{person.email}"
        messages.append(Message(kind, person, now, f"{kind}:{base}", context=context))
        if placed:
            for days, due in _reminders(host_start(application.host), now):
                messages.append(Message(Kind.REMINDER, person, due, f"{Kind.REMINDER}:{days}d:{base}", context=context))
    if messages:
        messages_enqueue(
            subject_key=subject_key(PLACEMENT_SUBJECT, application.pk),
            messages=messages,
            withdrawing=[Kind.REMINDER],
            now=now,
        )


# Delivering ------------------------------------------------------------------------------------


def application_for_message(pk: str) -> Application | None:
    return (
        Application.objects.select_related("open_day", "host__company", "host__open_day", "school")
        .filter(pk=int(pk))
        .first()
    )


def placement_is_current(message: OutgoingMessage, application: Application) -> bool:
    """True while she still counts, is not erased, and has the outcome and host the message tells of."""
    if application.erased_at or application.status != Application.Status.CONFIRMED:
        return False
    if message.kind == Kind.WAITLISTED:
        return application.outcome == Application.Outcome.WAITLISTED
    host = (message.context or {}).get("host")
    return application.outcome == Application.Outcome.PLACED and application.host_id == host


def render_placement(message: OutgoingMessage, application: Application) -> EmailMultiAlternatives:
    """The e-mail in the recipient's language; a place comes with its calendar invite."""
    with translation.override(message.language):
        open_day = application.open_day
        url = applicant_url(application, message.role)
        values = {"name": application.first_name, "day": open_day.title, "date": _date(open_day.date)}
        details = _("Open day: %(day)s, %(date)s") % values
        if message.kind == Kind.WAITLISTED:
            values["position"] = application.waitlist_position or "–"
            subject = _("%(day)s: on the waiting list") % values
            intro = (
                _(
                    "Every host %(name)s named is full, so %(name)s is number %(position)s on the waiting list "
                    "for %(day)s. If a place frees up, an offer comes by e-mail with a deadline to accept."
                )
                % values
            )
            return compose(
                message,
                subject=subject,
                intro=intro,
                details=details + "\n\n" + url,
                url=url,
                link_text=_("See the application"),
            )
        host = application.host
        values["host"] = host.company.name
        if message.kind == Kind.REMINDER:
            subject = _("Reminder: %(day)s at %(host)s, %(date)s") % values
            intro = _("A reminder: %(name)s is expected at %(host)s for %(day)s.") % values
            event = None
        else:
            subject = _("%(day)s: a place at %(host)s") % values
            intro = (
                _("%(name)s has a place at %(host)s for %(day)s. The calendar invite has the time and address.")
                % values
            )
            event = application_event(application, url)
        details += "\n" + _("Host: %(host)s") % values + "\n\n" + host_description(host)
        # The link in the plain text too, for a mail program that shows only that.
        details += "\n\n" + url
        return compose(
            message,
            subject=subject,
            intro=intro,
            details=details,
            url=url,
            link_text=_("See the application"),
            event=event,
            method="REQUEST" if event else None,
        )


def _date(day: dt.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "DATE_FORMAT")


def host_for_message(pk: str) -> Host | None:
    return Host.objects.select_related("open_day", "company").filter(pk=int(pk)).first()


def host_is_current(message: OutgoingMessage, host: Host) -> bool:
    """While the day is published and its personal data not erased."""
    return host.open_day.status == OpenDay.Status.PUBLISHED and host.open_day.erased_at is None


def participants_of(host: Host) -> list[Application]:
    """Those placed with the host: first name, age and school only."""
    return list(
        Application.objects.filter(
            host=host, outcome=Application.Outcome.PLACED, status=Application.Status.CONFIRMED, erased_at__isnull=True
        )
        .select_related("school")
        .only("first_name", "age", "school__name")
        .order_by("first_name", "id")
    )


def render_host(message: OutgoingMessage, host: Host) -> EmailMultiAlternatives:
    """The participant list as it is at delivery, with the day's invite (the list, not the reminder)."""
    with translation.override(message.language):
        open_day = host.open_day
        participants = participants_of(host)
        values = {"day": open_day.title, "date": _date(open_day.date), "count": len(participants)}
        url = host_url(host)
        lines = [
            _("%(name)s, %(age)s, %(school)s")
            % {"name": a.first_name, "age": a.age, "school": a.school.name if a.school else "–"}
            for a in participants
        ]
        details = _("Participants (%(count)s):") % values + "\n" + "\n".join(lines) + "\n\n" + url
        if message.kind == Kind.PARTICIPANTS_CHANGED:
            subject = _("%(day)s: your participant list changed") % values
            intro = (
                ngettext(
                    "Your participant list for %(day)s has changed: %(count)s participant now comes to you.",
                    "Your participant list for %(day)s has changed: %(count)s participants now come to you.",
                    values["count"],
                )
                % values
            )
            event = None
        elif message.kind == Kind.REMINDER:
            subject = _("Reminder: %(day)s, %(date)s") % values
            intro = (
                ngettext(
                    "A reminder of the open day you host: %(count)s participant is expected.",
                    "A reminder of the open day you host: %(count)s participants are expected.",
                    values["count"],
                )
                % values
            )
            event = None
        else:
            subject = _("%(day)s: your participants") % values
            intro = (
                ngettext(
                    "The matching of %(day)s is published: %(count)s participant comes to you.",
                    "The matching of %(day)s is published: %(count)s participants come to you.",
                    values["count"],
                )
                % values
            )
            event = host_event(
                host,
                uid=event_uid("openday-host", host.pk, site_domain()),
                url=url,
                description=host_description(host),
            )
        return compose(
            message,
            subject=subject,
            intro=intro,
            details=details,
            url=url,
            link_text=_("See the participant list"),
            event=event,
            method="REQUEST" if event else None,
        )


def sources() -> list[MessageSource]:
    return [
        MessageSource(
            subject_type=PLACEMENT_SUBJECT,
            load=application_for_message,
            render=render_placement,
            is_current=placement_is_current,
            kind_labels={k.value: k.label for k in Kind},
            role_labels={r.value: r.label for r in Role},
        ),
        MessageSource(
            subject_type=HOST_SUBJECT,
            load=host_for_message,
            render=render_host,
            is_current=host_is_current,
            kind_labels={k.value: k.label for k in Kind},
            role_labels={r.value: r.label for r in Role},
        ),
    ]
