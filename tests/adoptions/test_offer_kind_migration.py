"""Adoption-programme offers written before the kind was retired become company adoption
capacity in a collecting round for the next school year, and the offers themselves hidden
company visits whose bookings stay; a class whose booking the host confirmed is adopted,
the booking its plan's first activity. The migration can be undone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from adoptions.models import MAX_ADOPTED_CLASSES, Adoption, AdoptionRound, CompanyCapacity, PlanActivity
from adoptions.services import adoption_create
from bookings import services
from bookings.models import Booking, Offer
from core.dates import school_year_of
from core.models import Municipality
from tests import factories

BEFORE = [("adoptions", "0001_initial"), ("bookings", "0010_offer_private")]
# Migrating needs real transactions; the reference data the migrations loaded (municipalities,
# sectors, learning goals) is restored after each test for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def next_school_year() -> int:
    return school_year_of(timezone.localdate()) + 1


def confirmed_booking(offer: Offer, teacher, school_class) -> Booking:
    """The class's booking of a new slot of the offer, confirmed by the company's host."""
    slot = factories.SlotFactory(offer=offer)
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    host = factories.CompanyMemberFactory(company=offer.company)
    return services.booking_confirm(booking=booking, actor=host.user)


@pytest.fixture
def old_offers():
    """The database before the kind was retired, and a way to write an adoption-programme
    offer as the old code did; migrated forward again afterwards, whatever the test did."""
    executor = migrate(BEFORE)
    OldOffer = executor.loader.project_state(BEFORE).apps.get_model("bookings", "Offer")

    def write(company, *, classes: int = 1, grades: tuple[int, int] = (8, 9), published: bool = True) -> Offer:
        old = OldOffer.objects.create(
            company_id=company.pk,
            kind="adoption_programme",
            title=f"Klasseadoption hos {company.name}",
            description="Vi adopterer en 8. klasse.",
            grade_min=grades[0],
            grade_max=grades[1],
            default_capacity_classes=classes,
            is_published=published,
        )
        return Offer.objects.get(pk=old.pk)

    yield write
    migrate(latest())


def test_adoption_offers_become_capacity_in_a_new_round_and_hidden_visits_keeping_their_bookings(
    old_offers, teacher, school_class
):
    """Without a collecting round, one "Klasseadoption" round for the next school year is
    opened over the companies' municipalities. A company's classes are its offers' classes
    summed, its grades the offers' range clamped to 8th–9th grade; each offer becomes an
    unpublished company visit saying what happened, and its booking is still there."""
    aalborg, thisted = (
        factories.CompanyFactory(),
        factories.CompanyFactory(municipality=Municipality.objects.get(code=787)),
    )
    first = old_offers(aalborg, classes=2, grades=(7, 10))
    second = old_offers(aalborg, classes=3, grades=(8, 8), published=False)
    old_offers(thisted)
    slot = factories.SlotFactory(offer=first)
    booking = services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)

    migrate(latest())

    (new_round,) = AdoptionRound.objects.all()
    assert (new_round.title, new_round.school_year) == ("Klasseadoption", next_school_year())
    assert new_round.status == AdoptionRound.Status.COLLECTING
    assert set(new_round.municipalities.values_list("code", flat=True)) == {851, 787}
    capacity = CompanyCapacity.objects.get(company=aalborg)
    assert (capacity.round, capacity.classes, capacity.grade_min, capacity.grade_max) == (new_round, 5, 8, 9)
    assert first.title in capacity.notes and second.title in capacity.notes
    assert CompanyCapacity.objects.get(company=thisted).classes == 1
    for offer in Offer.objects.filter(pk__in=[first.pk, second.pk]):
        assert (offer.kind, offer.is_published) == (Offer.Kind.COMPANY_VISIT, False)
        assert offer.description.startswith("Vi adopterer en 8. klasse.\n\n[Tidligere et klasseadoptionsforløb.")
    assert Booking.objects.get(pk=booking.pk).slot.offer_id == first.pk


def test_a_class_the_host_confirmed_is_adopted_with_its_booking_as_the_plans_first_activity(
    old_offers, teacher, school_class, other_teacher, other_class
):
    """A confirmed booking of an 8th grade adopts the class for its school year, outside any
    round, the booking a booked activity of its plan with who booked it in the history; a
    request the host has not answered adopts nobody, and a class another company adopted
    keeps that adoption."""
    company = factories.CompanyFactory()
    offer = old_offers(company)
    confirmed = confirmed_booking(offer, teacher, school_class)
    services.booking_create(
        actor=other_teacher.user, slot_id=confirmed.slot_id, school_class_id=other_class.pk, pupils=20
    )
    adopted_elsewhere = factories.SchoolClassFactory(school=teacher.school, name="9.A", grade=9)
    earlier = adoption_create(school_class=adopted_elsewhere, company=factories.CompanyFactory())
    confirmed_booking(offer, teacher, adopted_elsewhere)

    migrate(latest())

    adoption = Adoption.objects.get(company=company)
    assert (adoption.school_class, adoption.round) == (school_class, None)
    assert (adoption.school_year, adoption.status) == (school_class.school_year, Adoption.Status.ACTIVE)
    (activity,) = adoption.plan.activities.all()
    assert (activity.booking, activity.status, activity.title) == (confirmed, PlanActivity.Status.BOOKED, offer.title)
    assert (activity.starts_at, activity.ends_at) == (confirmed.slot.start, confirmed.slot.end)
    assert activity.changes.get().actor == teacher.user
    assert list(Adoption.objects.exclude(company=company)) == [earlier]
    assert not earlier.plan.activities.exists()


def test_capacity_goes_into_the_collecting_round_covering_the_company_capped_and_grades_kept_outside_8_9(
    old_offers,
):
    """A collecting round of the next school year whose area holds the company's municipality
    takes its capacity (no new round); classes stop at MAX_ADOPTED_CLASSES; offers for other
    grades than 8th–9th keep their range for the consultant to correct."""
    existing = AdoptionRound.objects.create(title="Nordjylland", school_year=next_school_year())
    existing.municipalities.set([Municipality.objects.get(code=851)])
    AdoptionRound.objects.create(title="Sidste år", school_year=next_school_year() - 1).municipalities.set([851])
    company = factories.CompanyFactory()
    upper_secondary = factories.CompanyFactory()
    old_offers(company, classes=40)
    old_offers(company, classes=30)
    old_offers(upper_secondary, grades=(11, 13))

    migrate(latest())

    assert AdoptionRound.objects.count() == 2
    capacity = CompanyCapacity.objects.get(company=company)
    assert (capacity.round, capacity.classes) == (existing, MAX_ADOPTED_CLASSES)
    other = CompanyCapacity.objects.get(company=upper_secondary)
    assert (other.round, other.grade_min, other.grade_max) == (existing, 11, 13)


def test_a_capacity_the_company_already_stated_is_left_as_it_was(old_offers):
    """The company's own word in the round stands; its offer is still retired."""
    existing = AdoptionRound.objects.create(title="Nordjylland", school_year=next_school_year())
    existing.municipalities.set([851])
    company = factories.CompanyFactory()
    stated = CompanyCapacity.objects.create(round=existing, company=company, classes=2, notes="Gerne Skalborg.")
    offer = old_offers(company, classes=6)

    migrate(latest())

    assert list(CompanyCapacity.objects.values_list("pk", "classes", "notes")) == [(stated.pk, 2, "Gerne Skalborg.")]
    assert Offer.objects.get(pk=offer.pk).kind == Offer.Kind.COMPANY_VISIT


