"""Offers: what a company offers schools. Only those who manage the company's offers write
them (the same rule the pages and the API use to decide what to show and let through), and
an offer stays with the company it was created for."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accounts.audit import audited
from accounts.models import User
from bookings.models import Offer
from bookings.permissions import can_manage_offer
from bookings.services.errors import (
    CONTACT_NOT_MEMBER,
    GRADE_RANGE_REVERSED,
    OFFER_NOT_ALLOWED,
    OFFER_OTHER_COMPANY,
    PRIVATE_NOT_PUBLISHED,
)
from core.errors import DomainError


def check_may_manage(actor: User, offer: Offer) -> None:
    """Refuse anyone who does not manage the offer's company (or see everything)."""
    if not can_manage_offer(actor, offer):
        raise DomainError(OFFER_NOT_ALLOWED, code="not_allowed")


def _check_company_kept(offer: Offer, fields: dict[str, Any]) -> None:
    """An offer's slots, bookings and history belong to its company: it cannot change hands."""
    company = fields.get("company", fields.get("company_id", offer.company_id))
    if getattr(company, "pk", company) != offer.company_id:
        raise DomainError(OFFER_OTHER_COMPANY, code="other_company", field="company")


def _check_offer(offer: Offer) -> None:
    """The rules of an offer's own fields that are worth a clear refusal before the database's."""
    if offer.is_private and offer.is_published:
        raise DomainError(PRIVATE_NOT_PUBLISHED, code="private_offer", field="is_published")
    if offer.grade_min is not None and offer.grade_max is not None and offer.grade_min > offer.grade_max:
        raise DomainError(GRADE_RANGE_REVERSED, code="grade_range", field="grade_max")
    if offer.contact_id is not None and offer.contact.company_id != offer.company_id:
        raise DomainError(CONTACT_NOT_MEMBER, code="contact_not_member", field="contact")


@transaction.atomic
@audited("bookings.offer.create")
def offer_create(*, actor: User, subjects: list | None = None, sectors: list | None = None, **fields: Any) -> Offer:
    """Create an offer for a company the actor manages; its sectors default to the company's."""
    offer = Offer(**fields)
    check_may_manage(actor, offer)
    _check_offer(offer)
    offer.full_clean()
    offer.save()
    offer.subjects.set(subjects or [])
    offer.sectors.set(sectors or [offer.company.sector_id])
    return offer


@transaction.atomic
@audited("bookings.offer.update", target="offer", fields=True)
def offer_update(
    *, offer: Offer, actor: User, subjects: list | None = None, sectors: list | None = None, **fields: Any
) -> Offer:
    """Change an offer of a company the actor manages; `subjects` and `sectors` are replaced
    when given."""
    check_may_manage(actor, offer)
    _check_company_kept(offer, fields)
    for name, value in fields.items():
        setattr(offer, name, value)
    _check_offer(offer)
    offer.full_clean()
    offer.save()
    if subjects is not None:
        offer.subjects.set(subjects)
    if sectors is not None:
        offer.sectors.set(sectors)
    return offer
