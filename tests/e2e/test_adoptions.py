"""Class adoptions in a real browser: the consultant runs a matching from the round page,
follows its progress, locks a pair with a reason, runs again, accepts, and the teachers and
companies are told; a teacher adds an activity to the class's annual plan and books it; the
adoption pages fit a phone and pass axe.

Selectors go by name attributes, form actions, ids and status classes, not by labels; the
texts compared are the Danish translations (the browser asks for Danish)."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import parseaddr

import pytest
from django.utils import translation

from tests.e2e.conftest import (
    DESKTOP,
    E2E_MARKS,
    MOBILE,
    adoption_pages,
    current_adoption,
    horizontal_overflow,
    lived_in_adoptions,
    login,
)
from tests.e2e.test_pages import serious_violations

pytestmark = E2E_MARKS


# A worker ---------------------------------------------------------------------------------


@pytest.fixture
def tasks_wait_for_a_worker(monkeypatch):
    """Tasks queue on the ORM broker instead of running inline (the test settings' sync
    cluster), so the run's page is seen waiting and then progressing; `run_queued_tasks`
    is the worker. A real cluster (manage.py qcluster) is another process, which cannot see
    the test database, so the test takes the worker's place between page steps."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "SYNC", False)


def run_queued_tasks() -> int:
    """Do what a django-q2 worker does with each queued task: take it off the broker, run it
    and save its result (django-q2's own worker and monitor), acknowledge it. Returns how many
    ran; a task that fails fails the test."""
    from multiprocessing import Queue, Value

    from django_q.brokers import get_broker
    from django_q.monitor import monitor
    from django_q.signing import SignedPackage
    from django_q.worker import worker

    broker = get_broker()
    ran = 0
    for task_id, package in broker.dequeue() or []:
        task = SignedPackage.loads(package)
        # Synchronous: an error is raised here, and the worker leaves the test's connection open.
        task["sync"] = True
        tasks, results = Queue(), Queue()
        tasks.put(task)
        tasks.put("STOP")
        worker(tasks, results, Value("f", -1))
        results.put("STOP")
        monitor(results, broker)
        broker.acknowledge(task_id)
        ran += 1
    return ran


# The consultant's matching ------------------------------------------------------------------


