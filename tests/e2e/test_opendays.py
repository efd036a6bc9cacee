"""Open days in a real browser: a 14-year-old applies on a phone through the public form, confirms
through the link in her e-mail, her guardian consents through theirs, and her page says the
application counts; a bad submission is refused field by field and saves nothing. After the
window has closed the consultant runs the matching, reads the report, moves an applicant with a
reason and publishes; the applicant, her guardian, the teacher and the hosts get e-mails with a
calendar invite at the host's time in Copenhagen, and the host sees the participants' first names.

Every page the flows pass through is checked with axe (no serious or critical findings) and, on
a phone, for sideways scrolling; with SCREENSHOTS=1 the pages are saved to docs/screenshots/
(openday-*-da.png). Selectors go by name attributes, form actions and ids; texts compared are
the Danish translations (the browser asks for Danish)."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from email import message_from_bytes
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.utils import translation

from tests.e2e.conftest import DESKTOP, E2E_MARKS, MOBILE, horizontal_overflow, login
from tests.e2e.test_adoptions import run_queued_tasks, tasks_wait_for_a_worker  # noqa: F401 (a fixture)
from tests.e2e.test_pages import serious_violations

pytestmark = E2E_MARKS

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
GUARDIAN_EMAIL = "mor.til.ida@example.dk"
# The links in the e-mails, by their paths.
CONFIRM_LINK = r"/open-days/me/[^/\s]+/confirm/"
GUARDIAN_LINK = r"/open-days/guardian/[^/\s]+/"
APPLICANT_LINK = r"/open-days/me/[^/\s]+/"


def danish(text) -> str:
    with translation.override("da"):
        return str(translation.gettext(text) if isinstance(text, str) else text)


# The world ------------------------------------------------------------------------------------


@dataclass
class OpenDayWorld:
    """An IGEday-style day for girls of 13-19 in Aalborg, about sixty days on and taking
    applications now (three ranked choices), with three host companies (each with a member who
    hosts, starting at different times), a school in the area with a teacher, and a consultant
    for Aalborg."""

    consultant: object
    day: object
    hosts: dict[str, object]  # "wind", "robots", "machines"
    members: dict[str, object]  # the companies' hosts (CompanyMember), same keys
    school: object
    teacher: object


@pytest.fixture
def openday_world(transactional_db) -> OpenDayWorld:
    from core.models import Municipality
    from opendays.models import OpenDay
    from tests import factories
    from tests.opendays.factories import HostFactory, OpenDayFactory

    aalborg = Municipality.objects.get(code=851)
    consultant = factories.UserFactory(username="konsulent", first_name="Karen", last_name="Kjær", is_consultant=True)
    consultant.area.set([aalborg])
    day = OpenDayFactory(
        title="IGEday Nordjylland",
        description="En dag for piger, der vil møde ingeniører og ingeniørstuderende.",
        gender_focus=OpenDay.GenderFocus.GIRLS,
        age_min=13,
        age_max=19,
        preferences=3,
        created_by=consultant,
    )
    hosts, members = {}, {}
    for key, name, places, starts, ends, host_name in [
        ("wind", "Nordjysk Vindkraft A/S", 2, dt.time(9), dt.time(14), "Henrik"),
        ("robots", "Aalborg Robotteknik ApS", 2, dt.time(8, 30), dt.time(13), "Mette"),
        ("machines", "Aalborg Maskinfabrik A/S", 3, dt.time(10), dt.time(15), "Jens"),
    ]:
        company = factories.CompanyFactory(name=name, municipality=aalborg, city="Aalborg")
        members[key] = factories.CompanyMemberFactory(
            company=company, user__username=f"vaert-{key}", user__first_name=host_name
        )
        hosts[key] = HostFactory(
            open_day=day,
            company=company,
            places=places,
            starts_at=starts,
            ends_at=ends,
            programme="Rundvisning, en opgave i værkstedet og frokost med ingeniørerne.",
            role_models_text="To ingeniører og en ingeniørstuderende fra AAU.",
        )
    school = factories.SchoolFactory(name="Vestbjerg Skole", municipality=aalborg, city="Vestbjerg")
    teacher = factories.TeacherFactory(school=school, user__username="laerer", user__first_name="Lone")
    return OpenDayWorld(consultant, day, hosts, members, school, teacher)


def applicants_in_a_closed_window(world: OpenDayWorld) -> dict[str, object]:
    """Five confirmed applicants, three of them wanting the wind-turbine maker first (it has two
    places): Ida (14, with a guardian), Freja, Astrid and Sofie applied themselves, Emma through
    the teacher. Then the window is moved into the past, as if it had closed an hour ago."""
    from django.utils import timezone

    from opendays.models import OpenDay
    from opendays.services import Pupil, applications_submit_for_pupils
    from tests.opendays.factories import ApplicationFactory, PreferenceFactory

    wind, robots, machines = (world.hosts[key] for key in ("wind", "robots", "machines"))
    applicants = {}
    for name, age, grade, email, guardian, choices in [
        ("Ida", 14, 8, "ida@example.dk", GUARDIAN_EMAIL, [wind, robots, machines]),
        ("Freja", 15, 9, "freja@example.dk", "", [wind, machines, robots]),
        ("Astrid", 16, 10, "astrid@example.dk", "", [wind, robots, machines]),
        ("Sofie", 17, None, "sofie@example.dk", "", [robots, wind, machines]),
    ]:
        application = ApplicationFactory(
            open_day=world.day,
            first_name=name,
            age=age,
            grade=grade,
            school=world.school,
            email=email,
            guardian_email=guardian,
        )
        for rank, host in enumerate(choices, start=1):
            PreferenceFactory(application=application, host=host, rank=rank)
        applicants[name] = application
    (applicants["Emma"],) = applications_submit_for_pupils(
        open_day=world.day,
        user=world.teacher.user,
        pupils=[Pupil(first_name="Emma", age=16, grade=9, host_ids=[robots.pk, machines.pk, wind.pk])],
    )
    now = timezone.now()
    OpenDay.objects.filter(pk=world.day.pk).update(
        applications_open=now - dt.timedelta(days=14), applications_close=now - dt.timedelta(hours=1)
    )
    return applicants


# Checks on every page ----------------------------------------------------------------------------


def look_at(page, name: str, found: dict, *, shoot: bool = True) -> None:
    """axe on the page, and on a phone no sideways scrolling; the findings go into `found` under
    the page's name. With SCREENSHOTS=1 (and `shoot`) the whole page is saved as
    docs/screenshots/<name>.png."""
    assert page.locator("html").get_attribute("lang") == "da"
    problems = [f"axe: [{v['impact']}] {v['id']} {[n['target'] for n in v['nodes']]}" for v in serious_violations(page)]
    if page.viewport_size["width"] == MOBILE["width"] and (overflow := horizontal_overflow(page)):
        problems.insert(0, f"the page scrolls sideways by {overflow} px")
    if problems:
        found[f"{name} ({page.url})"] = problems
    if shoot and os.environ.get("SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# E-mails ------------------------------------------------------------------------------------------


def deliver() -> int:
    """What the delivery task does every second: send the outbox's due messages."""
    from notifications.delivery import deliver_due

    return deliver_due()


