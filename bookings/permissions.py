"""Which side of a booking or an offer a user is on: the one definition the services, the API
and the pages share. The services decide with it what a user may do, the API which writes it
lets through, the pages which actions they offer."""

from accounts.models import User
from bookings.models import Booking, Offer
from companies.selectors import company_ids_of
from schools.selectors import teacher_of


def can_manage_offers(user: User) -> bool:
    """Acts for at least one company, or sees everything: may create offers and open the host's pages."""
    return user.is_authenticated and (user.sees_everything or bool(company_ids_of(user)))


def can_manage_offer(user: User, offer: Offer) -> bool:
    """A member of the company that owns the offer, or someone who sees everything."""
    return user.is_authenticated and (user.sees_everything or offer.company_id in company_ids_of(user))


def is_company_side(user: User, booking: Booking) -> bool:
    """The host's side of a booking: whoever manages the booked offer. May confirm and decline."""
    return can_manage_offer(user, booking.slot.offer)


def is_school_side(user: User, booking: Booking) -> bool:
    """The school's side of a booking: a teacher at the booked class's school (on a teacher
    visit: the visiting teacher's school), or someone who sees everything. May move and cancel."""
    if not user.is_authenticated:
        return False
    if user.sees_everything:
        return True
    teacher = teacher_of(user)
    return teacher is not None and teacher.school_id == booking.school_pk
