"""End-to-end tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against
pytest-django's live server.

Playwright's own browser download does not work on this machine: never run `playwright
install`. `.ci/run` installs the Debian package; without it the e2e tests are skipped.

The tests use real transactions (the live server thread must see the data), so they are
marked `django_db(transaction=True, serialized_rollback=True)`: the reference data that
migrations load (municipalities, sectors, subjects) is restored before each test, since
a transactional test empties the tables after it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
PASSWORD = "secret-pass-123"  # what tests/factories.py sets

# Every test module of tests/e2e puts these on its tests.
E2E_MARKS = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _chromium_missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements.txt)"
    return None


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """One headless Chromium per test module (starting it takes well under a second).

    Between its calls Playwright's sync API leaves an asyncio loop marked as running in the
    main thread, and Django then refuses ORM calls ("SynchronousOnlyOperation"). So the
    browser lives only while the e2e tests run (not for the session, where it would bother
    the tests that follow), starts after the test database exists (and so stops before it
    is destroyed), and allows Django's synchronous calls meanwhile: the test's own ORM calls
    are synchronous, and the pages are served by the live server's thread."""
    if reason := _chromium_missing():
        pytest.skip(reason)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # The reference data each test restores (serialized_rollback) is kept on the connection
    # objects, which Django keeps in context variables; once Playwright has started, the
    # test code sees other connection objects (to the same database), so hand it on.
    serialized = {
        connection.alias: connection._test_serialized_contents
        for connection in connections.all()
        if hasattr(connection, "_test_serialized_contents")
    }
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        # Playwright gives every launch a fresh, empty profile directory of its own.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def site(live_server, settings) -> str:
    """The live server's address; the test settings already allow 127.0.0.1 and localhost."""
    host = live_server.url.split("://", 1)[1].split(":", 1)[0]
    if host not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]
    return live_server.url


# What Chromium wrote to the console about the Content Security Policy, per open page: a page that
# needs something the policy forbids (an inline script, an injected style) fails its test.
CSP_VIOLATIONS: list[str] = []


def _note_csp_violation(message) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(f"{message.location.get('url', '')}: {message.text}")


def _new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="da-DK", timezone_id="Europe/Copenhagen")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", _note_csp_violation)
    return context, page


@pytest.fixture(autouse=True)
def _no_csp_violations():
    """No page of the test broke the Content Security Policy."""
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, CSP_VIOLATIONS