def mail_to(mailoutbox, address: str) -> list:
    return [message for message in mailoutbox if parseaddr(message.to[0])[1] == address]


def link_in(message, pattern: str) -> str:
    """The path of the link in the e-mail whose path matches `pattern` (the e-mail's links go to
    SITE_URL; the test opens the path on the live server)."""
    match = re.search(rf"https?://[^/\s]+({pattern})", message.body)
    assert match, f"no link like {pattern} in {message.subject!r}"
    return match.group(1)


def invite_of(message):
    """The calendar of the e-mail as a mail program sees it: its text/calendar part, parsed."""
    import icalendar

    parsed = message_from_bytes(message.message().as_bytes())
    parts = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    assert len(parts) == 1, f"{message.subject!r} has {len(parts)} calendar parts"
    assert parts[0].get_param("method") == "REQUEST"
    return icalendar.Calendar.from_ical(parts[0].get_payload(decode=True))


def assert_invite_at(message, host) -> None:
    """One event, from the host's start to its end on the day, in Copenhagen time."""
    from zoneinfo import ZoneInfo

    calendar = invite_of(message)
    (event,) = calendar.walk("VEVENT")
    copenhagen = ZoneInfo("Europe/Copenhagen")
    day = host.open_day.date
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event.decoded("DTSTART") == dt.datetime.combine(day, host.starts_at, tzinfo=copenhagen)
    assert event.decoded("DTEND") == dt.datetime.combine(day, host.ends_at, tzinfo=copenhagen)
    assert host.company.name in str(event["SUMMARY"])
    assert host.city in str(event["LOCATION"])


# 1. Applying on a phone, with a guardian's consent --------------------------------------------------


