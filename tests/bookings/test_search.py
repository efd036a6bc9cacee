"""Text search in the catalogue and the API: Danish letters match whatever their case, every
word must match (title, description or company name), and LIKE's wildcards typed by a user
are plain characters."""

from __future__ import annotations

import pytest
from django.db import connection

from core.sqlite import unicode_like
from tests import factories


@pytest.fixture
def offers(db):
    oresund = factories.CompanyFactory(name="Øresund Energi A/S", cvr="40000001")
    aero = factories.CompanyFactory(name="Ærø Færgeværft", cvr="40000002")
    return {
        "energy": factories.OfferFactory(
            company=oresund, title="Strøm fra havet", description="Vindmøller på 50% af dagen"
        ),
        "ferry": factories.OfferFactory(company=aero, title="Sådan bygges en FÆRGE", description="Svejsning og maling"),
    }


def _skip_unless_database_folds_danish_case() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT LOWER('ÆØÅ')")
        if connection.vendor == "postgresql" and cursor.fetchone()[0] != "æøå":
            pytest.skip("this PostgreSQL server's locale does not fold Æ, Ø, Å (create it with a UTF-8 locale)")


def titles(client, url: str, query: str) -> set[str]:
    response = client.get(url, {"q": query})
    assert response.status_code == 200
    return {row.get("title") or row.get("offer_title") for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("øresund", {"Strøm fra havet"}),
        ("ØRESUND", {"Strøm fra havet"}),
        ("færge", {"Sådan bygges en FÆRGE"}),
        ("ærø svejsning", {"Sådan bygges en FÆRGE"}),
        ("ærø strøm", set()),
        ("SÅDAN", {"Sådan bygges en FÆRGE"}),
        ("50%", {"Strøm fra havet"}),
        ("%", {"Strøm fra havet"}),
        ("_", set()),
    ],
)
def test_offer_search_folds_danish_letters_and_needs_every_word(api_client, offers, query, expected):
    _skip_unless_database_folds_danish_case()
    assert titles(api_client, "/api/v1/offers/", query) == expected


def test_slot_search_folds_danish_letters(api_client, offers):
    _skip_unless_database_folds_danish_case()
    factories.SlotFactory(offer=offers["ferry"])
    factories.SlotFactory(offer=offers["energy"])
    assert titles(api_client, "/api/v1/slots/", "øRESUND") == {"Strøm fra havet"}


def test_catalogue_page_search_finds_a_company_by_its_danish_name(client, offers):
    _skip_unless_database_folds_danish_case()
    response = client.get("/offers/", {"q": "ærø"})
    assert response.status_code == 200
    assert "Sådan bygges en FÆRGE" in response.text
    assert "Strøm fra havet" not in response.text


@pytest.mark.parametrize(
    ("pattern", "value", "escape", "matches"),
    [
        ("%ærø%", "Ærø Færgeværft", None, True),
        ("ærø", "ÆRØ", None, True),
        ("æ_ø", "ÆRØ", None, True),
        ("æ_ø", "ÆRRØ", None, False),
        ("%50\\%%", "på 50% af dagen", "\\", True),
        ("%50\\%%", "på 50 af dagen", "\\", False),
        ("%a\\_b%", "a_b", "\\", True),
        ("%a\\_b%", "axb", "\\", False),
        ("%x%", "første\nlinje x", None, True),
    ],
)
def test_unicode_like_keeps_like_semantics(pattern, value, escape, matches):
    assert unicode_like(pattern, value, escape) is matches


def test_unicode_like_is_null_with_null():
    assert unicode_like(None, "x") is None
    assert unicode_like("x", None) is None
