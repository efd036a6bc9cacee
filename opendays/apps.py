from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendaysConfig(AppConfig):
    name = "opendays"
    verbose_name = _("Open days")

    def ready(self) -> None:
        """Tell notifications how open-day messages are delivered; notifications imports no domain."""
        from opendays import messages

        messages.register()

        from accounts.signals import person_erasing
        from opendays.services.after import person_applications_erase

        person_erasing.connect(person_applications_erase, dispatch_uid="opendays.person_erase")
