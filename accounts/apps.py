from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import post_save

        from accounts.audit import admin_change_recorded, sign_in_refused

        user_login_failed.connect(sign_in_refused, dispatch_uid="accounts.audit.sign_in_refused")
        post_save.connect(admin_change_recorded, sender=LogEntry, dispatch_uid="accounts.audit.admin_change")
