"""Loading the demo: every domain's part in order, in one transaction, once."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from adoptions.models import Adoption, AdoptionRound, ClassWish, CompanyCapacity, PlanActivity
from bookings.models import Booking, Offer, Slot
from companies.models import Company, RoleModel
from core.dates import school_year_of
from demo.adoptions import adoptions_create
from demo.bookings import bookings_create
from demo.companies import MARKER_CVR, companies_create
from demo.history import history_create
from demo.offers import offers_create
from demo.opendays import opendays_create
from demo.people import People
from demo.schools import schools_create
from demo.this_year import this_year_create
from opendays.models import Application, Host, OpenDay, SurveyResponse
from overview.facts import years_with_history
from overview.models import Feedback
from overview.services import facts_refresh, initiatives_import
from overview.services.initiatives import SHIPPED_CSV
from schools.models import School, SchoolClass

DEMO_SEED = 2026


def demo_is_loaded() -> bool:
    return Company.objects.filter(cvr=MARKER_CVR).exists()


def demo_load(*, seed: int = DEMO_SEED) -> dict[str, int] | None:
    """Load the demo in one transaction. Returns what the database now holds, or None if the
    demo was already loaded (nothing is written then)."""
    with transaction.atomic():
        if demo_is_loaded():
            return None
        _load(rng=random.Random(seed), today=timezone.localdate())
    return demo_counts()


def demo_counts() -> dict[str, int]:
    counts = {
        "companies": Company.objects.count(),
        "role models": RoleModel.objects.count(),
        "schools": School.objects.count(),
        "classes": SchoolClass.objects.count(),
        "users": User.objects.count(),
        "offers": Offer.objects.count(),
        "slots": Slot.objects.count(),
        "full slots": sum(slot.is_full for slot in Slot.objects.all()),
    }
    for status in Booking.Status:
        counts[f"bookings {status.value}"] = Booking.objects.filter(status=status).count()
    counts |= {
        "adoption rounds": AdoptionRound.objects.count(),
        "company capacities": CompanyCapacity.objects.count(),
        "class wishes": ClassWish.objects.count(),
        "adoptions": Adoption.objects.count(),
        "plan activities": PlanActivity.objects.count(),
        "open days": OpenDay.objects.count(),
        "open-day hosts": Host.objects.count(),
        "open-day applications": Application.objects.count(),
        "open-day survey answers": SurveyResponse.objects.count(),
        "feedback asked": Feedback.objects.count(),
        "feedback answered": Feedback.objects.filter(answered_at__isnull=False).count(),
    }
    return counts


def _load(*, rng: random.Random, today: dt.date) -> None:
    """One generator for every random choice, drawn in this order, so the demo is always the same."""
    people = People(rng)
    people.staff_create()
    companies = companies_create(people=people, rng=rng)
    offers = offers_create(companies=companies, rng=rng, today=today)
    school_year = _school_year_of_the_slots()
    schools = schools_create(people=people, rng=rng, school_year=school_year)
    bookings_create(offers=offers, schools=schools, rng=rng)
    adoptions_create(companies=companies, schools=schools, school_year=school_year, today=today)
    opendays_create(companies=companies, schools=schools, rng=rng, today=today)
    _initiatives_import()
    # The past school years draw from a generator of their own, so that adding history left
    # this year's demo as it was.
    history_rng = random.Random(rng.getrandbits(32))
    history_create(companies=companies, schools=schools, school_year=school_year, rng=history_rng, today=today)
    # This school year's days gone by draw from one more, for the same reason.
    this_year_rng = random.Random(rng.getrandbits(32))
    this_year_create(offers=offers, schools=schools, school_year=school_year, rng=this_year_rng, today=today)
    _figures_refresh()


def _school_year_of_the_slots() -> int:
    """The classes belong to the school year the slots are in: from late June that is the
    next one, as every slot then lies after the summer holiday."""
    first_slot = Slot.objects.filter(start__gt=timezone.now()).order_by("start").first()
    return school_year_of(timezone.localtime(first_slot.start).date())


def _figures_refresh() -> None:
    """The dashboard's figures for every school year the demo holds, so the consultant sees
    them at once rather than after the 15-minute refresh."""
    for year in years_with_history():
        facts_refresh(school_year=year)


def _initiatives_import() -> None:
    """The report's 70 STEM initiatives, through the import a consultant uses (the file shipped
    with the project); it draws nothing from the random generator."""
    with open(SHIPPED_CSV, "rb") as file:
        initiatives_import(actor=None, file=file)
