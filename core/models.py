"""Reference data every app shares (municipalities, sectors, clusters, STEM subjects, learning goals)
and the abstract bases the domains build on."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class MatchingRun(TimeStampedModel):
    """What every matching run holds besides its status and what it matches (adoption rounds,
    open days): progress and stage while it runs, the seed that breaks ties, timings, the report
    (the optimum beside a greedy baseline) and, if it failed, why."""

    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    seed = models.PositiveIntegerField(_("seed"), default=0, help_text=_("Breaks ties reproducibly."))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("started by")
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    solver_seconds = models.FloatField(_("solver time (s)"), null=True, blank=True)
    total_seconds = models.FloatField(_("total time (s)"), null=True, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class AddressMixin(models.Model):
    """A street address with optional coordinates, for places classes travel to or from."""

    ADDRESS_FIELDS = ("address", "postcode", "city", "latitude", "longitude")

    address = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("city"), max_length=100)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def full_address(self) -> str:
        return f"{self.address}, {self.postcode} {self.city}"


class BilingualNameMixin(models.Model):
    """A name in Danish and English; `name` answers in the active language."""

    name_da = models.CharField(_("name (Danish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "da").startswith("en") else self.name_da


class Municipality(models.Model):
    code = models.PositiveSmallIntegerField(_("municipality code"), primary_key=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    region = models.CharField(_("region"), max_length=100)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Sector(BilingualNameMixin):
    """One of the region's eight business strengths."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)

    class Meta:
        ordering = ["name_da"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")


class Cluster(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("sector"))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.name


class Subject(BilingualNameMixin):
    """A STEM subject of the Danish school (Fælles Mål)."""

    code = models.SlugField(_("code"), max_length=30, primary_key=True)

    class Meta:
        ordering = ["name_da"]
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")


class LearningGoal(models.Model):
    """A competence area of Fælles Mål (the national curriculum) for a STEM subject, the
    compulsory topic "Uddannelse og job" or the theme innovation and entrepreneurship: what an
    annual-plan activity says it serves."""

    subject_code = models.SlugField(_("subject code"), max_length=40)
    subject_da = models.CharField(_("subject (Danish)"), max_length=100)
    subject_en = models.CharField(_("subject (English)"), max_length=100)
    grade_min = models.PositiveSmallIntegerField(_("lowest grade"))
    grade_max = models.PositiveSmallIntegerField(_("highest grade"))
    area_da = models.CharField(_("competence area (Danish)"), max_length=200)
    area_en = models.CharField(_("competence area (English)"), max_length=200)

    class Meta:
        ordering = ["subject_da", "area_da"]
        verbose_name = _("learning goal")
        verbose_name_plural = _("learning goals")
        constraints = [
            models.UniqueConstraint(fields=["subject_code", "area_da"], name="unique_learning_goal"),
        ]

    def __str__(self) -> str:
        return f"{self.subject}: {self.area}"

    @property
    def subject(self) -> str:
        return self.subject_en if (get_language() or "da").startswith("en") else self.subject_da

    @property
    def area(self) -> str:
        return self.area_en if (get_language() or "da").startswith("en") else self.area_da

    def covers_grade(self, grade: int) -> bool:
        return self.grade_min <= grade <= self.grade_max


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key for one POST that created something, with the answer it got.
    Saved in the same transaction as what the request created, so a retry either finds both the
    key and the creation or neither; a retry with the same key gets this answer again instead of
    a second creation. Kept for a day (core.idempotency.KEY_LIFETIME), then deleted by a schedule."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    key = models.CharField(_("key"), max_length=255)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True)
    # The JSON text as first sent: a jsonb column would reorder its keys, and the replay is the same text.
    response_body = models.TextField(_("response body"), blank=True)
    response_location = models.CharField(_("response location"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique_per_user")]

    def __str__(self) -> str:
        return self.key
