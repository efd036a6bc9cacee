from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The coordinator's overview: feedback after every activity, the figures of reach and effect
    across the region, and the catalogue of STEM initiatives. It reads every domain and is read by
    none: it sits between the domains and web/."""

    name = "overview"
    verbose_name = _("Overview")

    def ready(self) -> None:
        """Tell notifications how feedback e-mails are delivered; notifications imports no domain."""
        from overview import messages

        messages.register()
