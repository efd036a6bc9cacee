from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import school_year_label
from core.models import AddressMixin, Municipality, TimeStampedModel
from core.validators import institution_number_validator

# The most pupils a class can have; a booking for a class brings at most this many.
MAX_CLASS_PUPILS = 60


class Grade(models.IntegerChoices):
    """Grade levels. Upper-secondary years follow on from the 10th grade so that a range
    such as 8–11 reads as "8th grade to first year of gymnasium"."""

    G0 = 0, _("0th grade")
    G1 = 1, _("1st grade")
    G2 = 2, _("2nd grade")
    G3 = 3, _("3rd grade")
    G4 = 4, _("4th grade")
    G5 = 5, _("5th grade")
    G6 = 6, _("6th grade")
    G7 = 7, _("7th grade")
    G8 = 8, _("8th grade")
    G9 = 9, _("9th grade")
    G10 = 10, _("10th grade")
    UPPER1 = 11, _("1st year upper secondary")
    UPPER2 = 12, _("2nd year upper secondary")
    UPPER3 = 13, _("3rd year upper secondary")


class School(AddressMixin, TimeStampedModel):
    class Kind(models.TextChoices):
        FOLKESKOLE = "folkeskole", _("Primary and lower secondary school (folkeskole)")
        GYMNASIUM = "gymnasium", _("Upper secondary school (gymnasium)")
        VOCATIONAL = "erhvervsskole", _("Vocational school (erhvervsskole)")
        TENTH_GRADE = "10-klasse", _("10th grade centre")

    name = models.CharField(_("name"), max_length=200)
    institution_number = models.CharField(
        _("institution number"), max_length=6, unique=True, validators=[institution_number_validator]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="schools", verbose_name=_("municipality")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name


class Teacher(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher", verbose_name=_("user")
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="teachers", verbose_name=_("school"))

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")

    def __str__(self) -> str:
        return f"{self.user} ({self.school})"


class SchoolClass(TimeStampedModel):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="classes", verbose_name=_("school"))
    name = models.CharField(_("name"), max_length=20, help_text=_('For example "8.B".'))
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    school_year = models.PositiveSmallIntegerField(
        _("school year"),
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_("The year the school year starts: 2026 means 2026/27."),
    )
    pupils = models.PositiveSmallIntegerField(
        _("number of pupils"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CLASS_PUPILS)]
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next",
        verbose_name=_("the same class last school year"),
        help_text=_("Links 9.B 2027/28 to 8.B 2026/27, so a class keeps its history across school years."),
    )

    class Meta:
        ordering = ["school__name", "-school_year", "grade", "name"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")
        constraints = [
            models.UniqueConstraint(fields=["school", "school_year", "name"], name="unique_class_per_school_year"),
            models.CheckConstraint(condition=models.Q(pupils__gte=1), name="class_has_pupils"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {school_year_label(self.school_year)} ({self.school})"

    @property
    def school_year_label(self) -> str:
        return school_year_label(self.school_year)
