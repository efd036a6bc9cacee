"""Open-day-host offers written before the kind was retired: the coming slots of published
ones become an open day per date with each company as a host, and every such offer a hidden
company visit whose slots and bookings stay. The migration can be undone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Offer, Slot
from core.models import Municipality
from opendays.models import Host, OpenDay
from tests import factories

BEFORE = [("opendays", "0001_initial"), ("bookings", "0011_offer_kind_without_adoption_programme")]
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


def at(days: int, time: str) -> dt.datetime:
    """`time` in Copenhagen, `days` from today."""
    return timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time.fromisoformat(time))
    )


def slot(offer: Offer, *, days: int, start: str = "09:00", end: str = "14:00", pupils: int = 15, **fields) -> Slot:
    return factories.SlotFactory(
        offer=offer, start=at(days, start), end=at(days, end), capacity_classes=1, capacity_pupils=pupils, **fields
    )


@pytest.fixture
def old_offers():
    """The database before the kind was retired, and a way to write an open-day-host offer as
    the old code did; migrated forward again afterwards, whatever the test did."""
    executor = migrate(BEFORE)
    OldOffer = executor.loader.project_state(BEFORE).apps.get_model("bookings", "Offer")

    def write(company, *, title: str = "Pigedag", grades: tuple[int, int] = (7, 9), published: bool = True) -> Offer:
        old = OldOffer.objects.create(
            company_id=company.pk,
            kind="open_day_host",
            title=title,
            description="Mød vores ingeniører.",
            practical_notes="Lukket fodtøj.",
            grade_min=grades[0],
            grade_max=grades[1],
            is_published=published,
        )
        return Offer.objects.get(pk=old.pk)

    yield write
    migrate(latest())


def test_coming_slots_of_published_offers_become_an_open_day_per_date_with_each_company_a_host(old_offers):
    """Two companies on one date make one open day over their municipalities, each a host with
    its slot's pupil capacity, times, programme, notes, role models and the company's address;
    a company with two slots that day is one host with their places summed and times spanned;
    another date is another day. Cancelled slots, past slots and unpublished offers make none."""
    aalborg = factories.CompanyFactory()
    thisted = factories.CompanyFactory(municipality=Municipality.objects.get(code=787), address="Havnen 1")
    girls_day = old_offers(aalborg, title="Pigedag hos Nordvind", grades=(7, 10))
    harbour = old_offers(thisted, title="Pigedag i havnen", grades=(8, 9))
    role_model = factories.RoleModelFactory(company=aalborg)
    slot(girls_day, days=30, pupils=15).role_models.set([role_model])
    slot(harbour, days=30, start="08:30", end="11:00", pupils=10)
    slot(harbour, days=30, start="12:00", end="15:00", pupils=8)
    slot(harbour, days=60, pupils=12)
    slot(girls_day, days=45, status=Slot.Status.CANCELLED)
    slot(girls_day, days=-30)
    slot(old_offers(factories.CompanyFactory(), published=False), days=30)

    migrate(latest())

    first, second = OpenDay.objects.order_by("date")
    assert (first.date, second.date) == (at(30, "09:00").date(), at(60, "09:00").date())
    assert (first.status, first.grade_min, first.grade_max) == (OpenDay.Status.OPEN, 7, 10)
    assert set(first.municipalities.values_list("code", flat=True)) == {851, 787}
    assert timezone.now() - dt.timedelta(minutes=5) < first.applications_open < first.applications_close
    assert first.applications_close == at(29, "08:30")  # the earliest booking deadline
    assert "«Pigedag hos Nordvind»" in first.description and "«Pigedag i havnen»" in first.description
    nordvind, havnen = first.hosts.get(company=aalborg), first.hosts.get(company=thisted)
    assert (nordvind.places, nordvind.starts_at, nordvind.ends_at) == (15, dt.time(9), dt.time(14))
    assert nordvind.programme == "Pigedag hos Nordvind\nMød vores ingeniører."
    assert nordvind.safety_notes == "Lukket fodtøj."
    assert list(nordvind.role_models.all()) == [role_model]
    assert (nordvind.address, nordvind.postcode, nordvind.city) == ("Havnegade 12", "9000", "Aalborg")
    assert (havnen.places, havnen.starts_at, havnen.ends_at, havnen.address) == (
        18,
        dt.time(8, 30),
        dt.time(15),
        "Havnen 1",
    )
    assert list(second.hosts.values_list("company", "places")) == [(thisted.pk, 12)]
    assert Host.objects.count() == 3


def test_every_open_day_host_offer_becomes_a_hidden_company_visit_keeping_its_slots_and_bookings(
    old_offers, teacher, school_class
):
    """Published or not, each offer is an unpublished company visit saying what happened; a
    class's booking of a coming slot and a past slot are still there."""
    published = old_offers(factories.CompanyFactory())
    hidden = old_offers(factories.CompanyFactory(), published=False)
    coming = slot(published, days=20, pupils=30)
    booking = services.booking_create(actor=teacher.user, slot_id=coming.pk, school_class_id=school_class.pk, pupils=20)
    past = slot(hidden, days=-200)

    migrate(latest())

    for offer in Offer.objects.filter(pk__in=[published.pk, hidden.pk]):
        assert (offer.kind, offer.is_published) == (Offer.Kind.COMPANY_VISIT, False)
        assert offer.description.startswith("Mød vores ingeniører.\n\n[Tidligere en værtsplads på en åben dag.")
    assert Offer.objects.get(pk=published.pk).description.endswith("Det var offentliggjort.]")
    assert Offer.objects.get(pk=hidden.pk).description.endswith("Det var ikke offentliggjort.]")
    assert Booking.objects.get(pk=booking.pk).slot_id == coming.pk
    assert Slot.objects.get(pk=past.pk).offer_id == hidden.pk


def test_migrating_back_restores_the_offers_and_removes_the_open_days_the_migration_made(old_offers):
    """Back again: the offers are open-day-host offers, published as they were, with their own
    descriptions; the open days the migration made are gone, one the consultant made stays."""
    published = old_offers(factories.CompanyFactory())
    hidden = old_offers(factories.CompanyFactory(), published=False)
    slot(published, days=30)
    migrate(latest())
    consultants = OpenDay.objects.create(
        title="IGEday Nordjylland",
        date=timezone.localdate() + dt.timedelta(days=90),
        applications_open=timezone.now(),
        applications_close=timezone.now() + dt.timedelta(days=30),
    )
    assert OpenDay.objects.count() == 2

    apps = migrate(BEFORE).loader.project_state(BEFORE).apps

    restored = {offer.pk: offer for offer in apps.get_model("bookings", "Offer").objects.all()}
    assert (restored[published.pk].kind, restored[published.pk].is_published) == ("open_day_host", True)
    assert (restored[hidden.pk].kind, restored[hidden.pk].is_published) == ("open_day_host", False)
    assert {offer.description for offer in restored.values()} == {"Mød vores ingeniører."}
    assert list(apps.get_model("opendays", "OpenDay").objects.values_list("pk", flat=True)) == [consultants.pk]
