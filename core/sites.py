"""Absolute addresses on this installation, for links that leave the site (e-mails, calendar
feeds). In core so every layer can build them: accounts sits below notifications."""

from __future__ import annotations

from django.conf import settings


def site_url(path: str) -> str:
    """The address of `path` ("/bookings/42/") on this installation: settings.SITE_URL, read
    at each call, with or without its trailing slash."""
    return settings.SITE_URL.rstrip("/") + path