def test_migrating_back_restores_the_offers_and_removes_what_the_migration_made(old_offers, teacher, school_class):
    """Back again: the offers are adoption programmes, published as they were, with their own
    descriptions and bookings; the adoptions, capacities and the round the migration made are
    gone, while a round the consultant opened stays."""
    consultants_round = AdoptionRound.objects.create(title="Nordjylland", school_year=next_school_year())
    consultants_round.municipalities.set([851])
    published = old_offers(factories.CompanyFactory(), classes=2)
    hidden = old_offers(factories.CompanyFactory(municipality=Municipality.objects.get(code=825)), published=False)
    booking = confirmed_booking(published, teacher, school_class)
    migrate(latest())
    assert AdoptionRound.objects.count() == 2
    assert Adoption.objects.filter(plan__activities__booking=booking).exists()

    apps = migrate(BEFORE).loader.project_state(BEFORE).apps

    OldOffer = apps.get_model("bookings", "Offer")
    restored = {offer.pk: offer for offer in OldOffer.objects.all()}
    assert (restored[published.pk].kind, restored[published.pk].is_published) == ("adoption_programme", True)
    assert (restored[hidden.pk].kind, restored[hidden.pk].is_published) == ("adoption_programme", False)
    assert {offer.description for offer in restored.values()} == {"Vi adopterer en 8. klasse."}
    assert not apps.get_model("adoptions", "CompanyCapacity").objects.exists()
    assert not apps.get_model("adoptions", "Adoption").objects.exists()
    assert apps.get_model("bookings", "Booking").objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert list(apps.get_model("adoptions", "AdoptionRound").objects.values_list("pk", flat=True)) == [
        consultants_round.pk
    ]
