"""The teacher's and the host's booking flow in a real browser: find an offer by filter,
book a slot for a class, see it on the class page, the host confirms, the teacher cancels,
a refusal shows its reason; in Danish and in English.

Selectors go by name attributes, form actions and status classes, not by labels, so they
hold in both languages."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.e2e.conftest import E2E_MARKS, login, switch_language

pytestmark = E2E_MARKS

BOOKING_FORM = "main form:has(select[name=slot])"


def status_of(page) -> str:
    """The booking's status on its page or a class page row, from the class `status-<code>`."""
    classes = page.locator("main .status").first.get_attribute("class")
    return re.search(r"status-(\w+)", classes).group(1)


def messages_text(page) -> str:
    return page.locator("main .messages").inner_text()


def find_by_filter_and_open(page, site, field: str, value: str, offer) -> None:
    page.goto(f"{site}/offers/")
    page.select_option(f"form[role=search] select[name={field}]", value)
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()
    with page.expect_navigation():
        page.locator(f"ul.cards a[href='/offers/{offer.pk}/']").click()
    assert page.url == f"{site}/offers/{offer.pk}/"
    assert page.locator("main h1").inner_text() == offer.title


def book(page, slot, school_class, *, pupils: int = 20, adults: int = 2, message: str = "") -> None:
    form = page.locator(BOOKING_FORM)
    assert form.count() == 1, "the offer page shows no booking form"
    form.locator("select[name=slot]").select_option(str(slot.pk))
    form.locator("select[name=school_class]").select_option(str(school_class.pk))
    form.locator("input[name=pupils]").fill(str(pupils))
    form.locator("input[name=adults]").fill(str(adults))
    form.locator("textarea[name=message], input[name=message]").fill(message)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def booking_id_from(page, site) -> int:
    match = re.fullmatch(rf"{re.escape(site)}/bookings/(\d+)/", page.url)
    assert match, f"not on a booking page: {page.url}"
    return int(match.group(1))


def press(page, action: str) -> None:
    """Submit the booking page's form (or button) that posts to .../<action>/."""
    button = page.locator(
        f"main form[action$='/{action}/'] button[type=submit]:not([formaction]), "
        f"main button[type=submit][formaction$='/{action}/']"
    )
    assert button.count() == 1, f"no {action} button on {page.url}"
    with page.expect_navigation():
        button.click()


@pytest.mark.parametrize("language", ["da", "en"])
def test_teacher_books_host_confirms_teacher_cancels(new_page, site, world, language):
    """The whole flow, in Danish and in English."""
    from bookings.models import Booking

    teacher = new_page()
    login(teacher, site, world.teacher.user.username)
    if language != "da":
        switch_language(teacher, language)
    find_by_filter_and_open(teacher, site, "kind", "expert_visit", world.manual_offer)
    book(teacher, world.manual_slot, world.school_class, pupils=20, adults=2, message="Vi glæder os!")

    booking_id = booking_id_from(teacher, site)
    booking = Booking.objects.get(pk=booking_id)
    assert (booking.slot_id, booking.school_class_id, booking.pupils, booking.adults) == (
        world.manual_slot.pk,
        world.school_class.pk,
        20,
        2,
    )
    assert booking.message == "Vi glæder os!"
    assert status_of(teacher) == "requested"  # manual confirmation: it waits for the host
    with translation.override(language):
        assert messages_text(teacher) == str(
            translation.gettext("The booking is sent and awaits the host's confirmation.")
        )

    # The class page lists it, linked to the booking page.
    teacher.goto(f"{site}/classes/{world.school_class.pk}/")
    row = teacher.locator(f"main tr:has(a[href='/bookings/{booking_id}/'])")
    assert row.count() == 1
    assert world.manual_offer.title in row.inner_text()
    assert "status-requested" in row.locator(".status").get_attribute("class")

    # The host sees the request on the home page, opens it and confirms.
    host = new_page()
    login(host, site, world.manual_offer.contact.user.username)
    if language != "da":
        switch_language(host, language)
    assert host.locator("html").get_attribute("lang") == language
    with host.expect_navigation():
        host.locator(f"main a[href='/bookings/{booking_id}/']").click()
    press(host, "confirm")
    assert host.url == f"{site}/bookings/{booking_id}/"
    assert status_of(host) == "confirmed"
    assert host.locator(f"main form[action='/bookings/{booking_id}/confirm/']").count() == 0
    Booking.objects.get(pk=booking_id, status=Booking.Status.CONFIRMED)

    # The teacher sees it confirmed, and cancels it.
    teacher.goto(f"{site}/bookings/{booking_id}/")
    assert status_of(teacher) == "confirmed"
    press(teacher, "cancel")
    assert teacher.url == f"{site}/bookings/{booking_id}/cancel/"  # asks first
    assert Booking.objects.get(pk=booking_id).status == Booking.Status.CONFIRMED
    press(teacher, "cancel")
    assert status_of(teacher) == "cancelled"
    assert teacher.locator("main .messages").count() == 1
    assert Booking.objects.get(pk=booking_id).status == Booking.Status.CANCELLED
    teacher.goto(f"{site}/classes/{world.school_class.pk}/")
    row = teacher.locator(f"main tr:has(a[href='/bookings/{booking_id}/'])")
    assert "status-cancelled" in row.locator(".status").get_attribute("class")


