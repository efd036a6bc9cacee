"""Open days on the IGEday model: a consultant's day with many host companies, pupils applying
one by one with ranked host preferences (a guardian confirms for those under 15), one matching
run that places applicants with hosts, publication with invites, then attendance, a short survey
and the erasure of the applicants' personal data.

An application holds the least that works (first name, age, grade, school, a contact e-mail, the
ranked preferences). Erasure blanks the personal fields and keeps what the anonymous counts need
(age, grade, the school's municipality, status, host, attendance, survey answers)."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from companies.models import Company, RoleModel
from core.models import AddressMixin, MatchingRun, Municipality, TimeStampedModel
from core.tokens import token_hash
from core.validators import validate_date_in_range
from schools.models import Grade, School

# Domain bounds, also within what each column stores.
MIN_AGE = 10
MAX_AGE = 25
DEFAULT_AGE_MIN = 13
DEFAULT_AGE_MAX = 19
GUARDIAN_CONSENT_BELOW_AGE = 15  # under 15, a guardian confirms (GDPR art. 8 as Denmark applies it)
MAX_PREFERENCES = 10
DEFAULT_PREFERENCES = 3
MAX_HOST_PLACES = 500
MAX_WEIGHT = 10  # a priority's bonus, in preference ranks it outweighs
MAX_RETENTION_DAYS = 3650
DEFAULT_RETENTION_DAYS = 90
MAX_FIRST_NAME = 50


class LinkPurpose(models.TextChoices):
    """Whose link: the applicant's (see, change, withdraw, accept an offer, answer the survey)
    or her guardian's (consent)."""

    APPLICANT = "applicant", _("Applicant")
    GUARDIAN = "guardian", _("Guardian")


