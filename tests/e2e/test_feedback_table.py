"""The consultant's feedback list in a real browser."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import E2E_MARKS, login
from tests.e2e.test_opendays import look_at
from tests.overview.fixtures import *  # noqa: F403 (the fixtures)

pytestmark = E2E_MARKS

# Every word in the table's cells drawn on one line: a word split over two lines has more than
# one box.
BROKEN_WORDS = """table => {
  const broken = [];
  for (const cell of table.querySelectorAll("td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        if (range.getClientRects().length > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


@pytest.fixture
def answered(visit):
    """The teacher's feedback on the visit, answered the day after it with a long comment."""
    from overview import services
    from overview.models import Feedback

    after = visit.slot.end + dt.timedelta(days=1)
    services.feedback_ask_due(now=after)
    comment = "Eleverne arbejdede koncentreret hele dagen og stillede mange gode spørgsmål. " * 4
    services.feedback_answer(
        feedback=Feedback.objects.get(booking=visit, respondent="teacher"),
        answer=services.Answer(rating=4, goals_met="yes", interest_before=2, interest_after=4, comment=comment),
        now=after,
    )


def test_the_consultants_feedback_table_breaks_no_word_on_a_desktop(page, site, answered, consultant):
    """At 1280 px the list keeps each word whole: with a long comment beside them the other
    columns were squeezed until dates, names and titles broke in the middle ("29.11.20 / 26").
    What does not fit scrolls in a box that a keyboard reaches (axe finds nothing serious)."""
    login(page, site, consultant.username)
    page.goto(f"{site}/workspace/feedback/")

    assert page.locator("main table td").count() >= 10
    assert page.eval_on_selector("main table", BROKEN_WORDS) == []
    found: dict[str, list[str]] = {}
    look_at(page, "consultant-feedback", found, shoot=False)
    assert found == {}
