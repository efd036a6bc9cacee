from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AddressMixin, Cluster, Municipality, Sector, TimeStampedModel
from core.validators import cvr_validator


class Company(AddressMixin, TimeStampedModel):
    """An ambassador company that publishes offers."""

    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, unique=True, validators=[cvr_validator])
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="companies", verbose_name=_("sector"))
    clusters = models.ManyToManyField(Cluster, blank=True, related_name="companies", verbose_name=_("clusters"))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="companies", verbose_name=_("municipality")
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class CompanyMember(TimeStampedModel):
    """A user who acts for a company."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        HOST = "host", _("Host")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members", verbose_name=_("company"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.HOST)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("company member")
        verbose_name_plural = _("company members")
        constraints = [models.UniqueConstraint(fields=["company", "user"], name="unique_company_member")]

    def __str__(self) -> str:
        return f"{self.user} ({self.company})"


class RoleModel(TimeStampedModel):
    """An employee who shows pupils their work: an engineer, an apprentice, a student in a study job."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="role_models", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=200)
    job_title = models.CharField(_("job"), max_length=200)
    education_path = models.TextField(_("education path"), blank=True)
    is_young_ambassador = models.BooleanField(
        _("young ambassador"), default=False, help_text=_("An apprentice or student showing pupils close to their age.")
    )
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("role model")
        verbose_name_plural = _("role models")

    def __str__(self) -> str:
        return f"{self.name}, {self.job_title}"

    @property
    def first_name(self) -> str:
        """The first word of the name: the one field keeps the full name."""
        return next(iter(self.name.split()), "")

    @property
    def public_name(self) -> str:
        """The name shown to anyone: the first name. A young ambassador may be an apprentice
        of 16 whose surname the public has no need of, and every role model is shown alike,
        so that a missing surname singles nobody out."""
        return self.first_name
