"""Demo bookings: classes from across the region book the offers' first slots (nearby schools
more often), filling some and waitlisting others; the demo teachers book a fixed set, and
teacher visits for themselves; hosts have answered about half of the requests. Written
through bookings' services."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from bookings import services
from bookings.models import Booking, Offer, Slot
from core.geo import distance_km
from demo.offers import OfferSpec
from demo.schools import SCHOOL_LOGINS, DemoSchool
from schools.models import SchoolClass

BOOKING_MESSAGES = (
    "",
    "",
    "Vi glæder os! To elever har glutenallergi.",
    "Klassen har arbejdet med energi i fysik/kemi og har spørgsmål med.",
    "Vi kommer med bus og er der ca. 10 minutter før.",
    "En elev bruger kørestol — er der elevator?",
    "Alle må fotograferes, undtagen to elever, som vi peger ud ved ankomst.",
    "Vi er to lærere og en pædagog med.",
)


@dataclass(frozen=True)
class DemoBooking:
    """A booking for one of the demo teachers' classes, made after the other bookings."""

    username: str
    class_name: str
    offer: str
    slot_index: int
    confirm: bool = False  # the host confirms it (on offers without automatic confirmation)
    message: str = ""


DEMO_BOOKINGS = (
    DemoBooking("laerer", "8.A", "nordlys-besog", 1, confirm=True, message="Vi glæder os! To elever er vegetarer."),
    DemoBooking("laerer", "9.A", "nordlys-besog", 2, message="Klassen har arbejdet med apps i teknologiforståelse."),
    DemoBooking("laerer", "7.B", "vindmoelle", 1),  # the slot is full: waitlisted
    DemoBooking("laerer", "9.B", "robotlager", 2),
    DemoBooking("laerer", "9.B", "medtech", 2, message="Vi kommer med bus fra Vestbjerg."),
    DemoBooking("laerer2", "8.B", "vindmoelle", 2),  # takes the only place
    DemoBooking("laerer2", "9.A", "vindmoelle-ekspert", 1, message="Kan I komme kl. 10 efter frikvarteret?"),
    DemoBooking("laerer2", "8.A", "skagen-vaerft", 0),  # the slot is full: waitlisted
    DemoBooking("laerer2", "9.B", "it-sikkerhed", 2),
    DemoBooking("laerer2", "7.A", "vindmoelle-ekspert", 2, confirm=True),
)  # fmt: skip


@dataclass(frozen=True)
class DemoTeacherVisit:
    """A demo teacher's own place on a teacher visit (no class), in the teacher-visit week."""

    username: str
    offer: str
    confirm: bool = False
    message: str = ""


DEMO_TEACHER_VISITS = (
    DemoTeacherVisit("laerer", "laererpraktik-biogas", confirm=True, message="Jeg underviser i fysik/kemi i 8. og 9."),
    DemoTeacherVisit("laerer2", "laererpraktik-biogas"),
    DemoTeacherVisit("laerer2", "laererpraktik-it", message="Vi er ved at bygge et forløb om phishing."),
)


def bookings_create(
    *, offers: list[tuple[OfferSpec, Offer]], schools: dict[str, DemoSchool], rng: random.Random
) -> None:
    booker = _Booker(schools=schools, rng=rng)
    for spec, offer in offers:
        booker.book_demand(spec, offer)
    by_key = {spec.key: offer for spec, offer in offers if spec.key}
    booker.book_for_demo_teachers(by_key)
    booker.book_teacher_visits(by_key)
    booker.confirm_some_requests()


