"""The admin speaks Danish: Django's own strings, our models and fields, and the task queue's."""

from __future__ import annotations

import pytest

from bookings import services
from tests import factories

BROWSERS = [{}, {"HTTP_ACCEPT_LANGUAGE": "da"}, {"HTTP_ACCEPT_LANGUAGE": "da-DK,da;q=0.9"}]


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.UserFactory(username="drift", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("headers", BROWSERS, ids=["no-accept-language", "da", "da-DK"])
def test_admin_index_is_in_danish(admin_client, headers):
    """The index names the site, every app and every model in Danish."""
    page = admin_client.get("/admin/", **headers).text

    for danish in ["Brobyg-administration", "Tilbud og bookinger", "Bookinger", "Tider", "Virksomheder", "Tilføj"]:
        assert danish in page
    for danish in ["Opgaver", "Planlagte opgaver", "Fejlede opgaver", "Gennemførte opgaver", "Opgaver i kø"]:
        assert danish in page
    for english in ["Django administration", "Site administration", "Tasks", "Auth Token", "Bookings"]:
        assert english not in page


@pytest.mark.parametrize("headers", BROWSERS, ids=["no-accept-language", "da", "da-DK"])
def test_admin_booking_and_slot_pages_are_in_danish(admin_client, headers, teacher, school_class, slot):
    """The booking list and the slot form carry Danish headings, field names and actions."""
    services.booking_create(actor=teacher.user, slot_id=slot.pk, school_class_id=school_class.pk, pupils=20)
    bookings = admin_client.get("/admin/bookings/booking/", **headers).text
    slot_form = admin_client.get("/admin/bookings/slot/add/", **headers).text

    assert "Vælg booking, der skal vises" in bookings
    assert "Bekræft de valgte forespørgsler" in bookings
    assert "klasse" in bookings.lower()
    assert "Tilføj tid" in slot_form
    assert "Bookingfrist" in slot_form
    assert "Select booking" not in bookings and "Add slot" not in slot_form
