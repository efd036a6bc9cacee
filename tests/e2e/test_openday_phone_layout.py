"""The open days' pages of the consultant and the host on a 390 px phone: nothing scrolls
sideways, sticks out or is cut off; tables become stacked cards whose labels stay in their
cells. Screenshots go to $LAYOUT_SHOTS when it is set, for a person to look at."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.e2e.conftest import E2E_MARKS, MOBILE, horizontal_overflow, login
from tests.e2e.test_phone_layout import LABEL_OVERLAPS, LAYOUT_PROBLEMS, LONG_WORD, _shot

pytestmark = E2E_MARKS


def _open_days(world) -> dict:
    """A day taking applications with the host's company registered and an applicant, and a
    published day held today with a pupil placed at the host; a consultant of the whole region."""
    from opendays.models import Application, OpenDay
    from tests import factories
    from tests.opendays.factories import ApplicationFactory, HostFactory, OpenDayFactory, PreferenceFactory

    consultant = factories.UserFactory(username="konsulent-dage", is_consultant=True)
    day = OpenDayFactory(title=f"Tekniske Piger-dag: {LONG_WORD}")
    host = HostFactory(open_day=day, company=world.company, programme=f"Rundvisning. {LONG_WORD}.")
    PreferenceFactory(application__open_day=day, application__first_name="Astrid", host=host)
    done = OpenDayFactory(
        date=timezone.localdate(),
        applications_open=timezone.now() - dt.timedelta(days=40),
        applications_close=timezone.now() - dt.timedelta(days=20),
        status=OpenDay.Status.PUBLISHED,
        published_at=timezone.now() - dt.timedelta(days=9),
    )
    done_host = HostFactory(open_day=done, company=world.company)
    ApplicationFactory(open_day=done, host=done_host, outcome=Application.Outcome.PLACED, first_name="Freja")
    return {
        consultant.username: ["/workspace/", "/open-days/", "/open-days/new/", f"/open-days/{day.pk}/"],
        world.host.user.username: [
            "/open-days/hosting/",
            f"/open-days/hosts/{host.pk}/edit/",
            f"/open-days/hosts/{done_host.pk}/",
        ],
    }


def test_the_open_day_pages_fit_a_phone(new_page, site, world):
    found = {}
    for username, paths in _open_days(world).items():
        page = new_page(MOBILE)
        login(page, site, username)
        for path in paths:
            page.goto(f"{site}{path}")
            _shot(page, username, path, MOBILE["width"])
            problems = page.evaluate(LAYOUT_PROBLEMS) + page.evaluate(LABEL_OVERLAPS)
            if overflow := horizontal_overflow(page):
                problems.insert(0, f"the page scrolls sideways by {overflow} px")
            if problems:
                found[f"{path} ({username})"] = problems
        page.context.close()

    assert found == {}
