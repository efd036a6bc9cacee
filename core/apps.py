from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from core import checks  # noqa: F401 (registers the deployment check)
        from core.sqlite import install_unicode_like

        connection_created.connect(install_unicode_like, dispatch_uid="core.sqlite.install_unicode_like")