@pytest.mark.parametrize("language", ["da", "en"])
def test_auto_confirm_booking_in_each_language(page, site, world, language):
    from bookings.models import Booking

    login(page, site, world.teacher.user.username)
    if language != "da":
        switch_language(page, language)
    find_by_filter_and_open(page, site, "grade", "9", world.offer)
    assert page.locator("html").get_attribute("lang") == language
    book(page, world.slot, world.school_class, pupils=22, adults=1)

    booking_id = booking_id_from(page, site)
    assert Booking.objects.get(pk=booking_id).status == Booking.Status.CONFIRMED
    assert status_of(page) == "confirmed"
    with translation.override(language):
        expected_message = str(translation.gettext("The booking is confirmed. You can find it on the class's page."))
        expected_status = str(Booking.Status.CONFIRMED.label)
    assert messages_text(page) == expected_message
    assert page.locator("main .status").first.inner_text() == expected_status

    page.goto(f"{site}/classes/{world.school_class.pk}/")
    row = page.locator(f"main tr:has(a[href='/bookings/{booking_id}/'])")
    assert row.locator(".status").inner_text() == expected_status


@pytest.mark.parametrize("language", ["da", "en"])
def test_full_slot_without_waitlist_is_refused_with_reason(page, site, world, language):
    from bookings import services
    from bookings.models import Booking
    from tests import factories

    offer = world.offer
    offer.waitlist_enabled = False
    offer.save(update_fields=["waitlist_enabled"])
    slot = world.slot
    slot.capacity_classes = 1
    slot.save(update_fields=["capacity_classes"])
    # Another school's class takes the only place.
    rival = factories.TeacherFactory(user__username="anden-laerer")
    rival_class = factories.SchoolClassFactory(school=rival.school, name="9.B", grade=9, pupils=20)
    services.booking_create(actor=rival.user, slot_id=slot.pk, school_class_id=rival_class.pk, pupils=20)

    login(page, site, world.teacher.user.username)
    if language != "da":
        switch_language(page, language)
    page.goto(f"{site}/offers/{offer.pk}/")
    book(page, slot, world.school_class)

    # Refused: still on the offer page, the reason shown at the form, nothing booked.
    assert page.url == f"{site}/offers/{offer.pk}/"
    with translation.override(language):
        reason = str(translation.gettext(services.SLOT_FULL))
    assert reason in page.locator(BOOKING_FORM).inner_text()
    assert page.locator(f"{BOOKING_FORM} .errorlist, {BOOKING_FORM} [role=alert]").first.is_visible()
    assert not Booking.objects.filter(school_class=world.school_class).exists()
    # The entered values stay in the form.
    assert page.locator(f"{BOOKING_FORM} select[name=slot]").input_value() == str(slot.pk)
