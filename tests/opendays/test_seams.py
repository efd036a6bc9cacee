"""Where the open-day parts meet: a day applied for through the applications' services, matched
and published through the runs', with the waiting list and erasure of the after-the-day part.
Every message of every part renders with a link to a page that exists; erasure blanks every
outbox row about her, whichever part wrote it; whatever ends a placed applicant's hold on her
place after publication passes the place to the waiting list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.urls import NoReverseMatch
from django.utils import timezone

from notifications.delivery import deliver_due
from notifications.models import OutgoingMessage
from notifications.registry import message_source, subject_key
from opendays.messages import publication
from opendays.messages.after import (
    APPLICATION_SUBJECT_TYPES,
    host_survey_messages_enqueue,
    survey_message_enqueue,
)
from opendays.models import Application, Host, OpenDay
from opendays.services import (
    Pupil,
    application_erase,
    application_withdraw,
    applications_submit_for_pupils,
    email_confirm,
    guardian_consent,
    run_execute,
    run_publish,
    run_start,
)
from tests import factories
from tests.opendays.conftest_applications import apply, make_host, make_open_day

pytestmark = pytest.mark.django_db

Outcome = Application.Outcome


@dataclass
class World:
    day: OpenDay
    hosts: list[Host]
    own: Application  # 16, applied herself
    young: Application  # 14, her guardian consented
    pupil: Application  # 16, applied for by her teacher
    teacher_email: str


def applied_world(*, places: int = 1) -> World:
    """A day whose window closed yesterday, two hosts of `places` each, and three applicants
    who confirmed (one through her guardian, one through her teacher) five days ago."""
    now = timezone.now()
    day = make_open_day(
        applications_open=now - dt.timedelta(days=10),
        applications_close=now - dt.timedelta(days=1),
        date=timezone.localdate() + dt.timedelta(days=30),
    )
    hosts = [make_host(day, places=places), make_host(day, places=places)]
    factories.CompanyMemberFactory(company=hosts[0].company)
    applying = now - dt.timedelta(days=5)
    own = email_confirm(application=apply(day, hosts, now=applying), now=applying)
    young = apply(
        day, hosts, first_name="Ida", age=14, email="ida@example.dk", guardian_email="mor@example.dk", now=applying
    )
    young = guardian_consent(application=email_confirm(application=young, now=applying), consent=True, now=applying)
    teacher = factories.TeacherFactory().user
    (pupil,) = applications_submit_for_pupils(
        open_day=day,
        user=teacher,
        pupils=[Pupil(first_name="Alma", age=16, host_ids=[host.pk for host in hosts])],
        now=applying,
    )
    return World(day, hosts, own, young, pupil, teacher.email)


def publish(day: OpenDay) -> None:
    consultant = factories.UserFactory(is_consultant=True)
    run = run_start(actor=consultant, open_day=day, seed=7)
    run_publish(actor=consultant, run=run_execute(run_id=run.pk))


def rows_about(application: Application):
    keys = [subject_key(kind, application.pk) for kind in APPLICATION_SUBJECT_TYPES]
    return OutgoingMessage.objects.filter(subject_key__in=keys)


def rendered_kinds() -> set[str]:
    """Render every current open-day message through its source, as delivery would; each
    links to a page of the site. Returns the kinds rendered. The application's links are
    rendered though superseded (confirmed since): they render the same whatever her status."""
    kinds = set()
    for row in OutgoingMessage.objects.filter(subject_key__startswith="openday"):
        source = message_source(row.subject_key)
        subject = source.load(row.subject_key.partition(":")[2])
        superseded_link = row.subject_key.startswith("openday-application:")
        if subject is None or not (superseded_link or source.is_current(row, subject)):
            continue
        html = source.render(row, subject).alternatives[0][0]
        assert 'href="http://' in html and "/open-days/" in html, (row.kind, html)
        kinds.add(row.kind)
    return kinds


def test_every_open_day_message_renders_with_a_link_to_an_existing_page():
    """Confirmation, consent, placement, waiting list, reminders, participant lists, offers and
    surveys: each renders through its part's source, and its link is a page of the site."""
    world = applied_world()
    publish(world.day)
    placed = Application.objects.filter(open_day=world.day, outcome=Outcome.PLACED).first()
    survey_message_enqueue(application=placed, now=timezone.now())
    host_survey_messages_enqueue(host=world.hosts[0], now=timezone.now())
    kinds = rendered_kinds()
    application_withdraw(application=placed)  # her place is offered to the one waiting
    kinds |= rendered_kinds()

    expected = {"od_confirm_email", "od_guardian_consent", "od_confirmed", "placed", "waitlisted", "reminder"}
    assert expected | {"participants", "openday_offer", "openday_survey", "openday_host_survey"} <= kinds


