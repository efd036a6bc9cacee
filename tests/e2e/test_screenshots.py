"""Screenshots of the main pages, in Danish and English, for docs/screenshots/.

Not part of the normal suite: run with `SCREENSHOTS=1 .venv/bin/python -m pytest
tests/e2e/test_screenshots.py`. Desktop width 1280, whole pages."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.e2e.conftest import DESKTOP, E2E_MARKS, MOBILE, lived_in_adoptions, login, switch_language

pytestmark = [
    *E2E_MARKS,
    pytest.mark.skipif(os.environ.get("SCREENSHOTS") != "1", reason="screenshots only with SCREENSHOTS=1"),
]


def _more_data(world) -> dict:
    """Enough to make the pages look lived in: a few more offers, a confirmed booking and a
    request waiting for the host."""
    from bookings import services
    from bookings.models import Offer
    from companies.models import RoleModel
    from core.dates import holiday_name
    from core.models import Municipality
    from tests import factories

    for title, kind, code, name in [
        ("Lærerpraktik i produktionen", Offer.Kind.TEACHER_VISIT, 813, "Frederikshavn Skibsværft A/S"),
        ("Fremtidens fødevarer: en dag i mejeriet", Offer.Kind.COMPANY_VISIT, 846, "Mariager Mejeri A/S"),
        ("Vandværket på besøg: fra grundvand til vandhane", Offer.Kind.EXPERT_VISIT, 840, "Rebild Vandværk"),
    ]:
        company = factories.CompanyFactory(name=name, municipality=Municipality.objects.get(code=code))
        offer = factories.OfferFactory(
            company=company,
            title=title,
            kind=kind,
            description="Eleverne møder medarbejdere og prøver selv arbejdet af. Vi sørger for sikkerhedsudstyr.",
        )
        for days in (3, 10, 17):
            start = world.slot.start + dt.timedelta(days=days, hours=days % 3)
            while start.weekday() >= 5 or holiday_name(start.date()):  # classes come on school days
                start += dt.timedelta(days=1)
            factories.SlotFactory(offer=offer, start=start, end=start + dt.timedelta(hours=2))
    RoleModel.objects.create(
        company=world.company, name="Maja Østergård", job_title="Elektrikerlærling", is_young_ambassador=True
    )
    teacher = world.teacher.user
    confirmed = services.booking_create(
        actor=teacher, slot_id=world.slot.pk, school_class_id=world.school_class.pk, pupils=22, adults=2
    )
    other_class = factories.SchoolClassFactory(school=world.teacher.school, name="7.B", grade=7, pupils=19)
    requested = services.booking_create(
        actor=teacher,
        slot_id=world.manual_slot.pk,
        school_class_id=other_class.pk,
        pupils=19,
        adults=2,
        message="Vi kommer med bus og er der kl. 8.45.",
    )
    return {"confirmed": confirmed, "requested": requested}


@pytest.mark.parametrize("language", ["da", "en"])
def test_screenshots(new_page, site, world, language, screenshots_dir):
    made = _more_data(world)
    month = f"{world.slot.start:%Y-%m}"

    def shoot(page, path: str, name: str) -> None:
        page.goto(f"{site}{path}")
        assert page.locator("html").get_attribute("lang") == language
        page.screenshot(path=str(screenshots_dir / f"{name}-{language}.png"), full_page=True)

    visitor = new_page()
    visitor.goto(f"{site}/")
    if language != "da":
        switch_language(visitor, language)
    shoot(visitor, "/", "home")
    shoot(visitor, "/offers/", "catalogue-list")
    shoot(visitor, f"/offers/?view=calendar&month={month}", "catalogue-month")

    teacher = new_page()
    login(teacher, site, world.teacher.user.username)
    if language != "da":
        switch_language(teacher, language)
    shoot(teacher, "/", "teacher-home")
    shoot(teacher, f"/offers/{world.offer.pk}/", "offer")
    shoot(teacher, f"/classes/{world.school_class.pk}/", "class")
    shoot(teacher, f"/bookings/{made['confirmed'].pk}/", "booking")
    shoot(teacher, "/calendar/", "calendar-subscriptions")

    host = new_page()
    login(host, site, world.manual_offer.contact.user.username)
    if language != "da":
        switch_language(host, language)
    shoot(host, "/", "host-home")
    shoot(host, f"/bookings/{made['requested'].pk}/", "host-booking")


def test_adoption_screenshots(new_page, site, adoption_world, screenshots_dir):
    """The consultant's workspace, a round, a finished run (the report beside the greedy
    baseline, the pairs with why, a locked pair with its reason) and a class's annual plan half
    under way; in Danish, at 1280 px and on a 390 px phone."""
    made = lived_in_adoptions(adoption_world)
    plan = made["adoption"].plan
    shots = [
        (adoption_world.consultant.username, "/workspace/", "workspace"),
        (adoption_world.consultant.username, f"/rounds/{adoption_world.round.pk}/", "round"),
        (adoption_world.consultant.username, f"/runs/{made['run'].pk}/", "run"),
        (adoption_world.teachers["vestbjerg"].user.username, f"/plans/{plan.pk}/", "plan"),
    ]
    for viewport, suffix in ((DESKTOP, ""), (MOBILE, "-phone")):
        pages = {}
        for username, path, name in shots:
            if username not in pages:
                pages[username] = new_page(viewport)
                login(pages[username], site, username)
            page = pages[username]
            page.goto(f"{site}{path}")
            assert page.locator("html").get_attribute("lang") == "da"
            page.screenshot(path=str(screenshots_dir / f"{name}{suffix}-da.png"), full_page=True)
