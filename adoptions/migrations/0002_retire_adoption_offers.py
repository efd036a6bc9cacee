"""Retire the adoption-programme offer kind: class adoption is a domain of its own now.

Before, a company offered "class adoption" as an offer of kind `adoption_programme` with slots
that classes booked like a two-hour visit. This migration carries each such company over:

- Capacity: the company gets a CompanyCapacity in a collecting adoption round for the next
  school year whose area holds the company's municipality. If no such round exists, one round
  "Klasseadoption" for the next school year is opened (status collecting, created by nobody),
  whose area is the municipalities of the companies it takes. The capacity's classes are the
  offers' classes per slot summed over the company's adoption offers (at most
  MAX_ADOPTED_CLASSES); its grades are the offers' range clamped to 8th–9th grade when it
  overlaps them (adoption is for 8th and 9th grade), otherwise the offers' range as it was, for
  the consultant to see and correct. Travel, weekdays and activities a month keep their
  defaults; the notes name the offers. A company that already stated its capacity in that
  round keeps it untouched.
- Adopted classes: a class of this school year or later in 8th or 9th grade whose booking of
  an adoption offer the host confirmed (or that took place) was adopted by that company, so
  it gets the Adoption and empty annual plan `adoptions.services.adoption_create` would make
  (written here with the migration's models, as a migration must), and each such booking
  becomes an activity of the plan: booked, or done once it has ended. A class keeps the first
  company that confirmed it; a class already adopted is left as it is. Requests the host has
  not answered, waitlisted and cancelled bookings adopt nobody.
- Offers: each adoption offer becomes an unpublished company visit, so its slots and bookings
  stay in the history of the class, the school and the company, and no class can book it as
  an adoption any more. A paragraph appended to its description tells the host what happened
  and says whether it was published; the reverse migration reads it back.

Reversible: going back deletes the adoptions this migration made (recognised as adoptions
outside any round whose plan holds a booking of a marked offer; their plans go with them, also
activities added since), turns the marked offers into adoption offers again (published as they
were, the paragraph removed), deletes the capacities this migration wrote (recognised by their
notes) and then every round titled "Klasseadoption" that nothing refers to any more. Capacities
and rounds the consultant or companies made themselves are left alone.

Bookings' migration that removes the kind from the choices runs after this one (run_before),
so the data is moved while the kind still exists.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import migrations
from django.utils import timezone

from core.dates import school_year_of

ADOPTION_PROGRAMME = "adoption_programme"
COMPANY_VISIT = "company_visit"
COLLECTING = "collecting"
ADOPTING_BOOKINGS = ("confirmed", "completed")
ACTIVE = "active"
BOOKED, DONE = "booked", "done"  # plan activity statuses
VISIT_ACTIVITY = "company_visit"  # plan activity kind
ROUND_TITLE = "Klasseadoption"  # the round's name shows its school year after the title
# Frozen copies of the model's bounds: a migration means what it meant when it was written.
MAX_ADOPTED_CLASSES = 50
ADOPTED_GRADES = (8, 9)

CAPACITY_NOTE_PREFIX = "Overført fra klasseadoptionstilbud: "
OFFER_NOTE = (
    "\n\n[Tidligere et klasseadoptionsforløb. Klasseadoption aftales nu i adoptionsrunder, og "
    "virksomhedens kapacitet er overført til runden for næste skoleår. Tilbuddet er gjort til et "
    "virksomhedsbesøg og skjult, så dets bookinger bliver i historikken. {published}]"
)
WAS_PUBLISHED = "Det var offentliggjort."
WAS_NOT_PUBLISHED = "Det var ikke offentliggjort."


def retire_adoption_offers(apps, schema_editor) -> None:
    Offer = apps.get_model("bookings", "Offer")
    offers_by_company = defaultdict(list)
    for offer in Offer.objects.filter(kind=ADOPTION_PROGRAMME).select_related("company").order_by("company_id", "pk"):
        offers_by_company[offer.company].append(offer)
    if not offers_by_company:
        return
    this_school_year = school_year_of(timezone.localdate())
    rounds = _rounds_for(apps, companies=list(offers_by_company), school_year=this_school_year + 1)
    all_offers = [offer for offers in offers_by_company.values() for offer in offers]
    _adoptions_from_bookings(apps, offers=all_offers, school_year=this_school_year)
    for company, offers in offers_by_company.items():
        _capacity_from_offers(apps, round=rounds[company.pk], company=company, offers=offers)
        for offer in offers:
            _offer_to_hidden_visit(offer)


def _rounds_for(apps, *, companies: list, school_year: int) -> dict:
    """The collecting round of `school_year` each company's capacity goes into, by company id:
    the first whose area holds the company's municipality, else one new round for the rest."""
    AdoptionRound = apps.get_model("adoptions", "AdoptionRound")
    collecting = list(
        AdoptionRound.objects.filter(school_year=school_year, status=COLLECTING)
        .prefetch_related("municipalities")
        .order_by("pk")
    )
    chosen, uncovered = {}, []
    for company in companies:
        covering = next(
            (r for r in collecting if any(m.pk == company.municipality_id for m in r.municipalities.all())), None
        )
        if covering is None:
            uncovered.append(company)
        else:
            chosen[company.pk] = covering
    if uncovered:
        new_round = AdoptionRound.objects.create(title=ROUND_TITLE, school_year=school_year, status=COLLECTING)
        new_round.municipalities.set({company.municipality_id for company in uncovered})
        chosen.update({company.pk: new_round for company in uncovered})
    return chosen


