"""A small region with two school years of history, for checking every figure by hand.

Y is the current school year, P the one before. Three municipalities: Aalborg (851), Thisted
(787, marked outlying by an adoption round) and Hjørring (860).

    classes Y: a8 (Aalborg, 8th, 20 pupils), a9 (Aalborg, 9th, 25), t8 (Thisted, 8th, 10),
               h1 (Hjørring gymnasium, 1st upper secondary, 30)
    classes P: a8p (Aalborg, 8th, 22; a9's previous), t7p (Thisted, 7th, 12; t8's previous)
    companies: Energi (energy), Fødevarer (food), both in Aalborg
    offers:    visit (Energi, company visit, names energy), expert (Fødevarer, expert visit,
               names no sector), teachers (Energi, teacher visit, names no sector)

    bookings Y: b1 a8 visit September, completed, 20 pupils (teacher 4, goals yes, interest 2→4; host 5)
                b2 a8 expert October, confirmed, 18 pupils
                b3 a9 expert October, no-show, 25 pupils
                b4 t8 visit November, cancelled, 10 pupils
                b5 h1 visit September, requested, 30 pupils
                b6 a Thisted teacher on teachers, September, completed
    adoption Y: a9 by Fødevarer (target 10), one project done without a booking in January
                (teacher 2, goals partly, interest 3→3)
    bookings P: b7 a8p visit March, completed, 22 pupils, booked for a8p's adoption by Energi
                (target 10; teacher 3)
                b8 t7p expert September, declined, 12 pupils
    open days:  Y: April, girls' focus, area Aalborg; hosts of 5 and 3 places; applications: 3 placed
                (2 attended), 1 waitlisted, 1 expired; survey: participants 4/2→4 and 5/3→5, host 3
                P: April, everyone, area Thisted; one host of 4 places; 2 placed (1 attended);
                survey: participant 3/1→2
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from adoptions.models import Adoption, AnnualPlan, PlanActivity
from bookings.models import Booking, Offer
from core.dates import school_year_of
from core.models import Municipality
from opendays.models import Application, OpenDay, SurveyResponse
from overview.models import Feedback
from overview.services import facts_refresh
from schools.models import School
from tests import factories
from tests.opendays.factories import ApplicationFactory, HostFactory, OpenDayFactory


def in_school_year(year: int, month: int, day: int = 10) -> dt.datetime:
    """10:00 in Copenhagen on `day`.`month` of school year `year`."""
    calendar_year = year if month >= 8 else year + 1
    return timezone.make_aware(dt.datetime(calendar_year, month, day, 10))


@dataclass
class Region:
    this: int
    last: int
    schools: dict
    classes: dict
    companies: dict
    bookings: dict
    consultant: object


def _booking(slot_offer, *, school_class=None, teacher=None, start, status, pupils, booked_by) -> Booking:
    slot = factories.SlotFactory(
        offer=slot_offer, start=start, end=start + dt.timedelta(hours=2), booking_deadline=start
    )
    return Booking.objects.create(
        slot=slot,
        school_class=school_class,
        teacher=teacher,
        pupils=pupils,
        status=status,
        booked_by=booked_by,
    )


def _feedback(*, respondent: str, booking=None, plan_activity=None, **answer) -> Feedback:
    now = timezone.now()
    return Feedback.objects.create(
        booking=booking,
        plan_activity=plan_activity,
        respondent=respondent,
        expires_at=now,
        answered_at=now,
        **answer,
    )


def _adopt(school_class, company, year: int) -> Adoption:
    adoption = Adoption.objects.create(school_class=school_class, company=company, school_year=year)
    AnnualPlan.objects.create(adoption=adoption, target_activities=10)
    return adoption


def _open_day(*, year: int, municipality: int, girls: bool) -> OpenDay:
    day = in_school_year(year, 4).date()
    opens = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=70), dt.time(9)))
    return OpenDayFactory(
        date=day,
        applications_open=opens,
        applications_close=opens + dt.timedelta(days=30),
        municipalities=[municipality],
        gender_focus=OpenDay.GenderFocus.GIRLS if girls else OpenDay.GenderFocus.EVERYONE,
        status=OpenDay.Status.CLOSED,
    )


def _applicant(day: OpenDay, host, **fields) -> Application:
    return ApplicationFactory(open_day=day, host=host, links=False, **fields)


def _survey(day: OpenDay, *, application=None, host=None, rating, before=None, after=None) -> None:
    SurveyResponse.objects.create(
        open_day=day,
        respondent="participant" if application else "host",
        application=application,
        host=host,
        rating=rating,
        interest_before=before,
        interest_after=after,
    )


def build_region() -> Region:
    """The region of this module's docstring, in the database, with both years' figures refreshed."""
    this = school_year_of(timezone.localdate())
    last = this - 1
    aalborg, thisted, hjorring = (Municipality.objects.get(code=code) for code in (851, 787, 860))
    factories.AdoptionRoundFactory(school_year=this).outlying_municipalities.set([thisted])
    schools = {
        "a": factories.SchoolFactory(name="Aalborg Skole", municipality=aalborg),
        "t": factories.SchoolFactory(name="Thisted Skole", municipality=thisted),
        "h": factories.SchoolFactory(name="Hjørring Gymnasium", municipality=hjorring, kind=School.Kind.GYMNASIUM),
    }

    def school_class(school, name, grade, pupils, year, previous=None):
        return factories.SchoolClassFactory(
            school=schools[school], name=name, grade=grade, pupils=pupils, school_year=year, previous=previous
        )

    a8p = school_class("a", "8.A", 8, 22, last)
    t7p = school_class("t", "7.T", 7, 12, last)
    classes = {
        "a8p": a8p,
        "t7p": t7p,
        "a8": school_class("a", "8.B", 8, 20, this),
        "a9": school_class("a", "9.A", 9, 25, this, previous=a8p),
        "t8": school_class("t", "8.T", 8, 10, this, previous=t7p),
        "h1": school_class("h", "1.x", 11, 30, this),
    }
    companies = {
        "energy": factories.CompanyFactory(name="Energi A/S", sector_id="energy"),
        "food": factories.CompanyFactory(name="Fødevarer A/S", sector_id="food"),
    }
    company_visit = factories.OfferFactory(company=companies["energy"], kind=Offer.Kind.COMPANY_VISIT)
    company_visit.sectors.set(["energy"])
    expert = factories.OfferFactory(company=companies["food"], kind=Offer.Kind.EXPERT_VISIT)
    teachers = factories.OfferFactory(company=companies["energy"], kind=Offer.Kind.TEACHER_VISIT)
    teacher = factories.TeacherFactory(school=schools["a"])
    thisted_teacher = factories.TeacherFactory(school=schools["t"])
    by = teacher.user
    S = Booking.Status
    c = classes
    bookings = {
        "b1": _booking(
            company_visit,
            school_class=c["a8"],
            start=in_school_year(this, 9),
            status=S.COMPLETED,
            pupils=20,
            booked_by=by,
        ),
        "b2": _booking(
            expert, school_class=c["a8"], start=in_school_year(this, 10), status=S.CONFIRMED, pupils=18, booked_by=by
        ),
        "b3": _booking(
            expert, school_class=c["a9"], start=in_school_year(this, 10, 20), status=S.NO_SHOW, pupils=25, booked_by=by
        ),
        "b4": _booking(
            company_visit,
            school_class=c["t8"],
            start=in_school_year(this, 11),
            status=S.CANCELLED,
            pupils=10,
            booked_by=by,
        ),
        "b5": _booking(
            company_visit,
            school_class=c["h1"],
            start=in_school_year(this, 9, 20),
            status=S.REQUESTED,
            pupils=30,
            booked_by=by,
        ),
        "b6": _booking(
            teachers,
            teacher=thisted_teacher,
            start=in_school_year(this, 9, 15),
            status=S.COMPLETED,
            pupils=0,
            booked_by=thisted_teacher.user,
        ),
        "b7": _booking(
            company_visit, school_class=a8p, start=in_school_year(last, 3), status=S.COMPLETED, pupils=22, booked_by=by
        ),
        "b8": _booking(
            expert, school_class=t7p, start=in_school_year(last, 9), status=S.DECLINED, pupils=12, booked_by=by
        ),
    }
    _feedback(
        respondent="teacher", booking=bookings["b1"], rating=4, goals_met="yes", interest_before=2, interest_after=4
    )
    _feedback(respondent="host", booking=bookings["b1"], rating=5)
    # Asked, never answered: no figure counts it.
    Feedback.objects.create(booking=bookings["b2"], respondent="teacher", expires_at=timezone.now())
    _feedback(respondent="teacher", booking=bookings["b7"], rating=3)

    adoption = _adopt(c["a9"], companies["food"], this)
    project = PlanActivity.objects.create(
        plan=adoption.plan,
        title="Fødevareprojekt",
        kind=PlanActivity.Kind.PROJECT,
        status=PlanActivity.Status.DONE,
        starts_at=in_school_year(this, 1),
        ends_at=in_school_year(this, 1) + dt.timedelta(hours=3),
    )
    # An idea, not done: no encounter.
    PlanActivity.objects.create(plan=adoption.plan, title="Idé", kind=PlanActivity.Kind.OTHER)
    _feedback(
        respondent="teacher", plan_activity=project, rating=2, goals_met="partly", interest_before=3, interest_after=3
    )
    earlier = _adopt(a8p, companies["energy"], last)
    PlanActivity.objects.create(
        plan=earlier.plan,
        title="Besøg",
        kind=PlanActivity.Kind.COMPANY_VISIT,
        status=PlanActivity.Status.DONE,
        booking=bookings["b7"],
    )

    placed = {"outcome": Application.Outcome.PLACED}
    day = _open_day(year=this, municipality=851, girls=True)
    big, small = HostFactory(open_day=day, places=5), HostFactory(open_day=day, places=3)
    first = _applicant(day, big, attended=True, **placed)
    second = _applicant(day, big, attended=True, **placed)
    _applicant(day, small, attended=False, **placed)
    _applicant(day, None, outcome=Application.Outcome.WAITLISTED)
    _applicant(day, None, status=Application.Status.EXPIRED)
    _survey(day, application=first, rating=4, before=2, after=4)
    _survey(day, application=second, rating=5, before=3, after=5)
    _survey(day, host=big, rating=3)
    last_day = _open_day(year=last, municipality=787, girls=False)
    only = HostFactory(open_day=last_day, places=4)
    came = _applicant(last_day, only, attended=True, **placed)
    _applicant(last_day, only, attended=False, **placed)
    _survey(last_day, application=came, rating=3, before=1, after=2)

    consultant = factories.UserFactory(username="konsulent", is_consultant=True)
    consultant.area.set([aalborg, thisted])
    for year in (last, this):
        facts_refresh(school_year=year)
    return Region(this, last, schools, classes, companies, bookings, consultant)
