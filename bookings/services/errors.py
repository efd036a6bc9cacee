"""What bookings' services say when they refuse. Module constants, so tests and pages can
assert on and show the same text; re-exported by `bookings.services`."""

from django.utils.translation import gettext_lazy as _

SLOT_NOT_FOUND = _("This slot does not exist or is not open for booking.")
CLASS_NOT_FOUND = _("This class does not exist or is not one of your school's classes.")
SLOT_FULL = _("The slot is full.")
SLOT_TOO_SMALL = _("The slot does not take that many pupils.")
SLOT_IN_PAST = _("The slot has already started.")
DEADLINE_PASSED = _("The booking deadline for this slot has passed.")
GRADE_NOT_ELIGIBLE = _("This offer is not for the class's grade.")
CLASS_BUSY = _("The class already has a booking at that time.")
ALREADY_BOOKED = _("The class has already booked this slot.")
NOT_ALLOWED = _("You may not do this with this booking.")
WRONG_STATUS = _("The booking is no longer in a state that allows this.")
CANCELLATION_DEADLINE_PASSED = _("The cancellation deadline has passed; contact the host.")
MOVE_TO_OTHER_OFFER = _("A booking can only be moved to another slot of the same offer.")
MOVE_TO_SAME_SLOT = _("The booking is already on this slot.")
CAPACITY_BELOW_BOOKED = _("Capacity cannot be lower than the places already booked.")
END_BEFORE_START = _("The end must be after the start.")
CONTACT_NOT_MEMBER = _("The contact person must work for the offer's company.")
ON_HOLIDAY = _("%(date)s is a holiday (%(name)s). Allow holidays on the offer to add slots then.")
SERIES_EMPTY = _("The series produces no slots (all dates are holidays or exceptions).")
SLOT_START_IN_PAST = _("A slot must start in the future.")
OFFER_NOT_ALLOWED = _("Only members of the company that owns this can change it.")
OFFER_OTHER_COMPANY = _("An offer cannot move to another company.")
GRADE_RANGE_REVERSED = _("The highest grade must not be below the lowest.")
ROLE_MODEL_NOT_MEMBER = _("A role model must work for the offer's company.")
