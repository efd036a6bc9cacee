"""Retire the open-day-host offer kind: open days are a domain of their own now.

Before, a company offered a place on an open day as an offer of kind `open_day_host` with a
slot on the day that whole classes booked. This migration carries the coming days over:

- Open days: the future slots (not cancelled) of published open-day-host offers, grouped by
  their date in Copenhagen, become one OpenDay per date, still open for hosts and
  applications: its area is the companies' municipalities, its grades the offers' range, its
  application window from now until the earliest booking deadline of the day's slots (at
  least an hour, for the consultant to set). Its description names the offers it came from.
- Hosts: each company with such a slot becomes a Host of that day: its places are the slots'
  pupil capacity (summed when it had several slots that day, at most MAX_HOST_PLACES; a dozen
  when there is none), its times the slots' first start and last end, its programme the
  offer's title and description, its practical notes its safety notes, its role models
  those of the slots, its address the company's.
- Offers: every open-day-host offer, published or not, past or future, becomes an unpublished
  company visit, so its slots and bookings stay in the history of the class, the school and
  the company, and no class can book it any more. A paragraph appended to its description
  tells the host what happened and says whether it was published; the reverse migration
  reads it back.

Reversible: going back deletes the open days this migration made (recognised by their
description; their hosts, and any applications made since, go with them) and turns the marked
offers into open-day-host offers again (published as they were, the paragraph removed).

Bookings' migration that removes the kind from the choices runs after this one (run_before),
so the data is moved while the kind still exists.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import migrations
from django.utils import timezone

OPEN_DAY_HOST = "open_day_host"
COMPANY_VISIT = "company_visit"
CANCELLED = "cancelled"  # a slot's status
# Frozen copies of the models' bounds: a migration means what it meant when it was written.
MAX_HOST_PLACES = 500
DEFAULT_PLACES = 12  # IGEday's group: about a dozen pupils a host
MAX_PROGRAMME = 5000
MAX_SAFETY_NOTES = 2000
MIN_WINDOW = dt.timedelta(hours=1)
LAST_MINUTE = dt.time(23, 59)

DAY_TITLE = "Åben dag"
DAY_NOTE = "Oprettet fra værtspladserne på den åbne dag: "
OFFER_NOTE = (
    "\n\n[Tidligere en værtsplads på en åben dag. Åbne dage har nu deres egne sider, hvor eleverne søger "
    "enkeltvis; virksomhedens kommende værtspladser er overført som vært på dagen. Tilbuddet er gjort til et "
    "virksomhedsbesøg og skjult, så dets bookinger bliver i historikken. {published}]"
)
WAS_PUBLISHED = "Det var offentliggjort."
WAS_NOT_PUBLISHED = "Det var ikke offentliggjort."


def retire_open_day_offers(apps, schema_editor) -> None:
    Offer = apps.get_model("bookings", "Offer")
    offers = list(Offer.objects.filter(kind=OPEN_DAY_HOST).select_related("company").order_by("pk"))
    if not offers:
        return
    now = timezone.now()
    for day, slots in _future_slots_by_day(apps, offers=[o for o in offers if o.is_published], now=now).items():
        _open_day_create(apps, day=day, slots=slots, now=now)
    for offer in offers:
        _offer_to_hidden_visit(offer)


def _future_slots_by_day(apps, *, offers: list, now: dt.datetime) -> dict[dt.date, list]:
    """The offers' coming slots, not cancelled, by their date in Copenhagen."""
    Slot = apps.get_model("bookings", "Slot")
    by_day = defaultdict(list)
    slots = (
        Slot.objects.filter(offer__in=offers, start__gt=now)
        .exclude(status=CANCELLED)
        .select_related("offer__company")
        .prefetch_related("role_models")
        .order_by("start", "pk")
    )
    for slot in slots:
        by_day[timezone.localtime(slot.start).date()].append(slot)
    return dict(sorted(by_day.items()))


def _open_day_create(apps, *, day: dt.date, slots: list, now: dt.datetime) -> None:
    offers = list({slot.offer_id: slot.offer for slot in slots}.values())
    open_day = apps.get_model("opendays", "OpenDay").objects.create(
        title=DAY_TITLE,
        description=DAY_NOTE + "; ".join(f"«{offer.title}»" for offer in offers) + ".",
        date=day,
        grade_min=min(offer.grade_min for offer in offers),
        grade_max=max(offer.grade_max for offer in offers),
        applications_open=now,
        applications_close=max(min(slot.booking_deadline for slot in slots), now + MIN_WINDOW),
    )
    open_day.municipalities.set({offer.company.municipality_id for offer in offers})
    slots_by_company = defaultdict(list)
    for slot in slots:
        slots_by_company[slot.offer.company].append(slot)
    for company, company_slots in slots_by_company.items():
        _host_create(apps, open_day=open_day, company=company, slots=company_slots)


def _host_create(apps, *, open_day, company, slots: list) -> None:
    """The company as a host of the day, from its slots that day (one or more offers)."""
    offers = list({slot.offer_id: slot.offer for slot in slots}.values())
    starts_at = min(timezone.localtime(slot.start).time() for slot in slots)
    ends_at = max(_local_end(slot) for slot in slots)
    host = apps.get_model("opendays", "Host").objects.create(
        open_day=open_day,
        company=company,
        places=min(MAX_HOST_PLACES, sum(slot.capacity_pupils for slot in slots)) or DEFAULT_PLACES,
        starts_at=starts_at,
        ends_at=ends_at if ends_at > starts_at else LAST_MINUTE,
        programme="\n\n".join(f"{offer.title}\n{offer.description}" for offer in offers)[:MAX_PROGRAMME],
        safety_notes="\n\n".join(offer.practical_notes for offer in offers if offer.practical_notes)[:MAX_SAFETY_NOTES],
        address=company.address,
        postcode=company.postcode,
        city=company.city,
        latitude=company.latitude,
        longitude=company.longitude,
    )
    host.role_models.set({role_model.pk for slot in slots for role_model in slot.role_models.all()})


def _local_end(slot) -> dt.time:
    """When the slot ends on its own day in Copenhagen; one past midnight ends the day."""
    start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
    return end.time() if end.date() == start.date() else LAST_MINUTE


def _offer_to_hidden_visit(offer) -> None:
    offer.description += _offer_note(offer.is_published)
    offer.kind = COMPANY_VISIT
    offer.is_published = False
    offer.save(update_fields=["description", "kind", "is_published"])


def _offer_note(published: bool) -> str:
    return OFFER_NOTE.format(published=WAS_PUBLISHED if published else WAS_NOT_PUBLISHED)


def restore_open_day_offers(apps, schema_editor) -> None:
    Offer = apps.get_model("bookings", "Offer")
    apps.get_model("opendays", "OpenDay").objects.filter(title=DAY_TITLE, description__startswith=DAY_NOTE).delete()
    for published in (True, False):
        for offer in Offer.objects.filter(kind=COMPANY_VISIT, description__endswith=_offer_note(published)):
            offer.description = offer.description.removesuffix(_offer_note(published))
            offer.kind = OPEN_DAY_HOST
            offer.is_published = published
            offer.save(update_fields=["description", "kind", "is_published"])


class Migration(migrations.Migration):
    dependencies = [
        ("opendays", "0001_initial"),
        ("bookings", "0011_offer_kind_without_adoption_programme"),
    ]
    run_before = [
        ("bookings", "0012_offer_kind_without_open_day_host"),
    ]

    operations = [
        migrations.RunPython(retire_open_day_offers, restore_open_day_offers),
    ]
