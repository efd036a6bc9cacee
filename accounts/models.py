from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from core.models import Municipality


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
    area = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="consultants",
        verbose_name=_("area"),
        help_text=_(
            "The municipalities a consultant works for: their workspace, adoption rounds and lists show "
            "these. Empty: the whole installation."
        ),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.is_consultant

    def area_municipality_codes(self) -> list[int] | None:
        """The municipality codes of a consultant's area; None for the whole installation
        (an administrator, or a consultant with no area set)."""
        if self.is_superuser or not self.is_consultant:
            return None
        codes = list(self.area.values_list("code", flat=True))
        return codes or None

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        """Saves; a new password on an existing account (a reset link, an invitation, the admin,
        `changepassword`) is recorded in the audit log in the same transaction, and a new password
        or a deactivation revokes every API token. Here rather than in a service because every way
        of changing a password ends in set_password and save (a hash upgrade at sign-in does not
        pass through set_password's flag, so it is neither recorded nor revoking)."""
        password_changed = self._password is not None
        if not password_changed and self.is_active:
            super().save(*args, **kwargs)
            return
        from accounts.audit import audit_record, current_actor

        existing_account = not self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if password_changed and existing_account:
                audit_record(actor=current_actor() or self, action="accounts.user.password_set", target=self)
            ApiToken.objects.filter(user=self).delete()


AUDIT_APPEND_ONLY = "The audit log is append-only: entries are never changed or deleted, only blanked by erasure."


class AuditLogAppendOnly(Exception):
    """Something tried to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes; the one change allowed is erasure's blanking of who
    did it and the details, which leaves the anonymous fact that it happened."""

    def update(self, **kwargs: object) -> int:
        raise AuditLogAppendOnly(AUDIT_APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly(AUDIT_APPEND_ONLY)

    def blank_for_erasure(self) -> int:
        """Forget who did it and the details (erasure, docs/privacy.md)."""
        return super().update(actor=None, details={})


class AuditEntry(models.Model):
    """One state change or one refused authorisation, written in the same transaction as what it
    records. Rows are only ever added; erasing a person blanks `actor` and their details, leaving
    the anonymous fact that something happened (docs/privacy.md)."""

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        REFUSED = "refused", _("refused")

    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("actor")
    )
    # What happened, as "<app>.<entity>.<verb>", e.g. "bookings.booking.create".
    action = models.CharField(_("action"), max_length=80)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.DONE)
    # What it happened to: "<app_label>.<model>" and its primary key (no foreign key: the audit
    # outlives what it records).
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.BigIntegerField(_("target id"), null=True, blank=True)
    # Facts needed to read the entry later; never free text a person typed, never a pupil's data.
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.outcome}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AuditLogAppendOnly(AUDIT_APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AuditLogAppendOnly(AUDIT_APPEND_ONLY)


class ApiToken(models.Model):
    """A key for the API, issued at the token endpoint (accounts.services.api_token_issue).
    Only its SHA-256 is stored (core.tokens.token_hash): a copy of the database opens nothing.
    It expires settings.API_TOKEN_DAYS after it was issued and is deleted when its owner's
    password changes or the account is deactivated (User.save)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"))
    expires = models.DateTimeField(_("expires"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "expires"], name="api_token_user_expires")]

    def __str__(self) -> str:
        return f"{self.user} ({self.created:%Y-%m-%d})"
