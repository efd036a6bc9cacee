"""Every role's main pages on a 390 px phone: no sideways scrolling of the page, no element
wider than the window, nothing cut off; tables become stacked cards, form fields fill the
width, long titles wrap inside their cells. Screenshots at 1280 and 390 px go to
$LAYOUT_SHOTS (e.g. /tmp/layout) when it is set, for a person to look at."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.utils import timezone

from tests.e2e.conftest import DESKTOP, E2E_MARKS, MOBILE, horizontal_overflow, login

pytestmark = E2E_MARKS

# One word longer than a phone is wide: it must wrap, not widen its cell or be cut off.
LONG_WORD = "Produktionsteknologivirksomhedsbesøgsforløbsplanlægning"

# What does not fit: elements sticking out of the window, content wider than a box that
# does not scroll (cut off), or a scrolling box whose content is hidden beyond its edge.
LAYOUT_PROBLEMS = """() => {
  const width = window.innerWidth, problems = [];
  // Inside a box shrunk to a pixel: there for screen readers only (visually hidden).
  const insideHidden = e => {
    for (let up = e.parentElement; up; up = up.parentElement) {
      const box = up.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) return true;
    }
    return false;
  };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
      (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  for (const e of document.querySelectorAll('main *, header *')) {
    const box = e.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1 || insideHidden(e)) continue;
    const style = getComputedStyle(e);
    if (style.visibility === 'hidden' || style.position === 'absolute' && box.right < 0) continue;
    if (box.right > width + 1 || box.left < -1)
      problems.push(`${name(e)} sticks out: ${Math.round(box.left)}..${Math.round(box.right)}`);
    if (e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0 &&
        !['auto', 'scroll'].includes(style.overflowX) && e.tagName !== 'SELECT' && e.tagName !== 'INPUT')
      problems.push(`${name(e)} is cut off: ${e.scrollWidth} in ${e.clientWidth}`);
  }
  for (const e of document.querySelectorAll('main table, main form')) {
    if (e.scrollWidth > e.clientWidth + 1) problems.push(`${name(e)} wider than itself: ${e.scrollWidth} > ${e.clientWidth}`);
  }
  return problems.slice(0, 15);
}"""

# Stacked cards: each cell's label (its ::before, drawn from data-label) must stay inside its
# cell, so that a label that wraps pushes the next cell down instead of being drawn over it.
# A pseudo-element has no box to ask for: a copy of the label, styled alike and as wide, is
# measured instead.
LABEL_OVERLAPS = """() => {
  const problems = [];
  const probe = document.createElement('div');
  probe.style.position = 'absolute';
  probe.style.visibility = 'hidden';
  probe.style.left = '0';
  probe.style.top = '0';
  document.body.appendChild(probe);
  const visible = e => { const b = e.getBoundingClientRect(); return b.width > 1 && b.height > 1; };
  for (const row of document.querySelectorAll('main table tr')) {
    const cells = [...row.querySelectorAll(':scope > td')].filter(visible);
    cells.forEach((cell, i) => {
      if (!cell.dataset.label) return;
      const label = getComputedStyle(cell, '::before');
      if (label.content === 'none' || label.display === 'none') return;
      for (const name of ['fontFamily', 'fontSize', 'fontWeight', 'lineHeight', 'letterSpacing', 'width', 'paddingTop', 'boxSizing'])
        probe.style[name] = label[name];
      probe.textContent = cell.dataset.label;
      const box = cell.getBoundingClientRect();
      const labelBottom = box.top + parseFloat(getComputedStyle(cell).paddingTop) + probe.getBoundingClientRect().height;
      const next = cells[i + 1];
      if (labelBottom > box.bottom + 1)
        problems.push(`label "${cell.dataset.label}" reaches ${Math.round(labelBottom - box.bottom)} px below its cell`);
      if (next && next.getBoundingClientRect().top < box.bottom - 1)
        problems.push(`cell "${cell.dataset.label}" overlaps cell "${next.dataset.label}"`);
    });
  }
  probe.remove();
  return [...new Set(problems)].slice(0, 15);
}"""

# Column headings never break inside a word ("E-/mail" over a squeezed column).
HEADING_BREAKS = """() => {
  const problems = [];
  for (const th of document.querySelectorAll('main th')) {
    const text = th.textContent.trim();
    if (!text || th.getBoundingClientRect().width <= 1) continue;
    // A heading for screen readers only (a column of buttons) shows nothing that could break.
    const hidden = th.querySelector('.visually-hidden');
    if (hidden && hidden.textContent.trim() === text) continue;
    const range = document.createRange();
    range.selectNodeContents(th);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (lines.size > 1 && !/\\s/.test(text)) problems.push(`heading "${text}" breaks inside its word`);
  }
  return problems.slice(0, 15);
}"""


def _lived_in(world) -> dict:
    """A long title, a confirmed booking with a message, a request waiting for the host, a
    waitlist place, a slot that is full."""
    from bookings import services
    from bookings.models import Offer
    from tests import factories

    Offer.objects.filter(pk=world.offer.pk).update(title=f"{LONG_WORD} på vindmøllefabrikken")
    teacher = world.teacher.user
    confirmed = services.booking_create(
        actor=teacher,
        slot_id=world.slot.pk,
        school_class_id=world.school_class.pk,
        pupils=22,
        adults=2,
        message=f"Vi kommer med bus og er der kl. 8.45. {LONG_WORD}.",
    )
    seventh = factories.SchoolClassFactory(school=world.teacher.school, name="7.B", grade=7, pupils=19)
    Offer.objects.filter(pk=world.offer.pk).update(auto_confirm=False)
    later = world.offer.slots.exclude(pk=world.slot.pk).get()
    requested = services.booking_create(actor=teacher, slot_id=later.pk, school_class_id=seventh.pk, pupils=19)
    full = factories.SlotFactory(
        offer=world.offer,
        start=world.slot.start + dt.timedelta(days=2),
        end=world.slot.start + dt.timedelta(days=2, hours=2),
        capacity_classes=1,
        capacity_pupils=60,
    )
    other = factories.SchoolClassFactory(name="9.C", grade=9)
    services.booking_create(
        actor=factories.TeacherFactory(school=other.school).user, slot_id=full.pk, school_class_id=other.pk, pupils=20
    )
    factories.RoleModelFactory(
        company=world.company,
        name=f"Maja {LONG_WORD}",
        job_title="Elektrikerlærling og ungeambassadør på vindmøllefabrikken",
        education_path=f"Folkeskole, EUX el, {LONG_WORD}, svendebrev, og nu videre på maskiningeniøruddannelsen",
        email="",
    )
    ninth = factories.SchoolClassFactory(school=world.teacher.school, name="9.A", grade=9, pupils=25)
    services.booking_create(actor=teacher, slot_id=full.pk, school_class_id=ninth.pk, pupils=20)
    return {"confirmed": confirmed, "requested": requested, "full": full}


def _pages(world, made) -> dict[str | None, list[str]]:
    month = f"{world.slot.start:%Y-%m}"
    return {
        None: ["/offers/", f"/offers/?view=calendar&month={month}", f"/offers/{world.offer.pk}/"],
        world.teacher.user.username: [
            "/",
            f"/offers/{world.offer.pk}/",
            f"/classes/{world.school_class.pk}/",
            f"/bookings/{made['confirmed'].pk}/",
            f"/bookings/{made['confirmed'].pk}/cancel/",
            "/calendar/",
        ],
        world.host.user.username: [
            "/",
            "/host/offers/",
            f"/host/offers/{world.offer.pk}/",
            f"/host/slots/{made['full'].pk}/edit/",
            f"/bookings/{made['requested'].pk}/",
            f"/bookings/{made['confirmed'].pk}/",
            "/calendar/",
            f"/host/company/{world.company.pk}/",
        ],
    }


def _shot(page, username: str | None, path: str, width: int) -> None:
    folder = os.environ.get("LAYOUT_SHOTS")
    if folder:
        name = f"{username or 'visitor'}{path}".strip("/").replace("/", "_").replace("?", "_") or "home"
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)


def test_every_main_page_fits_a_phone(new_page, site, world):
    """At 390 px nothing scrolls sideways, sticks out or is cut off, on every role's pages; at
    1280 px no column heading breaks inside a word."""
    made = _lived_in(world)
    found = {}
    for username, paths in _pages(world, made).items():
        for viewport in (MOBILE, DESKTOP):
            page = new_page(viewport)
            if username:
                login(page, site, username)
            for path in paths:
                page.goto(f"{site}{path}")
                _shot(page, username, path, viewport["width"])
                if viewport is MOBILE:
                    problems = page.evaluate(LAYOUT_PROBLEMS) + page.evaluate(LABEL_OVERLAPS)
                    if overflow := horizontal_overflow(page):
                        problems.insert(0, f"the page scrolls sideways by {overflow} px")
                else:
                    problems = page.evaluate(HEADING_BREAKS)
                if problems:
                    found[f"{path} ({username or 'visitor'}, {viewport['width']} px)"] = problems
            page.context.close()
    assert found == {}


def test_booking_form_fields_fill_the_phone_width(new_page, site, world):
    page = new_page(MOBILE)
    login(page, site, world.teacher.user.username)
    page.goto(f"{site}/offers/{world.offer.pk}/")
    form = page.locator("main form.stacked")
    form_width = form.evaluate("e => e.clientWidth")

    assert form.evaluate("e => e.scrollWidth") <= form_width
    for name in ("slot", "school_class", "pupils", "adults", "message"):
        field_width = page.locator(f"main form.stacked [name={name}]").evaluate("e => e.getBoundingClientRect().width")
        assert field_width >= form_width - 2, name


def test_stacked_card_labels_that_wrap_are_not_drawn_over_the_next_cell(new_page, site, world):
    """On a phone the offer page's times are cards; a label that wraps ("Ledige pladser")
    stays within its own cell, and the cell below starts after it."""
    page = new_page(MOBILE)
    page.goto(f"{site}/offers/{world.offer.pk}/")

    assert page.locator("main table td[data-label]").count() >= 4
    assert page.evaluate(LABEL_OVERLAPS) == []


def test_month_calendar_shows_day_numbers_under_the_weekdays_and_full_dates_on_a_phone(new_page, site, world):
    """At 1280 px each day cell shows only its number under the weekday headings (the full
    date is visually hidden, for screen readers); at 390 px, where the grid is a list, each
    day shows its full date instead."""
    url = f"{site}/offers/?view=calendar&month={world.slot.start:%Y-%m}"
    day = f"main .month .day:has(a[href$='#slot-{world.slot.pk}'])"
    size = "e => { const b = e.getBoundingClientRect(); return [b.width, b.height]; }"

    desktop = new_page(DESKTOP)
    desktop.goto(url)
    number_size = desktop.locator(f"{day} .day-number").evaluate(size)
    name_size = desktop.locator(f"{day} .day-name").evaluate(size)
    phone = new_page(MOBILE)
    phone.goto(url)

    assert desktop.locator(f"{day} .day-number").inner_text() == str(timezone.localtime(world.slot.start).day)
    assert min(number_size) > 1
    assert max(name_size) <= 1
    assert phone.locator(f"{day} .day-number").is_hidden()
    assert phone.locator(f"{day} .day-name").is_visible()
    assert phone.locator(f"{day} .day-name").evaluate(size)[0] > 50