def fill_application(form, world: OpenDayWorld, *, age: int, choices: list) -> None:
    form.locator("input[name=first_name]").fill("Ida")
    form.locator("input[name=age]").fill(str(age))
    form.locator("select[name=grade]").select_option("8")
    form.locator("select[name=school]").select_option(str(world.school.pk))
    form.locator("input[name=email]").fill("ida@example.dk")
    form.locator("input[name=guardian_email]").fill(GUARDIAN_EMAIL)
    for rank, host in enumerate(choices, start=1):
        form.locator(f"select[name=choice_{rank}]").select_option(str(host.pk))


def field_error(form, name: str) -> str:
    """The message next to the field (an empty string when there is none)."""
    errors = form.locator(f"#id_{name}_error")
    return errors.inner_text().strip() if errors.count() else ""


def test_a_pupil_applies_on_a_phone_and_her_guardian_consents(new_page, site, openday_world, mailoutbox):
    """At 390 px: from the list of open days to the form; a submission with an age outside the
    target group is refused at the age field, one with a host chosen twice at the choices, and
    neither saves anything; a good one leads to "check your e-mail". The e-mail's link confirms
    her address, the guardian's e-mail's link asks for consent, and once the guardian says yes
    her page says the application is confirmed and she gets the e-mail that it counts."""
    from opendays.models import Application, Preference
    from opendays.services.applications import AGE_OUTSIDE_TARGET, DUPLICATE_PREFERENCE

    world = openday_world
    wind, robots, machines = (world.hosts[key] for key in ("wind", "robots", "machines"))
    found: dict = {}
    pupil = new_page(MOBILE)
    pupil.goto(f"{site}/open-days/join/")
    with pupil.expect_navigation():
        pupil.locator(f"main a[href='/open-days/join/{world.day.pk}/']").first.click()
    with pupil.expect_navigation():
        pupil.locator(f"main a[href='/open-days/join/{world.day.pk}/apply/']").first.click()
    assert pupil.url == f"{site}/open-days/join/{world.day.pk}/apply/"
    look_at(pupil, "openday-apply-phone-da", found)
    form = pupil.locator("main form[method=post]")

    # Too young for the day: the age field says for which ages it is.
    fill_application(form, world, age=12, choices=[wind, robots, machines])
    with pupil.expect_navigation():
        form.locator("button[type=submit]").click()
    assert field_error(form, "age") == danish(AGE_OUTSIDE_TARGET) % {"min": 13, "max": 19}
    assert field_error(form, "choice_1") == ""
    assert form.locator("input[name=first_name]").input_value() == "Ida"  # what she typed stays

    # A host chosen twice: the choices say so.
    form.locator("input[name=age]").fill("14")
    form.locator("select[name=choice_2]").select_option(str(wind.pk))
    with pupil.expect_navigation():
        form.locator("button[type=submit]").click()
    assert field_error(form, "choice_1") == danish(DUPLICATE_PREFERENCE)
    assert field_error(form, "age") == ""
    assert not Application.objects.exists() and not Preference.objects.exists()
    assert not mailoutbox and deliver() == 0

    # Right: three different hosts in her order.
    form.locator("select[name=choice_2]").select_option(str(robots.pk))
    with pupil.expect_navigation():
        form.locator("button[type=submit]").click()
    assert pupil.url == f"{site}/open-days/join/sent/"
    application = Application.objects.get()
    assert (application.first_name, application.age, application.school_id) == ("Ida", 14, world.school.pk)
    assert application.status == Application.Status.AWAITING_EMAIL
    assert [p.host_id for p in application.preferences.order_by("rank")] == [wind.pk, robots.pk, machines.pk]

    # Her e-mail: the link asks before it confirms (a mail scanner opening it changes nothing).
    assert deliver() == 1
    (confirm_mail,) = mail_to(mailoutbox, "ida@example.dk")
    assert world.day.title in confirm_mail.subject
    assert not mail_to(mailoutbox, GUARDIAN_EMAIL)  # nobody is written to before she confirms
    pupil.goto(f"{site}{link_in(confirm_mail, CONFIRM_LINK)}")
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_EMAIL
    with pupil.expect_navigation():
        pupil.locator("main form[method=post] button[type=submit]").click()
    assert re.fullmatch(rf"{re.escape(site)}/open-days/me/[^/]+/", pupil.url)
    my_page = pupil.url
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_GUARDIAN
    assert pupil.locator("main .tag").inner_text() == danish(Application.Status.AWAITING_GUARDIAN.label)

    # The guardian's e-mail, and the guardian's answer on a phone of their own.
    assert deliver() == 1
    (consent_mail,) = mail_to(mailoutbox, GUARDIAN_EMAIL)
    assert "Ida" in consent_mail.subject
    guardian = new_page(MOBILE)
    guardian.goto(f"{site}{link_in(consent_mail, GUARDIAN_LINK)}")
    assert "Ida" in guardian.locator("main").inner_text()
    assert guardian.locator("main ol li").all_inner_texts() == [
        f"{host.company.name}, {host.city}" for host in (wind, robots, machines)
    ]
    look_at(guardian, "openday-guardian-phone-da", found)
    with guardian.expect_navigation():
        guardian.locator("main form button[name=answer][value=yes]").click()
    assert guardian.locator("main .tag").inner_text() == danish(Application.Status.CONFIRMED.label)
    application.refresh_from_db()
    assert application.status == Application.Status.CONFIRMED and application.confirmed_at is not None

    # Her page now says the application is confirmed; her e-mail says it counts.
    pupil.goto(my_page)
    assert pupil.locator("main .tag").inner_text() == danish(Application.Status.CONFIRMED.label)
    look_at(pupil, "openday-application-confirmed-phone-da", found, shoot=False)
    assert deliver() == 1
    counts_mail = mail_to(mailoutbox, "ida@example.dk")[-1]
    with translation.override("da"):
        assert counts_mail.subject == translation.gettext("Your application for %(day)s counts") % {
            "day": world.day.title
        }
    assert found == {}


