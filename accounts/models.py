from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Their role follows from what they belong to:
    a school (teacher), a company (company member), or the consultant flag."""

    class Language(models.TextChoices):
        DANISH = "da", _("Danish")
        ENGLISH = "en", _("English")

    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.DANISH)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_consultant = models.BooleanField(
        _("matching consultant"),
        default=False,
        help_text=_("Consultants see every school, company and booking in the region."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.is_consultant

    def __str__(self) -> str:
        return self.get_full_name() or self.username
