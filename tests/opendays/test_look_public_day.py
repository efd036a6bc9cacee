"""Looks of an open day's public page: whom a pupil meets at a host reads as a list of jobs and then the
host's own sentence, even when a job title holds a comma ("Studentermedhjælper, programmering")."""

from __future__ import annotations

from django.urls import reverse

from companies.models import RoleModel
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)


def test_jobs_are_set_apart_by_semicolons_and_the_hosts_sentence_follows_a_full_stop(client, open_day, hosts):
    """Two role models and a sentence read "A; B. Sentence", not "A, B Sentence"."""
    host = hosts[0]
    for name, job in [("Ida", "Studentermedhjælper, programmering"), ("Mia", "Elektronikingeniør")]:
        host.role_models.add(RoleModel.objects.create(company=host.company, name=name, job_title=job))
    host.role_models_text = "To udviklere fra AAU."
    host.save()

    page = client.get(reverse("openday-public-day", args=[open_day.pk])).content.decode()

    assert "Studentermedhjælper, programmering; Elektronikingeniør. To udviklere fra AAU.</p>" in page


def test_the_hosts_sentence_alone_has_no_stray_full_stop(client, open_day, hosts):
    """A host with no role models picked shows only its sentence after "You meet"."""
    host = hosts[0]
    host.role_models_text = "To udviklere fra AAU."
    host.save()

    page = client.get(reverse("openday-public-day", args=[open_day.pk])).content.decode()

    assert "</strong> To udviklere fra AAU.</p>" in page
