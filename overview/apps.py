from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The coordinator's overview: feedback after every activity, the figures of reach and effect
    across the region, and the catalogue of STEM initiatives. It reads every domain and is read by
    none: it sits between the domains and web/."""

    name = "overview"
    verbose_name = _("Overview")

    def ready(self) -> None:
        """Tell notifications how feedback e-mails are delivered (notifications imports no
        domain), and withdraw feedback asked about a class bookings says did not come."""
        from bookings.signals import attendance_marked
        from overview import messages
        from overview.services.feedback import on_attendance_marked

        messages.register()
        attendance_marked.connect(on_attendance_marked, dispatch_uid="overview.feedback.attendance")

        from accounts.signals import person_erasing
        from overview.services.erasure import person_overview_erase

        person_erasing.connect(person_overview_erase, dispatch_uid="overview.person_erase")
