"""A consultant with an area sees the bookings of the schools in it, in the selectors and so in
the API and on the pages; an administrator and a consultant without an area see every booking."""

import pytest

from bookings import selectors, services
from core.models import Municipality
from tests import factories
from tests.conftest import client_for

THISTED, AALBORG = 787, 851


@pytest.fixture
def thisted_consultant(db):
    consultant = factories.UserFactory(username="thisted-konsulent", is_consultant=True)
    consultant.area.set([Municipality.objects.get(code=THISTED)])
    return consultant


@pytest.fixture
def bookings_by_town(slot, host):
    """A class's booking from a school in Thisted and one from a school in Aalborg on the same
    slot, and a teacher visit by a teacher from Thisted."""
    made = {}
    for code in (THISTED, AALBORG):
        teacher = factories.TeacherFactory(school__municipality=Municipality.objects.get(code=code))
        school_class = factories.SchoolClassFactory(school=teacher.school)
        made[code] = services.booking_create(
            actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20
        )
    visit_slot = factories.SlotFactory(offer=factories.OfferFactory(company=host.company, kind="teacher_visit"))
    thisted_teacher = factories.TeacherFactory(school__municipality=Municipality.objects.get(code=THISTED))
    made["visit"] = services.booking_create(actor=thisted_teacher.user, slot_id=visit_slot.pk)
    return made


def test_consultant_with_an_area_sees_only_its_schools_bookings(thisted_consultant, bookings_by_town):
    visible = set(selectors.booking_list_for_user(thisted_consultant).values_list("pk", flat=True))

    assert visible == {bookings_by_town[THISTED].pk, bookings_by_town["visit"].pk}


@pytest.mark.parametrize("who", ["consultant without area", "administrator"])
def test_consultant_without_area_and_administrator_see_every_booking(db, bookings_by_town, who):
    user = factories.UserFactory(is_consultant=who != "administrator", is_superuser=who == "administrator")
    if who == "administrator":
        user.area.set([Municipality.objects.get(code=THISTED)])  # an area does not narrow an administrator

    visible = set(selectors.booking_list_for_user(user).values_list("pk", flat=True))

    assert visible == {booking.pk for booking in bookings_by_town.values()}


def test_consultant_with_an_area_still_sees_their_own_companys_bookings(thisted_consultant, bookings_by_town, slot):
    """A consultant who is also a company's host sees that company's bookings, wherever the school."""
    factories.CompanyMemberFactory(company=slot.offer.company, user=thisted_consultant)

    visible = set(selectors.booking_list_for_user(thisted_consultant).values_list("pk", flat=True))

    assert bookings_by_town[AALBORG].pk in visible


def test_booking_outside_the_area_answers_404_in_the_api_and_on_the_page(thisted_consultant, bookings_by_town, client):
    api = client_for(thisted_consultant)
    client.force_login(thisted_consultant)
    for code, expected in [(THISTED, 200), (AALBORG, 404)]:
        booking = bookings_by_town[code]
        assert api.get(f"/api/v1/bookings/{booking.pk}/").status_code == expected
        assert client.get(f"/bookings/{booking.pk}/").status_code == expected


def test_waitlist_follows_the_area(thisted_consultant, bookings_by_town):
    assert not selectors.waitlist_list_for_user(thisted_consultant).filter(pk=bookings_by_town[AALBORG].pk).exists()
