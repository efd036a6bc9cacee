"""The applications' rules: submitting with every check, e-mail confirmation, a guardian's
consent under 15, expiry, changing preferences, withdrawing, a teacher applying for several
pupils at once, and erasure on request."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import DomainError
from notifications.delivery import deliver_due
from opendays.messages.applications import Kind
from opendays.models import Application, LinkPurpose, OpenDay
from opendays.selectors import application_for_guardian_token, application_for_token
from opendays.services import (
    Pupil,
    application_change,
    application_erase,
    application_withdraw,
    applications_submit_for_pupils,
    email_confirm,
    expire_unconfirmed,
    guardian_consent,
)
from tests import factories
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)
from tests.opendays.conftest_applications import apply, make_host, make_open_day, outbox


def refused(code: str, action) -> DomainError:
    with pytest.raises(DomainError) as caught:
        action()
    assert caught.value.code == code
    return caught.value


def test_submit_waits_for_the_email_and_keeps_ranked_preferences(open_day, hosts):
    """A new application awaits its e-mail confirmation, holds the hosts in her order and
    writes one confirmation message; the outbox holds no token."""
    application = apply(open_day, [hosts[2], hosts[0], hosts[1]])

    assert application.status == Application.Status.AWAITING_EMAIL
    assert [p.host_id for p in application.preferences.order_by("rank")] == [hosts[2].pk, hosts[0].pk, hosts[1].pk]
    assert application.expires_at is not None
    [message] = outbox()
    assert message.kind == Kind.CONFIRM_EMAIL and message.recipient_email == "freja@example.dk"
    assert application.link_token(LinkPurpose.APPLICANT) not in str(message.context)


@pytest.mark.parametrize(
    ("fields", "code", "field"),
    [
        ({"age": 12}, "age_outside", "age"),
        ({"age": 20}, "age_outside", "age"),
        ({"first_name": "  "}, "first_name_required", "first_name"),
        ({"first_name": "Anna\nBcc: x@example.dk"}, "first_name_invalid", "first_name"),
        ({"email": ""}, "email_required", "email"),
        ({"municipality": None}, "place_required", "school"),
        ({"age": 14}, "guardian_required", "guardian_email"),
        ({"age": 14, "guardian_email": "FREJA@example.dk"}, "guardian_same", "guardian_email"),
    ],
)
def test_submit_refuses_bad_input_and_saves_nothing(open_day, hosts, fields, code, field):
    """Each bad field gets its own code next to the field, and no row is left behind."""
    error = refused(code, lambda: apply(open_day, hosts, **fields))

    assert error.field == field
    assert Application.objects.count() == 0
    assert outbox() == []


def test_submit_refuses_bad_preferences(open_day, hosts):
    """Unknown or other day's hosts, duplicates, too few and too many are each refused."""
    other_day_host = make_host(make_open_day())
    cases = [
        ("unknown_host", [hosts[0].pk, hosts[1].pk, 999_999]),
        ("unknown_host", [hosts[0].pk, hosts[1].pk, other_day_host.pk]),
        ("duplicate_preference", [hosts[0].pk, hosts[0].pk, hosts[1].pk]),
        ("too_few_preferences", [hosts[0].pk, hosts[1].pk]),
        ("too_many_preferences", [hosts[0].pk, hosts[1].pk, hosts[2].pk, make_host(open_day).pk]),
    ]
    for code, host_ids in cases:
        assert refused(code, lambda ids=host_ids: apply(open_day, hosts, host_ids=ids)).field == "preferences"
    assert Application.objects.count() == 0


def test_submit_asks_fewer_preferences_when_the_day_has_fewer_hosts_for_her_age(open_day, hosts):
    """A host whose age limit she is under cannot be chosen, and is not counted as a choice she owes."""
    hosts[2].age_min = 16
    hosts[2].save()

    error = refused("under_host_age", lambda: apply(open_day, hosts, age=15))
    assert hosts[2].company.name in error.message
    application = apply(open_day, hosts, age=15, host_ids=[hosts[0].pk, hosts[1].pk])
    assert application.preferences.count() == 2


