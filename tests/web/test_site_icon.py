"""Every page names the site's icon: without one, browsers ask for /favicon.ico, which answers
404 and shows as an error in the console of every first visit."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db
def test_pages_name_an_icon_that_is_served(client):
    """The home page links an icon, and that address answers with an SVG image."""
    page = client.get("/").content.decode()
    match = re.search(r'<link rel="icon"[^>]*href="([^"]+)"', page)
    assert match, "the page names no icon"

    icon = client.get(match.group(1))

    assert icon.status_code == 200
    assert icon["Content-Type"].startswith("image/svg+xml")
