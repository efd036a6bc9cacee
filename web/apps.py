from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """Every server-rendered page, by audience. Domain apps hold no pages, so dependencies
    point from here to them and never back. The bounded `<id:...>` path converter is
    registered by web/converters.py on import, not here (see there why)."""

    name = "web"
    verbose_name = _("Pages")
