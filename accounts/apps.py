from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from accounts.audit import sign_in_refused

        user_login_failed.connect(sign_in_refused, dispatch_uid="accounts.audit.sign_in_refused")
