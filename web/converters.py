"""Path converters for page addresses."""

from __future__ import annotations

from django.urls import register_converter

from core.validators import MAX_ID


class IdConverter:
    """A database id: Django's `int` converter accepts any number of digits, so an id too big
    for the database would reach the view and its query; here it simply matches no page (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("id out of range")
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


# Registered here, on import, and nowhere else: every page module builds its urlpatterns with
# <id:...> when it is imported, and web/views/__init__.py imports this module first, so the
# converter is known however the views are reached (web/urls.py, or a test importing a view
# module before the apps are ready, when AppConfig.ready() would come too late).
register_converter(IdConverter, "id")
