"""One way to store a secret token, shared by calendar addresses, open-day links and feedback links."""

import hashlib

from core.tokens import token_hash
from notifications.models import feed_token_hash
from opendays.models import Application
from overview.models import Feedback


def test_a_token_is_stored_as_its_sha256():
    assert token_hash("æøå-token") == hashlib.sha256("æøå-token".encode()).hexdigest()
    assert len(token_hash("x")) == 64


def test_feeds_open_day_links_and_feedback_links_hash_alike():
    assert feed_token_hash is token_hash
    for model in (Application, Feedback):
        assert model._meta.get_field("token_hash").max_length == len(token_hash("x"))
