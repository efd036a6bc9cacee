"""Feedback after a visit in a real browser: two visits of the teacher's classes ended
yesterday; the daily round asks the teacher and the host about each by e-mail. The teacher opens
the e-mail's link on a phone, sends the form empty first (each question says what is missing and
nothing is saved), then answers; the link then says the feedback was given. The host, on a
desktop, marks from their home ("Kom de?") that one class came and the other did not: the
no-show's requests are withdrawn and its link says so.

Every page is checked with axe (no serious or critical findings) and, on a phone, for sideways
scrolling; with SCREENSHOTS=1 the pages are saved in docs/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import DESKTOP, E2E_MARKS, MOBILE, login
from tests.e2e.test_opendays import deliver, link_in, look_at, mail_to

pytestmark = E2E_MARKS

FEEDBACK_LINK = r"/feedback/[^/\s]+/"

# What a table hides or breaks: itself wider than its box (its last columns behind a scroll),
# and every word of its cells that is split over two lines.
TABLE_FITS_WITH_WHOLE_WORDS = """selector => {
    const table = document.querySelector(selector), box = table.parentElement, found = [];
    if (box.scrollWidth > box.clientWidth + 1) found.push(`wider than its box: ${box.scrollWidth}px`);
    const walker = document.createTreeWalker(table.tBodies[0], NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(/\\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            if (range.getClientRects().length > 1) found.push(`split: ${match[0]}`);
        }
    }
    return found;
}"""


@pytest.fixture
def ended_visits(world):
    """Two confirmed visits on the host's offer, ended yesterday: the world's 8.A and a 9.B of
    the same school, both booked by the teacher. Returns (8.A's booking, 9.B's booking)."""
    from django.utils import timezone

    from bookings.models import Booking
    from tests import factories

    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0) - dt.timedelta(days=1)
    nine_b = factories.SchoolClassFactory(school=world.school_class.school, name="9.B", grade=9, pupils=24)
    visits = []
    for school_class, hour in [(world.school_class, 0), (nine_b, 3)]:
        at = start + dt.timedelta(hours=hour)
        slot = factories.SlotFactory(offer=world.offer, start=at, end=at + dt.timedelta(hours=2), booking_deadline=at)
        visits.append(
            Booking.objects.create(
                slot=slot,
                school_class=school_class,
                pupils=school_class.pupils,
                status=Booking.Status.CONFIRMED,
                booked_by=world.teacher.user,
            )
        )
    return tuple(visits)


@pytest.fixture
def consultant(world):
    from tests import factories

    user = factories.UserFactory(username="konsulent", first_name="Karen", is_consultant=True)
    user.area.set([world.school_class.school.municipality])
    return user


def test_the_teacher_answers_by_the_link_and_the_host_marks_who_came(
    new_page, site, world, ended_visits, consultant, mailoutbox
):
    from overview.models import Feedback
    from overview.services import feedback_ask_due

    came, stayed_away = ended_visits
    found: dict[str, list[str]] = {}

    # The daily round: the teacher and the host are asked about each visit, by e-mail.
    assert feedback_ask_due() == 4
    deliver()
    to_teacher = [m for m in mail_to(mailoutbox, world.teacher.user.email) if "8.A" in m.body]
    assert len(to_teacher) == 1
    link = link_in(to_teacher[0], FEEDBACK_LINK)
    asked = Feedback.objects.get(booking=came, respondent=Feedback.Respondent.TEACHER)

    # The teacher, on a phone, without signing in.
    phone = new_page(MOBILE)
    phone.goto(f"{site}{link}")
    assert "8.A" in phone.locator("main").inner_text()
    look_at(phone, "feedback-form-390", found)

    # Sent empty: each required question says so at the question, and nothing is saved.
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    for name in ("rating", "goals_met", "interest_before", "interest_after"):
        question = phone.locator(f"fieldset.radio-group:has(input[name={name}])")
        assert "has-error" in question.get_attribute("class"), name
        assert question.locator(".errorlist").inner_text().strip(), name
    look_at(phone, "feedback-form-errors-390", found, shoot=False)
    asked.refresh_from_db()
    assert asked.answered_at is None

    phone.check("input[name=rating][value='4']")
    phone.check("input[name=goals_met][value='yes']")
    phone.check("input[name=interest_before][value='2']")
    phone.check("input[name=interest_after][value='4']")
    phone.fill("textarea[name=comment]", "Eleverne talte om vindmøller hele vejen hjem.")
    with phone.expect_navigation():
        phone.locator("main form button[type=submit]").click()
    assert "Tak for din feedback." in phone.locator("main").inner_text()
    asked.refresh_from_db()
    assert (asked.rating, asked.goals_met, asked.interest_before, asked.interest_after) == (4, "yes", 2, 4)

    # The link is used: it says so, with no form.
    phone.goto(f"{site}{link}")
    assert "Denne feedback er allerede givet. Tak!" in phone.locator("[role=status]").inner_text()
    assert phone.locator("main form button[type=submit]").count() == 0
    look_at(phone, "feedback-answered-390", found, shoot=False)

    # The host, on a desktop: both visits wait to be marked.
    desk = new_page(DESKTOP)
    login(desk, site, world.host.user.username)
    desk.goto(f"{site}/")
    assert desk.get_by_role("heading", name="Kom de?").is_visible()
    look_at(desk, "host-attendance-1280", found)
    with desk.expect_navigation():
        desk.get_by_role("button", name="8.A kom", exact=True).click()
    with desk.expect_navigation():
        desk.get_by_role("button", name="9.B kom ikke", exact=True).click()
    assert "9.B er markeret som udeblevet." in desk.locator("main").inner_text()
    came.refresh_from_db(), stayed_away.refresh_from_db()
    assert (came.status, stayed_away.status) == ("completed", "no_show")

    # The no-show's requests are withdrawn, and its link says so; the visit that was held is
    # still asked of the host.
    withdrawn = Feedback.objects.filter(booking=stayed_away)
    assert withdrawn.count() == 2 and not withdrawn.filter(withdrawn_at__isnull=True).exists()
    assert not Feedback.objects.filter(booking=came, withdrawn_at__isnull=False).exists()
    to_teacher_9b = [m for m in mail_to(mailoutbox, world.teacher.user.email) if "9.B" in m.body]
    phone.goto(f"{site}{link_in(to_teacher_9b[0], FEEDBACK_LINK)}")
    assert "Der bedes ikke længere om denne feedback" in phone.locator("[role=status]").inner_text()

    # The host's own list of what was asked of the company.
    desk.goto(f"{site}/feedback/asked/")
    assert "8.A" in desk.locator("main").inner_text()
    look_at(desk, "feedback-mine-1280", found)

    # The consultant reads the teacher's answer among the area's feedback.
    office = new_page(DESKTOP)
    login(office, site, consultant.username)
    office.goto(f"{site}/workspace/feedback/")
    assert "Eleverne talte om vindmøller hele vejen hjem." in office.locator("main").inner_text()
    assert office.evaluate(TABLE_FITS_WITH_WHOLE_WORDS, "table.feedback-answers") == []
    look_at(office, "consultant-feedback-1280", found)

    assert found == {}