@pytest.fixture
def page(browser, site):
    context, page = _new_page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, site):
    """More browsers side by side (a teacher and a host), each with its own cookies."""
    contexts = []

    def make(viewport=DESKTOP):
        context, page = _new_page(browser, viewport)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def login(page, site: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the real form at /login/ and wait for the redirect away from it."""
    page.goto(f"{site}/login/")
    page.fill("main form input[name=username]", username)
    page.fill("main form input[name=password]", password)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def switch_language(page, code: str) -> None:
    """The language form in the header: choose, submit, and land on the same page."""
    page.select_option("select#language-switch", code)
    with page.expect_navigation():
        page.locator("form:has(select#language-switch) button[type=submit]").click()


@dataclass
class World:
    """A teacher with a class, a company host with a published offer (auto-confirm) and a
    second offer (manual confirmation, another kind, municipality and grades 4-8, where the
    first is for 7-9), each with bookable slots in the future. The class (8th grade) may
    book both."""

    teacher: object
    school_class: object
    host: object
    company: object
    offer: object
    slot: object
    manual_offer: object
    manual_slot: object
    other_company: object


@pytest.fixture
def world(transactional_db) -> World:
    import datetime as dt

    from bookings.models import Offer
    from core.models import Municipality
    from tests import factories
    from tests.dates import at, school_day, today

    school = factories.SchoolFactory()
    teacher = factories.TeacherFactory(school=school, user__username="laerer", user__first_name="Lone")
    school_class = factories.SchoolClassFactory(school=school, name="8.A", grade=8, pupils=22)
    company = factories.CompanyFactory(name="Nordjysk Vindkraft A/S")
    host = factories.CompanyMemberFactory(company=company, user__username="vaert", user__first_name="Henrik")
    offer = factories.OfferFactory(
        company=company,
        contact=host,
        title="Besøg på vindmøllefabrikken",
        kind=Offer.Kind.COMPANY_VISIT,
        grade_min=7,
        grade_max=9,
        auto_confirm=True,
    )
    start = at(school_day(lead=dt.timedelta(days=14)), 9)  # a Tuesday that schools are open
    slot = factories.SlotFactory(offer=offer, start=start, end=start + dt.timedelta(hours=2))
    week_later = at(school_day(lead=start.date() + dt.timedelta(days=7) - today()), 9)
    factories.SlotFactory(offer=offer, start=week_later, end=week_later + dt.timedelta(hours=2))
    other_company = factories.CompanyFactory(
        name="Hjørring Robotteknik ApS", municipality=Municipality.objects.get(code=860), city="Hjørring"
    )
    other_host = factories.CompanyMemberFactory(company=other_company, user__username="vaert2")
    manual_offer = factories.OfferFactory(
        company=other_company,
        contact=other_host,
        title="Ekspertbesøg: robotter i klassen",
        kind=Offer.Kind.EXPERT_VISIT,
        grade_min=4,
        grade_max=8,
        auto_confirm=False,
    )
    manual_start = start + dt.timedelta(days=1)
    manual_slot = factories.SlotFactory(
        offer=manual_offer, start=manual_start, end=manual_start + dt.timedelta(hours=2)
    )
    return World(teacher, school_class, host, company, offer, slot, manual_offer, manual_slot, other_company)


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no horizontal scroll)."""
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.fixture
def screenshots_dir() -> Iterator[Path]:
    path = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    yield path


# Adoptions ----------------------------------------------------------------------------------


@dataclass
class AdoptionWorld:
    """A consultant for Aalborg and Brønderslev with a round collecting for next school year:
    three companies' capacity (four places) and four 8th-grade classes' wishes at two schools,
    each school with a teacher and each company with a host; all stated through
    adoptions.services, as the round's pages would. Each class's first wish has a place, so
    the optimum meets every first wish: Vestbjerg's 8.A with the wind-turbine maker,
    Vestbjerg's 8.B with the robot maker, Hedegård's 8.A with the machine works, Hedegård's
    8.B with an energy company (the wind-turbine maker)."""

    consultant: object
    round: object
    companies: dict[str, object]  # "wind", "robots", "machines"
    hosts: dict[str, object]
    classes: dict[str, object]  # "vestbjerg-a", "vestbjerg-b", "hedegaard-a", "hedegaard-b"
    teachers: dict[str, object]  # "vestbjerg", "hedegaard"


@pytest.fixture
def adoption_world(transactional_db) -> AdoptionWorld:
    from adoptions import services
    from core.dates import school_year_of
    from core.models import Municipality, Sector
    from tests import factories
    from tests.dates import today

    aalborg, bronderslev = Municipality.objects.get(code=851), Municipality.objects.get(code=810)
    consultant = factories.UserFactory(username="konsulent", first_name="Karen", last_name="Kjær", is_consultant=True)
    consultant.area.set([aalborg, bronderslev])
    next_year = school_year_of(today()) + 1
    adoption_round = services.round_open(
        actor=consultant,
        title="Klasseadoption i Aalborg og Brønderslev",
        school_year=next_year,
        municipalities=[aalborg, bronderslev],
    )

    companies, hosts = {}, {}
    for key, name, municipality, city, sector, places, host_name in [
        ("wind", "Nordjysk Vindkraft A/S", aalborg, "Aalborg", "energy", 2, "Henrik"),
        ("robots", "Aalborg Robotteknik ApS", aalborg, "Aalborg", "ict", 1, "Mette"),
        ("machines", "Brønderslev Maskinfabrik A/S", bronderslev, "Brønderslev", "construction", 1, "Jens"),
    ]:
        company = factories.CompanyFactory(
            name=name, municipality=municipality, city=city, sector=Sector.objects.get(code=sector)
        )
        companies[key] = company
        hosts[key] = factories.CompanyMemberFactory(
            company=company, user__username=f"vaert-{key}", user__first_name=host_name
        )
        services.capacity_set(actor=consultant, round=adoption_round, company=company, classes=places, max_travel_km=40)

    teachers, classes = {}, {}
    for key, name, municipality, city, teacher_name in [
        ("vestbjerg", "Vestbjerg Skole", aalborg, "Vestbjerg", "Lone"),
        ("hedegaard", "Hedegårdsskolen", bronderslev, "Brønderslev", "Peter"),
    ]:
        school = factories.SchoolFactory(name=name, municipality=municipality, city=city)
        teachers[key] = factories.TeacherFactory(
            school=school, user__username=f"laerer-{key}", user__first_name=teacher_name
        )
        for letter in "AB":
            classes[f"{key}-{letter.lower()}"] = factories.SchoolClassFactory(
                school=school, name=f"8.{letter}", grade=8, school_year=next_year, pupils=22
            )
    energy = Sector.objects.get(code="energy")
    for key, choices in [
        ("vestbjerg-a", [companies["wind"], companies["robots"]]),
        ("vestbjerg-b", [companies["robots"], companies["wind"]]),
        ("hedegaard-a", [companies["machines"], companies["wind"]]),
        ("hedegaard-b", [energy, companies["machines"]]),
    ]:
        services.wish_set(
            actor=consultant, round=adoption_round, school_class=classes[key], choices=choices, max_travel_km=40
        )
    return AdoptionWorld(consultant, adoption_round, companies, hosts, classes, teachers)


def current_adoption(world: AdoptionWorld):
    """Vestbjerg's 8.C of this school year, adopted by the wind-turbine maker (last year's
    round): the class whose annual plan the teacher writes."""
    from adoptions.services import adoption_create
    from tests import factories

    school_class = factories.SchoolClassFactory(
        school=world.teachers["vestbjerg"].school, name="8.C", grade=8, pupils=23
    )
    return adoption_create(school_class=school_class, company=world.companies["wind"])


def lived_in_adoptions(world: AdoptionWorld) -> dict:
    """The adoption pages with something on them: a locked pair and a finished run of the
    round (the test settings run its task inline), and this year's plan of Vestbjerg's 8.C
    half under way: an activity done, one booked, one planned, one an idea. Returns the run,
    the adoption and the booking."""
    from adoptions import services
    from adoptions.models import PlanActivity
    from tests.dates import at, school_day, today

    services.pair_lock(
        actor=world.consultant,
        round=world.round,
        school_class=world.classes["vestbjerg-b"],
        company=world.companies["robots"],
        reason="Klassen arbejder allerede med robotter sammen med virksomheden",
    )
    run = services.run_start(actor=world.consultant, round=world.round, seed=7)
    run.refresh_from_db()

    adoption = current_adoption(world)
    plan, teacher = adoption.plan, world.teachers["vestbjerg"].user
    services.plan_update(
        actor=teacher,
        plan=plan,
        target_activities=10,
        goals_note="Eleverne skal kende uddannelserne bag en vindmølle og kunne forklare, hvordan strøm bliver til.",
    )
    offered = services.learning_goals_for(adoption.school_class)
    goals = [offered.filter(subject_da=subject).first() for subject in ("Fysik/kemi", "Uddannelse og job")]
    goals.append(offered.filter(subject_da="Teknologiforståelse").first())
    past = today() - dt.timedelta(days=14)
    while past.weekday() >= 5:
        past -= dt.timedelta(days=1)
    done = services.activity_create(
        actor=teacher,
        plan=plan,
        title="Ekspert i klassen: sådan virker en vindmølle",
        kind=PlanActivity.Kind.EXPERT_AT_SCHOOL,
        starts_at=at(past, 10),
        ends_at=at(past, 12),
        learning_goals=goals[:2],
        preparation="Eleverne skriver spørgsmål til eksperten.",
        description="En ingeniør viser vingeprofiler og lader eleverne måle vindhastighed.",
        follow_up="Eleverne laver en plakat om energiens vej fra vind til stikkontakt.",
        status=PlanActivity.Status.PLANNED,
    )
    services.activity_set_status(actor=teacher, activity=done, status=PlanActivity.Status.DONE)
    visit = services.activity_create(
        actor=teacher,
        plan=plan,
        title="Besøg på vindmøllefabrikken",
        kind=PlanActivity.Kind.COMPANY_VISIT,
        learning_goals=goals[2:],
        preparation="Sikkerhedsregler og spørgsmål til lærlingene.",
        description="Rundvisning i produktionen og samtale med en lærling.",
    )
    day = school_day(lead=dt.timedelta(days=21))
    booking = services.activity_book(
        actor=teacher, activity=visit, starts_at=at(day, 9), ends_at=at(day, 11, 30), place="Porten, Havnegade 12"
    )
    later = (day.replace(day=1) + dt.timedelta(days=40)).replace(day=1)
    services.activity_create(
        actor=teacher,
        plan=plan,
        title="Projekt: bliv klogere på grøn strøm",
        kind=PlanActivity.Kind.PROJECT,
        planned_month=later,
        status=PlanActivity.Status.PLANNED,
    )
    services.activity_create(
        actor=teacher, plan=plan, title="Praktikdag for tre elever", kind=PlanActivity.Kind.INTERNSHIP_DAY
    )
    return {"run": run, "adoption": adoption, "booking": booking}


def adoption_pages(world: AdoptionWorld, made: dict) -> dict[str, list[str]]:
    """The adoption pages by who sees them: the workspace, the round, the run, and the plan
    with its activity forms."""
    plan = made["adoption"].plan
    activity = plan.activities.filter(status="planned").first()
    return {
        world.consultant.username: ["/workspace/", f"/rounds/{world.round.pk}/", f"/runs/{made['run'].pk}/"],
        world.teachers["vestbjerg"].user.username: [
            f"/plans/{plan.pk}/",
            f"/plans/{plan.pk}/activities/new/",
            f"/activities/{activity.pk}/book/",
        ],
    }
