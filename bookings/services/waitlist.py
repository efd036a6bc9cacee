"""The waitlist: classes that asked for a full slot, given freed places in the order they joined."""

from __future__ import annotations

from django.utils import timezone

from bookings.messages import Change
from bookings.models import Booking, BookingEvent, Slot
from bookings.services import capacity
from bookings.services.announce import announce, announce_creation, record
from bookings.services.eligibility import conflicting_slot_id
from bookings.services.states import status_after_claim, transition
from core.errors import DomainError


def waitlist_promote(*, slot_id: int) -> list[Booking]:
    """Give freed places to waitlisted classes in the order they joined. A class that no
    longer fits (too many pupils for what is free, or busy elsewhere then) keeps its place
    in the queue and the next one is tried. Runs inside the caller's transaction.

    Nobody is promoted onto a slot that is closed or has started. Past the booking deadline
    only an offer that confirms automatically promotes: on one the host confirms by hand,
    the class would become a request that can no longer be answered and expires at once
    (requests_expire), so it had better stay on the waitlist."""
    promoted: list[Booking] = []
    now = timezone.now()
    # Locked before anything is written for them: the delivery pass may be writing a
    # candidate's new-booking messages (bookings_announce_new locks it first), and writing the
    # same outbox rows before waiting for its lock would leave each transaction waiting for the
    # other's. Locked, the promotion waits for the pass and finds the messages written.
    waiting = (
        Booking.objects.waitlist_of(slot_id)
        .select_for_update(of=("self",))
        .select_related("slot__offer__company", "slot__offer__contact__user", "booked_by")
    )
    for candidate in waiting:
        announce_creation([candidate])
        slot = candidate.slot
        if slot.status != Slot.Status.OPEN or slot.start <= now:
            break
        if slot.booking_deadline <= now and not slot.offer.auto_confirm:
            break
        if conflicting_slot_id(
            class_id=candidate.school_class_id,
            teacher_id=candidate.teacher_id,
            slot_id=slot.pk,
            start=slot.start,
            end=slot.end,
            exclude_booking_id=candidate.pk,
        ):
            continue
        if not capacity.slot_claim(slot_id=slot_id, pupils=candidate.pupils):
            slot.refresh_from_db(fields=["booked_classes", "booked_pupils"])
            if slot.free_classes <= 0:
                break
            continue
        try:
            old = transition(
                candidate, from_statuses=(Booking.Status.WAITLISTED,), to_status=status_after_claim(slot.offer)
            )
        except DomainError:  # withdrawn meanwhile: give the place back and ask the next class
            capacity.slot_release(slot_id=slot_id, pupils=candidate.pupils)
            continue
        record(candidate, action=BookingEvent.Action.PROMOTED, actor=None, from_status=old)
        announce(candidate, Change.PROMOTED)
        promoted.append(candidate)
    return promoted