class _Booker:
    """Books classes as their teachers, keeping track of when each class is already out."""

    def __init__(self, *, schools: dict[str, DemoSchool], rng: random.Random) -> None:
        self.schools = schools
        self.rng = rng
        self.classes = [school_class for school in schools.values() for school_class in school.classes]
        self.teachers = {school.school.pk: school.teacher for school in schools.values()}
        self.busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)  # by class id
        self.demo_teacher_bookings: set[int] = set()  # their status is set by DEMO_BOOKINGS

    def book_demand(self, spec: OfferSpec, offer: Offer) -> None:
        """Book the classes the spec asks for, from schools other than the demo teachers'.
        More classes than places fill the slot and, if the offer keeps one, the waitlist."""
        demo_schools = {self.schools[key].school.pk for key in SCHOOL_LOGINS}
        for slot, wanted in zip(offer.slots.order_by("start"), spec.demand, strict=False):
            for _ in range(wanted):
                slot.refresh_from_db()
                school_class = self._pick_class(offer, slot, exclude_schools=demo_schools)
                if school_class is None:
                    break
                self._book(slot, school_class, message=self.rng.choice(BOOKING_MESSAGES))

    def book_for_demo_teachers(self, offers: dict[str, Offer]) -> None:
        for demo in DEMO_BOOKINGS:
            school = next(school for school in self.schools.values() if school.teacher.username == demo.username)
            school_class = next(c for c in school.classes if c.name == demo.class_name)
            offer = offers[demo.offer]
            slot = offer.slots.order_by("start")[demo.slot_index : demo.slot_index + 1].first()
            if slot is None:  # near the summer holiday a series has fewer slots
                continue
            booking = self._book(slot, school_class, message=demo.message)
            if demo.confirm:
                services.booking_confirm(booking=booking, actor=offer.contact.user)
            self.demo_teacher_bookings.add(booking.pk)

    def book_teacher_visits(self, offers: dict[str, Offer]) -> None:
        for demo in DEMO_TEACHER_VISITS:
            teacher = next(s.teacher for s in self.schools.values() if s.teacher.username == demo.username)
            offer = offers[demo.offer]
            slot = offer.slots.order_by("start").first()
            booking = services.booking_create(actor=teacher, slot_id=slot.pk, message=demo.message)
            if demo.confirm:
                services.booking_confirm(booking=booking, actor=offer.contact.user)
            self.demo_teacher_bookings.add(booking.pk)

    def confirm_some_requests(self) -> None:
        """Hosts have answered about half of the requests; the rest await them."""
        requested = (
            Booking.objects.filter(status=Booking.Status.REQUESTED)
            .exclude(pk__in=self.demo_teacher_bookings)
            .select_related("slot__offer__contact__user")
            .order_by("pk")
        )
        for booking in requested:
            if self.rng.random() < 0.5:
                services.booking_confirm(booking=booking, actor=booking.slot.offer.contact.user)

    def _pick_class(self, offer: Offer, slot: Slot, *, exclude_schools: set[int]) -> SchoolClass | None:
        """A class that may book the slot now, preferring classes near the company."""
        has_place = slot.free_classes > 0
        if not has_place and not offer.waitlist_enabled:
            return None
        pupils_limit = slot.free_pupils if has_place else slot.capacity_pupils
        on_slot = set(slot.bookings.values_list("school_class_id", flat=True))
        candidates = [
            school_class
            for school_class in self.classes
            if school_class.school_id not in exclude_schools
            and offer.accepts_grade(school_class.grade)
            and school_class.pupils <= pupils_limit
            and school_class.pk not in on_slot
            and self._is_free(school_class, slot)
        ]
        if not candidates:
            return None
        company = offer.company
        weights = [
            1 / (1 + distance_km(company.latitude, company.longitude, c.school.latitude, c.school.longitude) / 15) ** 2
            for c in candidates
        ]
        return self.rng.choices(candidates, weights=weights)[0]

    def _is_free(self, school_class: SchoolClass, slot: Slot) -> bool:
        return all(slot.start >= end or slot.end <= start for start, end in self.busy[school_class.pk])

    def _book(self, slot: Slot, school_class: SchoolClass, *, message: str) -> Booking:
        booking = services.booking_create(
            actor=self.teachers[school_class.school_id],
            slot_id=slot.pk,
            school_class_id=school_class.pk,
            pupils=school_class.pupils,
            adults=2,
            message=message,
        )
        if booking.holds_place:
            self.busy[school_class.pk].append((slot.start, slot.end))
        return booking