class OpenDay(TimeStampedModel):
    """One open day: a date, an area, a target group, an application window, how many
    preferences an applicant gives, the priorities of the matching, and what happens after."""

    class Status(models.TextChoices):
        OPEN = "open", _("Taking hosts and applications")
        MATCHING = "matching", _("Matching")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class GenderFocus(models.TextChoices):
        EVERYONE = "", _("Everyone")
        GIRLS = "girls", _("Girls")
        BOYS = "boys", _("Boys")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    date = models.DateField(_("date"), validators=[validate_date_in_range])
    municipalities = models.ManyToManyField(
        Municipality, related_name="open_days", verbose_name=_("area (municipalities)")
    )
    age_min = models.PositiveSmallIntegerField(
        _("youngest age"), default=DEFAULT_AGE_MIN, validators=[MinValueValidator(MIN_AGE), MaxValueValidator(MAX_AGE)]
    )
    age_max = models.PositiveSmallIntegerField(
        _("oldest age"), default=DEFAULT_AGE_MAX, validators=[MinValueValidator(MIN_AGE), MaxValueValidator(MAX_AGE)]
    )
    grade_min = models.PositiveSmallIntegerField(_("lowest grade"), choices=Grade.choices, null=True, blank=True)
    grade_max = models.PositiveSmallIntegerField(_("highest grade"), choices=Grade.choices, null=True, blank=True)
    gender_focus = models.CharField(
        _("gender focus"), max_length=5, choices=GenderFocus.choices, default=GenderFocus.EVERYONE, blank=True
    )
    applications_open = models.DateTimeField(_("applications open"))
    applications_close = models.DateTimeField(_("applications close"))
    preferences = models.PositiveSmallIntegerField(
        _("preferences per applicant"),
        default=DEFAULT_PREFERENCES,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PREFERENCES)],
    )
    # Priorities: who is placed first when places are short. A weight is a bonus on all of an
    # applicant's arcs in preference ranks; it only chooses among equally many placements.
    outlying_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("outlying municipalities")
    )
    weight_first_time = models.PositiveSmallIntegerField(
        _("weight: first-time applicant"), default=1, validators=[MaxValueValidator(MAX_WEIGHT)]
    )
    weight_outlying = models.PositiveSmallIntegerField(
        _("weight: outlying municipality"), default=1, validators=[MaxValueValidator(MAX_WEIGHT)]
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed place"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    survey_closes = models.DateField(_("survey closes"), null=True, blank=True, validators=[validate_date_in_range])
    retention_days = models.PositiveSmallIntegerField(
        _("days personal data is kept after the survey closes"),
        default=DEFAULT_RETENTION_DAYS,
        validators=[MaxValueValidator(MAX_RETENTION_DAYS)],
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    surveys_sent_at = models.DateTimeField(_("survey links sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("open day")
        verbose_name_plural = _("open days")
        constraints = [
            models.CheckConstraint(condition=Q(age_min__lte=F("age_max")), name="openday_ages_ordered"),
            models.CheckConstraint(
                condition=Q(grade_min__isnull=True) | Q(grade_max__isnull=True) | Q(grade_min__lte=F("grade_max")),
                name="openday_grades_ordered",
            ),
            models.CheckConstraint(
                condition=Q(applications_open__lt=F("applications_close")), name="openday_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.date:%d.%m.%Y}"


class Host(AddressMixin, TimeStampedModel):
    """A company's registration as a host of an open day: how many pupils, when, where, what
    they do, whom they meet, and any age or safety limits."""

    open_day = models.ForeignKey(OpenDay, on_delete=models.CASCADE, related_name="hosts", verbose_name=_("open day"))
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="open_day_hosts", verbose_name=_("company")
    )
    places = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_HOST_PLACES)]
    )
    starts_at = models.TimeField(_("starts"))
    ends_at = models.TimeField(_("ends"))
    programme = models.TextField(_("programme"), max_length=5000)
    role_models = models.ManyToManyField(
        RoleModel, blank=True, related_name="open_day_hosts", verbose_name=_("role models the pupils meet")
    )
    role_models_text = models.TextField(
        _("role models (in words)"), blank=True, max_length=2000, help_text=_("Who the pupils meet, if not listed.")
    )
    age_min = models.PositiveSmallIntegerField(
        _("youngest age the host takes"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_AGE), MaxValueValidator(MAX_AGE)],
    )
    safety_notes = models.TextField(_("safety and practical notes"), blank=True, max_length=2000)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("registered by"),
    )

    class Meta:
        ordering = ["company__name"]
        verbose_name = _("open-day host")
        verbose_name_plural = _("open-day hosts")
        constraints = [
            models.UniqueConstraint(fields=["open_day", "company"], name="openday_host_once"),
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="openday_host_times_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.company} – {self.open_day}"


class Application(TimeStampedModel):
    """A pupil's application: the least that works, ranked host preferences, and what became of
    it. The pupil's link (and the guardian's, under 15) is the only way in without an account."""

    class Status(models.TextChoices):
        AWAITING_EMAIL = "awaiting_email", _("Awaiting e-mail confirmation")
        AWAITING_GUARDIAN = "awaiting_guardian", _("Awaiting a guardian's consent")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired unconfirmed")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not matched yet")
        PLACED = "placed", _("Placed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        OFFERED = "offered", _("Offered a freed place")
        # Off the waiting list: she said no to an offered place, or let its deadline pass.
        DECLINED = "declined", _("Declined an offered place")
        LAPSED = "lapsed", _("Did not answer an offer in time")

    open_day = models.ForeignKey(
        OpenDay, on_delete=models.CASCADE, related_name="applications", verbose_name=_("open day")
    )
    first_name = models.CharField(_("first name"), max_length=MAX_FIRST_NAME, blank=True)
    age = models.PositiveSmallIntegerField(
        _("age"), validators=[MinValueValidator(MIN_AGE), MaxValueValidator(MAX_AGE)]
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices, null=True, blank=True)
    school = models.ForeignKey(
        School, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("school")
    )
    # Kept after erasure for the anonymous counts per municipality.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("municipality")
    )
    email = models.EmailField(_("contact e-mail"), blank=True)
    guardian_email = models.EmailField(_("guardian's e-mail"), blank=True)
    first_time = models.BooleanField(_("first open day"), default=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by (teacher)"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_EMAIL)
    # A link's token is an HMAC of the row's nonce under SECRET_KEY (link_token): the outbox renders
    # the link when it delivers, and neither the outbox nor a copy of the database holds a token.
    link_nonce = models.CharField(_("link nonce"), max_length=32, blank=True)
    token_hash = models.CharField(_("applicant's link (SHA-256)"), max_length=64, blank=True, db_index=True)
    guardian_token_hash = models.CharField(_("guardian's link (SHA-256)"), max_length=64, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires unconfirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # What the published matching and the waiting list made of it.
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default="", blank=True)
    host = models.ForeignKey(
        Host, on_delete=models.SET_NULL, null=True, blank=True, related_name="participants", verbose_name=_("host")
    )
    preference_rank = models.PositiveSmallIntegerField(_("preference met"), null=True, blank=True)
    waitlist_position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("open-day application")
        verbose_name_plural = _("open-day applications")
        constraints = [
            # One application per e-mail and day while it counts; a teacher's applications
            # carry the teacher's e-mail and are told apart by name.
            models.UniqueConstraint(
                fields=["open_day", "email"],
                condition=Q(applied_by__isnull=True)
                & ~Q(email="")
                & Q(status__in=["awaiting_email", "awaiting_guardian", "confirmed"]),
                name="openday_one_application_per_email",
            ),
        ]
        indexes = [models.Index(fields=["open_day", "status"], name="openday_app_status")]

    def __str__(self) -> str:
        return f"{self.first_name or _('(erased)')} – {self.open_day}"

    @property
    def needs_guardian(self) -> bool:
        return self.age < GUARDIAN_CONSENT_BELOW_AGE

    def issue_links(self) -> None:
        """Give the application new links (the old ones stop working); save afterwards. Needs a pk."""
        self.link_nonce = secrets.token_hex(16)
        self.token_hash = token_hash(self.link_token(LinkPurpose.APPLICANT))
        self.guardian_token_hash = token_hash(self.link_token(LinkPurpose.GUARDIAN))

    def link_token(self, purpose: str) -> str:
        """The token in the applicant's or the guardian's link; "" once the links are revoked."""
        if not self.link_nonce:
            return ""
        return salted_hmac(f"opendays.{purpose}", f"{self.pk}:{self.link_nonce}", algorithm="sha256").hexdigest()


class Preference(models.Model):
    """One ranked host choice of an application (rank 1 is the first choice)."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="preferences", verbose_name=_("application")
    )
    host = models.ForeignKey(Host, on_delete=models.CASCADE, related_name="preferences", verbose_name=_("host"))
    rank = models.PositiveSmallIntegerField(
        _("rank"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PREFERENCES)]
    )

    class Meta:
        ordering = ["application", "rank"]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.UniqueConstraint(fields=["application", "rank"], name="openday_preference_rank_once"),
            models.UniqueConstraint(fields=["application", "host"], name="openday_preference_host_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}: {self.host_id}"


class MatchRun(MatchingRun):
    """One matching run of an open day: its progress, then the proposal and the report (the
    optimum beside a greedy baseline on the same input)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")

    open_day = models.ForeignKey(OpenDay, on_delete=models.CASCADE, related_name="runs", verbose_name=_("open day"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("open-day matching run")
        verbose_name_plural = _("open-day matching runs")

    def __str__(self) -> str:
        return f"{self.open_day} #{self.pk}"


class Placement(models.Model):
    """One applicant's outcome in a run: the host and the preference rank met, or (no host) why
    not. The consultant may move an applicant to another host, or take her out, with a reason."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="placements", verbose_name=_("run"))
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="placements", verbose_name=_("application")
    )
    host = models.ForeignKey(
        Host, on_delete=models.CASCADE, null=True, blank=True, related_name="placements", verbose_name=_("host")
    )
    preference_rank = models.PositiveSmallIntegerField(_("preference met"), null=True, blank=True)
    priority_bonus = models.PositiveSmallIntegerField(_("priority bonus"), default=0)
    priorities = models.JSONField(_("priorities"), default=list, blank=True)
    waitlist_order = models.PositiveIntegerField(_("waiting-list order"), null=True, blank=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    adjust_reason = models.CharField(_("reason for the change"), max_length=300, blank=True)

    class Meta:
        ordering = ["run", "application"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [models.UniqueConstraint(fields=["run", "application"], name="openday_placement_once")]

    def __str__(self) -> str:
        return f"{self.application_id} → {self.host_id or '-'}"


class SurveyResponse(TimeStampedModel):
    """A participant's or a host's answers after the day. A participant's row points at her
    application (which keeps no personal data after erasure); answers are scores 1–5."""

    class Respondent(models.TextChoices):
        PARTICIPANT = "participant", _("Participant")
        HOST = "host", _("Host")

    open_day = models.ForeignKey(
        OpenDay, on_delete=models.CASCADE, related_name="survey_responses", verbose_name=_("open day")
    )
    respondent = models.CharField(_("respondent"), max_length=12, choices=Respondent.choices)
    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="survey_response"
    )
    host = models.ForeignKey(Host, on_delete=models.CASCADE, null=True, blank=True, related_name="survey_responses")
    interest_before = models.PositiveSmallIntegerField(
        _("interest in a technical education before the day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    interest_after = models.PositiveSmallIntegerField(
        _("interest in a technical education after the day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating = models.PositiveSmallIntegerField(
        _("how the day went"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)

    class Meta:
        ordering = ["open_day", "created_at"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["host"], condition=Q(host__isnull=False), name="openday_host_survey_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_respondent_display()} – {self.open_day_id}"
