"""Who may read a private calendar feed, checked at every request: each person has their own
address of a feed (also of a class's or a company's, which many share), it stops answering
when its holder is deactivated or leaves the school or company, only its SHA-256 is stored,
and resetting it touches no one else's address."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from notifications.models import CalendarFeed, CalendarSubscription, feed_token_hash
from tests import factories
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

Kind = CalendarFeed.Kind


def feed_id(user, kind: str, **owner) -> int:
    """The id of `user`'s feed of `kind` (of the class or company in `owner`), as listed."""
    listed = client_for(user).get("/api/v1/calendar-feeds/").json()
    ids = [feed["id"] for feed in listed if feed["kind"] == kind]
    return CalendarFeed.objects.get(pk__in=ids, kind=kind, **owner).pk


def new_address(user, kind: str, **owner) -> str:
    """The path of a new address of `user`'s feed of `kind`, as the reset answers it."""
    response = client_for(user).post(f"/api/v1/calendar-feeds/{feed_id(user, kind, **owner)}/reset/")
    assert response.status_code == 200, response.content
    return urlsplit(response.json()["https_url"]).path


def status(path: str) -> int:
    return Client().get(path).status_code


# Holders who leave ---------------------------------------------------------------------------


def test_a_deactivated_teachers_own_and_class_addresses_answer_404(teacher, school_class):
    own = new_address(teacher.user, Kind.TEACHER)
    of_class = new_address(teacher.user, Kind.SCHOOL_CLASS)
    assert (status(own), status(of_class)) == (200, 200)

    teacher.user.is_active = False
    teacher.user.save()

    assert (status(own), status(of_class)) == (404, 404)


def test_a_teacher_who_moves_school_loses_their_addresses_and_a_colleague_keeps_the_class(teacher, school_class):
    colleague = factories.TeacherFactory(school=teacher.school)
    own = new_address(teacher.user, Kind.TEACHER)
    mine = new_address(teacher.user, Kind.SCHOOL_CLASS)
    theirs = new_address(colleague.user, Kind.SCHOOL_CLASS)
    assert (status(own), status(mine), status(theirs)) == (200, 200, 200)

    teacher.school = factories.SchoolFactory()
    teacher.save()

    assert (status(own), status(mine), status(theirs)) == (404, 404, 200)


def test_a_user_no_longer_a_teacher_loses_the_class_address(teacher, school_class):
    of_class = new_address(teacher.user, Kind.SCHOOL_CLASS)
    own = new_address(teacher.user, Kind.TEACHER)

    teacher.delete()

    assert (status(of_class), status(own)) == (404, 404)


def test_a_member_removed_from_the_company_loses_their_addresses_and_a_colleague_keeps_the_company(host, company):
    colleague = factories.CompanyMemberFactory(company=company)
    own = new_address(host.user, Kind.MEMBER)
    mine = new_address(host.user, Kind.COMPANY)
    theirs = new_address(colleague.user, Kind.COMPANY)
    assert (status(own), status(mine), status(theirs)) == (200, 200, 200)

    host.delete()

    assert (status(own), status(mine), status(theirs)) == (404, 404, 200)


def test_a_member_of_two_companies_who_leaves_one_keeps_the_other_and_their_own(host, company):
    other = factories.CompanyMemberFactory(user=host.user).company
    own = new_address(host.user, Kind.MEMBER)
    left = new_address(host.user, Kind.COMPANY, company=company)
    stays = new_address(host.user, Kind.COMPANY, company=other)

    host.delete()

    assert (status(own), status(left), status(stays)) == (200, 404, 200)


def test_a_deactivated_members_addresses_answer_404(host, company):
    own = new_address(host.user, Kind.MEMBER)
    of_company = new_address(host.user, Kind.COMPANY)

    host.user.is_active = False
    host.user.save()

    assert (status(own), status(of_company)) == (404, 404)


# Resetting a shared feed ---------------------------------------------------------------------


def test_resetting_a_class_address_leaves_a_colleagues_address_working(teacher, school_class):
    colleague = factories.TeacherFactory(school=teacher.school)
    mine = new_address(teacher.user, Kind.SCHOOL_CLASS)
    theirs = new_address(colleague.user, Kind.SCHOOL_CLASS)

    renewed = new_address(teacher.user, Kind.SCHOOL_CLASS)

    assert renewed != mine
    assert (status(mine), status(renewed), status(theirs)) == (404, 200, 200)


def test_resetting_a_company_address_leaves_a_colleagues_address_working(host, company):
    colleague = factories.CompanyMemberFactory(company=company)
    theirs = new_address(colleague.user, Kind.COMPANY)
    mine = new_address(host.user, Kind.COMPANY)

    renewed = new_address(host.user, Kind.COMPANY)

    assert (status(mine), status(renewed), status(theirs)) == (404, 200, 200)


# Tokens at rest ------------------------------------------------------------------------------


def _stored_texts() -> list[str]:
    """Every text value in every row of the notifications tables."""
    texts = []
    for model in apps.get_app_config("notifications").get_models():
        columns = [field.attname for field in model._meta.concrete_fields if isinstance(field, models.CharField)]
        for row in model.objects.values_list(*columns):
            texts += [value for value in row if isinstance(value, str)]
    return texts


def test_only_the_sha256_of_a_token_is_stored(teacher, school_class):
    token = new_address(teacher.user, Kind.SCHOOL_CLASS).removeprefix("/calendar/").removesuffix(".ics")

    stored = _stored_texts()

    assert not [text for text in stored if token in text]
    assert hashlib.sha256(token.encode()).hexdigest() in stored