def test_submit_checks_the_grade_band(open_day, hosts):
    """A day for some grades needs the grade, inside the band."""
    open_day.grade_min, open_day.grade_max = 8, 10
    open_day.save()

    refused("grade_required", lambda: apply(open_day, hosts))
    refused("grade_outside", lambda: apply(open_day, hosts, grade=7))
    assert apply(open_day, hosts, grade=9).grade == 9


def test_submit_is_refused_outside_the_window(open_day, hosts):
    """Before it opens, after it closes, and once the matching started: no application."""
    refused("outside_window", lambda: apply(open_day, hosts, now=open_day.applications_open - dt.timedelta(minutes=1)))
    refused("outside_window", lambda: apply(open_day, hosts, now=open_day.applications_close))
    OpenDay.objects.filter(pk=open_day.pk).update(status=OpenDay.Status.MATCHING)
    refused("outside_window", lambda: apply(open_day, hosts))


def test_a_second_application_from_the_same_email_is_refused_until_the_first_lapses(open_day, hosts):
    """One counting application per address and day, whatever the case; after withdrawing she may apply anew."""
    first = apply(open_day, hosts)

    refused("email_taken", lambda: apply(open_day, hosts, email="Freja@Example.dk", first_name="Anna"))
    application_withdraw(application=first)
    assert apply(open_day, hosts).status == Application.Status.AWAITING_EMAIL


def test_email_confirm_over_15_counts_and_tells_her(open_day, hosts):
    application = apply(open_day, hosts, age=16)
    found = application_for_token(application.link_token(LinkPurpose.APPLICANT))

    confirmed = email_confirm(application=found)

    assert confirmed.status == Application.Status.CONFIRMED and confirmed.confirmed_at is not None
    assert [m.kind for m in outbox()] == [Kind.CONFIRM_EMAIL, Kind.CONFIRMED]
    assert email_confirm(application=found).status == Application.Status.CONFIRMED


def test_under_15_the_guardian_is_asked_only_after_her_email_is_confirmed(open_day, hosts):
    """The guardian's link goes out only after the pupil's own address proved to work; consent
    makes the application count."""
    application = apply(open_day, hosts, age=14, guardian_email="mor@example.dk")
    assert outbox(Kind.GUARDIAN_CONSENT) == []

    application = email_confirm(application=application)
    assert application.status == Application.Status.AWAITING_GUARDIAN
    [message] = outbox(Kind.GUARDIAN_CONSENT)
    assert message.recipient_email == "mor@example.dk"

    found = application_for_guardian_token(application.link_token(LinkPurpose.GUARDIAN))
    assert guardian_consent(application=found, consent=True).status == Application.Status.CONFIRMED


def test_a_guardian_who_refuses_withdraws_the_application(open_day, hosts):
    application = email_confirm(application=apply(open_day, hosts, age=13, guardian_email="far@example.dk"))

    refused_one = guardian_consent(application=application, consent=False)

    assert refused_one.status == Application.Status.WITHDRAWN
    assert outbox(Kind.GUARDIAN_REFUSED)[0].recipient_email == "freja@example.dk"
    refused("withdrawn", lambda: guardian_consent(application=application, consent=True))


def test_a_guardian_cannot_consent_before_the_pupil_confirmed(open_day, hosts):
    application = apply(open_day, hosts, age=13, guardian_email="far@example.dk")
    refused("not_awaiting_guardian", lambda: guardian_consent(application=application, consent=True))


def test_unconfirmed_applications_expire_and_cannot_be_confirmed_after(open_day, hosts):
    """Past the deadline an unconfirmed application expires; the daily expiry marks it so."""
    application = apply(open_day, hosts)
    later = application.expires_at + dt.timedelta(seconds=1)

    refused("expired", lambda: email_confirm(application=application, now=later))
    assert expire_unconfirmed(now=later) == 1
    application.refresh_from_db()
    assert application.status == Application.Status.EXPIRED
    assert apply(open_day, hosts, now=later).status == Application.Status.AWAITING_EMAIL


def test_a_confirmation_deadline_never_passes_the_window(hosts, open_day):
    """Applying just before the window closes leaves until the close, not 48 hours, to confirm."""
    now = open_day.applications_close - dt.timedelta(hours=1)
    assert apply(open_day, hosts, now=now).expires_at == open_day.applications_close


