"""`manage.py load_demo`: a believable North Jutland demo, consistent with the booking rules,
that a second run leaves alone. `TestLoadedDemo` loads it once (under a second) inside a
transaction rolled back afterwards, so other tests still start from an empty database."""

import datetime as dt
import io
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Avg, Count, F, Q, Sum
from django.test import RequestFactory
from django.utils import timezone

from accounts.models import User
from adoptions.models import (
    Adoption,
    AdoptionRound,
    AnnualPlan,
    ClassWish,
    CompanyCapacity,
    PlanActivity,
    PlanChange,
    WishChoice,
)
from bookings.models import Booking, BookingEvent, Offer, Slot, SlotSeries
from companies.models import Company, CompanyMember, RoleModel
from core.dates import holiday_name, school_year_of
from core.models import Municipality, Sector
from demo import DEMO_LOGINS, DEMO_PASSWORD
from opendays.models import Application, Host, MatchRun, OpenDay, Placement, Preference, SurveyResponse
from opendays.selectors import application_for_guardian_token, application_for_token
from overview.models import Encounter, FactsRefresh, Feedback
from schools.models import School, SchoolClass, Teacher

MODELS = (User, Company, CompanyMember, RoleModel, School, Teacher, SchoolClass, Offer, SlotSeries, Slot, Booking,
          BookingEvent, AdoptionRound, CompanyCapacity, ClassWish, WishChoice, Adoption, AnnualPlan, PlanActivity,
          PlanChange, OpenDay, Host, Application, Preference, MatchRun, Placement, SurveyResponse,
          Feedback)  # fmt: skip

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# A slot's places are held by its requested and confirmed bookings and, once its day has come, by
# those that came or did not: marking attendance gives no place back.
PLACE_TAKEN = (*Booking.HOLDING_PLACE, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def year_start(school_year: int) -> dt.datetime:
    """1 August of the school year, midnight in Copenhagen."""
    return dt.datetime(school_year, 8, 1, tzinfo=COPENHAGEN)


def demo_school_year() -> int:
    """The school year of this year's demo: that of its running adoptions."""
    return Adoption.objects.filter(status=Adoption.Status.ACTIVE).values_list("school_year", flat=True).first()


def cvr_checksum_ok(cvr: str) -> bool:
    return sum(int(digit) * weight for digit, weight in zip(cvr, (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 == 0


def test_load_demo_refuses_a_database_that_already_has_a_demo_username(db):
    User.objects.create_user(username="admin", password="something-else-123")

    with pytest.raises(CommandError, match="admin"):
        load_demo()

    assert Company.objects.count() == 0
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    ("today", "school_year"),
    [
        # Series starting now would lose dates to the summer holiday (a weekly one all of them),
        # and a monthly series would have fewer slots than the demo teachers' bookings expect.
        (dt.date(2027, 6, 15), 2026),
        # Every slot lies after the summer holiday, so the classes are those of 2027/28.
        (dt.date(2027, 6, 20), 2027),
        # Days into a school year: the two just ended are its history.
        (dt.date(2026, 8, 3), 2026),
    ],
)
def test_load_demo_works_whatever_the_day(db, today, school_year):
    with time_machine.travel(dt.datetime.combine(today, dt.time(23, 30), tzinfo=COPENHAGEN), tick=False):
        load_demo()

        # This year's slots from today on lie ahead, those of the year so far ended before today;
        # the earlier ones are the two school years before, gone by.
        midnight = timezone.make_aware(dt.datetime.combine(today, dt.time()))
        assert all(slot.start > timezone.now() for slot in Slot.objects.filter(start__gte=midnight))
        so_far = Slot.objects.filter(start__gte=year_start(school_year), start__lt=midnight)
        assert not so_far.filter(end__gt=midnight).exists()
        history = Slot.objects.filter(start__lt=year_start(school_year))
        years = {school_year_of(timezone.localtime(slot.start).date()) for slot in history}
        assert years == {school_year - 2, school_year - 1}
        assert not history.filter(end__gt=timezone.now()).exists()
        # The coming open day takes applications now; last year's was held and its survey closed.
        coming, last, first = OpenDay.objects.order_by("-date")
        assert coming.applications_open < timezone.now() < coming.applications_close
        assert coming.applications_close.date() < coming.date and coming.date.month == 4
        assert last.survey_closes < today and last.date.month == 4
        assert (first.date.year, first.status) == (last.date.year - 1, OpenDay.Status.CLOSED)
        assert not coming.applications.filter(created_at__lt=coming.applications_open).exists()
    # This school year's classes, next year's 8th grades that wish for a company, and the two
    # school years of history before.
    assert set(SchoolClass.objects.values_list("school_year", flat=True)) == {
        school_year - 2,
        school_year - 1,
        school_year,
        school_year + 1,
    }
    assert set(Adoption.objects.values_list("school_year", flat=True)) == {
        school_year - 2,
        school_year - 1,
        school_year,
    }
    assert set(Adoption.objects.filter(status=Adoption.Status.ACTIVE).values_list("school_year", flat=True)) == {
        school_year
    }
    assert AdoptionRound.objects.get().school_year == school_year + 1
    assert Booking.objects.filter(status=Booking.Status.WAITLISTED).exists()
    for slot in Slot.objects.annotate(holding=Count("bookings", filter=Q(bookings__status__in=PLACE_TAKEN))):
        assert slot.booked_classes == slot.holding


@pytest.mark.django_db
class TestLoadedDemo:
    @pytest.fixture(scope="class", autouse=True)
    def demo(self, django_db_setup, django_db_blocker) -> Iterator[str]:
        with django_db_blocker.unblock(), transaction.atomic():
            yield load_demo()
            transaction.set_rollback(True)

    def test_load_reports_what_it_loaded_and_the_logins(self, demo):
        assert "Demo data loaded" in demo
        assert DEMO_PASSWORD in demo
        assert all(login.username in demo for login in DEMO_LOGINS)

    def test_companies_cover_every_sector_and_municipality_with_valid_cvr_numbers(self):
        companies = Company.objects.all()
        assert companies.count() >= 20
        assert {c.sector_id for c in companies} == set(Sector.objects.values_list("code", flat=True))
        assert len({c.municipality_id for c in companies}) == 11
        assert all(c.cvr.isdigit() and len(c.cvr) == 8 and cvr_checksum_ok(c.cvr) for c in companies)
        assert all(c.latitude and c.longitude and c.description and c.postcode for c in companies)
        assert companies.filter(clusters__isnull=False).distinct().count() >= 10
        assert any("ø" in c.name or "å" in c.name or "æ" in c.name for c in companies)

    def test_every_company_has_a_host_and_one_to_three_role_models_some_young(self):
        role_model_counts = Company.objects.annotate(n=Count("role_models")).values_list("n", flat=True)
        assert all(1 <= n <= 3 for n in role_model_counts)
        assert RoleModel.objects.filter(is_young_ambassador=True).count() >= 10
        assert all(rm.education_path for rm in RoleModel.objects.all())
        assert not Company.objects.filter(members__isnull=True).exists()

    def test_schools_have_classes_of_the_current_school_year(self):
        assert School.objects.count() >= 15
        assert set(School.objects.values_list("kind", flat=True)) == set(School.Kind.values)
        assert School.objects.filter(kind=School.Kind.FOLKESKOLE).count() >= 10
        assert all(len(number) == 6 for number in School.objects.values_list("institution_number", flat=True))

        first_slot_day = timezone.localtime(
            Slot.objects.filter(start__gt=timezone.now()).earliest("start").start
        ).date()
        school_year = school_year_of(first_slot_day)
        assert school_year in {school_year_of(timezone.localdate()), timezone.localdate().year}
        classes = SchoolClass.objects.filter(school_year=school_year)
        assert {7, 8, 9, 10, 11, 12, 13} <= set(classes.values_list("grade", flat=True))
        assert all(18 <= c.pupils <= 28 for c in classes)
        assert classes.filter(name="8.B", school__kind=School.Kind.FOLKESKOLE).exists()
        assert classes.filter(grade=11, school__kind=School.Kind.GYMNASIUM, name="1.a").exists()
        for school in School.objects.filter(kind=School.Kind.FOLKESKOLE):
            assert set(school.classes.filter(school_year=school_year).values_list("grade", flat=True)) == {7, 8, 9}

    def test_next_years_classes_are_this_years_classes_a_grade_on(self):
        """Every folkeskole's 7th grades become next year's 8th grades (and an adoption both
        sides will renew, its 8th grade next year's 9th), linked to the class they continue."""
        school_year = Adoption.objects.values_list("school_year", flat=True).first()
        following = SchoolClass.objects.filter(school_year=school_year + 1).select_related("previous")
        sevenths = SchoolClass.objects.filter(school_year=school_year, grade=7, school__kind=School.Kind.FOLKESKOLE)
        assert following.filter(grade=8).count() == sevenths.count() >= 20
        for school_class in following:
            assert school_class.previous.school_year == school_year
            assert school_class.previous.grade == school_class.grade - 1
            assert school_class.name[1:] == school_class.previous.name[1:]
        assert {
            a.school_class_id for a in Adoption.objects.filter(school_year=school_year) if a.renewal_confirmed
        } == set(following.filter(grade=9).values_list("previous_id", flat=True))

    def test_offers_of_every_kind_mostly_published(self):
        """The catalogue's offers; the private offers plans book on are not in it."""
        offers = Offer.objects.filter(is_private=False)
        assert set(offers.values_list("kind", flat=True)) == set(Offer.Kind.values)
        assert 1 <= offers.filter(is_published=False).count() <= 2
        assert offers.filter(auto_confirm=True).exists() and offers.filter(auto_confirm=False).exists()
        assert offers.filter(waitlist_enabled=True).exists() and offers.filter(waitlist_enabled=False).exists()
        assert not offers.filter(subjects__isnull=True).exists()
        assert not offers.filter(sectors__isnull=True).exists()
        assert offers.exclude(practical_notes="").count() >= offers.count() // 2
        assert all(o.contact and o.contact.company_id == o.company_id for o in offers)

    def test_slots_lie_ahead_on_school_days_within_school_hours(self):
        """This year's slots from today on lie ahead; those of the year so far and of the past
        school years are gone by (and likewise on school days within school hours)."""
        now = timezone.now()
        midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
        this_year = Slot.objects.filter(start__gte=max(year_start(demo_school_year()), midnight))
        assert not Slot.objects.exclude(pk__in=this_year).filter(end__gt=now).exists()
        for slot in Slot.objects.exclude(pk__in=this_year):
            start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
            assert start.weekday() < 5 and holiday_name(start.date()) is None
            assert start.time() >= dt.time(8, 0) and end.time() <= dt.time(15, 0) and start.date() == end.date()
        slots = list(this_year)
        assert len(slots) >= 60
        assert Slot.objects.filter(series__isnull=False).exists() and Slot.objects.filter(series__isnull=True).exists()
        for slot in slots:
            start, end = timezone.localtime(slot.start), timezone.localtime(slot.end)
            assert slot.start > now and slot.booking_deadline > now
            assert start.weekday() < 5 and holiday_name(start.date()) is None
            assert start.time() >= dt.time(8, 0) and end.time() <= dt.time(15, 0) and start.date() == end.date()
        # Mostly the coming three months; in spring a few dates move past the summer holiday.
        assert sum(slot.start < now + dt.timedelta(days=100) for slot in slots) >= 0.8 * len(slots)

    def test_some_slots_are_full_some_waitlisted_some_requests_await_the_host(self):
        assert sum(slot.is_full for slot in Slot.objects.all()) >= 5
        assert sum(not slot.is_full for slot in Slot.objects.filter(offer__is_published=True)) >= 20
        assert Booking.objects.filter(status=Booking.Status.WAITLISTED).count() >= 3
        assert Booking.objects.filter(status=Booking.Status.REQUESTED).count() >= 3
        assert Booking.objects.filter(status=Booking.Status.CONFIRMED).count() >= 10
        assert not Booking.objects.filter(slot__offer__is_published=False, slot__offer__is_private=False).exists()

    def test_slot_counters_equal_the_places_held_by_bookings(self):
        holding = Q(bookings__status__in=PLACE_TAKEN)
        slots = Slot.objects.annotate(
            holding_classes=Count("bookings", filter=holding), holding_pupils=Sum("bookings__pupils", filter=holding)
        )
        for slot in slots:
            assert slot.booked_classes == slot.holding_classes
            assert slot.booked_pupils == (slot.holding_pupils or 0)

    def test_waitlisted_bookings_sit_on_full_slots_of_waitlist_offers(self):
        for booking in Booking.objects.filter(status=Booking.Status.WAITLISTED).select_related("slot__offer"):
            assert booking.slot.is_full
            assert booking.slot.offer.waitlist_enabled

    def test_bookings_fit_the_offer_and_never_double_book_a_class(self):
        bookings = Booking.objects.select_related("slot__offer", "school_class", "booked_by__teacher")
        for booking in bookings:
            if booking.is_for_teacher:
                assert booking.slot.offer.kind == Offer.Kind.TEACHER_VISIT
                assert booking.booked_by.teacher.pk == booking.teacher_id
                continue
            assert booking.slot.offer.accepts_grade(booking.school_class.grade)
            assert booking.booked_by.teacher.school_id == booking.school_class.school_id
            assert booking.events.exists()
        held = [b for b in bookings if b.holds_place and not b.is_for_teacher]
        for a in held:
            for b in held:
                if a.pk < b.pk and a.school_class_id == b.school_class_id:
                    assert a.slot.end <= b.slot.start or b.slot.end <= a.slot.start

    def test_demo_teachers_have_booked_teacher_visits_for_themselves(self):
        visits = Booking.objects.filter(
            school_class=None, slot__offer__kind=Offer.Kind.TEACHER_VISIT, slot__start__gt=timezone.now()
        )
        assert set(visits.values_list("teacher__user__username", flat=True)) == {"laerer", "laerer2"}
        assert set(visits.values_list("status", flat=True)) == {Booking.Status.CONFIRMED, Booking.Status.REQUESTED}
        assert set(visits.values_list("pupils", flat=True)) == {0}

    def test_the_dashboard_has_figures_for_every_school_year_at_once(self):
        """The consultant sees the demo's three school years on the dashboard without waiting for
        the 15-minute refresh: each year's summary rows are the bookings and done activities of
        that year."""
        this_year = school_year_of(timezone.localdate())
        refreshed = set(FactsRefresh.objects.values_list("school_year", flat=True))
        assert {this_year - 2, this_year - 1, this_year} <= refreshed
        for year in (this_year - 2, this_year - 1, this_year):
            start, end = year_start(year), year_start(year + 1)
            bookings = Booking.objects.filter(slot__start__gte=start, slot__start__lt=end).count()
            assert Encounter.objects.filter(school_year=year, booking_id__isnull=False).count() == bookings

    def test_a_second_load_creates_nothing(self):
        before = counts()

        assert "already loaded" in load_demo()

        assert counts() == before

    def test_demo_logins_authenticate_with_the_documented_password(self):
        for login in DEMO_LOGINS:
            # A sign-in's request, as the sign-in page passes it: django-axes counts by its address.
            user = authenticate(RequestFactory().post("/login/"), username=login.username, password=DEMO_PASSWORD)
            assert user is not None, login.username
            assert user.email == f"{login.username}@example.dk"
            assert user.first_name and user.last_name
        assert User.objects.get(username="admin").is_superuser
        consultant = User.objects.get(username="konsulent")
        assert consultant.is_consultant and consultant.is_staff and not consultant.is_superuser
        assert consultant.has_perm("bookings.view_booking") and consultant.has_perm("schools.change_schoolclass")

    def test_demo_teachers_work_at_different_schools_with_several_booked_classes(self):
        laerer = Teacher.objects.get(user__username="laerer")
        laerer2 = Teacher.objects.get(user__username="laerer2")
        assert laerer.school_id != laerer2.school_id
        for teacher in (laerer, laerer2):
            assert teacher.school.classes.count() >= 6
            coming = Booking.objects.filter(booked_by=teacher.user, slot__start__gt=timezone.now())
            statuses = set(coming.values_list("status", flat=True))
            assert statuses == {Booking.Status.CONFIRMED, Booking.Status.REQUESTED, Booking.Status.WAITLISTED}

    def test_demo_hosts_act_for_different_companies_with_requests_to_answer(self):
        vaert = CompanyMember.objects.get(user__username="vaert")
        vaert2 = CompanyMember.objects.get(user__username="vaert2")
        assert vaert.company_id != vaert2.company_id
        assert {vaert.role, vaert2.role} <= set(CompanyMember.Role.values)
        for member in (vaert, vaert2):
            assert Booking.objects.filter(slot__offer__company=member.company, status=Booking.Status.REQUESTED).exists()

    def test_a_round_for_next_school_year_collects_capacities_and_wishes_across_the_region(self):
        """One round, still collecting, for next school year over the North Jutland
        municipalities, with priorities set; companies in many municipalities have stated
        capacity, fewer places than classes wishing, so the matching has to choose."""
        adoption_round = AdoptionRound.objects.get()
        school_year = Adoption.objects.values_list("school_year", flat=True).first()
        assert (adoption_round.status, adoption_round.school_year) == (AdoptionRound.Status.COLLECTING, school_year + 1)
        area = set(adoption_round.municipalities.values_list("code", flat=True))
        assert area == set(Municipality.objects.filter(region="Nordjylland").values_list("code", flat=True))
        assert {825, 773} <= set(adoption_round.outlying_municipalities.values_list("code", flat=True)) <= area
        assert adoption_round.grey_zone_schools.exists()
        assert adoption_round.wishes_deadline > timezone.localdate()

        capacities = adoption_round.capacities.select_related("company")
        assert capacities.count() >= 10
        assert len({capacity.company.municipality_id for capacity in capacities}) >= 8
        assert all(capacity.grade_min == 8 and capacity.updated_by for capacity in capacities)

        wishes = adoption_round.wishes.select_related("school_class__school").prefetch_related("choices")
        assert 20 <= wishes.count() <= sum(capacity.classes for capacity in capacities) + 10
        assert sum(capacity.classes for capacity in capacities) < wishes.count()
        assert len({wish.school_class.school.municipality_id for wish in wishes}) >= 8
        for wish in wishes:
            assert (wish.school_class.grade, wish.school_class.school_year) == (8, school_year + 1)
            assert wish.school_class.school.municipality_id in area
            ranks = [choice.rank for choice in wish.choices.all()]
            assert ranks == list(range(1, len(ranks) + 1)) and 1 <= len(ranks) <= 5
        schools = {wish.school_class.school for wish in wishes}
        assert any(school.municipality_id == 825 for school in schools)
        assert set(adoption_round.grey_zone_schools.all()) <= schools
        assert WishChoice.objects.filter(company__isnull=False).exists()
        assert WishChoice.objects.filter(sector__isnull=False).exists()

    def test_this_years_adoptions_have_half_done_plans(self):
        """Each adoption of this school year has a plan with activities done (in the past),
        some booked or planned ahead and some ideas, each serving learning goals; a done
        activity has its three phases, a booked one its class's booking. Every activity has
        a history of who wrote it. A booked activity is booked as plans book: on a private
        slot of the company."""
        adoptions = Adoption.objects.filter(school_year=demo_school_year()).select_related("school_class", "plan")
        assert adoptions.count() >= 5
        assert len({adoption.school_class.school.municipality_id for adoption in adoptions}) >= 4
        now = timezone.now()
        for adoption in adoptions:
            assert adoption.school_class.grade == 8 and adoption.status == Adoption.Status.ACTIVE
            assert adoption.plan.goals_note
            activities = list(adoption.plan.activities.all())
            statuses = [activity.status for activity in activities]
            assert 2 <= statuses.count(PlanActivity.Status.DONE) < len(activities) < adoption.plan.target_activities
            assert PlanActivity.Status.IDEA in statuses
            for activity in activities:
                assert activity.learning_goals.exists()
                assert activity.changes.exists()
                if activity.status == PlanActivity.Status.DONE:
                    assert activity.ends_at < now and activity.description
                if activity.status == PlanActivity.Status.BOOKED:
                    assert activity.booking.school_class_id == adoption.school_class_id
                    assert activity.booking.holds_place and activity.starts_at == activity.booking.slot.start
                    assert activity.booking.slot.offer.is_private
        assert PlanActivity.objects.filter(status=PlanActivity.Status.BOOKED).count() >= 1
        assert PlanActivity.objects.filter(status=PlanActivity.Status.PLANNED).count() >= 5
        assert PlanActivity.objects.filter(learning_goals__subject_code="education-and-job").distinct().count() >= 10

    def test_the_demo_teacher_and_host_share_an_adoption(self):
        """The `laerer` login's class is adopted by the `vaert` login's company, so both see
        the same plan."""
        laerer = Teacher.objects.get(user__username="laerer")
        vaert = CompanyMember.objects.get(user__username="vaert")
        assert Adoption.objects.filter(school_class__school=laerer.school, company=vaert.company).exists()

    def test_the_coming_spring_open_day_for_girls_takes_applications_in_every_state(self):
        """An IGEday-style day in the coming spring over the region, for girls, with outlying
        municipalities as a priority; hosts across the region, each at its company's address
        with its role models; applicants in every state, each with three ranked hosts she is
        old enough for, her links working, a guardian's only under 15; a teacher applied for
        some pupils of her class; nothing matched yet."""
        day = OpenDay.objects.get(status=OpenDay.Status.OPEN)
        assert day.gender_focus == OpenDay.GenderFocus.GIRLS and day.date > timezone.localdate()
        assert day.municipalities.filter(region="Nordjylland").count() == day.municipalities.count() == 11
        assert set(day.outlying_municipalities.values_list("code", flat=True)) == {825, 773, 787}
        hosts = day.hosts.select_related("company")
        assert hosts.count() >= 8
        assert len({host.company.municipality_id for host in hosts}) >= 6
        assert all(host.address == host.company.address and host.role_models.exists() for host in hosts)
        applications = day.applications.prefetch_related("preferences__host")
        assert set(applications.values_list("status", flat=True)) == set(Application.Status.values)
        for application in applications:
            preferences = list(application.preferences.all())
            assert [p.rank for p in preferences] == [1, 2, 3]
            assert all(p.host.age_min is None or application.age >= p.host.age_min for p in preferences)
            assert day.age_min <= application.age <= day.age_max
            assert application.municipality_id == application.school.municipality_id
            assert bool(application.guardian_email) == (application.age < 15 and application.applied_by is None)
            assert application_for_token(application.link_token("applicant")) == application
            assert not application.outcome
        for application in applications.filter(status=Application.Status.AWAITING_GUARDIAN):
            assert application.needs_guardian
            assert application_for_guardian_token(application.link_token("guardian")) == application
        by_teacher = applications.filter(applied_by__username="laerer")
        assert by_teacher.count() >= 2 and set(by_teacher.values_list("status", flat=True)) == {"confirmed"}

    def test_last_years_open_day_was_matched_published_held_and_surveyed(self):
        """Last spring's day: its one run published with its seed and the solver's report beside
        the greedy baseline (no fewer placed); every confirmed
        applicant placed within her preferences or waitlisted in order, no host over its places;
        hosts marked attendance; participants who came and every host answered the survey.
        Past the retention period, nothing personal is left and the counts are intact."""
        day = OpenDay.objects.exclude(status=OpenDay.Status.OPEN).latest("date")
        assert day.status == OpenDay.Status.CLOSED and day.published_at and day.survey_closes < timezone.localdate()
        run = day.runs.get()
        assert run.status == MatchRun.Status.PUBLISHED and run.progress == 100 and run.seed
        confirmed = day.applications.filter(status=Application.Status.CONFIRMED)
        assert set(run.report) == {"optimal", "greedy"}
        report = run.report["optimal"]
        assert report["placed"] >= run.report["greedy"]["placed"]
        assert report["eligible"] == confirmed.count() == run.placements.count()
        assert report["placed"] == confirmed.filter(outcome=Application.Outcome.PLACED).count() < report["eligible"]
        assert 0 < report["first_choice_share"] <= report["top3_share"] == report["placed_share"] <= 1
        assert set(report["hosts"]) == {str(pk) for pk in day.hosts.values_list("pk", flat=True)}
        assert sum(counts["eligible"] for counts in report["municipalities"].values()) == report["eligible"]
        for placement in run.placements.select_related("application"):
            application = placement.application
            assert (application.host_id, application.preference_rank) == (placement.host_id, placement.preference_rank)
            if placement.host_id:
                assert application.preferences.get(rank=placement.preference_rank).host_id == placement.host_id
            else:
                assert application.waitlist_position == placement.waitlist_order
        for host in day.hosts.annotate(n=Count("participants")):
            assert host.n <= host.places
        placed = confirmed.filter(outcome=Application.Outcome.PLACED)
        assert not placed.filter(attended__isnull=True).exists() and placed.filter(attended=False).exists()
        answers = day.survey_responses.all()
        assert answers.filter(respondent=SurveyResponse.Respondent.HOST).count() == day.hosts.count()
        participants = answers.filter(respondent=SurveyResponse.Respondent.PARTICIPANT)
        assert participants.count() >= placed.count() // 2
        assert not participants.exclude(application__attended=True).exists()
        assert all(1 <= a.interest_before <= a.interest_after <= 5 for a in participants)
        if day.erased_at:
            assert not day.applications.exclude(first_name="", email="", school=None, token_hash="").exists()
            assert not participants.exclude(comment="").exists()
        else:
            assert not day.applications.filter(first_name="").exists()

    # The two school years before this one, which the overview's dashboard compares -----------

    def test_the_two_school_years_before_have_every_schools_classes_linked_to_the_year_after(self):
        """Each past year has every school's classes; a class continues as the same class a
        grade on (8.B two years ago → 9.B last year, 1.a last year → 2.a this year), and this
        year's classes above a school's lowest grade continue last year's."""
        school_year = demo_school_year()
        for year in (school_year - 2, school_year - 1):
            classes = SchoolClass.objects.filter(school_year=year)
            assert set(classes.values_list("school", flat=True)) == set(School.objects.values_list("pk", flat=True))
            for school in School.objects.filter(kind=School.Kind.FOLKESKOLE):
                assert set(school.classes.filter(school_year=year).values_list("grade", flat=True)) == {7, 8, 9}
        linked = SchoolClass.objects.filter(school_year__gte=school_year - 1, previous__isnull=False)
        for school_class in linked.select_related("previous"):
            previous = school_class.previous
            assert (previous.school_id, previous.school_year) == (school_class.school_id, school_class.school_year - 1)
            assert previous.grade == school_class.grade - 1 and abs(previous.pupils - school_class.pupils) <= 1
        this_year = SchoolClass.objects.filter(school_year=school_year)
        assert not this_year.filter(grade__in=(8, 9, 12, 13), previous__isnull=True).exists()
        assert not this_year.filter(grade__in=(7, 10, 11), previous__isnull=False).exists()
        nine_b = this_year.get(school__name="Vestbjerg Skole", name="9.B")
        assert (nine_b.previous.name, nine_b.previous.previous.name) == ("8.B", "7.B")
        assert nine_b.previous.previous.school_year == school_year - 2
        assert this_year.get(school__name="Aalborg Katedralskole", name="2.a").previous.name == "1.a"

    def test_past_bookings_end_in_every_state_and_the_later_year_reaches_more_classes_further_out(self):
        """Each past year's company visits, expert visits and teacher visits ended attended,
        no-show, cancelled or declined (none still open), across several sectors; last year
        reached more classes than the year before, more of them outside Aalborg; each year
        some classes met no company at all."""
        school_year = demo_school_year()
        reached = {}
        for year in (school_year - 2, school_year - 1):
            bookings = Booking.objects.filter(
                slot__start__gte=year_start(year), slot__start__lt=year_start(year + 1)
            ).exclude(slot__offer__is_private=True)
            by_status = dict(bookings.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
            assert set(by_status) == {"completed", "no_show", "cancelled", "declined"}, by_status
            assert by_status["completed"] > by_status["no_show"] + by_status["cancelled"] + by_status["declined"]
            completed = bookings.filter(status=Booking.Status.COMPLETED)
            assert set(completed.values_list("slot__offer__kind", flat=True)) == set(Offer.Kind.values)
            assert completed.values("slot__offer__company__sector").distinct().count() >= 5
            assert not bookings.exclude(created_at__lt=F("slot__start")).exists()
            classes = SchoolClass.objects.filter(school_year=year)
            met = classes.filter(bookings__status=Booking.Status.COMPLETED).distinct()
            reached[year] = (met.count(), met.exclude(school__municipality=851).count())
            assert 0 < met.count() < classes.count()
        assert reached[school_year - 1][0] > reached[school_year - 2][0]
        assert reached[school_year - 1][1] > reached[school_year - 2][1]

    def test_past_adoptions_ended_with_plans_done_at_the_company_and_at_school(self):
        """Each past year adopted 8th grades (last year more, and 9th grades that went on with
        their company from the year before, the same class a grade on); each plan ended with
        activities done within its year, some booked with the company (the booking attended),
        some held at school without a booking, and an idea left."""
        school_year = demo_school_year()
        for year in (school_year - 2, school_year - 1):
            adoptions = Adoption.objects.filter(school_year=year).select_related("school_class__school", "plan")
            assert not adoptions.exclude(status=Adoption.Status.ENDED).exists()
            assert len({a.school_class.school.municipality_id for a in adoptions}) >= 3
            for adoption in adoptions:
                assert adoption.ended_at < timezone.now() and adoption.plan.goals_note
                done = adoption.plan.activities.filter(status=PlanActivity.Status.DONE)
                assert 2 <= done.count() < adoption.plan.target_activities
                assert adoption.plan.activities.filter(status=PlanActivity.Status.IDEA).exists()
                for activity in done:
                    assert year_start(year) <= activity.starts_at < activity.ends_at < year_start(year + 1)
                    if activity.booking:
                        assert activity.booking.status == Booking.Status.COMPLETED
                        assert activity.booking.school_class_id == adoption.school_class_id
                        assert activity.booking.slot.offer.is_private
            done = PlanActivity.objects.filter(plan__adoption__in=adoptions, status=PlanActivity.Status.DONE)
            assert done.filter(booking__isnull=False).exists() and done.filter(booking__isnull=True).exists()
        before, last = (Adoption.objects.filter(school_year=year) for year in (school_year - 2, school_year - 1))
        assert set(before.values_list("school_class__grade", flat=True)) == {8}
        assert set(last.values_list("school_class__grade", flat=True)) == {8, 9}
        assert last.filter(school_class__grade=8).count() > before.count()
        for renewal in last.filter(school_class__grade=9).select_related("renewal_of", "school_class"):
            assert renewal.renewal_of.renewal_confirmed and renewal.renewal_of.company_id == renewal.company_id
            assert renewal.school_class.previous_id == renewal.renewal_of.school_class_id

    def test_past_activities_have_teachers_and_hosts_feedback_mostly_answered(self):
        """Every attended past visit, and every adoption activity held without a booking, asked
        its teacher and its host for feedback the day after; nothing else did. Most answered
        within the link's life, with ratings, and teachers with goals met and the pupils'
        interest before and after; the rest expired unanswered after one reminder. Last year's
        visits went better than the year before's."""
        school_year = demo_school_year()
        past = Booking.objects.filter(slot__start__lt=year_start(school_year))
        completed = past.filter(status=Booking.Status.COMPLETED)
        held_at_school = PlanActivity.objects.filter(status=PlanActivity.Status.DONE, booking__isnull=True)
        past_at_school = held_at_school.filter(plan__adoption__school_year__lt=school_year)
        history = Feedback.objects.filter(Q(booking__in=past) | Q(plan_activity__in=past_at_school))
        assert not history.filter(booking__in=past.exclude(status=Booking.Status.COMPLETED)).exists()
        for respondent in Feedback.Respondent.values:
            asked = history.filter(booking__isnull=False, respondent=respondent)
            assert asked.count() == completed.count()
        assert history.filter(plan_activity__isnull=False).count() == 2 * past_at_school.count() > 0
        answered = history.filter(answered_at__isnull=False)
        assert answered.count() > 0.6 * history.count()
        for row in history.select_related("booking__slot", "plan_activity"):
            ended = row.booking.slot.end if row.booking else row.plan_activity.ends_at
            assert ended < row.sent_at < row.expires_at and row.recipient_id
            if row.answered_at:
                assert row.sent_at < row.answered_at < min(row.expires_at, timezone.now())
                assert 1 <= row.rating <= 5
            if row.respondent == Feedback.Respondent.TEACHER and row.answered_at:
                assert row.goals_met
            if row.interest_before:
                assert row.respondent == Feedback.Respondent.TEACHER
                assert row.interest_before <= row.interest_after
        expired = history.filter(answered_at__isnull=True, expires_at__lt=timezone.now())
        assert expired.exists() and not expired.filter(reminded_at__isnull=True).exists()
        assert answered.filter(interest_before__isnull=False).count() >= 50
        ratings = [
            answered.filter(
                booking__slot__start__gte=year_start(year), booking__slot__start__lt=year_start(year + 1)
            ).aggregate(average=Avg("rating"))["average"]
            for year in (school_year - 2, school_year - 1)
        ]
        assert ratings[0] < ratings[1]

    def test_the_region_held_an_open_day_each_of_the_two_springs_before_more_girls_the_later(self):
        """The year before last's day was held like last year's, with fewer hosts and fewer
        girls who came."""
        first, last = OpenDay.objects.filter(status=OpenDay.Status.CLOSED).order_by("date")
        assert first.date.year == last.date.year - 1
        assert first.hosts.count() < last.hosts.count()
        came = [day.applications.filter(attended=True).count() for day in (first, last)]
        assert 0 < came[0] < came[1]
        assert first.survey_responses.exists()
