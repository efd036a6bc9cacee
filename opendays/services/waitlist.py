"""Freed places after publication: offered to the waiting list in order, with a deadline.

A place is taken by an applicant placed with the host or offered it (an offer holds the place
until its deadline). When a place frees up, the next waitlisted applicant who named the host
(by waiting-list position) is offered it for the day's `offer_hours`, never past the day's
start. She accepts or declines through her link; an offer not answered in time lapses and
the place passes on. An applicant who declines or lets an offer lapse leaves the waiting list,
so the same place is never offered to her twice."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record, audited
from core.errors import DomainError
from opendays.messages.after import offer_message_enqueue
from opendays.messages.publication import participants_changed_enqueue, placement_messages_enqueue
from opendays.models import Application, Host, OpenDay, Preference

OFFER_NOT_OPEN = _("There is no offered place to answer.")
OFFER_EXPIRED = _("The offer has expired; the place has gone to the next on the waiting list.")

# Who holds a place at a host: placed, or offered it and not yet answered.
HOLDS_PLACE = (Application.Outcome.PLACED, Application.Outcome.OFFERED)


def day_starts_at(open_day: OpenDay) -> dt.datetime:
    """The start of the day in Copenhagen: no offer stays open past it."""
    return timezone.make_aware(dt.datetime.combine(open_day.date, dt.time.min))


def taken_places(host: Host) -> int:
    """Places held at `host` by applications that still count."""
    return Application.objects.filter(
        host=host, outcome__in=HOLDS_PLACE, status=Application.Status.CONFIRMED, erased_at__isnull=True
    ).count()


def next_waitlisted(host: Host) -> tuple[Application, int] | None:
    """The next applicant on the day's waiting list who named `host`, with the rank she gave it;
    one the host's age limit excludes is passed over."""
    preference = (
        Preference.objects.select_related("application")
        .filter(
            host=host,
            application__open_day_id=host.open_day_id,
            application__status=Application.Status.CONFIRMED,
            application__outcome=Application.Outcome.WAITLISTED,
            application__erased_at__isnull=True,
            application__age__gte=host.age_min or 0,
        )
        .order_by("application__waitlist_position", "application_id")
        .first()
    )
    return (preference.application, preference.rank) if preference else None


@transaction.atomic
@audited("opendays.host.places_freed", target="host")
def places_freed(*, host: Host, now: dt.datetime | None = None) -> list[Application]:
    """Call after a change that may have freed places at `host` (a placed applicant withdrew or
    was erased, an offer was declined or lapsed, the host added places): offers each free place
    to the next waitlisted applicant who named the host. Nothing happens before publication or
    once the day has begun. Returns the applications offered a place."""
    now = now or timezone.now()
    host = Host.objects.select_for_update().select_related("open_day").get(pk=host.pk)
    day = host.open_day
    if day.published_at is None or day.erased_at is not None or now >= day_starts_at(day):
        return []
    deadline = min(now + dt.timedelta(hours=day.offer_hours), day_starts_at(day))
    offered: list[Application] = []
    for _free in range(max(host.places - taken_places(host), 0)):
        found = next_waitlisted(host)
        if found is None:
            break
        application, rank = found
        application.outcome = Application.Outcome.OFFERED
        application.host = host
        application.preference_rank = rank
        application.offer_expires_at = deadline
        application.save(update_fields=["outcome", "host", "preference_rank", "offer_expires_at", "updated_at"])
        offer_message_enqueue(application=application, now=now)
        offered.append(application)
    return offered


def _locked_offer(application: Application, now: dt.datetime) -> Application:
    """The application, locked, if it holds an open offer; refused otherwise."""
    application = Application.objects.select_for_update().select_related("open_day").get(pk=application.pk)
    if application.outcome != Application.Outcome.OFFERED or application.erased_at is not None:
        raise DomainError(OFFER_NOT_OPEN, code="offer_not_open")
    if application.offer_expires_at is None or application.offer_expires_at <= now:
        raise DomainError(OFFER_EXPIRED, code="offer_expired")
    return application


@transaction.atomic
@audited("opendays.application.offer_accept", target="application")
def offer_accept(*, application: Application, now: dt.datetime | None = None) -> Application:
    """She takes the offered place: placed with the host, off the waiting list."""
    now = now or timezone.now()
    application = _locked_offer(application, now)
    application.outcome = Application.Outcome.PLACED
    application.waitlist_position = None
    application.offer_expires_at = None
    application.save(update_fields=["outcome", "waitlist_position", "offer_expires_at", "updated_at"])
    # Her place's e-mail with the calendar invite, and the reminders, as publication gives the others.
    placement_messages_enqueue(application=application, now=now)
    participants_changed_enqueue(host=application.host, now=now)
    return application


def _leave_waitlist(application: Application, outcome: str) -> Host:
    """Off the waiting list with `outcome`; returns the host whose place is free again."""
    host = application.host
    application.outcome = outcome
    application.host = None
    application.preference_rank = None
    application.waitlist_position = None
    application.offer_expires_at = None
    application.save(
        update_fields=["outcome", "host", "preference_rank", "waitlist_position", "offer_expires_at", "updated_at"]
    )
    return host


@transaction.atomic
@audited("opendays.application.offer_decline", target="application")
def offer_decline(*, application: Application, now: dt.datetime | None = None) -> Application:
    """She says no: she leaves the waiting list and the place goes to the next who named the host."""
    now = now or timezone.now()
    application = _locked_offer(application, now)
    host = _leave_waitlist(application, Application.Outcome.DECLINED)
    places_freed(host=host, now=now)
    return application


def expire_offers(*, now: dt.datetime | None = None) -> int:
    """Offers whose deadline has passed lapse, and each place passes on. Returns how many lapsed."""
    now = now or timezone.now()
    lapsed = 0
    due = Application.objects.filter(outcome=Application.Outcome.OFFERED, offer_expires_at__lte=now)
    for application_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            application = Application.objects.select_for_update().filter(pk=application_id).first()
            if application is None or application.outcome != Application.Outcome.OFFERED:
                continue
            if application.offer_expires_at is None or application.offer_expires_at > now:
                continue
            host = _leave_waitlist(application, Application.Outcome.LAPSED)
            audit_record(actor=None, action="opendays.application.offer_lapse", target=application)
            places_freed(host=host, now=now)
            lapsed += 1
    return lapsed
