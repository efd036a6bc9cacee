from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        """Erase what notifications hold about a person when accounts erases them."""
        from accounts.signals import person_erasing
        from notifications.services import person_messages_erase

        person_erasing.connect(person_messages_erase, dispatch_uid="notifications.person_erase")
