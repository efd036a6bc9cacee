"""Offers: what a company offers schools."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.models import User
from bookings.models import Offer
from bookings.services.errors import CONTACT_NOT_MEMBER
from core.errors import DomainError


def _check_contact(offer: Offer) -> None:
    if offer.contact_id is not None and offer.contact.company_id != offer.company_id:
        raise DomainError(CONTACT_NOT_MEMBER, code="contact_not_member", field="contact")


@transaction.atomic
def offer_create(*, actor: User, subjects: list | None = None, sectors: list | None = None, **fields: Any) -> Offer:
    offer = Offer(**fields)
    _check_contact(offer)
    offer.full_clean()
    offer.save()
    offer.subjects.set(subjects or [])
    offer.sectors.set(sectors or [offer.company.sector_id])
    return offer


@transaction.atomic
def offer_update(
    *, offer: Offer, actor: User, subjects: list | None = None, sectors: list | None = None, **fields: Any
) -> Offer:
    for name, value in fields.items():
        setattr(offer, name, value)
    _check_contact(offer)
    offer.full_clean()
    offer.save()
    if subjects is not None:
        offer.subjects.set(subjects)
    if sectors is not None:
        offer.sectors.set(sectors)
    return offer
