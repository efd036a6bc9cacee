"""The pages after publication: the offer (accept or decline through her link), the
participant's survey through her link, the host survey for the company's members; and the
e-mails that carry those links, rendered at delivery."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.models import OutgoingMessage
from opendays.messages.after import render_host_survey, render_offer, render_survey
from opendays.models import Application, LinkPurpose, SurveyResponse
from opendays.services import application_erase, places_freed, surveys_send
from tests import factories
from tests.opendays.helpers_after import make_application, make_day, make_host

pytestmark = pytest.mark.django_db

Outcome = Application.Outcome


def link(application: Application) -> str:
    return application.link_token(LinkPurpose.APPLICANT)


@pytest.fixture
def offered():
    day = make_day(days_from_today=20)
    host = make_host(day)
    application = make_application(day, preferences=[host], outcome=Outcome.WAITLISTED, waitlist_position=1)
    places_freed(host=host)
    application.refresh_from_db()
    return application


def test_the_offer_page_shows_the_place_and_accepting_places_her(client: Client, offered):
    url = reverse("openday-offer", args=[link(offered)])

    page = client.get(url)
    assert page.status_code == 200
    assert offered.host.company.name in page.content.decode()

    response = client.post(url, {"answer": "accept"})

    assert response.status_code == 302
    offered.refresh_from_db()
    assert offered.outcome == Outcome.PLACED


def test_declining_on_the_offer_page_takes_her_off_the_list(client: Client, offered):
    client.post(reverse("openday-offer", args=[link(offered)]), {"answer": "decline"})

    offered.refresh_from_db()
    assert offered.outcome == Outcome.DECLINED


def test_an_unknown_or_erased_link_answers_404(client: Client, offered):
    token = link(offered)
    assert client.get(reverse("openday-offer", args=["0" * 64])).status_code == 404
    application_erase(application=offered)
    assert client.get(reverse("openday-offer", args=[token])).status_code == 404
    assert client.get(reverse("openday-survey", args=[token])).status_code == 404


def test_the_survey_page_takes_one_answer(client: Client):
    day = make_day(days_from_today=-2)
    participant = make_application(day, host=make_host(day), outcome=Outcome.PLACED)
    url = reverse("openday-survey", args=[link(participant)])
    answers = {"interest_before": "2", "interest_after": "5", "rating": "4", "comment": ""}

    assert client.get(url).status_code == 200
    assert client.post(url, answers).status_code == 302
    again = client.post(url, {**answers, "rating": "1"})

    assert again.status_code == 200
    assert SurveyResponse.objects.get().rating == 4


def test_the_survey_page_shows_a_refusal_beside_the_form(client: Client):
    """Before the day the answer is refused and nothing is stored."""
    day = make_day(days_from_today=2)
    participant = make_application(day, host=make_host(day), outcome=Outcome.PLACED)
    url = reverse("openday-survey", args=[link(participant)])

    response = client.post(url, {"interest_before": "2", "interest_after": "5", "rating": "4"})

    assert response.status_code == 200
    assert not SurveyResponse.objects.exists()


def test_the_host_survey_is_for_the_companys_members_only(client: Client):
    day = make_day(days_from_today=-2)
    host = make_host(day)
    member = factories.CompanyMemberFactory(company=host.company).user
    url = reverse("openday-host-survey", args=[host.pk])

    client.force_login(factories.CompanyMemberFactory().user)
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 200
    assert client.post(url, {"rating": "5", "comment": "Godt"}).status_code == 302

    assert SurveyResponse.objects.get(host=host).rating == 5


def test_the_emails_carry_the_link_rendered_at_delivery(offered):
    """The outbox row holds no token; the rendered e-mail holds her link."""
    message = OutgoingMessage.objects.get(kind="openday_offer")
    assert link(offered) not in str(message.context) + message.dedup_key

    email = render_offer(message, offered)

    assert link(offered) in email.body
    assert offered.host.company.name in email.body


def test_the_survey_emails_render_with_their_links():
    day = make_day(days_from_today=-2, survey_closes=timezone.localdate() + dt.timedelta(days=10))
    host = make_host(day)
    factories.CompanyMemberFactory(company=host.company)
    participant = make_application(day, host=host, outcome=Outcome.PLACED)
    surveys_send()

    participant_email = render_survey(OutgoingMessage.objects.get(kind="openday_survey"), participant)
    host_email = render_host_survey(OutgoingMessage.objects.get(kind="openday_host_survey"), host)

    assert reverse("openday-survey", args=[link(participant)]) in participant_email.body
    assert reverse("openday-host-survey", args=[host.pk]) in host_email.body


def test_an_offer_is_delivered_through_the_outbox_and_withdrawn_once_erased(mailoutbox):
    """Delivery renders her link into the e-mail; after erasure a pending offer is not sent."""
    from notifications.delivery import deliver_one

    day = make_day(days_from_today=20)
    host = make_host(day, places=2)
    first, second = (
        make_application(day, preferences=[host], outcome=Outcome.WAITLISTED, waitlist_position=position)
        for position in (1, 2)
    )
    places_freed(host=host)
    first_row, second_row = (OutgoingMessage.objects.get(subject_key=f"openday-offer:{a.pk}") for a in (first, second))

    deliver_one(first_row.pk)
    application_erase(application=second)
    deliver_one(second_row.pk)

    assert len(mailoutbox) == 1
    assert link(first) in mailoutbox[0].body
    second_row.refresh_from_db()
    assert (second_row.status, second_row.recipient_email) == ("withdrawn", "")


def test_a_survey_link_sent_to_the_teacher_who_applied_asks_her_to_pass_it_on():
    """The teacher is the contact of a pupil she applied for: the e-mail names the pupil and asks
    the teacher to pass the link on, instead of thanking the teacher for taking part."""
    day = make_day(days_from_today=-2, survey_closes=timezone.localdate() + dt.timedelta(days=10))
    host = make_host(day)
    teacher = factories.TeacherFactory().user
    participant = make_application(
        day, host=host, outcome=Outcome.PLACED, first_name="Signe", applied_by=teacher, email=teacher.email
    )
    surveys_send()

    email = render_survey(OutgoingMessage.objects.get(kind="openday_survey"), participant)

    assert "Signe" in email.body and "videre" in email.body
    assert reverse("openday-survey", args=[link(participant)]) in email.body