def danish(text) -> str:
    with translation.override("da"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


def run_id_from(page, site) -> int:
    match = re.fullmatch(rf"{re.escape(site)}/runs/(\d+)/", page.url)
    assert match, f"not on a run page: {page.url}"
    return int(match.group(1))


def follow_run_to_its_result(page, site) -> int:
    """On a run page just started: the run waits for a worker (progress shown, no result);
    the worker runs it; the page, polling, turns into the result without being reloaded by
    the test."""
    from adoptions.models import MatchRun
    from adoptions.services.runs import STAGE_LABELS

    run_id = run_id_from(page, site)
    progress = page.locator("main #run-progress")
    assert progress.is_visible()
    assert page.locator("#run-progress-stage").inner_text() == danish(STAGE_LABELS["queued"])
    assert page.locator("#run-progress-bar").get_attribute("value") == "0"
    # No report (its rows have headings) and no pairs yet.
    assert page.locator("main table th[scope=row], main tr:has(input[name=school_class])").count() == 0
    assert MatchRun.objects.get(pk=run_id).status == MatchRun.Status.QUEUED

    assert run_queued_tasks() == 1
    assert MatchRun.objects.get(pk=run_id).status == MatchRun.Status.DONE
    progress.wait_for(state="detached")  # the page saw it finish and reloaded itself
    assert page.url == f"{site}/runs/{run_id}/"
    return run_id


def pair_row(page, school_class):
    return page.locator(f"main tr:has(input[name=school_class][value='{school_class.pk}'])")


def report_figure(page, label: str) -> list[str]:
    row = page.locator("main table tr", has=page.locator(f"th:text-is('{label}')"))
    return [cell.strip() for cell in row.locator("td").all_inner_texts()]


def test_consultant_runs_a_matching_locks_a_pair_runs_again_and_accepts(
    page, site, adoption_world, tasks_wait_for_a_worker, mailoutbox
):
    """From the workspace to the round page, a run followed to its result (report beside the
    greedy baseline, every pair with why), a lock with a reason, a second run that keeps the
    locked pair and shows the reason, acceptance: adoptions made, e-mails to the teachers and
    the companies' hosts, the lock's reason quoted to the class's school and its company."""
    from adoptions.models import Adoption, AdoptionRound, MatchRun, PairRule, ProposedPair
    from notifications.delivery import deliver_due
    from notifications.models import OutgoingMessage

    world = adoption_world
    adoption_round = world.round
    login(page, site, world.consultant.username)
    assert page.url == f"{site}/workspace/"
    with page.expect_navigation():
        page.locator(f"main #round-{adoption_round.pk} a[href='/rounds/{adoption_round.pk}/']").click()
    assert page.locator("main h1").inner_text() == adoption_round.title

    # The first run.
    with page.expect_navigation():
        page.locator(f"main form[action='/rounds/{adoption_round.pk}/runs/start/'] button[type=submit]").click()
    first_run = follow_run_to_its_result(page, site)
    assert report_figure(page, danish("Classes adopted / eligible"))[0] == "4 / 4 (100 %)"
    assert report_figure(page, danish("First wish met"))[0] == "4 (100 %)"
    robots_class = world.classes["vestbjerg-b"]
    row = pair_row(page, robots_class)
    assert world.companies["robots"].name in row.inner_text()
    assert danish("wish no. %(rank)s") % {"rank": 1} in row.inner_text()

    # Lock the proposed pair, with a reason the school and the company will see.
    reason = "Klassen arbejder allerede med robotter sammen med virksomheden"
    row.locator("details summary").click()
    row.locator("input[name=kind][value=lock]").check()
    row.locator("textarea[name=reason]").fill(reason)
    with page.expect_navigation():
        row.locator("button[type=submit]").click()
    assert page.url == f"{site}/runs/{first_run}/"
    rule = PairRule.objects.get(round=adoption_round)
    assert (rule.school_class_id, rule.company_id, rule.kind, rule.reason) == (
        robots_class.pk,
        world.companies["robots"].pk,
        PairRule.Kind.LOCK,
        reason,
    )
    assert reason in page.locator("main section:has(form[action^='/pair-rules/'])").inner_text()

    # Run again: the locked pair is kept, as locked, with its reason.
    with page.expect_navigation():
        page.locator(f"main form[action='/rounds/{adoption_round.pk}/runs/start/'] button[type=submit]").click()
    second_run = follow_run_to_its_result(page, site)
    assert second_run != first_run
    row = pair_row(page, robots_class)
    why = row.locator("td").nth(2).inner_text()
    assert world.companies["robots"].name in row.inner_text()
    assert danish(ProposedPair.Basis.LOCKED.label) in why
    assert reason in why
    assert ProposedPair.objects.get(run_id=second_run, school_class=robots_class).basis == ProposedPair.Basis.LOCKED

    # Accept: the box must be ticked.
    accept = page.locator(f"main form[action='/runs/{second_run}/accept/']")
    accept.locator("input[name=confirm]").check()
    with page.expect_navigation():
        accept.locator("button[type=submit]").click()
    assert page.url == f"{site}/runs/{second_run}/"
    assert page.locator("main .messages").count() == 1
    adoptions = {adoption.school_class_id: adoption.company_id for adoption in Adoption.objects.all()}
    assert adoptions == {
        world.classes["vestbjerg-a"].pk: world.companies["wind"].pk,
        robots_class.pk: world.companies["robots"].pk,
        world.classes["hedegaard-a"].pk: world.companies["machines"].pk,
        world.classes["hedegaard-b"].pk: world.companies["wind"].pk,
    }
    assert MatchRun.objects.get(pk=second_run).status == MatchRun.Status.ACCEPTED
    assert AdoptionRound.objects.get(pk=adoption_round.pk).status == AdoptionRound.Status.ACCEPTED
    assert all(adoption.plan for adoption in Adoption.objects.all())

    # The e-mails: one per teacher of each class's school and per host of each company.
    queued = OutgoingMessage.objects.filter(subject_key__startswith="adoption:")
    expected = {teacher.user.email for teacher in world.teachers.values()} | {
        host.user.email for host in world.hosts.values()
    }
    assert {message.recipient_email for message in queued} == expected
    assert queued.count() == 8  # per adoption: the school's teacher and the company's host
    assert deliver_due() == 8  # what the delivery task does each second
    assert not OutgoingMessage.objects.filter(subject_key__startswith="adoption:").exclude(status="sent").exists()
    assert {parseaddr(message.to[0])[1] for message in mailoutbox} == expected
    told_of_lock = {parseaddr(message.to[0])[1] for message in mailoutbox if reason in message.body}
    assert told_of_lock == {world.teachers["vestbjerg"].user.email, world.hosts["robots"].user.email}


# The teacher's annual plan ------------------------------------------------------------------


def plan_progress_text(page) -> str:
    return page.locator("main .plan-progress .meta").inner_text()


def test_teacher_adds_an_activity_to_the_plan_and_books_it(page, site, adoption_world):
    """From the adopted classes to the plan; an activity with its kind, month, a learning goal
    and the three phases is added as an idea; booked with a date and times, it becomes a
    booking of the class with the company, reads "booked" on the plan, and the plan's
    progress counts it as planned."""
    from adoptions.models import PlanActivity
    from adoptions.services import learning_goals_for
    from bookings.models import Booking
    from tests.dates import at, school_day

    adoption = current_adoption(adoption_world)
    plan = adoption.plan
    teacher = adoption_world.teachers["vestbjerg"]
    goal = learning_goals_for(adoption.school_class).filter(subject_da="Uddannelse og job").first()
    day = school_day(lead=dt.timedelta(days=21))

    login(page, site, teacher.user.username)
    page.goto(f"{site}/adoptions/")
    with page.expect_navigation():
        page.locator(f"main a[href='/plans/{plan.pk}/']").first.click()
    assert page.locator("main .plan-activity").count() == 0
    before = plan_progress_text(page)
    with page.expect_navigation():
        page.locator(f"main a[href='/plans/{plan.pk}/activities/new/']").click()

    form = page.locator("main form.stacked")
    form.locator("input[name=title]").fill("Vindmøllen indefra")
    form.locator("select[name=kind]").select_option(PlanActivity.Kind.COMPANY_VISIT)
    form.locator("select[name=status]").select_option(PlanActivity.Status.IDEA)
    form.locator("input[name=planned_month]").fill(f"{day:%Y-%m}")
    form.locator(f"input[name=learning_goals][value='{goal.pk}']").check()
    form.locator("textarea[name=preparation]").fill("Eleverne læser om vindenergi og skriver spørgsmål.")
    form.locator("textarea[name=description]").fill("Rundvisning i produktionen og samtale med en lærling.")
    form.locator("textarea[name=follow_up]").fill("Eleverne fremlægger, hvilke uddannelser de mødte.")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    assert page.url == f"{site}/plans/{plan.pk}/"
    activity = PlanActivity.objects.get(plan=plan)
    assert (activity.title, activity.kind, activity.status, activity.planned_month) == (
        "Vindmøllen indefra",
        PlanActivity.Kind.COMPANY_VISIT,
        PlanActivity.Status.IDEA,
        day.replace(day=1),
    )
    assert list(activity.learning_goals.all()) == [goal]
    assert activity.preparation and activity.description and activity.follow_up
    card = page.locator(f"main #activity-{activity.pk}")
    assert "plan-status-idea" in card.locator(".status").get_attribute("class")
    assert "Rundvisning i produktionen" in card.inner_text()
    with_idea = plan_progress_text(page)
    assert with_idea != before

    # Book it at the time the teacher and the company agreed.
    with page.expect_navigation():
        card.locator(f"a[href='/activities/{activity.pk}/book/']").click()
    form = page.locator("main form.stacked")
    form.locator("input[name=date]").fill(day.isoformat())
    form.locator("input[name=start_time]").fill("09:00")
    form.locator("input[name=end_time]").fill("11:30")
    form.locator("input[name=place]").fill("Porten ved Havnegade 12")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()

    match = re.fullmatch(rf"{re.escape(site)}/bookings/(\d+)/", page.url)
    assert match, f"not on a booking page: {page.url}"
    booking = Booking.objects.select_related("slot__offer").get(pk=int(match.group(1)))
    assert booking.school_class_id == adoption.school_class_id
    assert booking.slot.offer.company_id == adoption.company_id
    assert (booking.slot.start, booking.slot.end) == (at(day, 9), at(day, 11, 30))
    assert booking.status == Booking.Status.CONFIRMED
    activity.refresh_from_db()
    assert (activity.status, activity.booking_id) == (PlanActivity.Status.BOOKED, booking.pk)

    page.goto(f"{site}/plans/{plan.pk}/")
    card = page.locator(f"main #activity-{activity.pk}")
    status = card.locator(".status")
    assert "plan-status-booked" in status.get_attribute("class")
    assert status.inner_text() == danish(PlanActivity.Status.BOOKED.label)
    assert card.locator(f"a[href='/bookings/{booking.pk}/']").count() == 1
    after = plan_progress_text(page)
    assert after not in (before, with_idea)
    with translation.override("da"):
        assert after.startswith(
            translation.gettext("%(done)s done · %(planned)s planned · target %(target)s")
            % {"done": 0, "planned": 1, "target": plan.target_activities}
        )


# A phone, and axe -----------------------------------------------------------------------------


def test_adoption_pages_fit_a_phone_and_pass_axe(new_page, site, adoption_world):
    """At 390 px the workspace, a round, a finished run, a plan and its activity forms neither
    scroll sideways nor have anything sticking out or cut off; at 1280 px no column heading
    breaks inside its word; at both widths axe finds no serious or critical violation on
    them. All findings reported together."""
    from tests.e2e.test_phone_layout import HEADING_BREAKS, LABEL_OVERLAPS, LAYOUT_PROBLEMS

    made = lived_in_adoptions(adoption_world)
    found = {}
    for username, paths in adoption_pages(adoption_world, made).items():
        for viewport in (MOBILE, DESKTOP):
            page = new_page(viewport)
            login(page, site, username)
            for path in paths:
                page.goto(f"{site}{path}")
                assert page.url == f"{site}{path}"
                if viewport is MOBILE:
                    problems = page.evaluate(LAYOUT_PROBLEMS) + page.evaluate(LABEL_OVERLAPS)
                    if overflow := horizontal_overflow(page):
                        problems.insert(0, f"the page scrolls sideways by {overflow} px")
                else:
                    problems = page.evaluate(HEADING_BREAKS)
                problems += [
                    f"axe: [{v['impact']}] {v['id']} {[n['target'] for n in v['nodes']]}"
                    for v in serious_violations(page)
                ]
                if problems:
                    found[f"{path} ({username}, {viewport['width']} px)"] = problems
            page.context.close()
    assert found == {}
