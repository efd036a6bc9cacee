from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Every server-rendered page, by audience. Domain apps hold no pages, so dependencies
    point from here to them and never back."""

    name = "web"
    verbose_name = _("Pages")

    def ready(self) -> None:
        # Each page module builds its own URL patterns when imported, so the bounded `<id:...>`
        # converter is known before the first of them is.
        from web.converters import IdConverter

        register_converter(IdConverter, "id")
