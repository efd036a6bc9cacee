"""The feedback pages: the form behind an e-mail's link, the teacher's and host's own feedback,
the consultant's answered feedback, and the host's attendance buttons."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format

from bookings.models import Booking
from overview import services
from overview.models import Feedback
from tests.adoptions.round_fixtures import consultant_for
from tests.overview.fixtures import *  # noqa: F403 (the fixtures)
from tests.overview.fixtures import days_after

HJORRING = 860


@pytest.fixture
def asked(visit):
    """The visit is over and both sides were asked; the clock stands a day after it."""
    with days_after(visit.slot.end, 1):
        services.feedback_ask_due()
        yield {
            "teacher": Feedback.objects.get(booking=visit, respondent="teacher"),
            "host": Feedback.objects.get(booking=visit, respondent="host"),
        }


def link(feedback: Feedback) -> str:
    return f"/feedback/{feedback.link_token()}/"


def signed_in(user) -> Client:
    web = Client()
    web.force_login(user)
    return web


GOOD_TEACHER = {"rating": "4", "goals_met": "partly", "interest_before": "2", "interest_after": "4", "comment": "Godt"}


def test_the_link_shows_the_activity_and_the_form(asked, visit):
    response = Client().get(link(asked["teacher"]))

    page = response.content.decode()
    assert response.status_code == 200
    assert visit.slot.offer.title in page
    with translation.override("da"):
        assert date_format(timezone.localtime(visit.slot.start), "DATE_FORMAT") in page
    assert visit.school_class.name in page and visit.slot.offer.company.name in page
    assert 'name="interest_before"' in page and 'name="rating"' in page


def test_the_host_is_not_asked_about_the_pupils_interest(asked):
    page = Client().get(link(asked["host"])).content.decode()

    assert 'name="rating"' in page and 'name="interest_before"' not in page


def test_opening_the_link_answers_nothing(asked):
    """Mail scanners open links: only a POST answers."""
    Client().get(link(asked["teacher"]))
    Client().head(link(asked["teacher"]))

    assert Feedback.objects.get(pk=asked["teacher"].pk).answered_at is None


def test_a_post_answers_once_and_the_used_link_says_so(asked):
    url = link(asked["teacher"])

    response = Client().post(url, GOOD_TEACHER)
    assert response.status_code == 302
    again = Client().post(url, GOOD_TEACHER | {"rating": "1"})

    saved = Feedback.objects.get(pk=asked["teacher"].pk)
    assert (saved.rating, saved.goals_met, saved.interest_before, saved.interest_after, saved.comment) == (
        4,
        "partly",
        2,
        4,
        "Godt",
    )
    assert again.status_code == 200
    page = again.content.decode()
    assert "allerede givet" in page and '<form method="post" class="stacked"' not in page


def test_the_first_host_member_answers_for_the_company(asked):
    url = link(asked["host"])
    Client().post(url, {"rating": "5", "goals_met": "yes"})

    page = Client().get(url).content.decode()
    assert "allerede givet" in page
    assert Feedback.objects.get(pk=asked["host"].pk).rating == 5


def test_a_withdrawn_link_shows_a_clear_page(asked, visit):
    url = link(asked["teacher"])
    services.feedback_withdraw_for_booking(booking_id=visit.pk)

    response = Client().get(url)

    assert response.status_code == 200
    assert "ikke kom" in response.content.decode() and 'name="rating"' not in response.content.decode()
    assert Client().post(url, GOOD_TEACHER).status_code == 200
    assert Feedback.objects.get(pk=asked["teacher"].pk).answered_at is None


def test_an_expired_link_shows_a_clear_page(asked, visit):
    url = link(asked["teacher"])
    with days_after(visit.slot.end, 32):
        response = Client().get(url)
        posted = Client().post(url, GOOD_TEACHER)

    assert response.status_code == 200 and "udløbet" in response.content.decode()
    assert posted.status_code == 200
    assert Feedback.objects.get(pk=asked["teacher"].pk).answered_at is None


@pytest.mark.parametrize("token", ["0" * 64, "nonsense", "<script>", "a" * 5000])
def test_a_link_that_matches_nothing_is_not_found(db, token):
    assert Client().get(f"/feedback/{token}/").status_code == 404


GARBAGE = [
    ({}, {"rating", "goals_met", "interest_before", "interest_after"}),
    ({"rating": "", "goals_met": "", "interest_before": "", "interest_after": ""}, {"rating", "goals_met"}),
    (GOOD_TEACHER | {"comment": "x" * 100_000}, {"comment"}),
    (GOOD_TEACHER | {"rating": str(10**20)}, {"rating"}),
    (GOOD_TEACHER | {"rating": "-1", "interest_after": "-3"}, {"rating", "interest_after"}),
    (GOOD_TEACHER | {"rating": "0", "interest_before": "6"}, {"rating", "interest_before"}),
    (GOOD_TEACHER | {"goals_met": "<script>alert(1)</script>"}, {"goals_met"}),
    (GOOD_TEACHER | {"rating": "3.5"}, {"rating"}),
]


@pytest.mark.parametrize(("data", "fields"), GARBAGE)
def test_garbage_gives_a_message_per_field_and_saves_nothing(asked, data, fields):
    response = Client().post(link(asked["teacher"]), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert fields <= set(form.errors), form.errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Feedback.objects.get(pk=asked["teacher"].pk).answered_at is None


def test_a_script_in_the_comment_is_saved_as_text_and_shown_escaped(asked, consultant):
    Client().post(link(asked["teacher"]), GOOD_TEACHER | {"comment": "<script>alert(1)</script>"})

    page = signed_in(consultant).get("/workspace/feedback/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_the_form_is_answered_in_english_for_an_english_browser(asked):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(link(asked["teacher"])).content.decode()

    assert "Did it meet the planned learning goals?" in page


# Own feedback ----------------------------------------------------------------------------------


def test_a_teacher_sees_and_answers_what_was_asked_of_them_without_the_link(asked, teacher, other_teacher):
    web = signed_in(teacher.user)
    listing = web.get("/feedback/asked/").content.decode()
    assert f"/feedback/asked/{asked['teacher'].pk}/" in listing
    assert f"/feedback/asked/{asked['host'].pk}/" not in listing

    response = web.post(f"/feedback/asked/{asked['teacher'].pk}/", GOOD_TEACHER)

    assert response.status_code == 302
    assert Feedback.objects.get(pk=asked["teacher"].pk).rating == 4
    assert signed_in(other_teacher.user).get(f"/feedback/asked/{asked['teacher'].pk}/").status_code == 404
    assert (
        f"/feedback/asked/{asked['teacher'].pk}/"
        not in signed_in(other_teacher.user).get("/feedback/asked/").content.decode()
    )


def test_a_host_sees_what_was_asked_of_their_company_only(asked, host, other_host):
    listing = signed_in(host.user).get("/feedback/asked/").content.decode()
    assert f"/feedback/asked/{asked['host'].pk}/" in listing
    assert f"/feedback/asked/{asked['teacher'].pk}/" not in listing

    assert signed_in(other_host.user).get(f"/feedback/asked/{asked['host'].pk}/").status_code == 404
    assert signed_in(host.user).get(f"/feedback/asked/{asked['teacher'].pk}/").status_code == 404


def test_the_menu_links_the_feedback_pages(asked, teacher, consultant):
    assert 'href="/feedback/asked/"' in signed_in(teacher.user).get("/").content.decode()
    assert 'href="/workspace/feedback/"' in signed_in(consultant).get("/workspace/").content.decode()


# The consultant --------------------------------------------------------------------------------


def test_the_consultant_sees_answered_feedback_in_the_area_and_filters_it(asked, consultant):
    Client().post(link(asked["teacher"]), GOOD_TEACHER | {"comment": "Eleverne var begejstrede"})
    far = consultant_for("fjern-konsulent", HJORRING)
    web = signed_in(consultant)

    everything = web.get("/workspace/feedback/").content.decode()
    hosts_only = web.get("/workspace/feedback/?respondent=host").content.decode()
    aalborg = web.get("/workspace/feedback/?municipality=851").content.decode()

    assert "Eleverne var begejstrede" in everything
    assert "Eleverne var begejstrede" not in hosts_only
    assert "Eleverne var begejstrede" in aalborg
    assert "Eleverne var begejstrede" not in signed_in(far).get("/workspace/feedback/").content.decode()
    assert web.get("/workspace/feedback/?municipality=999999999999&respondent=<b>").status_code == 200


def test_unanswered_feedback_is_not_on_the_consultants_page(asked, consultant, visit):
    page = signed_in(consultant).get("/workspace/feedback/").content.decode()

    assert visit.slot.offer.title not in page


# Attendance on the host's pages ------------------------------------------------------------------


def test_the_host_marks_attendance_from_the_offers_slots(visit, host):
    url = f"/host/offers/{visit.slot.offer_id}/"
    before = signed_in(host.user).get(url).content.decode()
    assert f"/bookings/{visit.pk}/attendance/" not in before, "no buttons before the visit begins"

    with days_after(visit.slot.start, 0.05):
        page = signed_in(host.user).get(url).content.decode()
        response = signed_in(host.user).post(
            f"/bookings/{visit.pk}/attendance/", {"attended": "no", "next": url}, follow=True
        )

    assert f"/bookings/{visit.pk}/attendance/" in page
    assert Booking.objects.get(pk=visit.pk).status == Booking.Status.NO_SHOW
    assert "udeblevet" in response.content.decode()


def test_the_hosts_home_lists_visits_to_mark(visit, host):
    with days_after(visit.slot.start, 1):
        page = signed_in(host.user).get("/").content.decode()
        signed_in(host.user).post(f"/bookings/{visit.pk}/attendance/", {"attended": "yes"})
        after = signed_in(host.user).get("/").content.decode()

    assert f"/bookings/{visit.pk}/attendance/" in page
    assert f"/bookings/{visit.pk}/attendance/" not in after
    assert Booking.objects.get(pk=visit.pk).status == Booking.Status.COMPLETED


@pytest.mark.parametrize("value", ["", "maybe", "<script>", "1" * 1000])
def test_attendance_garbage_changes_nothing(visit, host, value):
    with days_after(visit.slot.start, 1):
        response = signed_in(host.user).post(f"/bookings/{visit.pk}/attendance/", {"attended": value})

    assert response.status_code == 302
    assert Booking.objects.get(pk=visit.pk).status == Booking.Status.CONFIRMED


def test_attendance_before_the_visit_is_refused_with_a_message(visit, host):
    response = signed_in(host.user).post(f"/bookings/{visit.pk}/attendance/", {"attended": "yes"}, follow=True)

    assert "når besøget er begyndt" in response.content.decode()
    assert Booking.objects.get(pk=visit.pk).status == Booking.Status.CONFIRMED


def test_a_phone_sized_form_has_no_fixed_widths(asked):
    """Phone first (390 px): the page carries the viewport and the form is one stacked column."""
    page = Client().get(link(asked["teacher"])).content.decode()

    assert 'name="viewport" content="width=device-width' in page
    assert 'class="stacked"' in page and "width:" not in page


def test_the_consultant_filters_by_kind_of_activity_and_sees_mean_scores(asked, consultant):
    Client().post(link(asked["teacher"]), GOOD_TEACHER | {"comment": "Eleverne var begejstrede"})
    Client().post(link(asked["host"]), {"rating": "2", "goals_met": "no", "comment": "Uroligt"})
    web = signed_in(consultant)

    visits = web.get("/workspace/feedback/?activity_kind=company_visit").content.decode()
    at_school = web.get("/workspace/feedback/?activity_kind=adoption").content.decode()

    assert "Eleverne var begejstrede" in visits and "Uroligt" in visits
    assert "Eleverne var begejstrede" not in at_school
    assert "2 svar" in visits and "3,0" in visits, "the mean of 4 and 2, in Danish"
    assert "2,0 → 4,0" in visits, "the teacher's interest before and after"


def test_the_feedback_pages_read_as_danish(asked, teacher, consultant):
    form = Client(HTTP_ACCEPT_LANGUAGE="da").get(link(asked["teacher"])).content.decode()
    mine = signed_in(teacher.user).get("/feedback/asked/").content.decode()
    workspace = signed_in(consultant).get("/workspace/feedback/").content.decode()

    assert "Nåede I de planlagte læringsmål?" in form and "Delvist" in form
    assert "Venter på dit svar" in mine
    assert "Besvaret af" in workspace and "Alle slags" in workspace
    for page in (form, mine, workspace):
        assert "How did" not in page and "Waiting for your answer" not in page
