"""Host registrations: a company's people register it for an open day in its area, change it
(places only until the matching starts), and mark who came after the day."""

import datetime as dt

import pytest
from django.utils import timezone

from core.errors import DomainError
from opendays import services
from opendays.models import Application, OpenDay
from tests import factories
from tests.opendays.factories import ApplicationFactory, HostFactory, OpenDayFactory


def refusal(action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    return caught.value


def registration(**changes):
    terms = {"places": 12, "starts_at": dt.time(9), "ends_at": dt.time(14), "programme": "Lodning og rundvisning."}
    return {**terms, **changes}


@pytest.fixture
def day(db):
    return OpenDayFactory()


def test_a_member_registers_the_company_at_its_own_address(host, day):
    """Without an address the company's own is used; the role models are stored."""
    role_model = factories.RoleModelFactory(company=host.company)

    registered = services.host_register(
        actor=host.user, open_day=day, company=host.company, role_models=[role_model], **registration()
    )

    assert (registered.address, registered.postcode, registered.city) == ("Havnegade 12", "9000", "Aalborg")
    assert list(registered.role_models.all()) == [role_model] and registered.registered_by == host.user


def test_someone_elses_company_cannot_be_registered(other_host, host, day):
    error = refusal(
        lambda: services.host_register(actor=other_host.user, open_day=day, company=host.company, **registration())
    )

    assert error.code == "not_allowed"


def test_a_company_outside_the_area_is_refused_but_the_consultant_may_register_it(host, consultant):
    day = OpenDayFactory(municipalities=[860])

    error = refusal(
        lambda: services.host_register(actor=host.user, open_day=day, company=host.company, **registration())
    )
    registered = services.host_register(actor=consultant, open_day=day, company=host.company, **registration())

    assert error.code == "company_outside_area" and registered.pk


def test_a_company_registers_once_per_day(host, day):
    services.host_register(actor=host.user, open_day=day, company=host.company, **registration())

    error = refusal(
        lambda: services.host_register(actor=host.user, open_day=day, company=host.company, **registration())
    )

    assert (error.code, error.field) == ("already_host", "company")


def test_a_day_that_has_started_matching_takes_no_new_hosts(host):
    day = OpenDayFactory(status=OpenDay.Status.MATCHING)

    error = refusal(
        lambda: services.host_register(actor=host.user, open_day=day, company=host.company, **registration())
    )

    assert error.code == "day_not_open"


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"places": 0}, "places_out_of_range", "places"),
        ({"places": 501}, "places_out_of_range", "places"),
        ({"starts_at": dt.time(14), "ends_at": dt.time(9)}, "times_reversed", "ends_at"),
        ({"programme": " "}, "programme_required", "programme"),
        ({"age_min": 9}, "age_out_of_range", "age_min"),
        ({"age_min": 22}, "age_above_day", "age_min"),
        ({"address": "Vej 1", "postcode": "90", "city": "Aalborg"}, "postcode_invalid", "postcode"),
    ],
)
def test_bad_registrations_are_refused_field_by_field(host, day, changes, code, field):
    error = refusal(
        lambda: services.host_register(actor=host.user, open_day=day, company=host.company, **registration(**changes))
    )

    assert (error.code, error.field) == (code, field)
    assert not day.hosts.exists()


def test_role_models_of_another_company_are_refused(host, day):
    stranger = factories.RoleModelFactory()

    error = refusal(
        lambda: services.host_register(
            actor=host.user, open_day=day, company=host.company, role_models=[stranger], **registration()
        )
    )

    assert error.code == "role_model_other_company"


def test_places_change_while_the_day_is_open(host, day):
    registered = HostFactory(open_day=day, company=host.company)

    services.host_update(actor=host.user, host=registered, places=20, programme="Ny plan.")

    registered.refresh_from_db()
    assert (registered.places, registered.programme, registered.starts_at) == (20, "Ny plan.", dt.time(9))


def test_places_are_fixed_once_the_matching_starts_but_the_programme_is_not(host):
    registered = HostFactory(open_day=OpenDayFactory(status=OpenDay.Status.MATCHING), company=host.company)

    error = refusal(lambda: services.host_update(actor=host.user, host=registered, places=20))
    services.host_update(actor=host.user, host=registered, places=12, safety_notes="Sikkerhedssko udleveres.")

    assert (error.code, error.field) == ("places_fixed", "places")
    registered.refresh_from_db()
    assert (registered.places, registered.safety_notes) == (12, "Sikkerhedssko udleveres.")


def test_another_company_cannot_change_the_registration(host, other_host, day):
    registered = HostFactory(open_day=day, company=host.company)

    assert refusal(lambda: services.host_update(actor=other_host.user, host=registered, places=3)).code == "not_allowed"


def published_day(*, days_ago: int) -> OpenDay:
    date = timezone.localdate() - dt.timedelta(days=days_ago)
    return OpenDayFactory(
        date=date,
        applications_open=timezone.now() - dt.timedelta(days=days_ago + 40),
        applications_close=timezone.now() - dt.timedelta(days=days_ago + 10),
        status=OpenDay.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=days_ago + 5),
    )


def test_the_host_marks_who_came_after_the_day(host):
    registered = HostFactory(open_day=published_day(days_ago=1), company=host.company)
    pupil = ApplicationFactory(open_day=registered.open_day, host=registered, outcome=Application.Outcome.PLACED)

    services.attendance_mark(actor=host.user, host=registered, application=pupil, attended=False)

    pupil.refresh_from_db()
    assert pupil.attended is False


def test_attendance_waits_for_the_day(host, day):
    day.published_at, day.status = timezone.now(), OpenDay.Status.PUBLISHED
    day.save()
    registered = HostFactory(open_day=day, company=host.company)
    pupil = ApplicationFactory(open_day=day, host=registered, outcome=Application.Outcome.PLACED)

    error = refusal(
        lambda: services.attendance_mark(actor=host.user, host=registered, application=pupil, attended=True)
    )

    assert error.code == "before_day"


def test_attendance_is_only_for_the_hosts_own_participants(host):
    registered = HostFactory(open_day=published_day(days_ago=1), company=host.company)
    elsewhere = HostFactory(open_day=registered.open_day)
    pupil = ApplicationFactory(open_day=registered.open_day, host=elsewhere, outcome=Application.Outcome.PLACED)

    error = refusal(
        lambda: services.attendance_mark(actor=host.user, host=registered, application=pupil, attended=True)
    )

    assert error.code == "not_participant"
