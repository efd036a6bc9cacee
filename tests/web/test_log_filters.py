"""No open-day link token reaches the logs: a 404 on a pupil's link is logged with the token
replaced, whatever handler writes it."""

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TOKEN = "x" * 40


def test_a_not_found_link_is_logged_without_its_token(caplog):
    """Django logs "Not Found: <path>" for an unknown link; the configured filter on the console
    handler redacts the token in the record, so the line carries "…" in its place."""
    caplog.handler.filters = [each for handler in logging.getLogger().handlers for each in handler.filters]
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get(f"/open-days/me/{TOKEN}/")

    assert response.status_code == 404
    assert "/open-days/me/…/" in caplog.text and TOKEN not in caplog.text


@pytest.mark.parametrize("kind", ["me", "guardian", "offer", "survey"])
def test_every_link_kind_is_redacted(kind):
    from web.log_filters import redact

    assert redact(f'"GET /open-days/{kind}/{TOKEN}/confirm/ HTTP/1.1" 404') == (
        f'"GET /open-days/{kind}/…/confirm/ HTTP/1.1" 404'
    )


def test_a_feedback_link_is_redacted_but_the_signed_in_list_is_not():
    from web.log_filters import redact

    token = "a" * 64
    assert redact(f'"POST /feedback/{token}/ HTTP/1.1" 200') == '"POST /feedback/…/ HTTP/1.1" 200'
    assert redact('"GET /feedback/asked/12/ HTTP/1.1" 200') == '"GET /feedback/asked/12/ HTTP/1.1" 200'


def test_a_not_found_feedback_link_is_logged_without_its_token(caplog):
    caplog.handler.filters = [each for handler in logging.getLogger().handlers for each in handler.filters]
    token = "b" * 64
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get(f"/feedback/{token}/")

    assert response.status_code == 404
    assert "/feedback/…/" in caplog.text and token not in caplog.text
