"""The consultant's workspace names the open days needing attention in their area: days whose
applications closed with no matching run, applications waiting for a guardian that expire
within two days, and hosts no pupil fills a place of as a first choice; in the same few queries
however many rows there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opendays.models import Application, MatchRun, OpenDay
from tests import factories
from tests.opendays.factories import ApplicationFactory, HostFactory, OpenDayFactory, PreferenceFactory

THISTED = 787


@pytest.fixture
def aalborg_consultant(db):
    consultant = factories.UserFactory(username="aalborg-konsulent", is_consultant=True)
    consultant.area.set([851])
    return consultant


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def section(html: str, heading_id: str) -> str:
    """The text from the heading `heading_id` to the next heading of its level or section."""
    start = html.index(f'id="{heading_id}"')
    ends = [html.find(marker, start + 1) for marker in ("<h3 id=", "<section")]
    ends = [end for end in ends if end != -1]
    return html[start : min(ends) if ends else len(html)]


def closed_day(**kwargs) -> OpenDay:
    """A day whose application window closed yesterday."""
    return OpenDayFactory(
        applications_open=timezone.now() - dt.timedelta(days=20),
        applications_close=timezone.now() - dt.timedelta(days=1),
        **kwargs,
    )


def home(user) -> str:
    return browser_for(user).get("/workspace/").content.decode()


def test_a_closed_window_without_a_run_is_named_with_its_confirmed_applications(aalborg_consultant):
    waiting = closed_day(title="Piger i teknik")
    ApplicationFactory.create_batch(2, open_day=waiting)
    running = closed_day(title="Allerede kørt")
    MatchRun.objects.create(open_day=running)
    OpenDayFactory(title="Vindue åbent")
    closed_day(title="Morsø-dag", municipalities=[773])

    text = section(home(aalborg_consultant), "opendays-unrun-heading")

    assert "Piger i teknik" in text and "2 bekræftede ansøgninger" in text
    assert f'href="/open-days/{waiting.pk}/"' in text
    assert "Allerede kørt" not in text and "Vindue åbent" not in text and "Morsø-dag" not in text


def test_guardian_consents_expiring_within_two_days_are_named(aalborg_consultant):
    soon = ApplicationFactory(
        first_name="Alma",
        status=Application.Status.AWAITING_GUARDIAN,
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    ApplicationFactory(
        first_name="Bodil",
        status=Application.Status.AWAITING_GUARDIAN,
        expires_at=timezone.now() + dt.timedelta(days=5),
    )
    ApplicationFactory(first_name="Cecilie", expires_at=timezone.now() + dt.timedelta(days=1))

    text = section(home(aalborg_consultant), "opendays-guardians-heading")

    assert "Alma" in text and f'href="/open-days/{soon.open_day_id}/"' in text
    assert "Bodil" not in text and "Cecilie" not in text


def test_hosts_no_live_application_ranks_first_are_named(aalborg_consultant):
    day = OpenDayFactory()
    chosen = HostFactory(open_day=day, company__name="Valgt A/S")
    unchosen = HostFactory(open_day=day, company__name="Fravalgt A/S")
    PreferenceFactory(application__open_day=day, host=chosen, rank=1)
    PreferenceFactory(application__open_day=day, host=unchosen, rank=2)
    withdrawn = ApplicationFactory(open_day=day, status=Application.Status.WITHDRAWN)
    PreferenceFactory(application=withdrawn, host=unchosen, rank=1)

    text = section(home(aalborg_consultant), "opendays-hosts-heading")

    assert "Fravalgt A/S" in text and f'href="/open-days/hosts/{unchosen.pk}/"' in text
    assert "Valgt A/S" not in text.replace("Fravalgt A/S", "")


def test_after_publication_a_host_with_no_first_choice_placed_is_named(aalborg_consultant):
    day = closed_day(status=OpenDay.Status.PUBLISHED, published_at=timezone.now())
    first = HostFactory(open_day=day, company__name="Førstevalg A/S")
    second = HostFactory(open_day=day, company__name="Andetvalg A/S")
    ApplicationFactory(open_day=day, host=first, outcome=Application.Outcome.PLACED, preference_rank=1)
    ApplicationFactory(open_day=day, host=second, outcome=Application.Outcome.PLACED, preference_rank=2)

    text = section(home(aalborg_consultant), "opendays-hosts-heading")

    assert "Andetvalg A/S" in text and "Førstevalg A/S" not in text


def test_a_quiet_area_says_no_open_day_needs_attention(aalborg_consultant):
    html = home(aalborg_consultant)

    assert "Alle åbne dage, hvis ansøgningsfrist er udløbet, har en matchkørsel." in html
    assert "Ingen ansøgning, der venter på en forælder, udløber snart." in html


def _open_day_world(size: int) -> None:
    """`size` rows of every open-day attention item in Aalborg."""
    for _ in range(size):
        day = closed_day()
        ApplicationFactory(open_day=day)
        HostFactory(open_day=day)
        ApplicationFactory(
            status=Application.Status.AWAITING_GUARDIAN, expires_at=timezone.now() + dt.timedelta(hours=20)
        )


def _queries(browser: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get("/workspace/").status_code == 200
    return len(queries)


def test_the_open_days_read_in_the_same_few_queries_however_many_rows(aalborg_consultant):
    browser = browser_for(aalborg_consultant)
    _open_day_world(1)
    few = _queries(browser)
    _open_day_world(4)
    many = _queries(browser)

    assert many == few