def test_a_page_name_that_does_not_exist_fails_loudly():
    """No quiet link to the front page: a wrong name is an error the delivery records."""
    with pytest.raises(NoReverseMatch):
        publication._url("openday-no-such-page", [])


def test_erasing_an_applicant_blanks_her_confirmation_and_placement_emails():
    """Every outbox row about her (the applications part's confirmation, the publication's
    placement and reminders) keeps no subject or context, the pending ones are withdrawn, and
    those to her address keep no address or name."""
    world = applied_world(places=2)
    publish(world.day)
    deliver_due()
    for application in (world.own, world.young):
        assert rows_about(application).filter(status="sent").exclude(subject="").exists()

    for application in (world.own, world.young):
        application_erase(application=application)

        rows = rows_about(application)
        assert {"openday-application", "openday-placement"} <= {row.subject_key.split(":")[0] for row in rows}
        assert not rows.exclude(subject="").exists() and not rows.exclude(context={}).exists()
        assert not rows.filter(status="pending").exists()
    for address in ("freja@example.dk", "ida@example.dk", "mor@example.dk"):
        assert not OutgoingMessage.objects.filter(recipient_email=address).exists()


def test_erasing_a_pupil_a_teacher_applied_for_withdraws_the_teachers_reminders_about_her():
    """The teacher's address stays on the teacher's rows, but nothing about the pupil waits to
    be sent and no row about her keeps a subject."""
    world = applied_world(places=2)
    publish(world.day)
    assert rows_about(world.pupil).filter(status="pending", kind="reminder").exists()

    application_erase(application=world.pupil)

    rows = rows_about(world.pupil)
    assert not rows.filter(status="pending").exists()
    assert not rows.exclude(subject="").exists() and not rows.exclude(context={}).exists()
    assert rows.filter(recipient_email=world.teacher_email).exists()


@pytest.mark.parametrize("leave", ["withdraw", "erase"])
def test_a_placed_applicant_who_leaves_after_publication_passes_her_place_to_the_waiting_list(leave):
    """Withdrawing or being erased: the waitlisted applicant who named the host is offered it."""
    world = applied_world()
    publish(world.day)
    waiting = Application.objects.get(open_day=world.day, outcome=Outcome.WAITLISTED)
    placed = Application.objects.filter(open_day=world.day, outcome=Outcome.PLACED).order_by("id").first()

    if leave == "withdraw":
        application_withdraw(application=placed)
    else:
        application_erase(application=placed)

    waiting.refresh_from_db()
    assert (waiting.outcome, waiting.host_id) == (Outcome.OFFERED, placed.host_id)
    assert OutgoingMessage.objects.filter(subject_key=f"openday-offer:{waiting.pk}").exists()


def test_a_place_left_between_the_run_and_publication_is_offered_at_publication():
    """She withdrew while the consultant reviewed the run: publishing offers her place on."""
    world = applied_world()
    consultant = factories.UserFactory(is_consultant=True)
    run = run_execute(run_id=run_start(actor=consultant, open_day=world.day, seed=7).pk)
    placed_ids = list(run.placements.filter(host__isnull=False).values_list("application_id", flat=True))
    application_withdraw(application=Application.objects.get(pk=placed_ids[0]))

    run_publish(actor=consultant, run=run)

    waiting = Application.objects.get(open_day=world.day, waitlist_position=1)
    assert waiting.outcome == Outcome.OFFERED


def test_erasing_an_applicant_blanks_the_consultants_reason_for_moving_her():
    """The reason is free text that may name her; where she was placed stays for the counts."""
    world = applied_world()
    consultant = factories.UserFactory(is_consultant=True)
    run = run_execute(run_id=run_start(actor=consultant, open_day=world.day, seed=7).pk)
    placement = run.placements.get(application=world.own)
    placement.adjust_reason = "Freja's sister is placed there"
    placement.save()

    application_erase(application=world.own)

    placement.refresh_from_db()
    assert placement.adjust_reason == ""
