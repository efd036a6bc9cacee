from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompaniesConfig(AppConfig):
    name = "companies"
    verbose_name = _("Companies")

    def ready(self) -> None:
        """Erase what companies hold about a person when accounts erases them."""
        from accounts.signals import person_erasing
        from companies.services import person_company_data_erase

        person_erasing.connect(person_company_data_erase, dispatch_uid="companies.person_erase")