def test_change_replaces_the_preferences_while_the_window_runs(open_day, hosts):
    application = email_confirm(application=apply(open_day, hosts, age=16))

    application_change(application=application, host_ids=[hosts[1].pk, hosts[2].pk, hosts[0].pk])

    assert [p.host_id for p in application.preferences.order_by("rank")] == [hosts[1].pk, hosts[2].pk, hosts[0].pk]
    refused("duplicate_preference", lambda: application_change(application=application, host_ids=[hosts[1].pk] * 3))
    refused(
        "change_closed",
        lambda: application_change(
            application=application, host_ids=[h.pk for h in hosts], now=open_day.applications_close
        ),
    )
    assert application.preferences.order_by("rank").first().host_id == hosts[1].pk


def test_withdraw_before_publication_frees_nothing(open_day, hosts):
    application = apply(open_day, hosts)
    with mock.patch("opendays.services.waitlist.places_freed") as freed:
        withdrawn = application_withdraw(application=application)
    assert withdrawn.status == Application.Status.WITHDRAWN and withdrawn.withdrawn_at is not None
    freed.assert_not_called()


def test_withdraw_after_publication_frees_her_place_for_the_waiting_list(open_day, hosts):
    application = email_confirm(application=apply(open_day, hosts, age=16))
    Application.objects.filter(pk=application.pk).update(outcome=Application.Outcome.PLACED, host=hosts[0])
    OpenDay.objects.filter(pk=open_day.pk).update(status=OpenDay.Status.PUBLISHED, published_at=timezone.now())

    with mock.patch("opendays.services.waitlist.places_freed") as freed:
        withdrawn = application_withdraw(application=application)

    freed.assert_called_once()
    assert freed.call_args.kwargs["host"] == hosts[0]
    assert withdrawn.host is None and withdrawn.outcome == Application.Outcome.PENDING


def test_erase_on_request_leaves_nothing_personal_and_keeps_the_counts(open_day, hosts, pupil_school):
    application = apply(open_day, hosts, age=14, guardian_email="mor@example.dk", school=pupil_school)
    token = application.link_token(LinkPurpose.APPLICANT)

    erased = application_erase(application=application)

    assert erased.first_name == "" and erased.email == "" and erased.guardian_email == ""
    assert erased.erased_at is not None and erased.school is None
    assert erased.age == 14 and erased.municipality_id == pupil_school.municipality_id
    assert application_for_token(token) is None


def test_teacher_applies_for_several_pupils_all_or_nothing(open_day, hosts, teacher):
    """A teacher's pupils count at once (over 15) or wait for their guardians; one refused
    pupil refuses them all, naming the row."""
    ids = [host.pk for host in hosts]
    pupils = [
        Pupil(first_name="Ida", age=15, host_ids=ids),
        Pupil(first_name="Alma", age=14, host_ids=ids, guardian_email="alma.mor@example.dk"),
    ]
    bad = [*pupils, Pupil(first_name="Emma", age=12, host_ids=ids)]

    error = refused(
        "age_outside", lambda: applications_submit_for_pupils(open_day=open_day, user=teacher.user, pupils=bad)
    )
    assert error.field == "pupils.2.age" and "Emma" in error.message
    assert Application.objects.count() == 0

    made = applications_submit_for_pupils(open_day=open_day, user=teacher.user, pupils=pupils)
    assert [a.status for a in made] == [Application.Status.CONFIRMED, Application.Status.AWAITING_GUARDIAN]
    assert {a.school_id for a in made} == {teacher.school_id} and {a.applied_by_id for a in made} == {teacher.user_id}
    assert [m.recipient_email for m in outbox()] == ["alma.mor@example.dk"]


def test_only_a_teacher_applies_for_pupils(open_day, hosts, host):
    pupils = [Pupil(first_name="Ida", age=15, host_ids=[h.pk for h in hosts])]
    refused("not_allowed", lambda: applications_submit_for_pupils(open_day=open_day, user=host.user, pupils=pupils))
    refused(
        "not_allowed",
        lambda: applications_submit_for_pupils(open_day=open_day, user=factories.UserFactory(), pupils=pupils),
    )


