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


def _handlers_reached(name: str) -> list[logging.Handler]:
    """Every handler a record logged on `name` reaches, up the loggers it propagates to."""
    handlers: list[logging.Handler] = []
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        # pytest's own capturing handlers are not the installation's.
        handlers += [each for each in logger.handlers if not type(each).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    return handlers


@pytest.mark.parametrize("name", ["django.request", "django.server", "django.security.csrf"])
def test_every_handler_a_django_record_reaches_redacts_link_tokens(name):
    """With DEBUG on (make run), Django's own console handler printed "Not Found:
    /feedback/<token>/" beside the redacted line, and runserver printed every request line with
    its token: each handler such a record reaches must carry the redacting filter."""
    from web.log_filters import RedactLinkTokens

    handlers = _handlers_reached(name)

    assert handlers
    for handler in handlers:
        assert any(isinstance(each, RedactLinkTokens) for each in handler.filters), handler
