"""Demo history: the two school years before the demo's, so that the consultant's dashboard has
years to put side by side. Each year has its classes (linked by `previous` to the same class a
year on), its company visits, expert visits and teacher visits in every end state (attended,
no-show, cancelled, declined), its class adoptions with annual plans and activities done, and
the teachers' and hosts' feedback after each. The later year reaches more classes, more of them
outside Aalborg, and its visits go better; some classes meet no company at all.

Written through the services where they accept the past: classes through schools' services,
adoptions, plans and activities through adoptions' services, the year's end through its
roll-over. Written directly, and said so where it is done, what no service can write because it
lies in the past: slots and bookings (bookings' services refuse a slot or booking gone by, as
they must), their events, renewal answers (asked only in the running year), feedback (asked and
answered by e-mail link after an activity), and the times rows were written. Direct writes go
in bulk, so that two years of history keep `make demo` quick.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Model

from accounts.models import User
from adoptions import services as adoption_services
from adoptions.models import Adoption, AnnualPlan, PlanActivity, PlanChange
from bookings.models import Booking, BookingEvent, Offer, Slot
from bookings.services.private import private_offer_of
from core.dates import holiday_name
from core.geo import distance_km
from core.models import LearningGoal
from demo.companies import DemoCompany
from demo.dates import at
from demo.schools import EUD, FOLK, GYM, SCHOOLS, DemoSchool, class_names
from overview.models import Feedback
from schools import services as school_services
from schools.models import School, SchoolClass

AALBORG = 851
COMPLETED, NO_SHOW, CANCELLED, DECLINED = (
    Booking.Status.COMPLETED,
    Booking.Status.NO_SHOW,
    Booking.Status.CANCELLED,
    Booking.Status.DECLINED,
)
START_TIMES = ("08:30", "09:00", "10:00")
LATEST_END = dt.time(15, 0)
SLOTS_PUBLISHED = dt.timedelta(weeks=12)  # before their day
SINCE_LAST_HISTORY = dt.timedelta(weeks=1)  # loaded near a year's end: no history in its last week
FEEDBACK_OPEN = dt.timedelta(weeks=2)  # a feedback link expires after
FEEDBACK_REMINDER = dt.timedelta(weeks=1)  # non-response is followed up once


@dataclass(frozen=True)
class YearSpec:
    """How a past school year went. `reach` is the chance that an Aalborg class met a company
    at least once, `reach_outside` the same for a class elsewhere; `travel_km` how far visits
    went (the distance at which a company is a quarter as likely as one next door);
    `more` the chance of each further encounter (three at most)."""

    years_back: int
    reach: float
    reach_outside: float
    travel_km: float
    more: float
    statuses: tuple[tuple[str, int], ...]
    teacher_visit_slots: int  # per teacher-visit offer
    answered: float  # share of feedback answered
    ratings: tuple[int, ...]
    goals_met: tuple[tuple[str, int], ...]
    interest_gain: tuple[int, ...]
    adoption_activities: tuple[int, int]  # done per adopted class, fewest and most


YEARS = (
    YearSpec(
        years_back=2, reach=0.6, reach_outside=0.3, travel_km=15, more=0.45,
        statuses=((COMPLETED, 68), (NO_SHOW, 9), (CANCELLED, 13), (DECLINED, 10)),
        teacher_visit_slots=1, answered=0.6, ratings=(2, 3, 3, 4, 4, 4, 5),
        goals_met=((Feedback.GoalsMet.YES, 5), (Feedback.GoalsMet.PARTLY, 4), (Feedback.GoalsMet.NO, 1)),
        interest_gain=(0, 0, 1, 1, 2), adoption_activities=(2, 4),
    ),
    YearSpec(
        years_back=1, reach=0.8, reach_outside=0.7, travel_km=40, more=0.6,
        statuses=((COMPLETED, 79), (NO_SHOW, 5), (CANCELLED, 10), (DECLINED, 6)),
        teacher_visit_slots=2, answered=0.75, ratings=(3, 4, 4, 4, 5, 5, 5),
        goals_met=((Feedback.GoalsMet.YES, 7), (Feedback.GoalsMet.PARTLY, 3), (Feedback.GoalsMet.NO, 1)),
        interest_gain=(0, 1, 1, 2, 2), adoption_activities=(3, 6),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class PastAdoption:
    """An 8th-grade class adopted `years_back` years ago; `renewed` ones went on into 9th grade
    with the company the year after."""

    years_back: int
    school: str
    class_name: str
    company: str
    renewed: bool = False


PAST_ADOPTIONS = (
    PastAdoption(2, "vestbjerg", "8.A", "nordlys", renewed=True),
    PastAdoption(2, "skalborg", "8.B", "medtech-nord", renewed=True),
    PastAdoption(2, "loevvang", "8.A", "nordlager"),
    PastAdoption(2, "soendergaard", "8.B", "solgaarden"),
    PastAdoption(2, "bagterp", "8.A", "vendsyssel-it", renewed=True),
    PastAdoption(1, "vestbjerg", "8.B", "nordlager"),
    PastAdoption(1, "skalborg", "8.A", "limfjords-el"),
    PastAdoption(1, "fladstrand", "8.A", "nordvind"),
    PastAdoption(1, "laesoe", "8.A", "laesoe-havn"),
    PastAdoption(1, "noerrebro", "8.B", "thygesen"),
    PastAdoption(1, "rosendal", "8.A", "himmerland-sundhed"),
    PastAdoption(1, "aars", "8.A", "mejeri"),
    PastAdoption(1, "tingstrup", "8.A", "thy-biogas"),
)

VISIT, EXPERT, PROJECT, INTERNSHIP, TEACHER_VISIT = (
    PlanActivity.Kind.COMPANY_VISIT,
    PlanActivity.Kind.EXPERT_AT_SCHOOL,
    PlanActivity.Kind.PROJECT,
    PlanActivity.Kind.INTERNSHIP_DAY,
    PlanActivity.Kind.TEACHER_VISIT,
)
BOOKED_KINDS = {VISIT: Offer.Kind.COMPANY_VISIT, EXPERT: Offer.Kind.EXPERT_VISIT}  # the others need no booking

# A plan's activities, in the order a year takes them: title ({company} is its name), kind,
# learning goals as (subject code, Fælles Mål area).
PLAN_ACTIVITIES = (
    ("Opstartsbesøg hos {company}", VISIT, (("education-and-job", "Arbejdsliv"),)),
    ("En medarbejder fra {company} i klassen", EXPERT, (("education-and-job", "Fra uddannelse til job"),)),
    ("Fælles projekt med {company}", PROJECT, (("innovation-entrepreneurship", "Kreativitet"), ("math", "Statistik og sandsynlighed"))),
    ("Lærerbesøg hos {company}", TEACHER_VISIT, (("education-and-job", "Arbejdsliv"),)),
    ("Praktikdag for to og to", INTERNSHIP, (("education-and-job", "Personlige valg"),)),
    ("Klassen fremlægger for {company}", VISIT, (("innovation-entrepreneurship", "Handling"),)),
    ("Lærling fortæller om sin uddannelse", EXPERT, (("education-and-job", "Personlige valg"),)),
)  # fmt: skip
PLAN_GOALS_NOTE = "Klassen skal møde {company} gennem året og se, hvilke uddannelser der fører til jobbene dér."

TEACHER_COMMENTS = (
    "Eleverne talte om besøget i flere dage bagefter.",
    "Godt forberedt af virksomheden — rollemodellerne ramte eleverne.",
    "Lidt for meget snak og for lidt at lave selv.",
    "Flere elever spurgte bagefter til erhvervsuddannelserne.",
    "Transporten tog længere tid end selve besøget.",
    "",
    "",
)
HOST_COMMENTS = (
    "Nysgerrig klasse med gode spørgsmål.",
    "Klassen var godt forberedt.",
    "Eleverne var trætte efter bustransporten, men kom godt i gang.",
    "",
    "",
)


@dataclass
class Year:
    """One past school year as it is written: its classes and what they did."""

    spec: YearSpec
    school_year: int
    days: list[dt.date]
    classes: list[SchoolClass] = field(default_factory=list)
    slots: dict[int, list[Slot]] = field(default_factory=lambda: defaultdict(list))  # by offer id
    busy: set[tuple[int, dt.date]] = field(default_factory=set)  # (class id, day)


def history_create(
    *,
    companies: dict[str, DemoCompany],
    schools: dict[str, DemoSchool],
    school_year: int,
    rng: random.Random,
    today: dt.date,
) -> None:
    """The two school years before `school_year` (the demo's), the older first."""
    years = [
        Year(
            spec=spec,
            school_year=school_year - spec.years_back,
            days=_school_days(school_year - spec.years_back, today),
        )
        for spec in YEARS
    ]
    classes = _classes(schools, years=years, school_year=school_year, rng=rng)
    offers = list(
        Offer.objects.filter(is_published=True, is_private=False)
        .select_related("company", "contact__user")
        .order_by("pk")
    )
    teachers = {school.school.pk: school.teacher for school in schools.values()}
    writer = Writer(rng=rng, today=today)
    for year in years:
        year.classes = [school_class for key, school_class in classes.items() if key[1] == year.school_year]
        _adoptions(year, companies=companies, schools=schools, classes=classes, writer=writer)
        visits = [offer for offer in offers if offer.kind != Offer.Kind.TEACHER_VISIT]
        encounters(year, offers=visits, teachers=teachers, writer=writer)
        for_teachers = [offer for offer in offers if offer.kind == Offer.Kind.TEACHER_VISIT]
        teacher_visits(year, offers=for_teachers, teachers=list(teachers.values()), writer=writer)
        writer.flush()
        adoption_services.school_year_roll_over(school_year=year.school_year)
    _adoptions_dated(school_year - max(spec.years_back for spec in YEARS), school_year - 1)


# Classes ---------------------------------------------------------------------------------------


def _classes(
    schools: dict[str, DemoSchool], *, years: list[Year], school_year: int, rng: random.Random
) -> dict[tuple[str, int, str], SchoolClass]:
    """Every school's classes of the past years by (school key, school year, name), each linked
    to the class it was the year before. A class keeps its pupils give or take one."""
    specs = {spec.key: spec for spec in SCHOOLS}
    pupils: dict[tuple[str, int, str], int] = {}
    for key, school in schools.items():
        for school_class in school.classes:
            pupils[key, school_year, school_class.name] = school_class.pupils
    for year in sorted(years, key=lambda y: -y.school_year):  # the newest first: pupils come from the class a year on
        for key in schools:
            for grade, name in class_names(specs[key].kind, specs[key].parallels):
                later = pupils.get((key, year.school_year + 1, _next_name(specs[key].kind, grade, name)))
                pupils[key, year.school_year, name] = (
                    min(28, max(18, later + rng.randint(-1, 1))) if later else rng.randint(18, 28)
                )
    created: dict[tuple[str, int, str], SchoolClass] = {}
    for year in sorted(years, key=lambda y: y.school_year):  # the oldest first: `previous` must exist
        for key, school in schools.items():
            for grade, name in class_names(specs[key].kind, specs[key].parallels):
                previous = _previous_name(specs[key].kind, grade, name)
                created[key, year.school_year, name] = school_services.school_class_create(
                    actor=None,
                    school=school.school,
                    name=name,
                    grade=grade,
                    school_year=year.school_year,
                    pupils=pupils[key, year.school_year, name],
                    previous=created.get((key, year.school_year - 1, previous)) if previous else None,
                )
    last = max(year.school_year for year in years)
    for key, school in schools.items():
        for school_class in school.classes:
            previous = _previous_name(specs[key].kind, school_class.grade, school_class.name)
            earlier = created.get((key, last, previous)) if previous else None
            if earlier is not None and school_class.school_year == last + 1:
                # Schools' services link a class to its past when the class is created; this
                # year's classes were created before their past, so the link is written here.
                SchoolClass.objects.filter(pk=school_class.pk).update(previous=earlier)
    return created


def _next_name(kind: str, grade: int, name: str) -> str:
    """What the class of `grade` called `name` is called a year on ("8.B" → "9.B", "1.a" → "2.a")."""
    return _renamed(kind, grade, name, grade + 1)


def _previous_name(kind: str, grade: int, name: str) -> str | None:
    """What the class was called a year before, if the school had it then (its lowest grade did not)."""
    lowest = {FOLK: 7, GYM: 11, EUD: 11}.get(kind)
    if lowest is None or grade <= lowest:
        return None
    return _renamed(kind, grade, name, grade - 1)


def _renamed(kind: str, grade: int, name: str, to_grade: int) -> str:
    shown = grade if kind == FOLK else grade - 10
    to_shown = to_grade if kind == FOLK else to_grade - 10
    return f"{to_shown}{name[len(str(shown)) :]}"


def _school_days(school_year: int, today: dt.date) -> list[dt.date]:
    """The school year's teaching days (mid-August to late June, no weekends or holidays) that
    lie more than a week back."""
    day, last = dt.date(school_year, 8, 11), dt.date(school_year + 1, 6, 25)
    days = []
    while day <= last and day < today - SINCE_LAST_HISTORY:
        if day.weekday() < 5 and not holiday_name(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


# Bookings ---------------------------------------------------------------------------------------


class Writer:
    """Collects the past slots, bookings, their events and feedback, and writes them in bulk:
    bookings' services refuse the past, so these rows are written directly, each with the
    times it would have had. A writer of this school year asks no feedback itself: the daily
    round asks it (demo/this_year.py)."""

    def __init__(self, *, rng: random.Random, today: dt.date, asks_feedback: bool = True) -> None:
        self.rng = rng
        self.now = at(today, "00:00")
        self.asks_feedback = asks_feedback
        self.slots: list[Slot] = []
        self.bookings: list[Booking] = []
        self.events: list[BookingEvent] = []
        self.feedback: list[Feedback] = []
        self.activities_booked: list[tuple[PlanActivity, Booking]] = []

    def slot(self, offer: Offer, *, start: dt.datetime, minutes: int, capacity: tuple[int, int]) -> Slot:
        slot = Slot(
            offer=offer,
            start=start,
            end=start + dt.timedelta(minutes=minutes),
            booking_deadline=start - dt.timedelta(hours=offer.booking_deadline_hours),
            capacity_classes=capacity[0],
            capacity_pupils=capacity[1],
            status=Slot.Status.OPEN,
        )
        self.slots.append(slot)
        return slot

    def booking(
        self,
        slot: Slot,
        *,
        status: str,
        booked_by: User,
        auto_confirm: bool,
        host: User,
        school_class: SchoolClass | None = None,
        message: str = "",
    ) -> Booking:
        """A booking made some weeks before the slot, with the events that led to `status`."""
        made = slot.start - dt.timedelta(days=self.rng.randint(10, 60), hours=self.rng.randint(0, 6))
        booking = Booking(
            slot=slot,
            school_class=school_class,
            teacher=None if school_class else booked_by.teacher,
            booked_by=booked_by,
            pupils=school_class.pupils if school_class else 0,
            adults=2 if school_class else 1,
            message=message,
            status=status,
            created_at=made,
        )
        first = Booking.Status.CONFIRMED if auto_confirm else Booking.Status.REQUESTED
        self._event(booking, first, actor=booked_by, from_status="", to_status=first, when=made)
        answered = min(made + dt.timedelta(days=self.rng.randint(1, 4)), slot.start - dt.timedelta(days=1))
        if status == DECLINED:
            self._event(
                booking, BookingEvent.Action.DECLINED, actor=host, from_status=first, to_status=status, when=answered
            )
            return self._add(booking, sequence=None, updated=answered)
        if not auto_confirm:
            self._event(
                booking,
                BookingEvent.Action.CONFIRMED,
                actor=host,
                from_status=first,
                to_status=Booking.Status.CONFIRMED,
                when=answered,
            )
        if status == CANCELLED:
            cancelled = slot.start - dt.timedelta(days=self.rng.randint(1, 7))
            self._event(
                booking, BookingEvent.Action.CANCELLED, actor=booked_by, from_status=Booking.Status.CONFIRMED, to_status=status,
                when=max(cancelled, answered + dt.timedelta(hours=1)),
            )  # fmt: skip
            return self._add(booking, sequence=1, updated=max(cancelled, answered + dt.timedelta(hours=1)))
        # Attended or not, the class held its place until the day: marking attendance does not
        # give places back, so the slot still counts it.
        slot.booked_classes += 1
        slot.booked_pupils += booking.pupils
        return self._add(booking, sequence=0, updated=slot.end)

    def _add(self, booking: Booking, *, sequence: int | None, updated: dt.datetime) -> Booking:
        booking.invite_sequence, booking.updated_at = sequence, updated
        self.bookings.append(booking)
        return booking

    def _event(
        self, booking: Booking, action: str, *, actor: User, from_status: str, to_status: str, when: dt.datetime
    ) -> None:
        self.events.append(
            BookingEvent(
                booking=booking, action=action, actor=actor, from_status=from_status, to_status=to_status, at=when
            )
        )

    def ask_feedback(
        self, spec: YearSpec, *, ended: dt.datetime, teacher: User, host: User, pupils: bool, **about: object
    ) -> None:
        """The teacher's and the host's feedback, asked the day after; most answered, some after
        the reminder, the rest expired (or, for the last weeks, still open)."""
        if not self.asks_feedback:
            return
        for respondent, recipient in ((Feedback.Respondent.TEACHER, teacher), (Feedback.Respondent.HOST, host)):
            sent = at(ended.date() + dt.timedelta(days=1), "16:00")
            row = Feedback(
                respondent=respondent, recipient=recipient, sent_at=sent, expires_at=sent + FEEDBACK_OPEN, **about
            )
            answered = sent + dt.timedelta(days=self.rng.randint(0, 12), hours=self.rng.randint(1, 6))
            if self.rng.random() < spec.answered and answered < min(self.now, row.expires_at):
                self._answer(
                    row, spec, answered=answered, teacher=respondent == Feedback.Respondent.TEACHER, pupils=pupils
                )
            if (row.answered_at or self.now) > sent + FEEDBACK_REMINDER:
                row.reminded_at = sent + FEEDBACK_REMINDER
            self.feedback.append(row)

    def _answer(self, row: Feedback, spec: YearSpec, *, answered: dt.datetime, teacher: bool, pupils: bool) -> None:
        rng = self.rng
        row.answered_at = answered
        row.rating = rng.choice(spec.ratings)
        row.comment = rng.choice(TEACHER_COMMENTS if teacher else HOST_COMMENTS)
        if teacher:
            row.goals_met = weighted(rng, spec.goals_met)
        if teacher and pupils:
            row.interest_before = rng.randint(1, 4)
            row.interest_after = min(5, row.interest_before + rng.choice(spec.interest_gain))

    def flush(self) -> None:
        """Write what was collected, each row with the times it would have had."""
        for slot in self.slots:
            slot.created_at = slot.updated_at = slot.start - SLOTS_PUBLISHED
        for row in self.feedback:
            row.created_at = row.updated_at = row.sent_at
        _create_dated(Slot, self.slots, ("created_at", "updated_at"))
        _create_dated(Booking, self.bookings, ("created_at", "updated_at"))
        _create_dated(BookingEvent, self.events, ("at",))
        _create_dated(Feedback, self.feedback, ("created_at", "updated_at"))
        for activity, booking in self.activities_booked:
            activity.booking = booking
        PlanActivity.objects.bulk_update([activity for activity, _ in self.activities_booked], ["booking"])
        self.slots, self.bookings, self.events, self.feedback, self.activities_booked = [], [], [], [], []


def _create_dated(model: type[Model], rows: list[Model], stamps: tuple[str, ...]) -> None:
    """Insert the rows, then set their time stamps back to the rows' own: an insert stamps
    auto_now and auto_now_add fields with the clock's time."""
    given = [[getattr(row, name) for name in stamps] for row in rows]
    model.objects.bulk_create(rows)
    for row, values in zip(rows, given, strict=True):
        for name, value in zip(stamps, values, strict=True):
            setattr(row, name, value)
    model.objects.bulk_update(rows, list(stamps), batch_size=500)


def weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([value for value, _ in choices], weights=[weight for _, weight in choices])[0]


def encounters(year: Year, *, offers: list[Offer], teachers: dict[int, User], writer: Writer) -> None:
    """Each class meets a company a few times, or (less often outside Aalborg in the earlier
    year) not at all; nearby companies are likelier, more so the earlier year."""
    rng, spec = writer.rng, year.spec
    for school_class in year.classes:
        school = school_class.school
        reach = spec.reach if school.municipality_id == AALBORG else spec.reach_outside
        if rng.random() >= reach:
            continue
        encounters = 1 + sum(rng.random() < spec.more for _ in range(2))
        for _ in range(encounters):
            candidates = [o for o in offers if o.accepts_grade(school_class.grade)]
            weights = [_nearness(offer, school, travel_km=spec.travel_km) for offer in candidates]
            offer = rng.choices(candidates, weights=weights)[0]
            slot = _slot_for(year, offer, school_class, writer=writer)
            if slot is None:
                continue
            status = weighted(rng, spec.statuses)
            if status == DECLINED and offer.auto_confirm:
                status = CANCELLED  # an offer that confirms by itself declines nobody
            teacher = teachers[school.pk]
            booking = writer.booking(
                slot, status=status, booked_by=teacher, auto_confirm=offer.auto_confirm,
                host=offer.contact.user, school_class=school_class,
            )  # fmt: skip
            year.busy.add((school_class.pk, slot.start.date()))
            if status == COMPLETED:
                writer.ask_feedback(
                    spec, ended=slot.end, teacher=teacher, host=offer.contact.user, pupils=True, booking=booking
                )


def _nearness(offer: Offer, school: School, *, travel_km: float) -> float:
    """How likely the school's classes visit the offer's company, for its distance."""
    company = offer.company
    km = distance_km(company.latitude, company.longitude, school.latitude, school.longitude)
    return 1 / (1 + km / travel_km) ** 2


def _slot_for(year: Year, offer: Offer, school_class: SchoolClass, *, writer: Writer) -> Slot | None:
    """A slot of the offer the class fits on: often one already there with room (a second class
    joins), else a new one on a day the class is free."""
    rng = writer.rng
    if school_class.pupils > offer.default_capacity_pupils:
        return None
    free = [
        slot
        for slot in year.slots[offer.pk]
        if slot.booked_classes < slot.capacity_classes
        and slot.booked_pupils + school_class.pupils <= slot.capacity_pupils
        and (school_class.pk, slot.start.date()) not in year.busy
    ]
    if free and rng.random() < 0.6:
        return rng.choice(free)
    for _ in range(10):
        day = rng.choice(year.days)
        if (school_class.pk, day) in year.busy:
            continue
        slot = writer.slot(
            offer,
            start=at(day, _start_time(rng, offer.duration_minutes)),
            minutes=offer.duration_minutes,
            capacity=(offer.default_capacity_classes, offer.default_capacity_pupils),
        )
        year.slots[offer.pk].append(slot)
        return slot
    return None


def _start_time(rng: random.Random, minutes: int) -> str:
    """A morning start from which the visit ends within school hours."""
    fitting = [
        time
        for time in START_TIMES
        if (dt.datetime.combine(dt.date.min, dt.time.fromisoformat(time)) + dt.timedelta(minutes=minutes)).time()
        <= LATEST_END
    ]
    return rng.choice(fitting)


def teacher_visits(year: Year, *, offers: list[Offer], teachers: list[User], writer: Writer) -> None:
    """Each teacher-visit offer's days that year, taken by teachers of the region's schools."""
    rng, spec = writer.rng, year.spec
    for offer in offers:
        for _ in range(spec.teacher_visit_slots):
            slot = writer.slot(
                offer,
                start=at(rng.choice(year.days), "08:30"),
                minutes=offer.duration_minutes,
                capacity=(offer.default_capacity_classes, offer.default_capacity_pupils),
            )
            for teacher in rng.sample(teachers, rng.randint(1, offer.default_capacity_classes)):
                status = weighted(rng, spec.statuses)
                if status == DECLINED and offer.auto_confirm:
                    status = CANCELLED
                booking = writer.booking(
                    slot, status=status, booked_by=teacher, auto_confirm=offer.auto_confirm, host=offer.contact.user
                )
                if status == COMPLETED:
                    writer.ask_feedback(
                        spec, ended=slot.end, teacher=teacher, host=offer.contact.user, pupils=False, booking=booking
                    )


# Adoptions -----------------------------------------------------------------------------------------


def _adoptions(
    year: Year,
    *,
    companies: dict[str, DemoCompany],
    schools: dict[str, DemoSchool],
    classes: dict[tuple[str, int, str], SchoolClass],
    writer: Writer,
) -> None:
    """The year's adoptions through adoptions' services: the 8th grades adopted that year, and
    (made by the year before's roll-over) the 9th grades that went on; each plan's activities
    spread over the year, most done. The renewal answers of an 8th-grade adoption are written
    directly: the service asks them only in the running year."""
    adoptions = [
        (adoption_services.adoption_create(
            school_class=classes[spec.school, year.school_year, spec.class_name], company=companies[spec.company].company
        ), spec.renewed)
        for spec in PAST_ADOPTIONS
        if spec.years_back == year.spec.years_back
    ]  # fmt: skip
    adoptions += [
        (adoption, False)
        for adoption in Adoption.objects.filter(school_year=year.school_year, renewal_of__isnull=False).select_related(
            "school_class__school", "company"
        )
    ]
    by_company = {demo.company.pk: demo for demo in companies.values()}
    by_school = {demo.school.pk: demo for demo in schools.values()}
    for adoption, renewed in adoptions:
        company, school = by_company[adoption.company_id], by_school[adoption.school_class.school_id]
        _plan(year, adoption, company=company, school=school, writer=writer)
        if adoption.renewal_of_id is None:  # an 8th grade: asked whether to go on into 9th grade
            Adoption.objects.filter(pk=adoption.pk).update(school_wants_renewal=True, company_wants_renewal=renewed)


def _plan(year: Year, adoption: Adoption, *, company: DemoCompany, school: DemoSchool, writer: Writer) -> None:
    rng = writer.rng
    name = company.company.name
    plan = adoption_services.plan_update(
        actor=school.teacher,
        plan=adoption.plan,
        target_activities=adoption.plan.target_activities,
        goals_note=PLAN_GOALS_NOTE.format(company=name),
    )
    done = rng.randint(*year.spec.adoption_activities)
    first = 0 if adoption.renewal_of_id is None else 1  # a class that knows the company needs no start-up visit
    chosen = [PLAN_ACTIVITIES[(first + n) % len(PLAN_ACTIVITIES)] for n in range(done + 1)]
    for number, (title, kind, goals) in enumerate(chosen):
        actor = company.host if kind == EXPERT else school.teacher
        fields = {
            "actor": actor,
            "plan": plan,
            "title": title.format(company=name),
            "kind": kind,
            "learning_goals": [LearningGoal.objects.get(subject_code=code, area_da=area) for code, area in goals],
        }
        if number == done:  # the year ran out before the last idea
            adoption_services.activity_create(**fields)
            continue
        day = _free_day(year, adoption.school_class, share=(number + 0.5 + rng.random() * 0.5) / (done + 1))
        starts_at = at(day, "09:00")
        ends_at = starts_at + dt.timedelta(hours=5 if kind == INTERNSHIP else 3)
        activity = adoption_services.activity_create(
            **fields,
            description=f"{title.format(company=name)}.",
            status=PlanActivity.Status.PLANNED,
            starts_at=starts_at,
            ends_at=ends_at,
        )
        booking = None
        if kind in BOOKED_KINDS:
            booking = _private_booking(activity, adoption, company=company, school=school, writer=writer)
        activity = adoption_services.activity_set_status(
            actor=actor, activity=activity, status=PlanActivity.Status.DONE
        )
        year.busy.add((adoption.school_class_id, day))
        about = {"booking": booking} if booking else {"plan_activity": activity}
        writer.ask_feedback(
            year.spec, ended=ends_at, teacher=school.teacher, host=company.host, pupils=kind != TEACHER_VISIT, **about
        )


def _private_booking(
    activity: PlanActivity,
    adoption: Adoption,
    *,
    company: DemoCompany,
    school: DemoSchool,
    writer: Writer,
) -> Booking:
    """The activity's booking on the company's private offer, as activity_book makes it, written
    directly (the booking service refuses the past) and linked to the activity."""
    offer = private_offer_of(company.company, kind=BOOKED_KINDS[activity.kind])
    school_class = adoption.school_class
    slot = writer.slot(
        offer,
        start=activity.starts_at,
        minutes=int((activity.ends_at - activity.starts_at).total_seconds() // 60),
        capacity=(1, school_class.pupils),
    )
    booking = writer.booking(
        slot, status=COMPLETED, booked_by=school.teacher, auto_confirm=True, host=company.host,
        school_class=school_class, message=activity.title,
    )  # fmt: skip
    booking.adults = 1
    writer.activities_booked.append((activity, booking))
    return booking


def _free_day(year: Year, school_class: SchoolClass, *, share: float) -> dt.date:
    """The school day about `share` of the way through the year on which the class is free."""
    index = min(int(share * len(year.days)), len(year.days) - 1)
    for day in year.days[index:] + year.days[index::-1]:
        if (school_class.pk, day) not in year.busy:
            return day
    raise AssertionError("a class is free on some day of the year")


def _adoptions_dated(first_year: int, last_year: int) -> None:
    """The past adoptions and their plans' history at the times they happened: adopted at the
    start of their school year, ended at its end, each activity added three weeks before its
    day and marked done after it. The services stamp the clock's time; written directly."""
    adoptions = Adoption.objects.filter(school_year__range=(first_year, last_year))
    for adoption in adoptions:
        start, end = (
            at(dt.date(adoption.school_year, 8, 12), "08:00"),
            at(dt.date(adoption.school_year + 1, 6, 30), "16:00"),
        )
        Adoption.objects.filter(pk=adoption.pk).update(created_at=start, updated_at=end, ended_at=end)
        AnnualPlan.objects.filter(adoption=adoption).update(created_at=start)
    changes = PlanChange.objects.filter(plan__adoption__in=adoptions).select_related("activity", "plan__adoption")
    for change in changes:
        activity = change.activity
        if activity is None or activity.starts_at is None:
            when = at(dt.date(change.plan.adoption.school_year, 8, 20), "14:00")
        elif change.action == PlanChange.Action.ADDED:
            when = activity.starts_at - dt.timedelta(weeks=3)
        else:
            when = activity.ends_at
        PlanChange.objects.filter(pk=change.pk).update(at=when)
