"""The consultant's run pages: start, progress, report beside the baseline, pairs with why,
rules with a reason, accept with confirmation."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils import translation

from adoptions import services
from adoptions.models import Adoption, MatchRun, PairRule, ProposedPair
from tests.adoptions.test_runs import NEXT_YEAR, company, executed, make_round, school_class, wish
from web.views.runs import report_rows


def browser_for(user) -> Client:
    browser = Client()
    browser.force_login(user)
    return browser


def test_a_consultant_starts_a_run_and_sees_the_report_and_the_pairs(consultant, django_capture_on_commit_callbacks):
    adoption_round = make_round()
    x, y = company(round=adoption_round), company(round=adoption_round)
    a, b = school_class(), school_class()
    wish(adoption_round, a, x, y)
    wish(adoption_round, b, x)
    browser = browser_for(consultant)

    with django_capture_on_commit_callbacks(execute=True):
        started = browser.post(reverse("run-start", args=[adoption_round.pk]), {"seed": "3"})
    run = MatchRun.objects.get()
    page = browser.get(started["Location"]).content.decode()

    assert started["Location"] == reverse("run-detail", args=[run.pk])
    assert "Grådig metode" in page  # the greedy baseline's column
    assert "2 / 2 (100 %)" in page and "1 / 2 (50 %)" in page
    assert "ønske nr. 2" in page and x.name in page and y.name in page


def test_the_progress_answers_json_and_the_page_polls_it_until_done(consultant):
    adoption_round = make_round()
    run = services.run_start(actor=consultant, round=adoption_round)
    browser = browser_for(consultant)

    progress = browser.get(reverse("run-progress", args=[run.pk])).json()
    page = browser.get(reverse("run-detail", args=[run.pk])).content.decode()

    assert progress | {"stage_label": ""} == {
        "status": "queued",
        "status_display": "I kø",
        "progress": 0,
        "stage": "queued",
        "stage_label": "",
        "finished": False,
        "error": "",
    }
    assert reverse("run-progress", args=[run.pk]) in page
    assert 'http-equiv="refresh"' in page  # without JavaScript the page reloads itself


def test_a_rule_from_the_page_needs_a_reason(consultant):
    adoption_round = make_round()
    x, klass = company(round=adoption_round), school_class()
    wish(adoption_round, klass, x)
    browser = browser_for(consultant)
    url = reverse("pair-rule-create", args=[adoption_round.pk])
    data = {"school_class": klass.pk, "company": x.pk, "kind": "forbid"}

    browser.post(url, data | {"reason": ""})
    assert not PairRule.objects.exists()

    browser.post(url, data | {"reason": "Elever med særlige behov"})
    rule = PairRule.objects.get()
    assert rule.reason == "Elever med særlige behov"

    browser.post(reverse("pair-rule-delete", args=[rule.pk]))
    assert not PairRule.objects.exists()


def test_accepting_from_the_page_needs_the_confirmation(consultant):
    adoption_round = make_round()
    wish(adoption_round, school_class(), company(round=adoption_round))
    run = services.run_execute(run_id=services.run_start(actor=consultant, round=adoption_round).pk)
    browser = browser_for(consultant)
    url = reverse("run-accept", args=[run.pk])

    browser.post(url, {})
    assert not Adoption.objects.exists()

    browser.post(url, {"confirm": "on"})
    assert Adoption.objects.count() == 1


def test_teachers_and_hosts_find_no_run_pages(consultant, teacher, host):
    adoption_round = make_round()
    run = services.run_start(actor=consultant, round=adoption_round)

    for user in (teacher.user, host.user):
        browser = browser_for(user)
        assert browser.get(reverse("run-detail", args=[run.pk])).status_code == 404
        assert browser.post(reverse("run-start", args=[adoption_round.pk])).status_code == 404


def test_report_distances_are_written_with_the_languages_decimal_mark():
    """Danish writes 4,5 km (as the pairs' distances do), English 4.5 km."""
    figures = {
        "adopted": 1,
        "eligible": 1,
        "adopted_share": 1.0,
        "mean_travel_km": 4.47,
        "longest_travel_km": 12.24,
        "priorities": {},
        "municipalities": {},
    }
    report = {"optimal": figures, "greedy": figures}
    with translation.override("da"):
        danish = {label: optimal for label, optimal, _ in report_rows(report)}
    with translation.override("en"):
        english = {label: optimal for label, optimal, _ in report_rows(report)}
    assert "4,5 km" in danish.values() and "12,2 km" in danish.values()
    assert "4.5 km" in english.values()


def test_report_column_headings_fit_the_phone_layouts_label_column(consultant):
    """At 390 px each cell's heading stands in a column about 12 bold letters wide, so no word of the
    report's column headings is longer than that, in Danish or English, and none is broken mid-word."""
    figures = {"adopted": 1, "eligible": 1, "adopted_share": 1.0, "mean_travel_km": 1.0, "longest_travel_km": 1.0}
    figures |= {"priorities": {}, "municipalities": {}}
    run = MatchRun.objects.create(
        round=make_round(), status=MatchRun.Status.DONE, report={"optimal": figures, "greedy": figures}
    )
    browser = browser_for(consultant)
    for language in ("da", "en"):
        browser.cookies["django_language"] = language
        page = browser.get(reverse("run-detail", args=[run.pk])).content.decode()
        labels = set(re.findall(r'data-label="([^"]+)"', page[page.index("<table") : page.index("</table>")]))

        assert labels, language
        assert max(len(word) for label in labels for word in label.split()) <= 12, labels


def test_a_class_left_out_says_why_first_and_not_not_adopted_twice(consultant):
    """The company column says "Ikke adopteret"; the why column starts with the reason instead of repeating it."""
    run = MatchRun.objects.create(round=make_round(), status=MatchRun.Status.DONE, report={})
    ProposedPair.objects.create(
        run=run, school_class=school_class(), basis=ProposedPair.Basis.UNPLACED, reason="no_wishes"
    )

    page = browser_for(consultant).get(reverse("run-detail", args=[run.pk])).content.decode()
    row = page[page.index("<tbody") : page.index("</tbody>")]

    assert row.count("Ikke adopteret") == 1
    assert "Ingen ønsker angivet" in row


def test_a_renewal_confirmed_after_the_round_filled_its_company_is_a_warning_on_the_round_page(consultant):
    """The run filled the company's places without the renewal (not yet confirmed then); once
    both sides confirm, the round page warns the consultant instead of refusing the answer."""
    adoption_round = make_round()
    x = company(round=adoption_round, places=1)
    eighth = school_class(year=NEXT_YEAR - 1)
    running = services.adoption_create(school_class=eighth, company=x)
    newcomer = school_class()
    wish(adoption_round, newcomer, x)
    services.run_accept(actor=consultant, run=executed(consultant, adoption_round))
    browser = browser_for(consultant)
    before = browser.get(reverse("round-detail", args=[adoption_round.pk])).content.decode()

    for side in ("school", "company"):
        services.renewal_answer(actor=consultant, adoption=running, wants=True, side=side)
    after = browser.get(reverse("round-detail", args=[adoption_round.pk])).content.decode()

    assert 'id="renewals-over-capacity"' not in before
    assert 'id="renewals-over-capacity"' in after
    warning = after.split('id="renewals-over-capacity"')[1].split("</section>")[0]
    assert f"{x.name} tilbød 1 klasser og har 1 fra denne runde" in warning
    adoption_round.refresh_from_db()
    (overflow,) = services.renewals_over_capacity(adoption_round)
    assert (overflow.company, overflow.places, overflow.adopted, overflow.pending) == (x, 1, 1, 1)
