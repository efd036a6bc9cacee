"""The pupils' public pages: phone first, no account; the honeypot, the rate limit, the
confirmation and guardian links, and her own page where she changes, withdraws and erases."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from opendays.models import Application, LinkPurpose
from tests.opendays.conftest_applications import *  # noqa: F403 (the fixtures)
from tests.opendays.conftest_applications import apply


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def form_data(hosts, **fields) -> dict:
    data = {
        "first_name": "Freja",
        "age": "16",
        "email": "freja@example.dk",
        "municipality": hosts[0].company.municipality_id,
        "first_time": "on",
        "choice_1": hosts[0].pk,
        "choice_2": hosts[1].pk,
        "choice_3": hosts[2].pk,
    }
    data.update(fields)
    return data


def test_list_day_and_form_are_public(client, open_day, hosts):
    assert open_day.title in client.get(reverse("openday-public-list")).content.decode()
    day_page = client.get(reverse("openday-public-day", args=[open_day.pk])).content.decode()
    assert hosts[0].company.name in day_page
    assert client.get(reverse("openday-apply", args=[open_day.pk])).status_code == 200


def test_applying_saves_and_shows_check_your_email(client, open_day, hosts):
    response = client.post(reverse("openday-apply", args=[open_day.pk]), form_data(hosts))

    assert response.status_code == 302 and response.url == reverse("openday-apply-sent")
    assert Application.objects.get().status == Application.Status.AWAITING_EMAIL


def test_a_refusal_is_shown_next_to_the_choices_and_saves_nothing(client, open_day, hosts):
    response = client.post(reverse("openday-apply", args=[open_day.pk]), form_data(hosts, choice_2=hosts[0].pk))

    assert response.status_code == 200
    assert "Vælg hver vært kun én gang" in response.content.decode()
    assert Application.objects.count() == 0


def test_the_honeypot_looks_like_success_and_saves_nothing(client, open_day, hosts):
    response = client.post(reverse("openday-apply", args=[open_day.pk]), form_data(hosts, website="http://spam"))

    assert response.status_code == 302
    assert Application.objects.count() == 0


def test_one_address_is_stopped_after_the_hourly_limit(client, open_day, hosts, monkeypatch):
    monkeypatch.setattr("web.views.openday_pupils.APPLY_LIMIT_PER_HOUR", 2)
    url = reverse("openday-apply", args=[open_day.pk])
    for n in range(2):
        client.post(url, form_data(hosts, email=f"pige{n}@example.dk"))

    response = client.post(url, form_data(hosts, email="pige9@example.dk"))

    assert response.status_code == 429
    assert Application.objects.count() == 2


def test_limit_counts_the_pupils_address_behind_the_proxy(client, open_day, hosts, monkeypatch, settings):
    """Behind a proxy every request comes from the proxy's address: the limit counts the address the
    proxy forwarded, so pupils of two schools do not share one allowance."""
    settings.TRUSTED_PROXY_COUNT = 1
    monkeypatch.setattr("web.views.openday_pupils.APPLY_LIMIT_PER_HOUR", 2)
    url = reverse("openday-apply", args=[open_day.pk])
    for n in range(2):
        client.post(url, form_data(hosts, email=f"pige{n}@example.dk"), HTTP_X_FORWARDED_FOR="192.0.2.1")

    other_school = client.post(url, form_data(hosts, email="pige8@example.dk"), HTTP_X_FORWARDED_FOR="192.0.2.2")
    same_school = client.post(url, form_data(hosts, email="pige9@example.dk"), HTTP_X_FORWARDED_FOR="192.0.2.1")

    assert other_school.status_code == 302
    assert same_school.status_code == 429


def test_garbage_input_never_gives_a_500(client, open_day, hosts):
    url = reverse("openday-apply", args=[open_day.pk])
    response = client.post(url, {"age": "x" * 500, "choice_1": "999999999999", "email": "@"})
    assert response.status_code == 200
    assert client.get("/open-days/me/nonsense/").status_code == 404
    assert client.get("/open-days/guardian/nonsense/").status_code == 404


def test_confirm_link_get_changes_nothing_and_post_confirms(client, open_day, hosts):
    application = apply(open_day, hosts, age=16)
    url = reverse("openday-apply-confirm", args=[application.link_token(LinkPurpose.APPLICANT)])

    client.get(url)
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_EMAIL
    client.post(url)
    application.refresh_from_db()
    assert application.status == Application.Status.CONFIRMED


def test_guardian_page_consents(client, open_day, hosts):
    from opendays.services import email_confirm

    application = email_confirm(application=apply(open_day, hosts, age=14, guardian_email="mor@example.dk"))
    url = reverse("openday-guardian", args=[application.link_token(LinkPurpose.GUARDIAN)])

    assert "Freja" in client.get(url).content.decode()
    client.post(url, {"answer": "yes"})
    application.refresh_from_db()
    assert application.status == Application.Status.CONFIRMED


def test_own_page_changes_withdraws_and_erases(client, open_day, hosts):
    application = apply(open_day, hosts, age=16)
    token = application.link_token(LinkPurpose.APPLICANT)
    page = reverse("openday-application", args=[token])

    assert client.get(page).status_code == 200
    client.post(page, {"choice_1": hosts[2].pk, "choice_2": hosts[1].pk, "choice_3": hosts[0].pk})
    assert application.preferences.get(rank=1).host_id == hosts[2].pk
    client.post(reverse("openday-withdraw", args=[token]))
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    client.post(reverse("openday-erase", args=[token]))
    application.refresh_from_db()
    assert application.first_name == "" and application.erased_at is not None
    assert client.get(page).status_code == 404


def test_another_applicants_link_shows_nothing_of_her(client, open_day, hosts):
    apply(open_day, hosts, age=16, first_name="Karla", email="karla@example.dk")
    other = apply(open_day, hosts, age=16)
    page = client.get(reverse("openday-application", args=[other.link_token(LinkPurpose.APPLICANT)]))
    assert "Karla" not in page.content.decode()


def test_the_form_speaks_danish_by_default(client, open_day, hosts):
    page = client.get(reverse("openday-apply", args=[open_day.pk]), HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Send ansøgning" in page


def test_withdraw_asks_first(client, open_day, hosts):
    application = apply(open_day, hosts, age=16)
    url = reverse("openday-withdraw", args=[application.link_token(LinkPurpose.APPLICANT)])

    assert client.get(url).status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_EMAIL


def test_a_used_confirmation_link_leads_to_her_page(client, open_day, hosts):
    from opendays.services import email_confirm

    application = email_confirm(application=apply(open_day, hosts, age=16))
    token = application.link_token(LinkPurpose.APPLICANT)

    response = client.get(reverse("openday-apply-confirm", args=[token]))

    assert response.status_code == 302 and response.url == reverse("openday-application", args=[token])


def test_link_pages_are_never_cached(client, open_day, hosts):
    application = apply(open_day, hosts, age=16)
    response = client.get(reverse("openday-application", args=[application.link_token(LinkPurpose.APPLICANT)]))
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_after_publication_her_page_names_her_host_and_offers_an_ics(client, open_day, hosts):
    from django.utils import timezone

    from opendays.models import OpenDay

    application = apply(open_day, hosts, age=16)
    token = application.link_token(LinkPurpose.APPLICANT)
    ics = reverse("openday-application-ics", args=[token])
    assert client.get(ics).status_code == 302  # nothing to put in a calendar yet

    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.CONFIRMED, outcome=Application.Outcome.PLACED, host=hosts[1], preference_rank=2
    )
    OpenDay.objects.filter(pk=open_day.pk).update(status=OpenDay.Status.PUBLISHED, published_at=timezone.now())

    page = client.get(reverse("openday-application", args=[token])).content.decode()
    assert hosts[1].company.name in page and ics in page
    calendar = client.get(ics)
    assert calendar["Content-Type"].startswith("text/calendar")
    body = calendar.content.decode()
    assert "BEGIN:VEVENT" in body and hosts[1].city in body


def test_a_day_not_yet_open_says_when_it_opens(client, hosts, open_day):
    import datetime as dt

    from django.utils import timezone

    from opendays.models import OpenDay

    OpenDay.objects.filter(pk=open_day.pk).update(applications_open=timezone.now() + dt.timedelta(days=2))
    page = client.get(reverse("openday-public-day", args=[open_day.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Applications open" in page
    assert reverse("openday-apply", args=[open_day.pk]) not in page


def test_the_day_page_reads_a_fixed_number_of_times_whatever_the_hosts(
    client, open_day, hosts, django_assert_max_num_queries
):
    from tests import factories
    from tests.opendays.conftest_applications import make_host

    url = reverse("openday-public-day", args=[open_day.pk])
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    for _ in range(10):
        host = make_host(open_day)
        host.role_models.add(factories.RoleModelFactory(company=host.company))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_after_the_day_her_page_offers_erasure_not_withdrawal(client, open_day, hosts):
    import datetime as dt

    from opendays.models import OpenDay

    application = apply(open_day, hosts, age=16)
    token = application.link_token(LinkPurpose.APPLICANT)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.CONFIRMED)
    OpenDay.objects.filter(pk=open_day.pk).update(date=open_day.date - dt.timedelta(days=60))

    page = client.get(reverse("openday-application", args=[token])).content.decode()
    assert reverse("openday-withdraw", args=[token]) not in page
    assert reverse("openday-erase", args=[token]) in page
    response = client.post(reverse("openday-withdraw", args=[token]))
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()


def test_the_guardian_link_opens_her_page_but_does_not_confirm_her_address(client, open_day, hosts):
    """The publication e-mail to a guardian links her page with the guardian's token."""
    application = apply(open_day, hosts, age=14, guardian_email="mor@example.dk")
    token = application.link_token(LinkPurpose.GUARDIAN)

    assert client.get(reverse("openday-application", args=[token])).status_code == 200
    assert client.post(reverse("openday-apply-confirm", args=[token])).status_code == 404
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_EMAIL


def test_the_menu_leads_visitors_and_teachers_to_open_days(client, teacher):
    assert reverse("openday-public-list") in client.get(reverse("offer-catalogue")).content.decode()
    client.force_login(teacher.user)
    assert reverse("openday-teacher-applications") in client.get(reverse("offer-catalogue")).content.decode()