def test_teacher_batch_refuses_two_pupils_of_the_same_name(open_day, hosts, teacher):
    ids = [h.pk for h in hosts]
    pupils = [Pupil(first_name="Ida", age=15, host_ids=ids), Pupil(first_name="ida ", age=16, host_ids=ids)]
    refused(
        "duplicate_pupil", lambda: applications_submit_for_pupils(open_day=open_day, user=teacher.user, pupils=pupils)
    )


def test_delivered_messages_carry_a_working_link_made_at_delivery(open_day, hosts, settings):
    """The e-mail's link opens her application; the stored row never held it."""
    application = apply(open_day, hosts, age=16)

    deliver_due()

    [sent] = mail.outbox
    token = application.link_token(LinkPurpose.APPLICANT)
    assert token in sent.body
    assert sent.to == ["freja@example.dk"]


def test_a_confirmation_link_is_not_sent_once_the_application_is_confirmed(open_day, hosts):
    application = apply(open_day, hosts, age=16, language="en")
    email_confirm(application=application, language="en")

    deliver_due()

    assert [m.subject for m in mail.outbox] and all("counts" in m.subject for m in mail.outbox)


def test_the_daily_round_expires_what_is_past_its_deadline(open_day, hosts):
    from opendays.tasks import after_the_day_daily

    application = apply(open_day, hosts)
    Application.objects.filter(pk=application.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert after_the_day_daily()["expired_applications"] == 1
    application.refresh_from_db()
    assert application.status == Application.Status.EXPIRED


def test_the_guardian_email_carries_only_the_guardian_link(open_day, hosts):
    """A guardian's link lets her answer; it does not open the pupil's own page."""
    application = email_confirm(application=apply(open_day, hosts, age=13, guardian_email="mor@example.dk"))
    mail.outbox.clear()

    deliver_due()

    [to_guardian] = [m for m in mail.outbox if m.to == ["mor@example.dk"]]
    assert application.link_token(LinkPurpose.GUARDIAN) in to_guardian.body
    assert application.link_token(LinkPurpose.APPLICANT) not in to_guardian.body
    assert "Freja" in to_guardian.subject


def test_messages_are_in_the_applicants_language(open_day, hosts):
    apply(open_day, hosts, age=16, language="en")
    deliver_due()
    assert mail.outbox[0].subject.startswith("Confirm your application")


def test_two_submissions_of_one_address_at_once_leave_one(open_day, hosts, monkeypatch):
    """If both pass the check before either saves, the partial unique index refuses the second
    with the same clear message, and nothing of it is left."""
    apply(open_day, hosts)
    monkeypatch.setattr("opendays.services.applications._email_taken", lambda *args, **kwargs: False)

    refused("email_taken", lambda: apply(open_day, hosts, first_name="Anna"))

    assert Application.objects.count() == 1
    assert len(outbox()) == 1


def test_refusals_count_hosts_in_the_language_s_plural(open_day, hosts):
    """A refusal is worded in the request's language, with its plural."""
    from django.utils import translation

    open_day.preferences = 1
    open_day.save()
    with translation.override("en"):
        assert str(refused("too_few_preferences", lambda: apply(open_day, hosts, host_ids=[])).message) == (
            "Choose 1 host."
        )
    with translation.override("da"):
        assert str(refused("too_many_preferences", lambda: apply(open_day, hosts)).message) == "Vælg højst 1 vært."


def test_after_the_day_withdrawing_is_refused_and_the_outcome_stays(open_day, hosts):
    """Her outcome counts after the day; what she can still ask for is erasure."""
    application = email_confirm(application=apply(open_day, hosts, age=16))
    Application.objects.filter(pk=application.pk).update(outcome=Application.Outcome.PLACED, host=hosts[0])
    after = timezone.make_aware(dt.datetime.combine(open_day.date + dt.timedelta(days=1), dt.time(12)))

    refused("day_passed", lambda: application_withdraw(application=application, now=after))

    application.refresh_from_db()
    assert application.outcome == Application.Outcome.PLACED and application.host == hosts[0]
