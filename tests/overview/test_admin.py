"""The overview in the admin: an administrator reads feedback, initiatives and when the figures
were rebuilt, and can change none of them there (every write goes through the services)."""

import pytest
from django.urls import reverse

from overview.models import Feedback, Initiative

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["feedback", "initiative", "factsrefresh"])
def test_an_administrator_reads_every_overview_list_in_the_admin(admin_client, model):
    response = admin_client.get(reverse(f"admin:overview_{model}_changelist"))

    assert response.status_code == 200


def test_the_admin_adds_no_initiative_and_shows_no_feedback_link_secret(admin_client, visit):
    Initiative.objects.create(name="Coding Pirates", owner="Coding Pirates", geography="regional")
    feedback = Feedback.objects.create(
        booking=visit, respondent=Feedback.Respondent.TEACHER, expires_at="2030-01-01T00:00Z"
    )
    feedback.issue_link()
    feedback.save()

    assert admin_client.get(reverse("admin:overview_initiative_add")).status_code == 403
    page = admin_client.get(reverse("admin:overview_feedback_change", args=[feedback.pk])).content.decode()
    assert feedback.link_nonce not in page
    assert feedback.token_hash not in page
