"""The pages that exist today, in a real browser: catalogue filters, login, the language
switch, the calendar subscriptions page, accessibility (axe-core) and a phone-sized window."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import E2E_MARKS, MOBILE, horizontal_overflow, login, switch_language

pytestmark = E2E_MARKS


def card_titles(page) -> list[str]:
    return [title.strip() for title in page.locator("ul.cards li.card h2").all_inner_texts()]


@pytest.mark.parametrize(
    ("field", "value", "expected", "hidden"),
    [
        ("kind", "expert_visit", "manual_offer", "offer"),
        ("grade", "9", "offer", "manual_offer"),
        ("grade", "5", "manual_offer", "offer"),
        ("municipality", "860", "manual_offer", "offer"),
    ],
)
def test_catalogue_filter(page, site, world, field, value, expected, hidden):
    page.goto(f"{site}/offers/")
    assert set(card_titles(page)) == {world.offer.title, world.manual_offer.title}
    # Choose in the filter form and submit it, as a person would.
    page.select_option(f"form[role=search] select[name={field}]", value)
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    assert f"{field}={value}" in page.url
    titles = card_titles(page)
    assert getattr(world, expected).title in titles
    assert getattr(world, hidden).title not in titles
    # The choice stays selected on the result page.
    assert page.locator(f"form[role=search] select[name={field}]").input_value() == value


def test_catalogue_month_calendar_shows_slots(page, site, world):
    month = world.slot.start.strftime("%Y-%m")
    page.goto(f"{site}/offers/?view=calendar&month={month}")
    link = page.locator(f"a[href$='/offers/{world.offer.pk}/#slot-{world.slot.pk}']")
    assert link.count() == 1
    assert world.offer.title in link.inner_text()


@pytest.mark.parametrize(("who", "landing_heading"), [("teacher", "8.A"), ("host", None)])
def test_login_lands_on_role_home(page, site, world, who, landing_heading):
    user = world.teacher.user if who == "teacher" else world.host.user
    login(page, site, user.username)
    assert page.url == f"{site}/"
    # Signed in: the header shows the name and a sign-out form; the role's home page shows.
    assert page.locator("header form[action='/logout/']").count() == 1
    assert user.first_name in page.locator("header .account").inner_text()
    if who == "teacher":
        assert page.locator(f"main a[href='/classes/{world.school_class.pk}/']").inner_text() == landing_heading
    else:
        assert page.locator("main h1").count() == 1
        assert page.locator("main a[href^='/classes/']").count() == 0


def test_login_with_wrong_password_shows_error(page, site, world):
    login(page, site, world.teacher.user.username, password="wrong-password")
    assert page.url.startswith(f"{site}/login/")
    assert page.locator("main [role=alert]").count() == 1


def test_language_switch_turns_page_english_and_back(page, site, world):
    page.goto(f"{site}/offers/")
    assert page.locator("html").get_attribute("lang") == "da"
    danish_heading = page.locator("main h1").inner_text()
    assert page.locator("form:has(select#language-switch) button[type=submit]").inner_text().strip() == "Skift"

    switch_language(page, "en")
    assert page.url.endswith("/offers/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main h1").inner_text() == "Find offers"
    assert page.locator("form:has(select#language-switch) button[type=submit]").inner_text().strip() == "Change"
    assert page.locator("select#language-switch").input_value() == "en"
    # The choice sticks on the next page.
    page.goto(f"{site}/")
    assert page.locator("html").get_attribute("lang") == "en"

    switch_language(page, "da")
    assert page.locator("html").get_attribute("lang") == "da"
    page.goto(f"{site}/offers/")
    assert page.locator("main h1").inner_text() == danish_heading != "Find offers"


def test_calendar_page_shows_a_new_address_once_and_reset_changes_it(page, site, world):
    login(page, site, world.teacher.user.username)
    page.goto(f"{site}/calendar/")
    # The teacher's own feed and one for the class, neither with an address yet.
    assert page.locator("main section").count() == 2
    assert page.locator("main a[href^='webcal://']").count() == 0

    with page.expect_navigation():
        page.locator("main section").first.locator("form button[type=submit]").click()
    assert page.url == f"{site}/calendar/"
    first = page.locator("main section").first
    webcal = first.locator("a[href^='webcal://']")
    assert webcal.count() == 1
    old_webcal = webcal.get_attribute("href")
    old_https = first.locator("input[readonly]").input_value()
    assert re.fullmatch(r"webcal://.+/calendar/[^/]+\.ics", old_webcal)
    assert old_https.startswith("http") and old_https.split("://", 1)[1] == old_webcal.split("://", 1)[1]

    page.goto(f"{site}/calendar/")  # shown once: not on the next visit
    assert page.locator("main a[href^='webcal://']").count() == 0

    with page.expect_navigation():
        page.locator("main section").first.locator("form button[type=submit]").click()
    assert page.url == f"{site}/calendar/"
    assert page.locator("main .messages").count() == 1
    new_webcal = page.locator("main section").first.locator("a[href^='webcal://']").get_attribute("href")
    assert new_webcal.startswith("webcal://")
    assert new_webcal != old_webcal
    assert page.locator("main section").first.locator("input[readonly]").input_value() != old_https


def test_calendar_page_needs_login(page, site, world):
    page.goto(f"{site}/calendar/")
    assert "/login/" in page.url


# Accessibility: axe-core in the page. Serious or critical violations fail the test.
BLOCKING = {"serious", "critical"}


def serious_violations(page) -> list[dict]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    for violation in violations:
        print(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({page.url})")
        for node in violation["nodes"]:
            print("   ", node["target"], node.get("failureSummary", "").replace("\n", " "))
    return violations


def axe_pages(world, booking) -> dict[str, list[str]]:
    """The main pages of each role (None: a visitor)."""
    month = f"{world.slot.start:%Y-%m}"
    return {
        None: ["/", "/offers/", f"/offers/?view=calendar&month={month}", f"/offers/{world.offer.pk}/", "/login/"],
        world.teacher.user.username: [
            "/",
            "/offers/",
            f"/offers/{world.offer.pk}/",
            f"/classes/{world.school_class.pk}/",
            f"/bookings/{booking.pk}/",
            "/calendar/",
        ],
        world.host.user.username: [
            "/",
            "/host/offers/",
            "/host/offers/new/",
            f"/host/offers/{world.offer.pk}/",
            f"/host/offers/{world.offer.pk}/edit/",
            f"/bookings/{booking.pk}/",
        ],
    }


@pytest.mark.parametrize("language", ["da", "en"])
def test_no_serious_accessibility_violations(page, site, world, language):
    """Every main page of every role, in each language; all findings reported together."""
    from bookings import services

    booking = services.booking_create(
        actor=world.teacher.user, slot_id=world.slot.pk, school_class_id=world.school_class.pk, pupils=20
    )
    found = {}
    for username, paths in axe_pages(world, booking).items():
        page.context.clear_cookies()
        page.goto(f"{site}/")
        if language != "da":
            switch_language(page, language)
        if username:
            login(page, site, username)
        for path in paths:
            page.goto(f"{site}{path}")
            assert page.locator("html").get_attribute("lang") == language, path
            if violations := serious_violations(page):
                found[f"{path} ({username or 'visitor'})"] = [
                    (v["id"], v["impact"], [n["target"] for n in v["nodes"]]) for v in violations
                ]
    assert found == {}


@pytest.mark.parametrize("path", ["/", "/offers/", "/offers/?view=calendar"])
def test_no_horizontal_scroll_on_a_phone(new_page, site, world, path):
    page = new_page(MOBILE)
    page.goto(f"{site}{path}")
    assert page.evaluate("window.innerWidth") == MOBILE["width"]
    assert horizontal_overflow(page) <= 0, page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 10).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""
    )


def test_no_horizontal_scroll_on_a_phone_signed_in(new_page, site, world):
    page = new_page(MOBILE)
    login(page, site, world.teacher.user.username)
    for path in ("/", "/offers/"):
        page.goto(f"{site}{path}")
        assert horizontal_overflow(page) <= 0, path
