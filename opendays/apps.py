from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendaysConfig(AppConfig):
    name = "opendays"
    verbose_name = _("Open days")

    def ready(self) -> None:
        """Tell notifications how open-day messages are delivered; notifications imports no domain."""
        from opendays import messages

        messages.register()
