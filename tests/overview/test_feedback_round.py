"""The daily round asks the teacher and the host how an activity went, reminds once, and the
links expire; a class that did not come is not asked."""

from __future__ import annotations

import datetime as dt

from django.core import mail

from adoptions.models import PlanActivity
from adoptions.services import activity_set_status
from bookings import services as booking_services
from bookings.models import Booking
from notifications.delivery import deliver_due
from notifications.models import OutgoingMessage
from overview import services
from overview.models import Feedback
from overview.tasks import feedback_daily
from tests import factories
from tests.overview.fixtures import days_after


def links_in(message) -> list[str]:
    return [word for word in message.body.split() if "/feedback/" in word]


def feedback_mails() -> list:
    """The delivered e-mails that ask for feedback (not the booking's own)."""
    return [message for message in mail.outbox if links_in(message)]


def test_a_visit_that_ended_is_asked_of_the_teacher_and_every_host_member(visit, host, teacher):
    colleague = factories.CompanyMemberFactory(company=host.company, user__email="kollega@example.dk").user
    with days_after(visit.slot.end, 1):
        feedback_daily()
        deliver_due()

    asked = Feedback.objects.filter(booking=visit)
    assert sorted(asked.values_list("respondent", "recipient")) == [("host", None), ("teacher", teacher.user.pk)]
    recipients = sorted(address for message in feedback_mails() for address in message.to)
    assert [r.split("<")[-1].rstrip(">") for r in recipients] == sorted(
        ["kollega@example.dk", "laerer@example.dk", "vaert@example.dk"]
    )
    host_links = {links_in(m)[0] for m in feedback_mails() if "laerer" not in m.to[0]}
    assert len(host_links) == 1, "the company shares one request: the first to answer answers for it"
    assert colleague.email == "kollega@example.dk"


def test_the_outbox_holds_no_token_and_the_e_mail_is_in_the_recipients_language(visit, teacher):
    teacher.user.language = "en"
    teacher.user.save()
    with days_after(visit.slot.end, 1):
        feedback_daily()
        deliver_due()

    token = Feedback.objects.get(booking=visit, respondent="teacher").link_token()
    for row in OutgoingMessage.objects.filter(subject_key__startswith="feedback:"):
        assert token not in str(row.context) and token not in row.subject and token not in row.dedup_key
    [to_teacher] = [m for m in feedback_mails() if "laerer@example.dk" in m.to[0]]
    [to_host] = [m for m in feedback_mails() if "vaert@example.dk" in m.to[0]]
    assert to_teacher.subject.startswith("How did")
    assert f"/feedback/{token}/" in to_teacher.body
    assert to_host.subject.startswith("Hvordan gik")


def test_a_visit_is_asked_once_however_often_the_round_runs(visit):
    with days_after(visit.slot.end, 1):
        assert services.feedback_ask_due() == 2
    with days_after(visit.slot.end, 2):
        assert services.feedback_ask_due() == 0
    assert Feedback.objects.count() == 2


def test_a_visit_not_over_or_over_more_than_two_weeks_ago_is_not_asked(visit):
    with days_after(visit.slot.start, 0.01):
        assert services.feedback_ask_due() == 0
    with days_after(visit.slot.end, 15):
        assert services.feedback_ask_due() == 0


def test_a_no_show_cancelled_or_declined_booking_is_not_asked(visit, host):
    with days_after(visit.slot.start, 0.01):
        booking_services.booking_attendance_mark(booking=visit, actor=host.user, attended=False)
    with days_after(visit.slot.end, 1):
        assert services.feedback_ask_due() == 0
    for status in (Booking.Status.CANCELLED, Booking.Status.DECLINED):
        Booking.objects.filter(pk=visit.pk).update(status=status)
        with days_after(visit.slot.end, 1):
            assert services.feedback_ask_due() == 0


def test_a_completed_booking_is_asked(visit, host):
    with days_after(visit.slot.start, 0.01):
        booking_services.booking_attendance_mark(booking=visit, actor=host.user, attended=True)
    with days_after(visit.slot.end, 1):
        assert services.feedback_ask_due() == 2


