"""The consultant's open days: created in their own area with an ordered window before the day,
changed while nothing depends on it, and closed."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from core.models import Municipality
from opendays import services
from opendays.models import OpenDay
from tests import factories
from tests.opendays.factories import ApplicationFactory, OpenDayFactory

AALBORG, HJORRING = 851, 860


def consultant_for(username: str, *codes: int):
    user = factories.UserFactory(username=username, is_consultant=True)
    user.area.set(Municipality.objects.filter(code__in=codes))
    return user


@pytest.fixture
def aalborg_consultant(db):
    return consultant_for("aalborg-konsulent", AALBORG)


def day_terms(**changes):
    """A valid day sixty days on, taking applications from now until a month before."""
    date = timezone.localdate() + dt.timedelta(days=60)
    terms = {
        "title": "Tekniske Piger-dag",
        "date": date,
        "municipalities": Municipality.objects.filter(code=AALBORG),
        "applications_open": timezone.now(),
        "applications_close": timezone.now() + dt.timedelta(days=30),
        "gender_focus": OpenDay.GenderFocus.GIRLS,
    }
    return {**terms, **changes}


def refusal(action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


def test_a_consultant_creates_a_day_in_their_area(aalborg_consultant):
    """The day is stored open, with its area, the default three preferences and the creator."""
    day = services.open_day_create(actor=aalborg_consultant, **day_terms(outlying_municipalities=[]))

    assert day.status == OpenDay.Status.OPEN and day.preferences == 3 and day.created_by == aalborg_consultant
    assert list(day.municipalities.values_list("code", flat=True)) == [AALBORG]


def test_a_day_outside_the_consultants_area_is_refused(aalborg_consultant):
    terms = day_terms(municipalities=Municipality.objects.filter(code=HJORRING))

    error = refusal(lambda: services.open_day_create(actor=aalborg_consultant, **terms))

    assert (error.code, error.field) == ("municipalities_outside_area", "municipalities")
    assert not OpenDay.objects.exists()


def test_a_teacher_cannot_create_a_day(teacher):
    assert refusal(lambda: services.open_day_create(actor=teacher.user, **day_terms())).code == "not_allowed"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"title": "  "}, "title_required", "title"),
        ({"date": timezone.localdate() - dt.timedelta(days=1)}, "date_past", "date"),
        ({"municipalities": []}, "municipalities_required", "municipalities"),
        ({"age_min": 9}, "age_out_of_range", "age_min"),
        ({"age_min": 16, "age_max": 14}, "ages_reversed", "age_max"),
        ({"grade_min": 9, "grade_max": 8}, "grades_reversed", "grade_max"),
        ({"grade_min": 42}, "grade_invalid", "grade_min"),
        ({"gender_focus": "adults"}, "gender_invalid", "gender_focus"),
        ({"preferences": 11}, "preferences_out_of_range", "preferences"),
        ({"weight_outlying": 11}, "weight_out_of_range", "weight_outlying"),
        ({"offer_hours": 0}, "offer_hours_out_of_range", "offer_hours"),
        ({"retention_days": 4000}, "retention_out_of_range", "retention_days"),
    ],
)
def test_bad_terms_are_refused_field_by_field(aalborg_consultant, changes, code, field):
    """Each bound gets its own code and points at the field; nothing is saved."""
    error = refusal(lambda: services.open_day_create(actor=aalborg_consultant, **day_terms(**changes)))

    assert (error.code, error.field) == (code, field)
    assert not OpenDay.objects.exists()


def test_the_window_must_open_before_it_closes_and_close_before_the_day(aalborg_consultant):
    now = timezone.now()
    reversed_window = day_terms(applications_open=now, applications_close=now - dt.timedelta(hours=1))
    date = timezone.localdate() + dt.timedelta(days=10)
    after_day = day_terms(date=date, applications_close=now + dt.timedelta(days=11))

    assert refusal(lambda: services.open_day_create(actor=aalborg_consultant, **reversed_window)).code == (
        "window_reversed"
    )
    assert refusal(lambda: services.open_day_create(actor=aalborg_consultant, **after_day)).code == "window_after_day"


def test_outlying_municipalities_must_be_the_days_own(aalborg_consultant):
    terms = day_terms(outlying_municipalities=Municipality.objects.filter(code=HJORRING))

    assert refusal(lambda: services.open_day_create(actor=aalborg_consultant, **terms)).code == "outlying_outside_day"


def test_the_survey_closes_on_or_after_the_day(aalborg_consultant):
    terms = day_terms()
    terms["survey_closes"] = terms["date"] - dt.timedelta(days=1)

    assert refusal(lambda: services.open_day_create(actor=aalborg_consultant, **terms)).code == "survey_before_day"


def test_an_update_changes_what_is_given_and_keeps_the_rest(aalborg_consultant):
    day = OpenDayFactory(preferences=3)

    services.open_day_update(actor=aalborg_consultant, open_day=day, title="IGEday Nordjylland", weight_outlying=3)

    day.refresh_from_db()
    assert (day.title, day.weight_outlying, day.preferences) == ("IGEday Nordjylland", 3, 3)


def test_another_areas_consultant_cannot_change_the_day(db):
    day = OpenDayFactory()
    stranger = consultant_for("hjørring-konsulent", HJORRING)

    assert refusal(lambda: services.open_day_update(actor=stranger, open_day=day, title="x")).code == "not_allowed"


def test_preferences_are_fixed_once_pupils_have_applied(aalborg_consultant):
    day = OpenDayFactory()
    ApplicationFactory(open_day=day)

    error = refusal(lambda: services.open_day_update(actor=aalborg_consultant, open_day=day, preferences=5))

    assert error.code == "preferences_fixed"


def test_after_the_matching_starts_only_the_words_and_after_settings_change(aalborg_consultant):
    """The target group is fixed once matching has started; the title and retention still change."""
    day = OpenDayFactory(status=OpenDay.Status.MATCHING)

    error = refusal(lambda: services.open_day_update(actor=aalborg_consultant, open_day=day, age_max=25))
    services.open_day_update(actor=aalborg_consultant, open_day=day, title="Ny titel", retention_days=30)

    assert (error.code, error.field) == ("day_fixed", "age_max")
    day.refresh_from_db()
    assert (day.title, day.retention_days, day.age_max) == ("Ny titel", 30, 19)


def test_a_day_closes_from_open_or_published_but_not_while_matching(aalborg_consultant):
    open_day, published = OpenDayFactory(), OpenDayFactory(status=OpenDay.Status.PUBLISHED)
    matching = OpenDayFactory(status=OpenDay.Status.MATCHING)

    services.open_day_close(actor=aalborg_consultant, open_day=open_day)
    services.open_day_close(actor=aalborg_consultant, open_day=published)
    error = refusal(lambda: services.open_day_close(actor=aalborg_consultant, open_day=matching))

    assert error.code == "day_matching"
    assert set(OpenDay.objects.filter(status=OpenDay.Status.CLOSED)) == {open_day, published}
    again = refusal(lambda: services.open_day_close(actor=aalborg_consultant, open_day=open_day))
    assert again.code == "day_closed"