# 2. Matching, adjusting and publishing ------------------------------------------------------------------


def report_figure(page, label: str) -> str:
    row = page.locator("main table tr", has=page.locator(f"th:text-is('{label}')"))
    return row.locator("td").first.inner_text().strip()


@pytest.mark.usefixtures("tasks_wait_for_a_worker")
def test_consultant_matches_moves_one_publishes_and_everyone_gets_an_invite(new_page, site, openday_world, mailoutbox):
    """At 1280 px, after the window has closed: from the day's page to its runs; a run started,
    seen waiting, run by the worker and shown with its report (placed share, fill per host); one
    applicant moved to a host with a free place, with a reason the run keeps; published behind
    the confirmation box. The applicant, her guardian, the teacher who applied for Emma and each
    host company's member get an e-mail with an invite at the host's time in Copenhagen; the
    applicant's page shows her host; the host's page lists its participants by first name."""
    from opendays.models import Application, MatchRun, OpenDay, Placement

    world = openday_world
    applicants = applicants_in_a_closed_window(world)
    day = world.day
    found: dict = {}

    consultant = new_page(DESKTOP)
    login(consultant, site, world.consultant.username)
    consultant.goto(f"{site}/open-days/")
    with consultant.expect_navigation():
        consultant.locator(f"main a[href='/open-days/{day.pk}/']").first.click()
    assert consultant.locator("main h1").inner_text() == day.title
    with consultant.expect_navigation():
        consultant.locator(f"main a[href='/open-days/{day.pk}/runs/']").click()

    # Start a run: it waits for a worker, the worker runs it, the page turns into the result.
    with consultant.expect_navigation():
        consultant.locator(f"main form[action='/open-days/{day.pk}/runs/start/'] button[type=submit]").click()
    match = re.fullmatch(rf"{re.escape(site)}/open-days/{day.pk}/runs/(\d+)/", consultant.url)
    assert match, f"not on a run page: {consultant.url}"
    run = MatchRun.objects.get(pk=int(match.group(1)))
    assert run.status == MatchRun.Status.QUEUED
    assert consultant.locator("main #run-progress").is_visible()
    assert run_queued_tasks() == 1
    consultant.locator("main #run-progress").wait_for(state="detached")
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE

    # The report: everyone placed (7 places for 5), and the fill of each host.
    assert report_figure(consultant, danish("Placed / applicants")) == "5 / 5 (100 %)"
    assert report_figure(consultant, danish("Places filled")) == "5 / 7 (71 %)"
    consultant.locator("main details:has(th) summary").first.click()
    fill = {
        row.locator("td").first.inner_text(): row.locator("td").nth(1).inner_text()
        for row in consultant.locator("main details tbody tr").all()
    }
    placed_with = {key: Placement.objects.filter(run=run, host=host).count() for key, host in world.hosts.items()}
    assert sum(placed_with.values()) == 5
    assert fill == {
        host.company.name: f"{placed_with[key]} / {host.places} ({placed_with[key] / host.places * 100:.0f} %)"
        for key, host in world.hosts.items()
    }

    # Move Ida to a host with a free place that is not hers, with a reason.
    ida = applicants["Ida"]
    placement = Placement.objects.get(run=run, application=ida)
    target = next(
        host
        for key, host in sorted(world.hosts.items(), key=lambda item: -item[1].places)
        if host.pk != placement.host_id and placed_with[key] < host.places
    )
    reason = "Ida kommer med sin veninde, der er placeret samme sted"
    with consultant.expect_navigation():
        consultant.locator(f"main a[href='/open-days/{day.pk}/runs/{run.pk}/placements/{placement.pk}/move/']").click()
    move = consultant.locator("main form[method=post]")
    move.locator("select[name=host]").select_option(str(target.pk))
    move.locator("textarea[name=reason]").fill(reason)
    with consultant.expect_navigation():
        move.locator("button[type=submit]").click()
    assert consultant.url == f"{site}/open-days/{day.pk}/runs/{run.pk}/"
    placement.refresh_from_db()
    assert (placement.host_id, placement.adjust_reason, placement.adjusted_by_id) == (
        target.pk,
        reason,
        world.consultant.pk,
    )
    assert reason in consultant.locator("main").inner_text()
    consultant.locator("main details:has(th) summary").first.click()  # the fill per host, for the screenshot
    look_at(consultant, "openday-run-da", found)

    # Publish: the box must be ticked first (the browser will not send the form without it).
    publish = consultant.locator(f"main form[action='/open-days/{day.pk}/runs/{run.pk}/publish/']")
    assert publish.locator("input[name=confirm][required]").count() == 1
    assert OpenDay.objects.get(pk=day.pk).status == OpenDay.Status.MATCHING
    publish.locator("input[name=confirm]").check()
    with consultant.expect_navigation():
        publish.locator("button[type=submit]").click()
    assert OpenDay.objects.get(pk=day.pk).status == OpenDay.Status.PUBLISHED
    ida.refresh_from_db()
    assert (ida.outcome, ida.host_id) == (Application.Outcome.PLACED, target.pk)
    assert Application.objects.filter(open_day=day, outcome=Application.Outcome.PLACED).count() == 5

    # The day's page now shows who went where.
    consultant.goto(f"{site}/open-days/{day.pk}/")
    assert target.company.name in consultant.locator("main").inner_text()
    look_at(consultant, "openday-day-da", found)

    # The e-mails, each place with its invite at the host's time.
    assert deliver() > 0
    to_ida = mail_to(mailoutbox, ida.email)
    (to_ida,) = [message for message in to_ida if target.company.name in message.subject]
    assert_invite_at(to_ida, target)
    (to_guardian,) = mail_to(mailoutbox, GUARDIAN_EMAIL)
    assert target.company.name in to_guardian.subject
    assert_invite_at(to_guardian, target)
    emma = applicants["Emma"]
    emma.refresh_from_db()
    (to_teacher,) = mail_to(mailoutbox, world.teacher.user.email)
    assert "Emma" in to_teacher.body
    assert_invite_at(to_teacher, emma.host)
    for key, host in world.hosts.items():
        (to_host,) = mail_to(mailoutbox, world.members[key].user.email)
        participants = Application.objects.filter(host=host, outcome=Application.Outcome.PLACED)
        for participant in participants:
            assert f"{participant.first_name}, {participant.age}" in to_host.body
        assert_invite_at(to_host, host)

    # Her page on her phone, through the link in the e-mail.
    pupil = new_page(MOBILE)
    pupil.goto(f"{site}{link_in(to_ida, APPLICANT_LINK)}")
    text = pupil.locator("main").inner_text()
    assert target.company.name in text and f"{target.starts_at:%H:%M}" in text
    assert target.role_models_text in text
    look_at(pupil, "openday-application-phone-da", found)

    # The host sees the participants' first names.
    host_page = new_page(DESKTOP)
    member = next(world.members[key] for key, host in world.hosts.items() if host.pk == target.pk)
    login(host_page, site, member.user.username)
    host_page.goto(f"{site}/open-days/hosts/{target.pk}/")
    names = host_page.locator("main table tbody tr td:first-child").all_inner_texts()
    expected = Application.objects.filter(host=target, outcome=Application.Outcome.PLACED)
    assert sorted(names) == sorted(expected.values_list("first_name", flat=True))
    assert "Ida" in names
    look_at(host_page, "openday-host-da", found)

    # The teacher's list of the pupils she applied for, with Emma's host.
    teacher = new_page(DESKTOP)
    login(teacher, site, world.teacher.user.username)
    teacher.goto(f"{site}/open-days/teacher/")
    assert emma.host.company.name in teacher.locator("main table").inner_text()
    look_at(teacher, "openday-teacher-da", found)
    assert found == {}