def test_marking_a_no_show_withdraws_the_open_requests_and_their_links(visit, host):
    with days_after(visit.slot.end, 1):
        services.feedback_ask_due()
        tokens = [f.link_token() for f in Feedback.objects.all()]
        booking_services.booking_attendance_mark(booking=visit, actor=host.user, attended=False)
        deliver_due()

    assert all(f.withdrawn_at is not None and f.link_token() == "" for f in Feedback.objects.all())
    assert not Feedback.objects.filter(token_hash="").exists(), "a withdrawn link still says it was withdrawn"
    assert feedback_mails() == [], "a request withdrawn before delivery is not sent"
    assert all(tokens)


def test_correcting_a_no_show_to_attended_asks_again_with_a_new_link(visit, host):
    with days_after(visit.slot.end, 1):
        services.feedback_ask_due()
        old = Feedback.objects.get(respondent="teacher").link_token()
        booking_services.booking_attendance_mark(booking=visit, actor=host.user, attended=False)
    with days_after(visit.slot.end, 2):
        booking_services.booking_attendance_mark(booking=visit, actor=host.user, attended=True)
        deliver_due()

    teacher_request = Feedback.objects.get(respondent="teacher")
    assert teacher_request.withdrawn_at is None
    assert teacher_request.link_token() not in ("", old)
    assert any(teacher_request.link_token() in m.body for m in feedback_mails())


def test_one_reminder_a_week_after_asking_and_never_a_second(visit):
    with days_after(visit.slot.end, 1):
        services.feedback_ask_due()
    with days_after(visit.slot.end, 7.5):
        assert services.feedback_remind_due() == 0, "not before a week"
    with days_after(visit.slot.end, 8.5):
        assert services.feedback_remind_due() == 2
        deliver_due()
    with days_after(visit.slot.end, 15):
        assert services.feedback_remind_due() == 0

    reminders = [m for m in feedback_mails() if m.subject.startswith("Påmindelse")]
    assert len(reminders) == 2
    assert Feedback.objects.filter(reminded_at__isnull=True).count() == 0


def test_an_answered_request_is_not_reminded(visit):
    with days_after(visit.slot.end, 1):
        services.feedback_ask_due()
        teacher_request = Feedback.objects.get(respondent="teacher")
        services.feedback_answer(feedback=teacher_request, answer=services.Answer(4, "yes", 2, 4))
    with days_after(visit.slot.end, 9):
        assert services.feedback_remind_due() == 1


def test_links_expire_thirty_days_after_asking(visit):
    with days_after(visit.slot.end, 1):
        services.feedback_ask_due()
    request = Feedback.objects.get(respondent="host")
    assert request.expires_at == request.sent_at + dt.timedelta(days=30)
    with days_after(visit.slot.end, 31.01):
        assert services.feedback_state(request) == "expired"
        assert services.feedback_remind_due() == 0


def test_an_adoption_activity_held_without_a_booking_is_asked_of_the_teacher_who_marked_it_done(
    held_activity, teacher, host
):
    with days_after(held_activity.ends_at, 1):
        activity_set_status(actor=teacher.user, activity=held_activity, status=PlanActivity.Status.DONE)
        assert services.feedback_ask_due() == 2
        deliver_due()

    asked = Feedback.objects.filter(plan_activity=held_activity)
    assert sorted(asked.values_list("respondent", "recipient")) == [("host", None), ("teacher", teacher.user.pk)]
    assert any("Vindmøller i klassen" in m.subject for m in feedback_mails())


def test_an_adoption_activity_not_done_is_not_asked(held_activity):
    with days_after(held_activity.ends_at, 1):
        assert services.feedback_ask_due() == 0


def test_a_company_without_members_to_write_to_is_asked_at_its_own_address(visit, host):
    host.user.email = ""
    host.user.save()
    company = host.company
    company.email = "info@vindkraft.dk"
    company.save()
    with days_after(visit.slot.end, 1):
        services.feedback_ask_due()
        deliver_due()

    assert any("info@vindkraft.dk" in message.to[0] for message in feedback_mails())


def test_the_daily_round_is_scheduled(db):
    """The migration creates the daily schedule of the feedback round."""
    from django_q.models import Schedule

    schedule = Schedule.objects.get(func="overview.tasks.feedback_daily")
    assert (schedule.schedule_type, schedule.repeats) == ("D", -1)
