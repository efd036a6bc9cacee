"""What the pages build on besides the tables: the scope a user may see, the school years with
figures, when they were refreshed, and how they are kept current (the schedule, the command)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from core.dates import school_year_of
from core.errors import DomainError
from overview.facts import years_with_history
from overview.figures import Scope, facts_as_of, school_years_available, scope_for
from overview.models import Encounter, FactsRefresh
from overview.services import facts_refresh
from overview.tasks import facts_refresh_recent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultant():
    user = factories.UserFactory(username="konsulent", is_consultant=True)
    user.area.set([851, 787])
    return user


def this_year() -> int:
    return school_year_of(timezone.localdate())


def test_scope_is_the_consultants_area_when_no_municipality_is_chosen(consultant):
    """No choice: the whole area, sorted; a choice within it is kept as chosen."""
    assert scope_for(consultant, school_year=2026, municipality_codes=None) == Scope(2026, (787, 851))
    assert scope_for(consultant, school_year=2026, municipality_codes=[851, 851]) == Scope(2026, (851,))


def test_scope_refuses_a_municipality_outside_the_area(consultant):
    """Hjørring (860) is not in the area: a DomainError, not an empty dashboard."""
    with pytest.raises(DomainError) as refused:
        scope_for(consultant, school_year=2026, municipality_codes=[851, 860])
    assert refused.value.code == "outside_area"


def test_scope_of_an_administrator_or_a_consultant_without_area_is_everything():
    """None: the whole installation, and any municipality may be chosen."""
    admin = factories.UserFactory(username="admin", is_superuser=True)
    assert scope_for(admin, school_year=2026, municipality_codes=[]) == Scope(2026, None)
    assert scope_for(admin, school_year=2026, municipality_codes=[860]) == Scope(2026, (860,))
    roaming = factories.UserFactory(username="overalt", is_consultant=True)
    assert scope_for(roaming, school_year=2026, municipality_codes=None) == Scope(2026, None)


def test_scope_refuses_a_teacher_and_a_school_year_out_of_range(consultant):
    teacher = factories.TeacherFactory().user
    with pytest.raises(DomainError) as refused:
        scope_for(teacher, school_year=2026, municipality_codes=None)
    assert refused.value.code == "overview_not_allowed"
    with pytest.raises(DomainError) as refused:
        scope_for(consultant, school_year=1999, municipality_codes=None)
    assert refused.value.code == "no_such_school_year"


def test_school_years_available_are_those_with_figures_and_the_current_one_newest_first():
    """Years refreshed with rows, and the current year even before any refresh."""
    assert school_years_available() == [this_year()]
    FactsRefresh.objects.create(school_year=this_year() - 3, refreshed_at=timezone.now(), rows=5)
    FactsRefresh.objects.create(school_year=this_year() - 5, refreshed_at=timezone.now(), rows=0)
    assert school_years_available() == [this_year(), this_year() - 3]


def test_facts_as_of_is_the_last_refresh_of_the_year():
    """None before any refresh; the moment of the latest refresh after."""
    assert facts_as_of(this_year()) is None
    moment = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)
    with time_machine.travel(moment, tick=False):
        facts_refresh(school_year=this_year())
    assert facts_as_of(this_year()) == moment


def test_the_schedule_refreshes_the_figures_every_quarter_of_an_hour():
    """Made by migration 0003, by name, repeating for ever."""
    schedule = Schedule.objects.get(name="Overview: refresh the figures")
    assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        "overview.tasks.facts_refresh_recent",
        Schedule.MINUTES,
        15,
        -1,
    )


def test_the_task_refreshes_the_current_and_the_previous_school_year(school_class):
    """A booking this year and one last year: both years get their rows and their time."""
    offer = factories.OfferFactory()
    user = factories.UserFactory()
    for years_back in (0, 1):
        start = timezone.now() - dt.timedelta(days=365 * years_back)
        slot = factories.SlotFactory(
            offer=offer, start=start, end=start + dt.timedelta(hours=1), booking_deadline=start
        )
        slot.bookings.create(school_class=school_class, pupils=20, status="completed", booked_by=user)
    assert facts_refresh_recent() == 2
    assert set(FactsRefresh.objects.values_list("school_year", flat=True)) == {this_year(), this_year() - 1}
    assert Encounter.objects.count() == 2


def test_the_command_refreshes_every_year_from_the_first_booking(school_class):
    """From the school year of the oldest slot to the current one, each a line of output."""
    offer = factories.OfferFactory()
    start = timezone.now() - dt.timedelta(days=3 * 365)
    slot = factories.SlotFactory(offer=offer, start=start, end=start + dt.timedelta(hours=1), booking_deadline=start)
    slot.bookings.create(school_class=school_class, pupils=20, status="cancelled", booked_by=factories.UserFactory())
    years = years_with_history()
    assert years[0] == school_year_of(timezone.localdate(start)) and years[-1] == this_year()
    out = io.StringIO()
    call_command("facts_refresh", stdout=out)
    assert len(out.getvalue().splitlines()) == len(years)
    assert Encounter.objects.get().status == "cancelled"
