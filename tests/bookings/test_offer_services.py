"""The rules of offers and slots live in the services, whoever calls them: only those who
manage the company's offers write them, an offer stays with its company, and the people
named on an offer or a slot work for the offer's company."""

import datetime as dt

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Offer, Slot
from tests import factories
from tests.bookings.test_booking_services import refused


@pytest.fixture
def open_offer(offer):
    """An offer that takes slots on any day, so the tests do not depend on the holiday calendar."""
    offer.allow_holidays = True
    offer.save()
    return offer


def in_days(days: int) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)


def offer_fields(company, **changes) -> dict:
    fields = {
        "company": company,
        "kind": Offer.Kind.COMPANY_VISIT,
        "title": "Værftsbesøg",
        "description": "Se værftet.",
    }
    return fields | changes


def test_offer_create_refuses_a_company_the_actor_does_not_manage(host, other_host):
    error = refused("not_allowed", lambda: services.offer_create(actor=host.user, **offer_fields(other_host.company)))

    assert error.message == services.OFFER_NOT_ALLOWED
    assert not Offer.objects.filter(company=other_host.company).exists()


def test_offer_create_by_a_consultant_for_any_company(consultant, company):
    offer = services.offer_create(actor=consultant, **offer_fields(company))

    assert offer.company == company


def test_offer_update_refuses_someone_from_another_company(offer, other_host):
    refused("not_allowed", lambda: services.offer_update(offer=offer, actor=other_host.user, title="Overtaget"))

    offer.refresh_from_db()
    assert offer.title != "Overtaget"


def test_offer_update_refuses_moving_the_offer_to_another_company(offer, host):
    """Even a host who also works for the other company cannot move an offer there."""
    second_company = factories.CompanyMemberFactory(user=host.user).company

    error = refused(
        "other_company", lambda: services.offer_update(offer=offer, actor=host.user, company=second_company)
    )

    assert error.field == "company"
    offer.refresh_from_db()
    assert offer.company_id == host.company_id


def test_offer_update_accepts_the_same_company(offer, host):
    services.offer_update(offer=offer, actor=host.user, company=offer.company, title="Nyt navn")

    offer.refresh_from_db()
    assert offer.title == "Nyt navn"


def test_offer_refuses_a_highest_grade_below_the_lowest(offer, host):
    refused(
        "grade_range",
        lambda: services.offer_create(actor=host.user, **offer_fields(host.company, grade_min=9, grade_max=7)),
    )
    error = refused(
        "grade_range", lambda: services.offer_update(offer=offer, actor=host.user, grade_min=9, grade_max=7)
    )

    assert error.field == "grade_max"


def test_offer_refuses_a_contact_from_another_company(offer, host, other_host):
    refused("contact_not_member", lambda: services.offer_update(offer=offer, actor=host.user, contact=other_host))


def test_slot_create_refuses_a_role_model_of_another_company(open_offer, host):
    stranger = factories.RoleModelFactory()

    error = refused(
        "role_model_not_member",
        lambda: services.slot_create(actor=host.user, offer=open_offer, start=in_days(20), role_models=[stranger]),
    )

    assert error.field == "role_models"
    assert not Slot.objects.filter(offer=open_offer).exists()


def test_slot_create_names_role_models_of_the_offer_company(open_offer, host):
    colleague = factories.RoleModelFactory(company=open_offer.company)

    slot = services.slot_create(actor=host.user, offer=open_offer, start=in_days(20), role_models=[colleague])

    assert list(slot.role_models.all()) == [colleague]


def test_slot_update_refuses_a_role_model_of_another_company(open_offer, host):
    slot = services.slot_create(actor=host.user, offer=open_offer, start=in_days(20))

    refused(
        "role_model_not_member",
        lambda: services.slot_update(slot=slot, actor=host.user, role_models=[factories.RoleModelFactory()]),
    )

    assert not slot.role_models.exists()


def test_slot_services_refuse_someone_from_another_company(open_offer, host, other_host):
    slot = services.slot_create(actor=host.user, offer=open_offer, start=in_days(20))
    stranger = other_host.user

    refused("not_allowed", lambda: services.slot_create(actor=stranger, offer=open_offer, start=in_days(21)))
    refused("not_allowed", lambda: services.slot_update(slot=slot, actor=stranger, capacity_classes=5))
    refused("not_allowed", lambda: services.slot_cancel(slot=slot, actor=stranger))
    refused(
        "not_allowed",
        lambda: services.slot_series_create(
            actor=stranger,
            offer=open_offer,
            start=in_days(22),
            end=in_days(22) + dt.timedelta(hours=2),
            rrule="FREQ=WEEKLY;COUNT=2",
        ),
    )

    slot.refresh_from_db()
    assert (slot.capacity_classes, slot.status) == (open_offer.default_capacity_classes, Slot.Status.OPEN)
    assert Slot.objects.filter(offer=open_offer).count() == 1


def test_slot_update_refuses_moving_a_slot_to_an_offer_of_another_company(open_offer, host, other_host):
    slot = services.slot_create(actor=host.user, offer=open_offer, start=in_days(20))
    elsewhere = factories.OfferFactory(company=other_host.company)

    refused("not_allowed", lambda: services.slot_update(slot=slot, actor=host.user, offer=elsewhere))

    slot.refresh_from_db()
    assert slot.offer_id == open_offer.pk
