"""After the day: survey links go to participants (placed, not marked absent) and to the hosts'
members once; a participant answers once through her link until the survey closes; a host's
company answers once. The daily round runs every step."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from notifications.models import OutgoingMessage
from opendays.models import Application, SurveyResponse
from opendays.services import host_survey_answer, survey_answer, surveys_send
from opendays.tasks import after_the_day_daily
from tests import factories
from tests.opendays.helpers_after import make_application, make_day, make_host

pytestmark = pytest.mark.django_db

Outcome = Application.Outcome


@pytest.fixture
def day():
    return make_day(days_from_today=-2, survey_closes=timezone.localdate() + dt.timedelta(days=14))


@pytest.fixture
def host(day):
    return make_host(day, places=3)


def test_survey_links_go_to_participants_not_marked_absent_and_to_host_members_once(day, host):
    """Placed and attended (or not marked) get a link; absent, waitlisted and withdrawn do not;
    each member of the host's company gets the host survey; a second pass sends nothing."""
    member = factories.CompanyMemberFactory(company=host.company)
    came = make_application(day, host=host, outcome=Outcome.PLACED, attended=True)
    unmarked = make_application(day, host=host, outcome=Outcome.PLACED)
    make_application(day, host=host, outcome=Outcome.PLACED, attended=False)
    make_application(day, outcome=Outcome.WAITLISTED, waitlist_position=1)
    make_application(day, host=host, outcome=Outcome.PLACED, status=Application.Status.WITHDRAWN)

    assert surveys_send() == 1
    assert surveys_send() == 0

    surveys = OutgoingMessage.objects.filter(kind="openday_survey")
    assert set(surveys.values_list("recipient_email", flat=True)) == {came.email, unmarked.email}
    hosts = OutgoingMessage.objects.filter(kind="openday_host_survey")
    assert list(hosts.values_list("recipient_email", flat=True)) == [member.user.email]
    day.refresh_from_db()
    assert day.surveys_sent_at is not None


def test_no_survey_links_before_the_day_or_after_the_survey_closed():
    """A day still to come, and one whose survey closed yesterday, send nothing."""
    coming = make_day(days_from_today=3)
    make_application(coming, host=make_host(coming), outcome=Outcome.PLACED)
    closed = make_day(days_from_today=-20, survey_closes=timezone.localdate() - dt.timedelta(days=1))
    make_application(closed, host=make_host(closed), outcome=Outcome.PLACED)

    assert surveys_send() == 0
    assert not OutgoingMessage.objects.exists()


def test_a_participant_answers_once_through_her_link(day, host):
    """The first answer is stored; a second is refused and the first stays."""
    participant = make_application(day, host=host, outcome=Outcome.PLACED, attended=True)

    response = survey_answer(application=participant, interest_before=2, interest_after=5, rating=4, comment=" Fedt ")

    assert (response.interest_before, response.interest_after, response.rating, response.comment) == (2, 5, 4, "Fedt")
    with pytest.raises(DomainError) as refused:
        survey_answer(application=participant, interest_before=1, interest_after=1, rating=1)
    assert refused.value.code == "survey_answered"
    assert SurveyResponse.objects.get().rating == 4


@pytest.mark.parametrize(
    ("days_from_today", "closes_in", "code"),
    [(2, 14, "survey_not_open"), (0, 14, "survey_not_open"), (-20, -1, "survey_closed")],
)
def test_the_survey_is_open_from_the_day_after_until_it_closes(days_from_today, closes_in, code):
    """Before and on the day it is not open yet; after survey_closes it is closed."""
    day = make_day(days_from_today=days_from_today, survey_closes=timezone.localdate() + dt.timedelta(days=closes_in))
    participant = make_application(day, host=make_host(day), outcome=Outcome.PLACED)

    with pytest.raises(DomainError) as refused:
        survey_answer(application=participant, interest_before=3, interest_after=3, rating=3)

    assert refused.value.code == code
    assert not SurveyResponse.objects.exists()


def test_only_participants_answer_the_participant_survey(day, host):
    """Marked absent, or never placed: refused."""
    for application in (
        make_application(day, host=host, outcome=Outcome.PLACED, attended=False),
        make_application(day, outcome=Outcome.WAITLISTED, waitlist_position=1),
    ):
        with pytest.raises(DomainError) as refused:
            survey_answer(application=application, interest_before=3, interest_after=3, rating=3)
        assert refused.value.code == "survey_not_for_you"


@pytest.mark.parametrize("field", ["interest_before", "interest_after", "rating"])
def test_scores_are_from_one_to_five(day, host, field):
    participant = make_application(day, host=host, outcome=Outcome.PLACED)
    scores = {"interest_before": 3, "interest_after": 3, "rating": 3, field: 6}

    with pytest.raises(DomainError) as refused:
        survey_answer(application=participant, **scores)

    assert (refused.value.code, refused.value.field) == ("survey_score_out_of_range", field)


def test_a_hosts_company_answers_its_survey_once_and_no_one_else_does(day, host):
    member = factories.CompanyMemberFactory(company=host.company).user
    stranger = factories.CompanyMemberFactory().user

    with pytest.raises(DomainError):
        host_survey_answer(user=stranger, host=host, rating=5)
    host_survey_answer(user=member, host=host, rating=4, comment="Godt")
    with pytest.raises(DomainError) as refused:
        host_survey_answer(user=member, host=host, rating=2)

    assert refused.value.code == "survey_answered"
    assert SurveyResponse.objects.get(host=host).rating == 4


def test_the_daily_round_lapses_offers_sends_surveys_and_erases(day, host):
    """One pass of the scheduled task does every step and says how many it did."""
    make_application(day, host=host, outcome=Outcome.PLACED)
    old = make_day(days_from_today=-200, survey_closes=timezone.localdate() - dt.timedelta(days=150))
    make_application(old, host=make_host(old), outcome=Outcome.PLACED)

    done = after_the_day_daily()

    assert done["surveys_sent"] == 1
    assert done["days_erased"] == 1
    assert done["lapsed_offers"] == 0


def test_the_daily_round_is_scheduled():
    """The migration creates the daily schedule of the round."""
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="opendays.tasks.after_the_day_daily")
    assert (schedule.schedule_type, schedule.repeats) == ("D", -1)


def test_where_a_teacher_applied_the_survey_link_goes_to_the_teacher_by_name(day, host):
    """The teacher's address, the teacher's name: the pupil's first name is not put on it."""
    teacher = factories.TeacherFactory(user__first_name="Lone", user__last_name="Lærer").user
    make_application(day, host=host, outcome=Outcome.PLACED, email=teacher.email, applied_by=teacher)

    surveys_send()

    message = OutgoingMessage.objects.get(kind="openday_survey")
    assert (message.recipient_email, message.recipient_name) == (teacher.email, "Lone Lærer")
