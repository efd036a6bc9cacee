"""The consultant's and the host's open-day pages: create a day, see it with its hosts and
applicants, register as a host, see participants only after publication, mark attendance."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from opendays.models import Application, OpenDay
from tests.opendays.factories import ApplicationFactory, HostFactory, OpenDayFactory, PreferenceFactory

pytestmark = pytest.mark.django_db


def test_a_consultant_creates_a_day_through_the_form(client, consultant):
    client.force_login(consultant)
    date = timezone.localdate() + dt.timedelta(days=60)
    data = {
        "title": "IGEday Nordjylland",
        "date": date.isoformat(),
        "municipalities": ["851"],
        "age_min": "13",
        "age_max": "19",
        "gender_focus": "girls",
        "applications_open": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "applications_close": f"{(date - dt.timedelta(days=20)).isoformat()}T12:00",
        "preferences": "3",
        "weight_first_time": "1",
        "weight_outlying": "1",
        "offer_hours": "48",
        "retention_days": "90",
    }

    response = client.post(reverse("openday-create"), data)

    day = OpenDay.objects.get()
    assert response.status_code == 302 and response.url == reverse("openday-detail", args=[day.pk])


def test_a_refused_day_shows_the_message_at_the_field(client, consultant):
    client.force_login(consultant)
    date = timezone.localdate() + dt.timedelta(days=60)
    data = {
        "title": "IGEday",
        "date": date.isoformat(),
        "municipalities": ["851"],
        "age_min": "13",
        "age_max": "19",
        "applications_open": f"{date.isoformat()}T08:00",
        "applications_close": f"{date.isoformat()}T12:00",
        "preferences": "3",
        "weight_first_time": "1",
        "weight_outlying": "1",
        "offer_hours": "48",
        "retention_days": "90",
    }

    response = client.post(reverse("openday-create"), data)

    assert response.status_code == 200 and not OpenDay.objects.exists()
    assert "applications_close" in response.context["form"].errors


def test_the_days_page_shows_hosts_and_applicants_first_names(client, consultant):
    host = HostFactory()
    ApplicationFactory(open_day=host.open_day, first_name="Astrid")
    client.force_login(consultant)

    response = client.get(reverse("openday-detail", args=[host.open_day.pk]))

    assert response.status_code == 200
    assert host.company.name in response.content.decode() and "Astrid" in response.content.decode()


def test_a_hosts_first_choices_and_placed_pupils_are_counted_apart(client, consultant):
    """Three pupils rank the host first and two are placed there: the row says 3 and 2, not
    their product (each count is over its own rows)."""
    host = HostFactory()
    day = host.open_day
    for _ in range(3):
        PreferenceFactory(application__open_day=day, host=host, rank=1)
    ApplicationFactory.create_batch(2, open_day=day, host=host, outcome=Application.Outcome.PLACED)
    client.force_login(consultant)

    html = client.get(reverse("openday-detail", args=[day.pk])).content.decode()

    row = html[html.index(host.company.name) : html.index("</tr>", html.index(host.company.name))]
    cells = re.findall(r"<td[^>]*>(\d+)</td>", row)
    assert cells == ["12", "3", "2"]


def test_a_teacher_gets_404_for_the_consultants_pages(client, teacher):
    day = OpenDayFactory()
    client.force_login(teacher.user)

    assert client.get(reverse("openday-list")).status_code == 404
    assert client.get(reverse("openday-detail", args=[day.pk])).status_code == 404


def test_a_member_registers_the_company_through_the_form(client, host):
    day = OpenDayFactory()
    client.force_login(host.user)
    assert day.title in client.get(reverse("openday-host-days")).content.decode()

    response = client.post(
        reverse("openday-host-register", args=[day.pk, host.company.pk]),
        {"places": "12", "starts_at": "09:00", "ends_at": "14:00", "programme": "Lodning."},
    )

    registered = day.hosts.get()
    assert response.url == reverse("openday-host-detail", args=[registered.pk])
    assert registered.address == host.company.address


def test_the_host_sees_first_names_only_after_publication(client, host):
    registered = HostFactory(company=host.company)
    ApplicationFactory(open_day=registered.open_day, host=registered, outcome="placed", first_name="Ingrid")
    client.force_login(host.user)
    page = reverse("openday-host-detail", args=[registered.pk])

    before = client.get(page).content.decode()
    OpenDay.objects.filter(pk=registered.open_day.pk).update(published_at=timezone.now(), status="published")
    after = client.get(page).content.decode()

    assert "Ingrid" not in before and "Ingrid" in after


def test_the_host_marks_attendance_after_the_day(client, host):
    day = OpenDayFactory(
        date=timezone.localdate(),
        applications_open=timezone.now() - dt.timedelta(days=40),
        applications_close=timezone.now() - dt.timedelta(days=10),
        status=OpenDay.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=5),
    )
    registered = HostFactory(open_day=day, company=host.company)
    pupil = ApplicationFactory(open_day=day, host=registered, outcome=Application.Outcome.PLACED)
    client.force_login(host.user)

    client.post(reverse("openday-host-attendance", args=[registered.pk]), {f"attended-{pupil.pk}": "yes"})

    pupil.refresh_from_db()
    assert pupil.attended is True


def test_another_company_gets_404_for_the_registration(client, other_host):
    registered = HostFactory()
    client.force_login(other_host.user)

    assert client.get(reverse("openday-host-detail", args=[registered.pk])).status_code == 404
    assert client.get(reverse("openday-host-edit", args=[registered.pk])).status_code == 404


def test_after_the_day_the_consultant_reads_attendance_and_the_survey_even_once_names_are_erased(client, consultant):
    """A past day's page counts who came and who did not, and averages the survey (interest
    before → after, ratings); after erasure the counts stay and the page says the names went."""
    from opendays.models import SurveyResponse
    from opendays.services import erase_due
    from tests.opendays.helpers_after import make_application, make_day, make_host

    day = make_day(days_from_today=-200, survey_closes=timezone.localdate() - dt.timedelta(days=100))
    host = make_host(day, places=3)
    came = [make_application(day, host=host, outcome="placed", attended=True) for _ in range(2)]
    make_application(day, host=host, outcome="placed", attended=False)
    for application, (before, after) in zip(came, [(2, 4), (3, 5)], strict=True):
        SurveyResponse.objects.create(
            open_day=day,
            respondent="participant",
            application=application,
            interest_before=before,
            interest_after=after,
            rating=5,
        )
    SurveyResponse.objects.create(open_day=day, respondent="host", host=host, rating=4)
    erase_due(now=timezone.now())
    client.force_login(consultant)

    page = client.get(reverse("openday-detail", args=[day.pk])).content.decode()

    assert re.search(r"Mødte op</th><td>2<", page) and re.search(r"Udeblev</th><td>1<", page)
    assert "2,5 → 4,5" in page
    assert re.search(r"Værter, der svarede på spørgeskemaet</th><td>1<", page)
    assert "Freja" not in page and "personoplysninger blev slettet" in page


def test_attendance_is_saved_for_all_or_none_and_an_empty_form_says_nothing_was_marked(client, host):
    """One refused mark (a pupil no longer placed with the host) leaves the others unmarked too;
    a form with no choice says so instead of "saved"."""
    from core.errors import DomainError
    from opendays import services

    day = OpenDayFactory(
        date=timezone.localdate(),
        applications_open=timezone.now() - dt.timedelta(days=40),
        applications_close=timezone.now() - dt.timedelta(days=10),
        status=OpenDay.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=5),
    )
    registered = HostFactory(open_day=day, company=host.company)
    came, gone = (ApplicationFactory(open_day=day, host=registered, outcome=Application.Outcome.PLACED) for _ in "ab")
    Application.objects.filter(pk=gone.pk).update(outcome=Application.Outcome.PENDING)
    with pytest.raises(DomainError):
        services.attendance_mark_all(actor=host.user, host=registered, marks={came.pk: True, gone.pk: False})
    came.refresh_from_db()
    client.force_login(host.user)

    empty = client.post(reverse("openday-host-attendance", args=[registered.pk]), follow=True)

    assert came.attended is None
    assert "Intet blev markeret" in empty.content.decode()
