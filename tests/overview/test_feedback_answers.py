"""Answering a request: once, while it is open, within the scale; the host is not asked about
the pupils' interest."""

from __future__ import annotations

import pytest

from core.errors import DomainError
from overview import services
from overview.models import MAX_COMMENT, Feedback
from tests.overview.fixtures import days_after


@pytest.fixture
def requests(visit):
    with days_after(visit.slot.end, 1):
        services.feedback_ask_due()
        yield {f.respondent: f for f in Feedback.objects.all()}


def refused(code: str, action, field: str | None = None) -> None:
    with pytest.raises(DomainError) as caught:
        action()
    assert (caught.value.code, caught.value.field) == (code, field)


def test_a_teacher_answers_once(requests):
    teacher_request = requests["teacher"]
    services.feedback_answer(feedback=teacher_request, answer=services.Answer(5, "yes", 1, 5, " Fint "))

    saved = Feedback.objects.get(pk=teacher_request.pk)
    assert (saved.rating, saved.interest_before, saved.interest_after, saved.comment) == (5, 1, 5, "Fint")
    assert saved.link_token() == "" and saved.token_hash
    refused(
        "feedback_answered", lambda: services.feedback_answer(feedback=saved, answer=services.Answer(1, "no", 1, 1))
    )


def test_a_stale_copy_of_an_answered_request_is_refused(requests):
    """Two members of the host company answer at once: the first answers for the company."""
    first, second = Feedback.objects.get(pk=requests["host"].pk), Feedback.objects.get(pk=requests["host"].pk)
    services.feedback_answer(feedback=first, answer=services.Answer(4, "yes"))

    refused("feedback_answered", lambda: services.feedback_answer(feedback=second, answer=services.Answer(1, "no")))
    assert Feedback.objects.get(pk=first.pk).rating == 4


def test_the_host_is_not_asked_about_interest(requests):
    services.feedback_answer(feedback=requests["host"], answer=services.Answer(3, "partly", 5, 5))

    saved = Feedback.objects.get(pk=requests["host"].pk)
    assert (saved.interest_before, saved.interest_after) == (None, None)


def test_a_withdrawn_or_expired_request_is_refused(requests, visit):
    services.feedback_withdraw_for_booking(booking_id=visit.pk)
    refused(
        "feedback_withdrawn",
        lambda: services.feedback_answer(
            feedback=Feedback.objects.get(pk=requests["host"].pk), answer=services.Answer(3, "yes")
        ),
    )
    Feedback.objects.filter(pk=requests["teacher"].pk).update(withdrawn_at=None)
    with days_after(visit.slot.end, 40):
        refused(
            "feedback_expired",
            lambda: services.feedback_answer(
                feedback=Feedback.objects.get(pk=requests["teacher"].pk), answer=services.Answer(3, "yes", 2, 2)
            ),
        )


@pytest.mark.parametrize(
    ("answer", "code", "field"),
    [
        (services.Answer(0, "yes", 3, 3), "score_out_of_range", "rating"),
        (services.Answer(6, "yes", 3, 3), "score_out_of_range", "rating"),
        (services.Answer(3, "maybe", 3, 3), "goals_required", "goals_met"),
        (services.Answer(3, "yes", None, 3), "score_out_of_range", "interest_before"),
        (services.Answer(3, "yes", 3, 10**20), "score_out_of_range", "interest_after"),
        (services.Answer(3, "yes", 3, 3, "x" * (MAX_COMMENT + 1)), "comment_too_long", "comment"),
    ],
)
def test_an_answer_outside_the_rules_is_refused_and_nothing_is_saved(requests, answer, code, field):
    refused(code, lambda: services.feedback_answer(feedback=requests["teacher"], answer=answer), field)

    assert Feedback.objects.get(pk=requests["teacher"].pk).answered_at is None
