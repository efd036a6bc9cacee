"""The initiative catalogue on a 390 px phone: the public list (with its filters), an ended
initiative's page, and the consultant's form and import report fit the window: nothing scrolls
sideways, sticks out or is cut off. Screenshots go to $LAYOUT_SHOTS when it is set."""

from __future__ import annotations

import datetime as dt

from tests.e2e.conftest import E2E_MARKS, MOBILE, horizontal_overflow, login
from tests.e2e.test_phone_layout import LABEL_OVERLAPS, LAYOUT_PROBLEMS, LONG_WORD, _shot

pytestmark = E2E_MARKS


def _catalogue() -> dict:
    from overview.services import initiative_create, initiatives_import
    from overview.services.initiatives import SHIPPED_CSV
    from tests import factories
    from tests.dates import today

    with open(SHIPPED_CSV, "rb") as file:
        initiatives_import(actor=None, file=file)
    start = today() - dt.timedelta(days=700)
    ended = initiative_create(
        actor=None,
        name=f"{LONG_WORD} i udskolingen",
        owner=f"Aalborg Kommune, UCN og {LONG_WORD}",
        geography="regional",
        region="Nordjylland",
        started_on=start,
        ended_on=start + dt.timedelta(days=365),
        lessons=f"Lærerne skal være med fra start. {LONG_WORD}.",
        url=f"https://example.dk/{LONG_WORD}/{LONG_WORD}",
    )
    consultant = factories.UserFactory(username="konsulent", is_consultant=True)
    return {"ended": ended, "consultant": consultant}


def _problems(page) -> list[str]:
    problems = page.evaluate(LAYOUT_PROBLEMS) + page.evaluate(LABEL_OVERLAPS)
    if overflow := horizontal_overflow(page):
        problems.insert(0, f"the page scrolls sideways by {overflow} px")
    return problems


def test_the_catalogue_fits_a_phone(new_page, site, transactional_db, tmp_path):
    made = _catalogue()
    found = {}
    page = new_page(MOBILE)
    for path in ["/initiatives/", "/initiatives/?status=ended", f"/initiatives/{made['ended'].pk}/"]:
        page.goto(f"{site}{path}")
        _shot(page, None, path, MOBILE["width"])
        if problems := _problems(page):
            found[path] = problems
    login(page, site, "konsulent")
    for path in ["/initiatives/new/", f"/initiatives/{made['ended'].pk}/edit/", "/initiatives/import/"]:
        page.goto(f"{site}{path}")
        if problems := _problems(page):
            found[path] = problems
    upload = tmp_path / "initiativer.csv"
    upload.write_text(f"navn;ejer;geografi\n{LONG_WORD};Ejer;Månen\nNyt;Ejer;landsdækkende\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(upload))
    page.click("main button[type=submit]")
    page.wait_for_selector("#report-heading")
    _shot(page, "konsulent", "/initiatives/import/", MOBILE["width"])
    if problems := _problems(page):
        found["import report"] = problems

    assert found == {}