def test_the_listing_tells_that_an_address_exists_without_showing_it(teacher, school_class):
    new_address(teacher.user, Kind.TEACHER)

    listed = {feed["kind"]: feed for feed in client_for(teacher.user).get("/api/v1/calendar-feeds/").json()}

    assert listed[Kind.TEACHER]["subscribed"] is True
    assert listed[Kind.TEACHER]["https_url"] is None and listed[Kind.TEACHER]["webcal_url"] is None
    assert listed[Kind.SCHOOL_CLASS]["subscribed"] is False


# Unknown feeds -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/calendar/{huge}/reset/", "/calendar/{other}/reset/", "/calendar/{unknown}/reset/"])
def test_resetting_a_feed_that_is_not_yours_on_the_page_is_404(path, teacher, school_class, other_teacher):
    other = feed_id(other_teacher.user, Kind.TEACHER)
    client = Client()
    client.force_login(teacher.user)

    response = client.post(path.format(huge="9" * 30, other=other, unknown=other + 1000))

    assert response.status_code == 404


@pytest.mark.parametrize("feed", ["9" * 30, "abc", "-1"])
def test_resetting_an_unknown_feed_through_the_api_is_404(feed, teacher, school_class):
    assert client_for(teacher.user).post(f"/api/v1/calendar-feeds/{feed}/reset/").status_code == 404


# The subscriptions page ----------------------------------------------------------------------


def test_the_page_shows_a_new_address_once_and_then_that_one_exists(teacher, school_class):
    client = Client(headers={"accept-language": "en"})
    client.force_login(teacher.user)
    own = feed_id(teacher.user, Kind.TEACHER)
    before = client.get("/calendar/").content.decode()
    assert "/calendar/" not in before.split("<main", 1)[1].replace('action="/calendar/', "")  # no address yet
    assert "Get my address" in before

    shown = client.post(f"/calendar/{own}/reset/", follow=True).content.decode()
    (token,) = re.findall(r'value="https?://[^"]+/calendar/([^"/]+)\.ics"', shown)
    assert 'href="webcal://' in shown and "shown only this once" in shown
    again = client.get("/calendar/").content.decode()

    assert token not in again
    assert "You have an address of this calendar" in again and "Get a new address" in again
    assert status(f"/calendar/{token}.ics") == 200


def test_the_page_in_danish_says_the_address_is_shown_once(teacher, school_class):
    client = Client(headers={"accept-language": "da"})
    client.force_login(teacher.user)

    shown = client.post(f"/calendar/{feed_id(teacher.user, Kind.TEACHER)}/reset/", follow=True).content.decode()
    again = client.get("/calendar/").content.decode()

    assert "vises kun denne ene gang" in shown
    assert "Du har en adresse til denne kalender" in again and "Få en ny adresse" in again


def test_the_page_offers_to_stop_a_classs_shared_address_from_before(teacher, school_class):
    """A class's address from before addresses were personal is named on the page, and a
    reset with the box ticked stops it; without the box it keeps working."""
    feed = CalendarFeed.objects.get(pk=feed_id(teacher.user, Kind.SCHOOL_CLASS))
    shared = "s" * 43
    CalendarSubscription.objects.create(feed=feed, holder=None, token_hash=feed_token_hash(shared))
    client = Client(headers={"accept-language": "en"})
    client.force_login(teacher.user)
    assert "shared by the teachers of your school" in client.get("/calendar/").content.decode()

    client.post(f"/calendar/{feed.pk}/reset/")
    assert status(f"/calendar/{shared}.ics") == 200
    client.post(f"/calendar/{feed.pk}/reset/", {"stop_shared_address": "on"})

    assert status(f"/calendar/{shared}.ics") == 404
    assert "shared by the teachers of your school" not in client.get("/calendar/").content.decode()


def test_the_first_address_says_nothing_of_an_earlier_one_and_a_new_one_does(teacher, school_class):
    """The first "Get my address" gives the address without claiming an earlier one stopped;
    "Get a new address" says the previous address no longer works."""
    client = Client(headers={"accept-language": "en"})
    client.force_login(teacher.user)
    own = feed_id(teacher.user, Kind.TEACHER)
    stopped = "previous address of this calendar no longer works"

    first = client.post(f"/calendar/{own}/reset/", follow=True).content.decode()
    second = client.post(f"/calendar/{own}/reset/", follow=True).content.decode()

    assert "Your address, shown only this once." in first
    assert stopped not in first
    assert "Your new address, shown only this once." in second
    assert stopped in second


def test_the_first_address_in_danish_does_not_mention_an_earlier_one(teacher, school_class):
    client = Client(headers={"accept-language": "da"})
    client.force_login(teacher.user)

    first = client.post(f"/calendar/{feed_id(teacher.user, Kind.TEACHER)}/reset/", follow=True).content.decode()

    assert "tidligere adresse" not in first
    assert "Din adresse – den vises kun denne ene gang." in first


def test_a_person_without_school_or_company_is_told_where_calendars_come_from(consultant):
    """A consultant who teaches nowhere and works for no company has no calendars, and the
    page says that calendars come with a school or a company."""
    client = Client(headers={"accept-language": "da"})
    client.force_login(consultant)

    page = client.get("/calendar/").content.decode()

    assert "Du har endnu ingen kalendere at abonnere på." in page
    assert "Kalendere hører til en skole eller en virksomhed" in page