def _capacity_from_offers(apps, *, round, company, offers: list) -> None:
    CompanyCapacity = apps.get_model("adoptions", "CompanyCapacity")
    if CompanyCapacity.objects.filter(round=round, company=company).exists():
        return  # the company has said what it offers in this round; its own word stands
    grade_min, grade_max = _adopted_grades(min(o.grade_min for o in offers), max(o.grade_max for o in offers))
    CompanyCapacity.objects.create(
        round=round,
        company=company,
        classes=max(1, min(MAX_ADOPTED_CLASSES, sum(o.default_capacity_classes for o in offers))),
        grade_min=grade_min,
        grade_max=grade_max,
        notes=CAPACITY_NOTE_PREFIX + "; ".join(f"«{o.title}»" for o in offers) + ".",
    )


def _adopted_grades(grade_min: int, grade_max: int) -> tuple[int, int]:
    """The offers' grades within 8th–9th grade when they overlap them, else unchanged."""
    low, high = ADOPTED_GRADES
    if grade_min <= high and grade_max >= low:
        return max(grade_min, low), min(grade_max, high)
    return grade_min, grade_max


def _adoptions_from_bookings(apps, *, offers: list, school_year: int) -> None:
    """Adopt each class the offers' hosts confirmed, its bookings the plan's first activities."""
    Booking = apps.get_model("bookings", "Booking")
    Adoption = apps.get_model("adoptions", "Adoption")
    adopting = (
        Booking.objects.filter(
            slot__offer__in=offers,
            status__in=ADOPTING_BOOKINGS,
            school_class__grade__in=ADOPTED_GRADES,
            school_class__school_year__gte=school_year,
        )
        .select_related("slot__offer", "school_class")
        .order_by("created_at", "pk")
    )
    for booking in adopting:
        adoption = Adoption.objects.filter(school_class=booking.school_class, status=ACTIVE).first()
        if adoption is None:
            adoption = _adoption_create(apps, school_class=booking.school_class, company_id=booking.slot.offer.company_id)
        if adoption.company_id == booking.slot.offer.company_id:
            _activity_from_booking(apps, plan=adoption.plan, booking=booking)


def _adoption_create(apps, *, school_class, company_id: int):
    """What adoptions.services.adoption_create makes: the adoption and its empty plan."""
    adoption = apps.get_model("adoptions", "Adoption").objects.create(
        school_class=school_class, company_id=company_id, school_year=school_class.school_year
    )
    apps.get_model("adoptions", "AnnualPlan").objects.create(adoption=adoption)
    return adoption


def _activity_from_booking(apps, *, plan, booking) -> None:
    slot, offer = booking.slot, booking.slot.offer
    activity = apps.get_model("adoptions", "PlanActivity").objects.create(
        plan=plan,
        title=offer.title,
        kind=VISIT_ACTIVITY,
        planned_month=timezone.localtime(slot.start).date().replace(day=1),
        starts_at=slot.start,
        ends_at=slot.end,
        description=offer.description,
        status=DONE if booking.status == "completed" or slot.end <= timezone.now() else BOOKED,
        booking=booking,
    )
    apps.get_model("adoptions", "PlanChange").objects.create(
        plan=plan,
        activity=activity,
        actor_id=booking.booked_by_id,
        summary=f"Overført fra bookingen af klasseadoptionen «{offer.title}»",
    )


def _offer_to_hidden_visit(offer) -> None:
    offer.description += _offer_note(offer.is_published)
    offer.kind = COMPANY_VISIT
    offer.is_published = False
    offer.save(update_fields=["description", "kind", "is_published"])


def _offer_note(published: bool) -> str:
    return OFFER_NOTE.format(published=WAS_PUBLISHED if published else WAS_NOT_PUBLISHED)


def restore_adoption_offers(apps, schema_editor) -> None:
    Offer = apps.get_model("bookings", "Offer")
    was_published = {
        offer: published
        for published in (True, False)
        for offer in Offer.objects.filter(kind=COMPANY_VISIT, description__endswith=_offer_note(published))
    }
    apps.get_model("adoptions", "Adoption").objects.filter(
        round__isnull=True, plan__activities__booking__slot__offer__in=list(was_published)
    ).delete()
    for offer, published in was_published.items():
        offer.description = offer.description.removesuffix(_offer_note(published))
        offer.kind = ADOPTION_PROGRAMME
        offer.is_published = published
        offer.save(update_fields=["description", "kind", "is_published"])
    apps.get_model("adoptions", "CompanyCapacity").objects.filter(notes__startswith=CAPACITY_NOTE_PREFIX).delete()
    apps.get_model("adoptions", "AdoptionRound").objects.filter(
        title=ROUND_TITLE,
        capacities__isnull=True,
        wishes__isnull=True,
        runs__isnull=True,
        adoptions__isnull=True,
        pair_rules__isnull=True,
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("adoptions", "0001_initial"),
        ("bookings", "0010_offer_private"),
    ]
    run_before = [
        ("bookings", "0011_offer_kind_without_adoption_programme"),
    ]

    operations = [
        migrations.RunPython(retire_adoption_offers, restore_adoption_offers),
    ]
